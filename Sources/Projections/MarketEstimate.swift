/// A market demand estimate: units per period for a market and segment (`DemandEstimated`).
public struct MarketEstimate: Sendable, Equatable {
    /// The body and its source.
    public var record: SourcedData

    /// Geographic market, e.g. "Moscow and St Petersburg".
    public var market: String { record.string("market") ?? "" }
    /// Segment, e.g. "small buses".
    public var segment: String { record.string("segment") ?? "" }
    /// Rate basis: year, quarter or month.
    public var period: String { record.string("period") ?? "" }
    /// Units per period.
    public var range: CountRange? { CountRange(record.data) }
    /// What is counted, e.g. vehicles.
    public var unit: String { record.string("unit") ?? "" }
    /// The calendar period the estimate applies to, if stated.
    public var horizon: DatePeriod? { DatePeriod(record.data["horizon"]) }
    /// The estimating party.
    public var estimatedBy: String? { record.string("estimated_by") }
}
