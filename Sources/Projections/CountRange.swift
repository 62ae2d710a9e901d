import CanonicalJSON

/// An inclusive integer range (`{"low","high"}`).
public struct CountRange: Sendable, Hashable {
    /// Low end.
    public var low: Int64
    /// High end.
    public var high: Int64

    /// Reads `{"low","high"}`; nil when either is missing.
    ///
    /// - Parameter value: The JSON object.
    public init?(_ value: JSONValue?) {
        guard let low = value?["low"]?.integerValue, let high = value?["high"]?.integerValue else { return nil }
        self.low = low
        self.high = high
    }

    /// Creates a range.
    ///
    /// - Parameters:
    ///   - low: Low end.
    ///   - high: High end.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}
