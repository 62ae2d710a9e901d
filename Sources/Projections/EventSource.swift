import CanonicalJSON
import LedgerStore

/// Where a projected item came from: its record's envelope and provenance.
///
/// Every item in the state keeps one, so a report can always say who said it, via whom,
/// when it was true and when the ledger learned it.
public struct EventSource: Sendable, Equatable {
    /// Global position of the record.
    public var seq: UInt64
    /// The event id.
    public var id: String
    /// The record's stream.
    public var stream: String
    /// The event type.
    public var type: String
    /// Transaction time.
    public var recordedAt: Timestamp
    /// `recorded_at` as recorded.
    public var recordedAtText: String
    /// Valid time.
    public var effectiveAt: Timestamp
    /// `effective_at` as recorded.
    public var effectiveAtText: String
    /// The record's provenance block.
    public var meta: JSONValue

    /// The source of `event`.
    ///
    /// - Parameter event: The event.
    public init(_ event: ProjectedEvent) {
        seq = event.seq
        id = event.id
        stream = event.stream
        type = event.type
        recordedAt = event.recordedAt
        recordedAtText = event.recordedAtText
        effectiveAt = event.effectiveAt
        effectiveAtText = event.effectiveAtText
        meta = event.meta
    }

    /// The provenance fields of `meta`, typed.
    public var provenance: Provenance { Provenance(meta: meta) }

    /// Orders sources in valid time, ties broken by seq (the order every timeline keeps).
    func precedes(_ other: EventSource) -> Bool {
        effectiveAt != other.effectiveAt ? effectiveAt < other.effectiveAt : seq < other.seq
    }
}
