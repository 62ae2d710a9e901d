import LedgerStore

/// Decides, record by record in seq order, which records a `StateQuery` selects, and checks
/// that its points are in range.
///
/// Out of range, and therefore errors (`LedgerError(.invalidInput)`, never clamped):
/// - `asOf` in the future: the ledger cannot know yet what it will be told;
/// - `asOf` before the first record's `recorded_at`: the ledger knew nothing then;
/// - `asOfSeq` 0, or beyond the last record's seq;
/// - `validAt` before the earliest `effective_at` of the records known: nothing was true yet;
/// - any point on an empty ledger.
/// An `asOf` between the last record and now is in range: it is exactly what the ledger knew.
/// A `stream` with no records known is `LedgerError(.notFound)`.
public struct StateSelector: Sendable {
    /// What to do with a record.
    public enum Decision: Sendable, Equatable {
        /// Fold it.
        case fold
        /// Known at the transaction-time point, but not yet true at the valid-time point.
        case skip
        /// Past the transaction-time point; so is every later record.
        case stop
    }

    /// The query.
    public let query: StateQuery
    private var known = 0
    private var folded = 0
    private var firstRecordedAt: String?
    private var lastSeq: UInt64 = 0
    private var lastRecordedAt: String?
    private var earliestEffective: (time: Timestamp, text: String)?
    private var streamSeen = false

    /// Starts a selection.
    ///
    /// - Parameters:
    ///   - query: The query.
    ///   - now: The present, for the future check.
    /// - Throws: `LedgerError(.invalidInput)` for a future `asOf` or an `asOfSeq` of 0.
    public init(query: StateQuery, now: Timestamp = .now()) throws {
        if let asOf = query.asOf, asOf > now {
            throw LedgerError(
                .invalidInput,
                "--as-of \(asOf) is in the future (now is \(now)); the ledger cannot know yet what it will be told")
        }
        if query.asOfSeq == 0 { throw LedgerError(.invalidInput, "--as-of-seq 0 is before the first record (seqs start at 1)") }
        self.query = query
    }

    /// Classifies the next record.
    ///
    /// - Parameter event: The next record, in seq order.
    /// - Returns: Whether to fold it, skip it, or stop reading.
    /// - Throws: `LedgerError(.invalidInput)` when `asOf` is before the first record.
    public mutating func consider(_ event: ProjectedEvent) throws -> Decision {
        if firstRecordedAt == nil {
            firstRecordedAt = event.recordedAtText
            if let asOf = query.asOf, event.recordedAt > asOf {
                throw LedgerError(
                    .invalidInput,
                    "--as-of \(asOf) is before the first record (seq \(event.seq), recorded \(event.recordedAtText)); the ledger knew nothing then"
                )
            }
        }
        if let asOfSeq = query.asOfSeq, event.seq > asOfSeq { return .stop }
        if let asOf = query.asOf, event.recordedAt > asOf { return .stop }
        known += 1
        lastSeq = event.seq
        lastRecordedAt = event.recordedAtText
        if event.stream == query.stream { streamSeen = true }
        if earliestEffective.map({ event.effectiveAt < $0.time }) ?? true {
            earliestEffective = (event.effectiveAt, event.effectiveAtText)
        }
        if let validAt = query.validAt, event.effectiveAt > validAt { return .skip }
        folded += 1
        return .fold
    }

    /// Ends the selection after the last record (or a `.stop`).
    ///
    /// - Parameter ledgerID: The ledger id, if read from a ledger.
    /// - Returns: What was selected.
    /// - Throws: `LedgerError` when a point turned out to be out of range.
    public func finish(ledgerID: String? = nil) throws -> StateSelection {
        let asKnown = query.asOf.map { " as of \($0)" } ?? query.asOfSeq.map { " as of seq \($0)" } ?? ""
        if known == 0 {
            if let asOf = query.asOf {
                throw LedgerError(.invalidInput, "--as-of \(asOf) selects nothing: the ledger has no records")
            }
            if let asOfSeq = query.asOfSeq {
                throw LedgerError(.invalidInput, "--as-of-seq \(asOfSeq) is beyond the last record: the ledger has no records")
            }
            if let validAt = query.validAt {
                throw LedgerError(.invalidInput, "--valid-at \(validAt) selects nothing: the ledger has no records")
            }
        }
        if let asOfSeq = query.asOfSeq, asOfSeq > lastSeq {
            throw LedgerError(
                .invalidInput,
                "--as-of-seq \(asOfSeq) is beyond the last record (seq \(lastSeq), recorded \(lastRecordedAt ?? "?"))")
        }
        if let validAt = query.validAt, folded == 0, let earliest = earliestEffective {
            throw LedgerError(
                .invalidInput,
                "--valid-at \(validAt) is before the earliest effective_at (\(earliest.text)) of the \(known) records known\(asKnown); nothing was true yet"
            )
        }
        if let stream = query.stream, !streamSeen {
            throw LedgerError(.notFound, "no records in stream \(stream)\(asKnown)")
        }
        return StateSelection(
            query: query, knownRecords: known, foldedRecords: folded, throughSeq: lastSeq,
            throughRecordedAt: lastRecordedAt, ledgerID: ledgerID)
    }
}
