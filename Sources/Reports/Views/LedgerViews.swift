import LedgerIntegrity
import LedgerStore
import Projections

/// Builds `LedgerView`s from a ledger on disk.
///
/// The whole ledger is folded from its records. A negotiation is folded from the records that
/// can affect it: its own events (and every event written to its stream), every registration,
/// every correction with the event it corrects, and the people, ownership and financial facts
/// of the parties it names — found in the aggregate sections of the newest trusted snapshot
/// chain at or before the point, plus the records after that snapshot, where a line is parsed
/// only when its type or bytes say it may belong (see `RecordLine`). The result is then
/// restricted exactly as `LedgerState.restricted(toStream:)` restricts a full fold, so both
/// paths give the same view; `ReportsTests` checks that on random points.
public enum LedgerViews {
    /// Builds the view `query` asks for.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - query: What to show.
    ///   - now: The present, for the future check of `asOf`.
    /// - Returns: The view.
    /// - Throws: `LedgerError` for a missing or damaged ledger, a point out of range (`.invalidInput`)
    ///   or a negotiation with no records (`.notFound`).
    public static func load(ledgerAt path: String, query: ReportQuery, now: Timestamp = .now()) throws -> LedgerView {
        let tape = try LedgerTape(path: path)
        let cut = try Cut(tape: tape, query: query, now: now)
        if let negotiation = query.negotiation {
            var builder = try NegotiationViewBuilder(tape: tape, cut: cut, query: query, negotiation: negotiation)
            return try builder.build()
        }
        return try foldAll(tape: tape, cut: cut, query: query)
    }

    /// The RFC 6962 root of records 1…`seq` (from the commit marker that ends there, else hashed).
    static func root(ledgerAt path: String, through seq: UInt64) throws -> String {
        let tape = try LedgerTape(path: path)
        if seq == 0 { return RFC6962.emptyRoot.hexString }
        if let marker = try tape.marker(endingAt: seq) { return marker.root.hexString }
        var frontier = MerkleFrontier()
        try tape.extend(&frontier, from: 1, through: seq)
        return frontier.root.hexString
    }

    /// Folds every record through the cut (then keeps one negotiation's view, when given).
    static func foldAll(tape: LedgerTape, cut: Cut, query: ReportQuery, restrictTo negotiation: String? = nil) throws
        -> LedgerView
    {
        var frontier = cut.root == nil ? MerkleFrontier() : nil
        var state = LedgerState()
        var known: [ProjectedEvent] = []
        var folded: [ProjectedEvent] = []
        var knownCount = 0
        try tape.forEachBatch(from: 1, through: cut.seq) { _, content, ranges in
            if frontier != nil {
                content.withUnsafeBytes { raw in
                    for range in ranges {
                        frontier!.append(leafHash: RFC6962.leafHash(UnsafeRawBufferPointer(rebasing: raw[range])))
                    }
                }
            }
            for event in try ParallelParse.events(content, ranges) {
                knownCount += 1
                if negotiation != nil {
                    known.append(event)
                    continue
                }
                if let validAt = query.validAt, event.effectiveAt > validAt { continue }
                state.apply(event)
                folded.append(event)
            }
        }
        let root = cut.root ?? frontier!.root.hexString
        if let negotiation {
            return try NegotiationViewBuilder.finish(
                candidates: known, negotiation: negotiation, cut: cut, query: query, root: root, tape: tape,
                snapshotSeq: 0, warnings: [])
        }
        if let validAt = query.validAt, folded.isEmpty, knownCount > 0 {
            throw LedgerError(
                .invalidInput,
                "--valid-at \(validAt) is before the earliest effective_at of the \(knownCount) records known\(cut.phrase); nothing was true yet"
            )
        }
        return LedgerView(
            query: query, ledgerID: tape.manifest.ledgerID, origin: tape.manifest.origin, throughSeq: cut.seq,
            throughRecordedAt: cut.recordedAt, root: root, state: state, events: folded, knownEventCount: knownCount,
            snapshotSeq: 0, warnings: [], corrections: CorrectionIndex(folded: folded), names: PartyNames(state.parties))
    }
}

/// Where a query cuts the ledger in transaction time, and the root there when a marker gives it.
struct Cut {
    /// The last record known (0 for an empty ledger).
    var seq: UInt64
    /// Its `recorded_at`.
    var recordedAt: String?
    /// The root at `seq` from the commit marker that ends there (nil: `seq` is inside a commit).
    var root: String?
    /// " as of …" for messages.
    var phrase: String

    init(tape: LedgerTape, query: ReportQuery, now: Timestamp) throws {
        let head = try tape.head()
        phrase = query.asOf.map { " as of \($0)" } ?? query.asOfSeq.map { " as of seq \($0)" } ?? ""
        var seq = head?.lastSeq ?? 0
        if let asOf = query.asOf {
            if asOf > now {
                throw LedgerError(
                    .invalidInput,
                    "--as-of \(asOf) is in the future (now is \(now)); the ledger cannot know yet what it will be told")
            }
            guard head != nil else {
                throw LedgerError(.invalidInput, "--as-of \(asOf) selects nothing: the ledger has no records")
            }
            guard let last = try tape.lastRecord(recordedAtOrBefore: asOf) else {
                let first = try tape.recordedAt(ofSeq: 1) ?? "?"
                throw LedgerError(
                    .invalidInput,
                    "--as-of \(asOf) is before the first record (seq 1, recorded \(first)); the ledger knew nothing then")
            }
            seq = last
        }
        if let asOfSeq = query.asOfSeq {
            if asOfSeq == 0 { throw LedgerError(.invalidInput, "--as-of-seq 0 is before the first record (seqs start at 1)") }
            guard let head else {
                throw LedgerError(.invalidInput, "--as-of-seq \(asOfSeq) is beyond the last record: the ledger has no records")
            }
            if asOfSeq > head.lastSeq {
                throw LedgerError(
                    .invalidInput,
                    "--as-of-seq \(asOfSeq) is beyond the last record (seq \(head.lastSeq), recorded \(head.committedAt))")
            }
            seq = min(seq, asOfSeq)
        }
        if head == nil, let validAt = query.validAt {
            throw LedgerError(.invalidInput, "--valid-at \(validAt) selects nothing: the ledger has no records")
        }
        self.seq = seq
        if seq == 0 {
            root = RFC6962.emptyRoot.hexString
            recordedAt = nil
        } else {
            guard let found = try tape.commit(containing: seq) else {
                throw LedgerError(.integrity, "record \(seq) is not in the ledger's committed segments")
            }
            recordedAt = try tape.recordedAt(ofSeq: seq)
            root = found.commit.marker.lastSeq == seq ? found.commit.marker.root.hexString : nil
        }
    }
}
