/// The projected state of a ledger: parties, negotiations and financial facts, plus every
/// correction and the semantic findings.
///
/// `apply(_:)` is a pure fold step over events in seq order: the same events give the same
/// state whether folded at once or one append at a time. Corrections never erase: an
/// `EventCorrected` merges its patch into the corrected item's data, which keeps its original
/// and the correction note; a `ClaimRetracted` marks its statement retracted, which stays listed.
/// Problems (unknown parties, illegal stage moves, corrections of unknown events, ...) are
/// collected in `findings`, never thrown.
public struct LedgerState: Sendable, Equatable {
    /// Parties, their people and ownership.
    public internal(set) var parties = PartiesState()
    /// Negotiations by id.
    public internal(set) var negotiations = NegotiationsState()
    /// Financial facts by party, metric and period.
    public internal(set) var financials = FinancialsState()
    /// Every `EventCorrected` folded, in seq order (applied or not; see `findings`).
    public internal(set) var corrections: [CorrectionNote] = []
    /// How many events were folded.
    public internal(set) var eventCount = 0
    /// The highest seq folded (0 for none).
    public internal(set) var lastSeq: UInt64 = 0

    /// Findings noticed while folding (the rest are derived in `findings`).
    var recordedFindings: [Finding] = []
    /// Where each folded event's data is held, by event id (built on the first correction).
    var locations = LocationIndex()
    /// Shares recurring strings and provenance blocks (memory only).
    var interner = ValueInterner()
    /// The ids of the corrections folded.
    var correctionIDs: Set<String> = []
    /// For a restricted view: the findings of the whole state about the view's stream.
    var fixedFindings: [Finding]?

    /// An empty state.
    public init() {}

    /// An empty state that shares recurring values among its items, or not.
    ///
    /// Sharing costs a hash of every event's provenance block and saves about a fifth of the
    /// memory of a big state; a fold of a few thousand events (one negotiation's view) is faster
    /// without it.
    ///
    /// - Parameter sharingValues: Whether to share (as `init()` does).
    package init(sharingValues: Bool) {
        interner = ValueInterner(sharing: sharingValues)
    }

    /// Folds `events` (in seq order) into an empty state.
    ///
    /// - Parameter events: The events.
    public init(folding events: some Sequence<ProjectedEvent>) {
        for event in events { apply(event) }
    }

    /// Folds one event.
    ///
    /// - Parameter event: The next event in seq order.
    public mutating func apply(_ event: ProjectedEvent) {
        eventCount += 1
        lastSeq = max(lastSeq, event.seq)
        if event.type == "EventCorrected" {
            applyCorrection(CorrectionNote(event))
        } else {
            var item = SourcedData(event)
            item.source = interner.share(item.source)
            place(item)
        }
    }

    /// The data of the event `id` as currently held (corrections merged), if held.
    ///
    /// - Parameter id: An event id.
    /// - Returns: The item.
    public func item(eventID id: String) -> SourcedData? {
        guard let location = locations.table.map({ $0[id] }) ?? scanLocations()[id] else { return nil }
        switch location.slot {
        case .registration, .role, .ownership:
            return parties.item(at: location.slot, seq: location.seq, effectiveAt: location.effectiveAt)
        case .financial:
            return financials.item(at: location.slot, seq: location.seq, effectiveAt: location.effectiveAt)
        case .negotiation:
            return negotiations.item(at: location.slot, seq: location.seq, effectiveAt: location.effectiveAt)
        }
    }

    /// Whether the correction `note` found its target.
    ///
    /// - Parameter note: A correction from `corrections`.
    public func isApplied(_ note: CorrectionNote) -> Bool {
        item(eventID: note.corrects)?.corrections.contains { $0.source.id == note.source.id } ?? false
    }

    private mutating func place(_ item: SourcedData) {
        let slot: ItemLocation.Slot
        if let placed = parties.insert(item) {
            slot = placed
        } else if let placed = financials.insert(item) {
            slot = placed
        } else if let placed = negotiations.insert(item) {
            guard case .success(let placed) = placed else {
                recordedFindings.append(
                    Finding(
                        .missingNegotiation, item.source,
                        "\(item.source.type) names no negotiation: give data.negotiation_id or use a negotiation/<id> stream"))
                return
            }
            slot = placed
        } else {
            recordedFindings.append(
                Finding(.unknownEventType, item.source, "event type \(item.source.type) is not in the catalogue; not projected"))
            return
        }
        locations.table?[item.source.id] = ItemLocation(slot: slot, seq: item.source.seq, effectiveAt: item.source.effectiveAt)
    }

    private mutating func remove(_ location: ItemLocation) -> SourcedData? {
        switch location.slot {
        case .registration, .role, .ownership:
            return parties.remove(at: location.slot, seq: location.seq, effectiveAt: location.effectiveAt)
        case .financial:
            return financials.remove(at: location.slot, seq: location.seq, effectiveAt: location.effectiveAt)
        case .negotiation:
            return negotiations.remove(at: location.slot, seq: location.seq, effectiveAt: location.effectiveAt)
        }
    }

    private mutating func applyCorrection(_ note: CorrectionNote) {
        corrections.append(note)
        correctionIDs.insert(note.source.id)
        if correctionIDs.contains(note.corrects) {
            recordedFindings.append(
                Finding(
                    .unsupportedCorrection, note.source,
                    "corrects \(note.corrects), which is itself a correction; correct the original event instead (not applied)"))
            return
        }
        if locations.table == nil { locations.table = scanLocations() }
        guard let location = locations.table?[note.corrects], var item = remove(location) else {
            recordedFindings.append(
                Finding(
                    .unknownCorrectionTarget, note.source,
                    "corrects \(note.corrects), which is not an event known at this point (not applied)"))
            return
        }
        item.apply(note)
        locations.table?[note.corrects] = nil
        place(item)
    }

    /// Where every held item is, found by walking the collections.
    func scanLocations() -> [String: ItemLocation] {
        var table: [String: ItemLocation] = [:]
        func add(_ timeline: Timeline, _ slot: ItemLocation.Slot) {
            for item in timeline {
                table[item.source.id] = ItemLocation(slot: slot, seq: item.source.seq, effectiveAt: item.source.effectiveAt)
            }
        }
        for (party, timeline) in parties.registrations { add(timeline, .registration(party: party)) }
        for (party, timeline) in parties.roles { add(timeline, .role(party: party)) }
        for (owned, timeline) in parties.ownerships { add(timeline, .ownership(owned: owned)) }
        for (key, timeline) in financials.reports { add(timeline, .financial(key)) }
        for (id, negotiation) in negotiations.byID {
            add(negotiation.openings, .negotiation(id, .opening))
            add(negotiation.stageChanges, .negotiation(id, .stage))
            add(negotiation.scopeProposals, .negotiation(id, .scope))
            for (term, timeline) in negotiation.termProposals { add(timeline, .negotiation(id, .termProposal(term))) }
            for (term, timeline) in negotiation.termAgreements { add(timeline, .negotiation(id, .termAgreement(term))) }
            for (plan, timeline) in negotiation.planEvents { add(timeline, .negotiation(id, .plan(plan))) }
            add(negotiation.statementTimeline, .negotiation(id, .statement))
            for (target, timeline) in negotiation.retractions { add(timeline, .negotiation(id, .retraction(target: target))) }
            add(negotiation.estimateTimeline, .negotiation(id, .estimate))
            add(negotiation.priceTimeline, .negotiation(id, .price))
        }
        return table
    }
}
