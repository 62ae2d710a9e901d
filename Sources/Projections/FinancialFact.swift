/// A financial fact about a party for a period (a view of `FinancialsState`).
public struct FinancialFact: Sendable, Equatable {
    /// A count (`{"count": N}`) or money (`{"amount","currency"}`).
    public enum Value: Sendable, Equatable {
        /// A count, e.g. vehicles sold.
        case count(Int64)
        /// A money amount.
        case money(Money)
        /// Neither form (a malformed or corrected-away value).
        case missing
    }

    /// Party, metric and period.
    public var key: FinancialKey
    /// The latest report (in valid time, then seq).
    public var record: SourcedData
    /// Earlier reports for the same key, oldest first.
    public var earlier: [SourcedData]

    /// The reported value.
    public var value: Value {
        if let count = record.data["value"]?["count"]?.integerValue { return .count(count) }
        if let money = Money(record.data["value"]) { return .money(money) }
        return .missing
    }
    /// What a count counts, e.g. `vehicles`.
    public var unit: String? { record.string("unit") }
    /// Free-text note.
    public var note: String? { record.string("note") }
    /// Whether an earlier report for the same key gave a different value.
    public var hasDifferingReports: Bool { earlier.contains { $0.data["value"] != record.data["value"] } }
}
