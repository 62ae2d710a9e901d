/// What a financial fact is about: party, metric and period.
public struct FinancialKey: Sendable, Hashable, Comparable {
    /// The party.
    public var party: String
    /// The metric, e.g. `revenue`, `units-sold`.
    public var metric: String
    /// The period covered.
    public var period: DatePeriod

    /// Creates a key.
    ///
    /// - Parameters:
    ///   - party: The party.
    ///   - metric: The metric.
    ///   - period: The period covered.
    public init(party: String, metric: String, period: DatePeriod) {
        self.party = party
        self.metric = metric
        self.period = period
    }

    /// The key of a `FinancialFactReported` body.
    init(_ item: SourcedData) {
        party = item.string("party") ?? ""
        metric = item.string("metric") ?? ""
        period = DatePeriod(item.data["period"]) ?? DatePeriod(from: "", to: "")
    }

    public static func < (lhs: FinancialKey, rhs: FinancialKey) -> Bool {
        if lhs.party != rhs.party { return lhs.party < rhs.party }
        if lhs.period != rhs.period { return lhs.period < rhs.period }
        return lhs.metric < rhs.metric
    }
}
