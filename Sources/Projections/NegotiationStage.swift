/// The stages of a negotiation and the moves between them.
///
/// Legal moves: exploratory → talks → term-sheet → agreed → signed, one step forward at a time;
/// from any open stage (exploratory, talks, term-sheet, agreed) to stalled or abandoned; and from
/// stalled back to an open stage (talks resuming) or to abandoned. signed and abandoned are final.
/// (The same rule as `Tools/check-catalogue.py`.)
public enum NegotiationStage: String, Sendable, CaseIterable {
    /// Early contacts; every negotiation opens here.
    case exploratory
    /// Formal talks.
    case talks
    /// A term sheet is on the table.
    case termSheet = "term-sheet"
    /// Terms agreed, not yet signed.
    case agreed
    /// Signed (final).
    case signed
    /// Talks paused; they may resume or be abandoned.
    case stalled
    /// Given up (final).
    case abandoned

    /// The forward path, in order.
    static let path: [NegotiationStage] = [.exploratory, .talks, .termSheet, .agreed, .signed]

    /// Whether talks can still move on from this stage without resuming.
    public var isOpen: Bool { [.exploratory, .talks, .termSheet, .agreed].contains(self) }

    /// Whether a negotiation at `current` may move to `next`.
    ///
    /// - Parameters:
    ///   - current: The current stage (nil: the negotiation was never opened).
    ///   - next: The new stage.
    /// - Returns: Whether the move is legal.
    public static func isLegal(from current: NegotiationStage?, to next: NegotiationStage) -> Bool {
        guard let current else { return false }
        if current == .stalled { return next.isOpen || next == .abandoned }
        guard current.isOpen else { return false }
        if next == .stalled || next == .abandoned { return true }
        guard let from = path.firstIndex(of: current), let to = path.firstIndex(of: next) else { return false }
        return to == from + 1
    }
}
