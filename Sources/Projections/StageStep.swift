/// One step of a negotiation's stage history: the opening (exploratory) or a stage change.
public struct StageStep: Sendable, Equatable {
    /// The stage entered.
    public var stage: String
    /// The stage left (nil for the opening).
    public var previousStage: String?
    /// The `NegotiationOpened` or `NegotiationStageChanged` body.
    public var record: SourcedData
    /// Whether the move is legal (see `NegotiationStage`); the opening always is.
    public var isLegal: Bool
    /// `previous_stage` as the writer gave it, when it does not match `previousStage`.
    public var mismatchedPreviousStage: String?

    /// Why the stage changed, if given.
    public var reason: String? { record.string("reason") }
    /// Whether this step is the opening rather than a change.
    public var isOpening: Bool { record.source.type == "NegotiationOpened" }
}
