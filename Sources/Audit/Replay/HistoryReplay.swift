import LedgerStore
import Projections

/// Replays a ledger's history as lines a person reads:
/// `seq  recorded_at  effective_at  stream  type  summary`.
public struct HistoryReplay {
    /// Where to stop and what to show.
    public struct Filter: Sendable {
        /// Stop after this seq.
        public var untilSeq: UInt64?
        /// Stop at the first record recorded after this instant (transaction time).
        public var until: Timestamp?
        /// Show only this stream (earlier events of other streams still inform summaries).
        public var stream: String?

        /// Creates a filter.
        public init(untilSeq: UInt64? = nil, until: Timestamp? = nil, stream: String? = nil) {
            self.untilSeq = untilSeq
            self.until = until
            self.stream = stream
        }
    }

    private let reader: LedgerReader

    /// Opens a ledger for replay.
    ///
    /// - Parameter path: The ledger directory.
    /// - Throws: `LedgerError(.notFound)` without a ledger.
    public init(ledgerAt path: String) throws {
        reader = try LedgerReader(path: path)
    }

    /// Calls `body` with one line per event, in seq order.
    ///
    /// - Parameters:
    ///   - filter: Where to stop and what to show.
    ///   - body: Receives each line.
    /// - Returns: The number of lines given.
    /// - Throws: `LedgerError` on damaged records.
    @discardableResult
    public func run(_ filter: Filter, _ body: (String) -> Void) throws -> Int {
        var summary = EventSummary()
        var shown = 0
        try reader.forEachRecord(from: LedgerReader.start(fromSeq: 1)) { seq, line in
            if let untilSeq = filter.untilSeq, seq > untilSeq { return false }
            let event = try ProjectedEvent(line: line)
            if let until = filter.until, event.recordedAt > until { return false }
            let text = summary.summarize(event)
            if let stream = filter.stream, event.stream != stream { return true }
            body(Self.line(event, text))
            shown += 1
            return true
        }
        return shown
    }

    static func line(_ event: ProjectedEvent, _ summary: String) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        let seq = String(event.seq)
        return String(repeating: " ", count: max(0, 6 - seq.count)) + seq + "  " + event.recordedAtText + "  "
            + pad(event.effectiveAtText, 20) + "  " + pad(event.stream, 30) + "  " + pad(event.type, 23) + "  " + summary
    }
}
