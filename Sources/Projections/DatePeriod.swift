import CanonicalJSON

/// A closed calendar period, both days inclusive (`{"from","to"}`, `YYYY-MM-DD`).
public struct DatePeriod: Sendable, Hashable, Comparable {
    /// First day.
    public var from: String
    /// Last day (inclusive).
    public var to: String

    /// Creates a period.
    ///
    /// - Parameters:
    ///   - from: First day.
    ///   - to: Last day.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// Reads `{"from","to"}`; nil when either is missing.
    ///
    /// - Parameter value: The JSON object.
    public init?(_ value: JSONValue?) {
        guard let from = value?["from"]?.stringValue, let to = value?["to"]?.stringValue else { return nil }
        self.init(from: from, to: to)
    }

    public static func < (lhs: DatePeriod, rhs: DatePeriod) -> Bool {
        lhs.from != rhs.from ? lhs.from < rhs.from : lhs.to < rhs.to
    }
}
