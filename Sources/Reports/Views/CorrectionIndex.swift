import CanonicalJSON
import Projections

/// Which corrections applied to which events, and each corrected event's current data —
/// computed once from the folded events.
///
/// `LedgerState.item(eventID:)` and `isApplied(_:)` rebuild an id table from the whole state on
/// every call until the state has folded a correction, so looking up every event in view that
/// way is quadratic; reports need the answer for every event. The rules are the projection's:
/// a correction applies when its target was folded before it, still holds data (a correction that
/// leaves a negotiation event naming no negotiation drops it), and is not itself a correction; the
/// patches merge in seq order (RFC 7396).
struct CorrectionIndex: Sendable {
    /// One applied correction.
    struct Applied: Sendable {
        var correction: ProjectedEvent
        var changes: JSONValue
    }

    /// Applied corrections by the id of the event they corrected, in seq order.
    private(set) var patches: [String: [Applied]] = [:]
    /// The ids of the corrections that applied.
    private(set) var appliedIDs: Set<String> = []
    /// The corrected events as recorded, by id (only targets of some correction).
    private(set) var targets: [String: ProjectedEvent] = [:]

    /// An index with no corrections.
    init() {}

    /// Indexes the corrections among `events` (folded, in seq order).
    init(folded events: [ProjectedEvent]) {
        let corrections = events.filter { $0.type == "EventCorrected" }
        guard !corrections.isEmpty else { return }
        let wanted = Set(corrections.compactMap { $0.data["corrects"]?.stringValue })
        var found: [String: ProjectedEvent] = [:]
        for event in events where wanted.contains(event.id) && found[event.id] == nil { found[event.id] = event }
        targets = found
        var dropped: Set<String> = []
        for correction in corrections {
            guard let id = correction.data["corrects"]?.stringValue, let target = found[id], target.seq < correction.seq,
                target.type != "EventCorrected", !dropped.contains(id),
                AggregateKey.of(type: target.type, stream: target.stream, data: currentData(of: target)) != .other
            else { continue }
            let changes = correction.data["changes"] ?? .object([:])
            patches[id, default: []].append(Applied(correction: correction, changes: changes))
            appliedIDs.insert(correction.id)
            if AggregateKey.of(type: target.type, stream: target.stream, data: currentData(of: target)) == .other {
                dropped.insert(id)
            }
        }
    }

    /// The event's data with every applied correction merged in.
    func currentData(of event: ProjectedEvent) -> JSONValue {
        guard !patches.isEmpty, let applied = patches[event.id] else { return event.data }
        return applied.reduce(event.data) { $0.mergePatched(with: $1.changes) }
    }

    /// The event's data just before, and just after, the correction `correctionID` applied.
    func dataAround(correction correctionID: String, of target: ProjectedEvent) -> (before: JSONValue, after: JSONValue)? {
        guard let applied = patches[target.id], applied.contains(where: { $0.correction.id == correctionID }) else { return nil }
        var before = target.data
        for patch in applied {
            if patch.correction.id == correctionID { return (before, before.mergePatched(with: patch.changes)) }
            before = before.mergePatched(with: patch.changes)
        }
        return nil
    }

    /// Whether the correction with this id applied.
    func isApplied(_ correctionID: String) -> Bool { appliedIDs.contains(correctionID) }
}
