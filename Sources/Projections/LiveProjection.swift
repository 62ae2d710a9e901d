import LedgerStore

/// The latest state of a ledger, kept up to date by folding only the records appended since
/// the last catch-up.
public struct LiveProjection: Sendable {
    /// The state folded so far.
    public private(set) var state = LedgerState()
    /// Where the next catch-up resumes.
    public private(set) var position = LedgerReader.start(fromSeq: 1)

    /// A projection that has folded nothing yet.
    public init() {}

    /// Folds the records committed since the last call.
    ///
    /// - Parameter reader: A reader of the ledger.
    /// - Returns: How many records were folded.
    /// - Throws: `LedgerError` on damaged records.
    @discardableResult
    public mutating func catchUp(with reader: LedgerReader) throws -> Int {
        var folded = 0
        var state = self.state
        self.state = LedgerState()  // keeps `state` uniquely referenced, so folding never copies it
        defer { self.state = state }
        do {
            position = try reader.forEachRecord(from: position) { _, line in
                state.apply(try ProjectedEvent(line: line))
                folded += 1
                return true
            }
        } catch {
            position = LedgerReader.start(fromSeq: state.lastSeq + 1)  // resume after what was folded
            throw error
        }
        return folded
    }
}
