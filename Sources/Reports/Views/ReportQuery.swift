import LedgerStore

/// Which view of a ledger to build: a point in transaction time, a point in valid time, and one
/// negotiation or all of them.
///
/// Records are first cut in transaction time (`asOf`: `recorded_at` ≤ T, `asOfSeq`: seq ≤ N —
/// what the ledger knew then), then in valid time (`validAt`: `effective_at` ≤ T — what was true
/// in the world then, as known at the as-of point). Points out of range are errors, never clamped.
public struct ReportQuery: Sendable, Equatable {
    /// Transaction time: only records with `recorded_at` ≤ this.
    public var asOf: Timestamp?
    /// Transaction time as a position: only records with seq ≤ this.
    public var asOfSeq: UInt64?
    /// Valid time: among those, only records with `effective_at` ≤ this.
    public var validAt: Timestamp?
    /// Show only this negotiation, its parties and their financial facts.
    public var negotiation: String?
    /// Whether to start from a trusted snapshot (the output is the same either way).
    public var useSnapshots: Bool

    /// Creates a query; with no arguments, the latest state of the whole ledger.
    ///
    /// - Parameters:
    ///   - asOf: Transaction-time point.
    ///   - asOfSeq: Transaction-time point as a seq.
    ///   - validAt: Valid-time point.
    ///   - negotiation: The negotiation to show (all when nil).
    ///   - useSnapshots: Whether snapshots may be used.
    public init(
        asOf: Timestamp? = nil, asOfSeq: UInt64? = nil, validAt: Timestamp? = nil, negotiation: String? = nil,
        useSnapshots: Bool = true
    ) {
        self.asOf = asOf
        self.asOfSeq = asOfSeq
        self.validAt = validAt
        self.negotiation = negotiation
        self.useSnapshots = useSnapshots
    }
}
