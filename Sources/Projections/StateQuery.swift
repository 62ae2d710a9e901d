import LedgerStore

/// Which state to show: a point in transaction time, a point in valid time, and an aggregate.
///
/// Records are first cut in transaction time (`asOf`: `recorded_at` ≤ T, and/or `asOfSeq`:
/// seq ≤ N — what the ledger knew then), then in valid time among those (`validAt`:
/// `effective_at` ≤ T — what was true in the world then, as known at as-of). Points out of
/// range are errors, never silently clamped (see `StateSelector`).
public struct StateQuery: Sendable, Equatable {
    /// Transaction time: only records with `recorded_at` ≤ this.
    public var asOf: Timestamp?
    /// Transaction time as a position: only records with seq ≤ this.
    public var asOfSeq: UInt64?
    /// Valid time: among those, only records with `effective_at` ≤ this.
    public var validAt: Timestamp?
    /// Show only the aggregate this stream names (see `LedgerState.restricted(toStream:)`).
    public var stream: String?

    /// Creates a query; with no arguments, the latest state of the whole ledger.
    ///
    /// - Parameters:
    ///   - asOf: Transaction-time point.
    ///   - asOfSeq: Transaction-time point as a seq.
    ///   - validAt: Valid-time point.
    ///   - stream: The aggregate to show.
    public init(asOf: Timestamp? = nil, asOfSeq: UInt64? = nil, validAt: Timestamp? = nil, stream: String? = nil) {
        self.asOf = asOf
        self.asOfSeq = asOfSeq
        self.validAt = validAt
        self.stream = stream
    }
}
