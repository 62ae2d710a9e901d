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

    /// Describes a selection.
    ///
    /// - Parameters:
    ///   - query: The query.
    ///   - knownRecords: Records within the transaction-time cut.
    ///   - foldedRecords: Of those, the records folded.
    ///   - throughSeq: The seq of the last record known.
    ///   - throughRecordedAt: That record's `recorded_at`.
    ///   - ledgerID: The ledger id, if read from a ledger.
    public init(
        query: StateQuery, knownRecords: Int, foldedRecords: Int, throughSeq: UInt64, throughRecordedAt: String?,
        ledgerID: String?
    ) {
        self.query = query
        self.knownRecords = knownRecords
        self.foldedRecords = foldedRecords
        self.throughSeq = throughSeq
        self.throughRecordedAt = throughRecordedAt
        self.ledgerID = ledgerID
    }
}
