import CanonicalJSON

/// Turns event bodies written under an older schema version into the latest version's shape.
///
/// Records keep the schema version they were written with; projections read them through
/// `Upcasters.upcast` so that they only ever see the latest shape.
public enum Upcasters {
    /// Upcasts `data` of an event of `type` written with `schema` to the latest version.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - schema: The schema version the record names.
    ///   - data: The record's body.
    /// - Returns: The latest schema version and the body in its shape (unchanged when already latest).
    public static func upcast(type: String, schema: Int64, data: JSONValue) -> (schema: Int64, data: JSONValue) {
        var version = schema
        var body = data
        while let step = steps[type]?[version] {
            body = step(body)
            version += 1
        }
        return (version, body)
    }

    /// One step per (type, from-version).
    private static let steps: [String: [Int64: @Sendable (JSONValue) -> JSONValue]] = [
        "RoleAssigned": [1: roleAssignedV1toV2]
    ]

    /// RoleAssigned v1 → v2: `person` was a name string; it becomes `{"name": …}`.
    private static func roleAssignedV1toV2(_ data: JSONValue) -> JSONValue {
        guard var members = data.objectValue else { return data }
        if case .string(let name) = members["person"] {
            members["person"] = .object(["name": .string(name)])
        }
        return .object(members)
    }
}
