import CanonicalJSON

/// A group of vehicle models of one category (`{"category","models","model_names"?}`).
public struct ProductGroup: Sendable, Hashable {
    /// truck, bus, van, chassis, car, engine, component or other.
    public var category: String
    /// Number of distinct models.
    public var models: Int64
    /// Model names, when known.
    public var modelNames: [String]

    /// Reads the groups of a JSON array; malformed entries are skipped.
    ///
    /// - Parameter value: The array.
    /// - Returns: The groups.
    static func list(_ value: JSONValue?) -> [ProductGroup] {
        (value?.arrayValue ?? []).compactMap { item in
            guard let category = item["category"]?.stringValue, let models = item["models"]?.integerValue else {
                return nil
            }
            let names = (item["model_names"]?.arrayValue ?? []).compactMap(\.stringValue)
            return ProductGroup(category: category, models: models, modelNames: names)
        }
    }
}
