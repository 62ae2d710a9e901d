/// A semantic problem the projection noticed: the state is still built, and the audit tool
/// prints these.
public struct Finding: Sendable, Hashable {
    /// What kind of problem.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A party id that no `PartyRegistered` introduced.
        case unknownParty = "unknown-party"
        /// An event for a negotiation that no `NegotiationOpened` opened.
        case unknownNegotiation = "unknown-negotiation"
        /// A negotiation-scoped event with no `negotiation_id` and no `negotiation/<id>` stream.
        case missingNegotiation = "missing-negotiation"
        /// A second `NegotiationOpened` for the same negotiation.
        case duplicateOpening = "duplicate-opening"
        /// A stage change the stage machine does not allow.
        case illegalStageTransition = "illegal-stage-transition"
        /// `previous_stage` names a stage other than the current one.
        case previousStageMismatch = "previous-stage-mismatch"
        /// An `EventCorrected` aimed at an event the state does not hold.
        case unknownCorrectionTarget = "unknown-correction-target"
        /// An `EventCorrected` aimed at another correction (not applied).
        case unsupportedCorrection = "unsupported-correction"
        /// A `ClaimRetracted` aimed at an event that is not a statement of its negotiation.
        case unknownRetractionTarget = "unknown-retraction-target"
        /// A `ClaimRetracted` whose `statement_id` does not match the retracted statement.
        case retractionMismatch = "retraction-mismatch"
        /// An `AssemblyPlanRevised` for a plan never drafted (as of its valid time).
        case unknownPlan = "unknown-plan"
        /// A `TermAgreed` for a term never proposed.
        case unknownTerm = "unknown-term"
        /// An event type the projection does not know.
        case unknownEventType = "unknown-event-type"
        /// Two statements on one subject that disagree (see `ContradictionDetector`).
        case contradiction = "contradiction"
    }

    /// What kind of problem.
    public var kind: Kind
    /// The record the finding is about.
    public var seq: UInt64
    /// That record's event id.
    public var eventID: String
    /// That record's stream.
    public var stream: String
    /// A sentence a person can act on.
    public var message: String

    /// Creates a finding about the record `source`.
    ///
    /// - Parameters:
    ///   - kind: What kind of problem.
    ///   - source: The record it is about.
    ///   - message: The explanation.
    init(_ kind: Kind, _ source: EventSource, _ message: String) {
        self.kind = kind
        seq = source.seq
        eventID = source.id
        stream = source.stream
        self.message = message
    }
}
