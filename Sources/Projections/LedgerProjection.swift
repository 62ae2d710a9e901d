import LedgerStore

/// Builds projected states from a ledger on disk or from events in memory.
public enum LedgerProjection {
    /// Folds the records of the ledger at `path` that `query` selects.
    ///
    /// Reads committed records only, never takes the writer lock, parses each line once and
    /// stops reading at the transaction-time point.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - query: What to select (default: the latest state of the whole ledger).
    ///   - now: The present, for the future check of `asOf`.
    /// - Returns: The state and the selection.
    /// - Throws: `LedgerError` for a missing or damaged ledger or a point out of range.
    public static func project(ledgerAt path: String, query: StateQuery = StateQuery(), now: Timestamp = .now())
        throws -> ProjectedState
    {
        let reader = try LedgerReader(path: path)
        var selector = try StateSelector(query: query, now: now)
        var state = LedgerState()
        try reader.forEachRecord(from: LedgerReader.start(fromSeq: 1)) { _, line in
            let event = try ProjectedEvent(line: line)
            switch try selector.consider(event) {
            case .fold: state.apply(event)
            case .skip: break
            case .stop: return false
            }
            return true
        }
        let selection = try selector.finish(ledgerID: reader.manifest.ledgerID)
        if let stream = query.stream { state = state.restricted(toStream: stream) }
        return ProjectedState(state: state, selection: selection)
    }

    /// Folds the events (in seq order) that `query` selects.
    ///
    /// - Parameters:
    ///   - events: The events, as committed records in seq order.
    ///   - query: What to select.
    ///   - now: The present, for the future check of `asOf`.
    /// - Returns: The state and the selection.
    /// - Throws: `LedgerError` for a point out of range.
    public static func project(
        _ events: some Sequence<ProjectedEvent>, query: StateQuery = StateQuery(), now: Timestamp = .now()
    ) throws -> ProjectedState {
        var selector = try StateSelector(query: query, now: now)
        var state = LedgerState()
        loop: for event in events {
            switch try selector.consider(event) {
            case .fold: state.apply(event)
            case .skip: continue
            case .stop: break loop
            }
        }
        let selection = try selector.finish()
        if let stream = query.stream { state = state.restricted(toStream: stream) }
        return ProjectedState(state: state, selection: selection)
    }
}
