/// A projected state together with what was selected to build it.
public struct ProjectedState: Sendable, Equatable {
    /// The state (restricted to the query's stream, if any).
    public var state: LedgerState
    /// What the query selected.
    public var selection: StateSelection

    /// Pairs a state with its selection.
    ///
    /// - Parameters:
    ///   - state: The state.
    ///   - selection: What was selected to build it.
    public init(state: LedgerState, selection: StateSelection) {
        self.state = state
        self.selection = selection
    }
}
