import Projections

/// The streaming semantic pass of an audit: the findings of the projections
/// (`Projections.Finding.Kind`) that need no folded state, found in bounded memory.
///
/// It follows the projections' rules — parties and negotiations count as known when they are
/// registered or opened anywhere in the ledger; stage moves are checked in valid-time order
/// with `NegotiationStage.isLegal` — but it does not apply corrections to the data it checks,
/// and it does not look for contradictions; `parley audit --projections` folds the full state
/// for that.
struct SemanticPass {
    /// A semantic finding: its kind (a `Projections.Finding.Kind` raw value), record and message.
    struct Found {
        var kind: String
        var seq: UInt64
        var message: String
    }

    private struct Negotiation {
        var openedAt: UInt64?
        var firstSeen: UInt64
        var changes: [(time: Int64, seq: UInt64, stage: String, declared: String?)] = []
    }

    private var parties = Set<String>()
    private var partyReferences: [(party: String, field: String, seq: UInt64)] = []
    private var negotiations: [String: Negotiation] = [:]
    private var statements: [EventKey: String] = [:]
    private var corrections = Set<EventKey>()
    private var correctionTargets: [(target: String, seq: UInt64)] = []
    private var retractions: [(target: String, statementID: String?, seq: UInt64)] = []
    private(set) var found: [Found] = []

    /// Takes in one record's references.
    mutating func apply(_ refs: ArraySlice<SemanticRef>, seq: UInt64, id: EventKey?) {
        for ref in refs {
            switch ref.role {
            case .registersParty:
                parties.insert(ref.value)
            case .party:
                if !parties.contains(ref.value) { partyReferences.append((ref.value, ref.field, seq)) }
            case .opensNegotiation:
                if let opened = negotiations[ref.value]?.openedAt {
                    found.append(
                        Found(
                            kind: Finding.Kind.duplicateOpening.rawValue, seq: seq,
                            message:
                                "negotiation \(ref.value) is opened a second time (first at seq \(opened)); the first opening stands"
                        ))
                } else {
                    negotiations[ref.value, default: Negotiation(firstSeen: seq)].openedAt = seq
                }
            case .negotiation:
                if negotiations[ref.value] == nil { negotiations[ref.value] = Negotiation(firstSeen: seq) }
            case .missingNegotiation:
                found.append(
                    Found(
                        kind: Finding.Kind.missingNegotiation.rawValue, seq: seq,
                        message: "\(ref.value) names no negotiation (no negotiation_id, stream is not negotiation/<id>)"))
            case .stage:
                // The negotiation ref of the same record came first and created the entry.
                if let key = refs.first(where: { $0.role == .negotiation })?.value {
                    negotiations[key]?.changes.append((ref.time, seq, ref.value, ref.extra))
                }
            case .corrects:
                correctionTargets.append((ref.value, seq))
                if let id { corrections.insert(id) }
            case .retracts:
                retractions.append((ref.value, ref.extra, seq))
            case .statement:
                if let id { statements[id] = ref.value }
            }
        }
    }

    /// The findings that need the whole ledger, once every record is in.
    ///
    /// - Parameter isKnownEvent: Whether an event id is in the ledger.
    mutating func finish(isKnownEvent: (EventKey) -> Bool) {
        for reference in partyReferences where !parties.contains(reference.party) {
            found.append(
                Found(
                    kind: Finding.Kind.unknownParty.rawValue, seq: reference.seq,
                    message: "\(reference.field) \(reference.party) is not a registered party"))
        }
        for (id, negotiation) in negotiations {
            if negotiation.openedAt == nil {
                found.append(
                    Found(
                        kind: Finding.Kind.unknownNegotiation.rawValue, seq: negotiation.firstSeen,
                        message: "negotiation \(id) was never opened (no NegotiationOpened)"))
            }
            var current: String? = negotiation.openedAt == nil ? nil : "exploratory"
            for change in negotiation.changes.sorted(by: { ($0.time, $0.seq) < ($1.time, $1.seq) }) {
                let legal =
                    NegotiationStage(rawValue: change.stage).map {
                        NegotiationStage.isLegal(from: current.flatMap(NegotiationStage.init(rawValue:)), to: $0)
                    } ?? false
                if !legal {
                    found.append(
                        Found(
                            kind: Finding.Kind.illegalStageTransition.rawValue, seq: change.seq,
                            message: "stage change \(current ?? "(not opened)") → \(change.stage) is not allowed in \(id)"))
                }
                if let declared = change.declared, declared != current {
                    found.append(
                        Found(
                            kind: Finding.Kind.previousStageMismatch.rawValue, seq: change.seq,
                            message: "previous_stage is \(declared) but \(id) was at \(current ?? "(not opened)")"))
                }
                current = change.stage
            }
        }
        for correction in correctionTargets {
            let key = Self.key(correction.target)
            if let key, corrections.contains(key) {
                found.append(
                    Found(
                        kind: Finding.Kind.unsupportedCorrection.rawValue, seq: correction.seq,
                        message: "EventCorrected aims at \(correction.target), itself a correction"))
            } else if key.map(isKnownEvent) != true {
                found.append(
                    Found(
                        kind: Finding.Kind.unknownCorrectionTarget.rawValue, seq: correction.seq,
                        message: "EventCorrected aims at \(correction.target), which is not an event of this ledger"))
            }
        }
        for retraction in retractions {
            guard let key = Self.key(retraction.target), let statementID = statements[key] else {
                found.append(
                    Found(
                        kind: Finding.Kind.unknownRetractionTarget.rawValue, seq: retraction.seq,
                        message: "ClaimRetracted aims at \(retraction.target), which is not a StatementReported of this ledger"))
                continue
            }
            if let named = retraction.statementID, named != statementID {
                found.append(
                    Found(
                        kind: Finding.Kind.retractionMismatch.rawValue, seq: retraction.seq,
                        message: "ClaimRetracted names statement \(named) but \(retraction.target) is statement \(statementID)"))
            }
        }
        found.sort { ($0.seq, $0.kind) < ($1.seq, $1.kind) }
    }

    private static func key(_ id: String) -> EventKey? {
        var text = id
        return text.withUTF8 { ByteFields.uuid(UnsafeRawBufferPointer($0)) }.map { EventKey(high: $0.0, low: $0.1) }
    }
}
