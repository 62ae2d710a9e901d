/// Two statements in one negotiation, on one topic, that disagree (see `ContradictionDetector`).
public struct Contradiction: Sendable, Equatable {
    /// Why the two disagree.
    public enum Reason: String, Sendable {
        /// One confirms while the other denies or qualifies.
        case opposingStances = "opposing-stances"
        /// Both confirm, but they speak for different parties and claim different things.
        case differingClaims = "differing-claims"
    }

    /// The topic: the statements' subject (or normalised claim).
    public var topic: String
    /// Why they disagree.
    public var reason: Reason
    /// The earlier statement (valid time, then seq).
    public var first: Statement
    /// The later statement.
    public var second: Statement

    /// Whether neither statement is retracted; a retraction resolves the contradiction, which
    /// stays listed as resolved.
    public var isOpen: Bool { !first.isRetracted && !second.isRetracted }

    /// One line saying who disagrees with whom.
    public var explanation: String {
        switch reason {
        case .opposingStances:
            return "\(first.speaker) \(first.stance); \(second.speaker) \(second.stance)"
        case .differingClaims:
            return
                "both confirm, but for different parties (\(first.side ?? "?") and \(second.side ?? "?")) with different claims"
        }
    }
}
