/// The contradictions among the statements on one topic of a negotiation.
public struct TopicContradictions: Sendable, Equatable {
    /// The subject (or `claim: <normalised claim>` for statements without one).
    public var topic: String
    /// How many statements share the topic.
    public var statementCount: Int
    /// Disagreeing pairs among statements not retracted.
    public var openPairs: Int
    /// Disagreeing pairs that involve a retracted statement.
    public var resolvedPairs: Int
    /// Some of the pairs (open ones first), at most `ContradictionDetector.listLimit`.
    public var listed: [Contradiction]
}
