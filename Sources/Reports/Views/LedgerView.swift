import LedgerStore
import Projections

/// The projected state of a ledger at a point in time, with what it was derived from.
///
/// Everything a report prints comes from here, so the same query on the same ledger gives the
/// same view whether or not a snapshot was used (`snapshotSeq` is for diagnostics only).
public struct LedgerView: Sendable {
    /// The query.
    public var query: ReportQuery
    /// The ledger's id.
    public var ledgerID: String
    /// The ledger's checkpoint origin.
    public var origin: String
    /// The last record known at the transaction-time point: the view is derived from records
    /// 1…`throughSeq` (0 for an empty ledger).
    public var throughSeq: UInt64
    /// `recorded_at` of that record.
    public var throughRecordedAt: String?
    /// The RFC 6962 root of records 1…`throughSeq` (hex).
    public var root: String
    /// The projected state (restricted to the negotiation, if one was asked for).
    public var state: LedgerState
    /// The events in view that were folded (within the valid-time cut), in seq order.
    public var events: [ProjectedEvent]
    /// The events in view known at the transaction-time point (before the valid-time cut).
    public var knownEventCount: Int
    /// The snapshot the view was started from (0: folded from the first record).
    public var snapshotSeq: UInt64
    /// Warnings about snapshots that were ignored.
    public var warnings: [String]
    /// The corrections that applied among the folded events (before the view was restricted).
    var corrections = CorrectionIndex()
    /// The names of every party registered at the point (also those outside the view).
    var names = PartyNames()
}
