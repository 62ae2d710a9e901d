import CanonicalJSON

/// An event body as the state holds it: the current (corrected) data, its source, and — once
/// corrected — the original data and every correction, so nothing is ever erased.
public struct SourcedData: Sendable, Equatable {
    /// The record the data came from.
    public var source: EventSource
    /// The body, with every applied correction merged in.
    public internal(set) var data: JSONValue
    /// The body as originally recorded; nil until a correction applies.
    public internal(set) var original: JSONValue?
    /// The corrections applied, in seq order.
    public internal(set) var corrections: [CorrectionNote]

    /// Wraps an event's body.
    ///
    /// - Parameter event: The event.
    public init(_ event: ProjectedEvent) {
        source = EventSource(event)
        data = event.data
        original = nil
        corrections = []
    }

    /// Whether a correction changed this body.
    public var isCorrected: Bool { !corrections.isEmpty }

    /// The string member `key` of the body.
    public func string(_ key: String) -> String? { data[key]?.stringValue }

    /// The integer member `key` of the body.
    public func integer(_ key: String) -> Int64? { data[key]?.integerValue }

    /// Merges a correction's patch into the body (RFC 7396), keeping the original.
    mutating func apply(_ note: CorrectionNote) {
        if original == nil { original = data }
        data = data.mergePatched(with: note.changes)
        corrections.append(note)
    }
}
