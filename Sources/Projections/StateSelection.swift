/// What a query selected: how many records were known at the transaction-time point, how many
/// of those were folded after the valid-time cut, and the last record known.
public struct StateSelection: Sendable, Equatable {
    /// The query.
    public var query: StateQuery
    /// Records within the transaction-time cut.
    public var knownRecords: Int
    /// Of those, the records folded (within the valid-time cut).
    public var foldedRecords: Int
    /// The seq of the last record known (0 for an empty ledger).
    public var throughSeq: UInt64
    /// That record's `recorded_at`.
    public var throughRecordedAt: String?
    /// The ledger id, when read from a ledger.
    public var ledgerID: String?
}
