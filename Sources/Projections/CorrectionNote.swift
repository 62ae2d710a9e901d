import CanonicalJSON

/// One `EventCorrected` as applied to (or aimed at) an earlier event.
public struct CorrectionNote: Sendable, Equatable {
    /// The `EventCorrected` record.
    public var source: EventSource
    /// The id of the corrected event.
    public var corrects: String
    /// The JSON merge patch (RFC 7396) applied to the corrected event's data.
    public var changes: JSONValue
    /// Why the correction was needed.
    public var reason: String

    /// Reads a correction from its event.
    ///
    /// - Parameter event: An `EventCorrected` event.
    init(_ event: ProjectedEvent) {
        source = EventSource(event)
        corrects = event.data["corrects"]?.stringValue ?? ""
        changes = event.data["changes"] ?? .object([:])
        reason = event.data["reason"]?.stringValue ?? ""
    }
}
