import CanonicalJSON
import LZ4Codec
import LedgerIntegrity
import LedgerStore
import Projections

/// Gathers the records that can affect one negotiation, folds them, and restricts the result to
/// that negotiation (see `LedgerViews`).
struct NegotiationViewBuilder {
    let tape: LedgerTape
    let cut: Cut
    let query: ReportQuery
    let negotiation: String
    private var catalog: SnapshotCatalog?
    private let decoder: LZ4FrameDecoder

    /// A section of a snapshot failed while being read.
    private struct SectionFailure: Error {
        var seq: UInt64
        var problem: SnapshotProblem
    }

    init(tape: LedgerTape, cut: Cut, query: ReportQuery, negotiation: String) throws {
        self.tape = tape
        self.cut = cut
        self.query = query
        self.negotiation = negotiation
        catalog = query.useSnapshots ? try SnapshotCatalog(tape: tape) : nil
        do { decoder = try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
    }

    /// Builds the view, retrying from an older snapshot (or none) when a snapshot section turns
    /// out to be corrupt.
    mutating func build() throws -> LedgerView {
        while true {
            let chain = cut.seq > 0 ? catalog?.chain(atOrBefore: cut.seq) : nil
            do {
                return try gather(from: chain)
            } catch let failure as SectionFailure {
                catalog?.reject(failure.seq, failure.problem)
            }
        }
    }

    private var warnings: [String] { catalog?.warnings ?? [] }

    /// Collects the records from `chain` (if any) and the ledger after it, folds and restricts them.
    private func gather(from chain: SnapshotChain?) throws -> LedgerView {
        let start = chain?.seq ?? 0
        var loaded: [UInt64: ProjectedEvent] = [:]
        var loadedKeys: Set<AggregateKey> = []
        var negotiations: Set<String> = [negotiation]
        var parties: Set<String> = []
        var searched: Set<String> = []
        // The root at a cut inside a commit needs the tail hashed: on a thread of its own, while
        // this one gathers and folds.
        let rootJob =
            cut.root == nil
            ? TailRoot(
                ledgerPath: tape.layout.root, frontier: chain?.frontier ?? MerkleFrontier(), after: start, through: cut.seq) : nil
        defer { rootJob?.finish() }
        var tail = TailScan(first: start + 1, last: cut.seq)
        while true {
            if let chain {
                var wanted: [AggregateKey] = [.registrations, .corrections]
                wanted += negotiations.sorted().map { .negotiation($0) }
                wanted += parties.sorted().flatMap { [AggregateKey.party($0), .financials($0)] }
                var sections: [(link: SnapshotFile, section: SnapshotHeader.Section)] = []
                for key in wanted where !loadedKeys.contains(key) {
                    loadedKeys.insert(key)
                    for link in chain.links {
                        if let section = link.section(key) { sections.append((link, section)) }
                    }
                }
                try read(sections, into: &loaded)
            }
            try tail.scan(tape: tape, negotiations: negotiations, parties: parties, loaded: &loaded)
            // A correction after the snapshot may aim at a record that was not gathered. Such a
            // record is outside the view (everything in view was gathered), so the correction
            // matters only if it is written to a viewed stream or moves its target into the view.
            // Then look for the target after the snapshot; if it is older, only a full fold is sure
            // to place it right.
            let missing = Self.missingTargets(loaded, after: start, negotiations: negotiations, parties: parties)
                .subtracting(searched)
            if !missing.isEmpty {
                searched.formUnion(missing)
                try tail.find(ids: missing, tape: tape, loaded: &loaded)
                var found = Set(loaded.values.map(\.id))
                if let chain, !missing.isSubset(of: found) {
                    try find(ids: missing.subtracting(found), in: chain, into: &loaded)
                    found = Set(loaded.values.map(\.id))
                }
                if !missing.isSubset(of: found) {
                    var view = try LedgerViews.foldAll(tape: tape, cut: cut, query: query, restrictTo: negotiation)
                    view.warnings = warnings
                    return view
                }
            }
            let (moreNegotiations, moreParties) = Self.closure(of: loaded, negotiations: negotiations, viewed: negotiation)
            if moreNegotiations.isSubset(of: negotiations) && moreParties.isSubset(of: parties) && missing.isEmpty { break }
            negotiations.formUnion(moreNegotiations)
            parties.formUnion(moreParties)
        }
        let root = try cut.root ?? rootJob!.root()
        return try Self.finish(
            candidates: loaded.values.sorted { $0.seq < $1.seq }, negotiation: negotiation, cut: cut, query: query,
            root: root, tape: tape, snapshotSeq: start, warnings: warnings)
    }

    /// The targets of corrections after `start` that were not gathered but could matter to the view.
    static func missingTargets(
        _ loaded: [UInt64: ProjectedEvent], after start: UInt64, negotiations: Set<String>, parties: Set<String>
    ) -> Set<String> {
        let corrections = loaded.values.filter { $0.seq > start && $0.type == "EventCorrected" }
        guard !corrections.isEmpty else { return [] }
        let ids = Set(loaded.values.map(\.id))
        let streams = Set(negotiations.map { "negotiation/" + $0 })
        var missing: Set<String> = []
        for event in corrections {
            guard let target = event.data["corrects"]?.stringValue, !ids.contains(target) else { continue }
            let changes = event.data["changes"] ?? .null
            let movesIn =
                changes["negotiation_id"]?.stringValue.map { negotiations.contains($0) } == true
                || ["party", "owned", "party_id"].contains { changes[$0]?.stringValue.map { parties.contains($0) } == true }
            if streams.contains(event.stream) || movesIn { missing.insert(target) }
        }
        return missing
    }

    /// Finds the records with the given ids in any section of the chain (decompressing every
    /// section, parsing only lines that contain an id) and adds them to `loaded`.
    private func find(ids: Set<String>, in chain: SnapshotChain, into loaded: inout [UInt64: ProjectedEvent]) throws {
        let needles = ids.sorted().map { Array(#""id":""#.utf8) + RecordLine.escaped($0) + [0x22] }
        for link in chain.links {
            for section in link.header.sections {
                do {
                    try link.forEachLine(in: section, decoder: decoder) { line in
                        guard needles.contains(where: { RecordLine.contains(line, $0) }) else { return }
                        let event = try ProjectedEvent(line: line)
                        if ids.contains(event.id) && loaded[event.seq] == nil { loaded[event.seq] = event }
                    }
                } catch let problem as SnapshotProblem {
                    throw SectionFailure(seq: link.header.seq, problem: problem)
                }
            }
        }
    }

    /// Parses the lines of snapshot sections into `loaded` (on every core).
    private func read(
        _ sections: [(link: SnapshotFile, section: SnapshotHeader.Section)], into loaded: inout [UInt64: ProjectedEvent]
    ) throws {
        guard !sections.isEmpty else { return }
        var content: [UInt8] = []
        var limits: [(end: Int, seq: UInt64, index: Int)] = []
        for (index, entry) in sections.enumerated() {
            do {
                try entry.link.appendContent(of: entry.section, decoder: decoder, to: &content)
            } catch {
                throw SectionFailure(seq: entry.link.header.seq, problem: error)
            }
            limits.append((content.count, entry.link.header.seq, index))
        }
        let ranges = ParallelParse.lineRanges(content)
        let events: [ProjectedEvent]
        do {
            events = try ParallelParse.events(content, ranges)
        } catch {
            // Find the section whose record does not parse.
            var start = 0
            for limit in limits {
                let lines = ParallelParse.lineRanges(Array(content[start..<limit.end]))
                let part = Array(content[start..<limit.end])
                do { _ = try ParallelParse.events(part, lines) } catch {
                    let key = sections[limit.index].section.key.text
                    throw SectionFailure(
                        seq: limit.seq, problem: SnapshotProblem("a record in section \(key) does not parse: \(error)"))
                }
                start = limit.end
            }
            throw error
        }
        loaded.reserveCapacity(loaded.count + events.count)
        var limitIndex = 0
        for (event, range) in zip(events, ranges) {
            while range.lowerBound >= limits[limitIndex].end { limitIndex += 1 }
            guard event.seq <= limits[limitIndex].seq else {
                let key = sections[limits[limitIndex].index].section.key.text
                throw SectionFailure(
                    seq: limits[limitIndex].seq,
                    problem: SnapshotProblem("section \(key) holds seq \(event.seq), after the snapshot's seq"))
            }
            if loaded[event.seq] == nil { loaded[event.seq] = event }
        }
    }

    /// The negotiations and parties the gathered records say are needed as well: negotiations that
    /// events written to a viewed negotiation's stream belong to (or that a correction moves an
    /// event to), and parties the viewed negotiation's events (or any correction) name.
    static func closure(of loaded: [UInt64: ProjectedEvent], negotiations: Set<String>, viewed: String) -> (
        negotiations: Set<String>, parties: Set<String>
    ) {
        var moreNegotiations: Set<String> = []
        var moreParties: Set<String> = []
        var byID: [String: ProjectedEvent]?
        for event in loaded.values {
            let key = AggregateKey.of(type: event.type, stream: event.stream, data: event.data)
            if let streamNegotiation = AggregateKey.suffix(of: event.stream, kind: "negotiation"),
                negotiations.contains(streamNegotiation), case .negotiation(let other) = key
            {
                moreNegotiations.insert(other)
            }
            if key == .negotiation(viewed) { moreParties.formUnion(AggregateKey.namedParties(in: event.data)) }
            if event.type == "EventCorrected" {
                if byID == nil { byID = Dictionary(loaded.values.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }) }
                moreParties.formUnion(AggregateKey.namedParties(in: event.data["changes"] ?? .null))
                // A correction may move an event to another negotiation: that one's history decides
                // the findings about the moved event.
                if let moved = event.data["changes"]?["negotiation_id"]?.stringValue { moreNegotiations.insert(moved) }
                if let target = event.data["corrects"]?.stringValue, let corrected = byID?[target] {
                    moreParties.formUnion(AggregateKey.namedParties(in: corrected.data))
                }
            }
        }
        return (moreNegotiations, moreParties)
    }

    /// Folds the gathered records and keeps the negotiation's view.
    ///
    /// - Parameter candidates: Every record that may be in view, known at the cut, in seq order.
    static func finish(
        candidates: [ProjectedEvent], negotiation: String, cut: Cut, query: ReportQuery, root: String, tape: LedgerTape,
        snapshotSeq: UInt64, warnings: [String]
    ) throws -> LedgerView {
        var state = LedgerState(sharingValues: false)
        var folded: [ProjectedEvent] = []
        folded.reserveCapacity(candidates.count)
        for event in candidates where query.validAt.map({ event.effectiveAt <= $0 }) ?? true {
            state.apply(event)
            folded.append(event)
        }
        let corrections = CorrectionIndex(folded: folded)
        let membership = ViewMembership(
            negotiation: negotiation, corrections: corrections, candidates: candidates, validAt: query.validAt)
        let known = candidates.filter { membership.contains($0) }
        let inView = query.validAt.map { validAt in known.filter { $0.effectiveAt <= validAt } } ?? known
        guard !known.isEmpty else {
            throw LedgerError(.notFound, "no records about negotiation \(negotiation)\(cut.phrase)")
        }
        if let validAt = query.validAt, inView.isEmpty {
            let earliest = known.min { $0.effectiveAt < $1.effectiveAt }!
            throw LedgerError(
                .invalidInput,
                "--valid-at \(validAt) is before the earliest effective_at (\(earliest.effectiveAtText)) of the \(known.count) records about negotiation \(negotiation) known\(cut.phrase); nothing was true yet"
            )
        }
        return LedgerView(
            query: query, ledgerID: tape.manifest.ledgerID, origin: tape.manifest.origin, throughSeq: cut.seq,
            throughRecordedAt: cut.recordedAt, root: root, state: state.restricted(toStream: "negotiation/" + negotiation),
            events: inView, knownEventCount: known.count, snapshotSeq: snapshotSeq, warnings: warnings, corrections: corrections,
            names: PartyNames(state.parties))
    }
}

/// Which events belong to a negotiation's view: its own events (placed by their current,
/// corrected data), everything written to its stream, the registrations, people, ownership and
/// financial facts of the parties it names, and the corrections of any of those.
struct ViewMembership {
    let negotiation: String
    let stream: String
    let corrections: CorrectionIndex
    private let byID: [String: ProjectedEvent]
    /// The parties the negotiation's folded events name.
    let parties: Set<String>

    init(negotiation: String, corrections: CorrectionIndex, candidates: [ProjectedEvent], validAt: Timestamp?) {
        self.negotiation = negotiation
        stream = "negotiation/" + negotiation
        self.corrections = corrections
        let targets = Set(candidates.lazy.filter { $0.type == "EventCorrected" }.compactMap { $0.data["corrects"]?.stringValue })
        byID =
            targets.isEmpty
            ? [:]
            : Dictionary(
                candidates.lazy.filter { targets.contains($0.id) }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var parties: Set<String> = []
        for event in candidates where validAt.map({ event.effectiveAt <= $0 }) ?? true {
            guard AggregateKey.negotiationTypes.contains(event.type) else { continue }  // the only ones with parties
            let data = corrections.currentData(of: event)
            if AggregateKey.of(type: event.type, stream: event.stream, data: data) == .negotiation(negotiation) {
                parties.formUnion(AggregateKey.namedParties(in: data))
            }
        }
        self.parties = parties
    }

    /// Whether `event` is in view.
    func contains(_ event: ProjectedEvent, depth: Int = 0) -> Bool {
        if event.stream == stream { return true }
        let data = corrections.currentData(of: event)
        switch AggregateKey.of(type: event.type, stream: event.stream, data: data) {
        case .negotiation(let id): return id == negotiation
        case .registrations:
            return parties.contains(data["party_id"]?.stringValue ?? AggregateKey.suffix(of: event.stream, kind: "party") ?? "")
        case .party(let party), .financials(let party): return parties.contains(party)
        case .corrections:
            guard depth < 8, let target = event.data["corrects"]?.stringValue, let corrected = byID[target] else { return false }
            return contains(corrected, depth: depth + 1)
        case .other: return false
        }
    }
}

/// The records after the snapshot, looked at line by line: parsed only when they may matter.
struct TailScan {
    let first: UInt64
    let last: UInt64
    private var scanned = false
    private var scannedNegotiations: Set<String> = []
    private var appliedParties: Set<String> = []
    /// Lines of party types that named no party wanted yet.
    private var pending: [(seq: UInt64, line: [UInt8])] = []

    init(first: UInt64, last: UInt64) {
        self.first = first
        self.last = last
    }

    private static let alwaysParsed: [[UInt8]] = [Array("PartyRegistered".utf8), Array("EventCorrected".utf8)]
    private static let partyTypes: [[UInt8]] = AggregateKey.partyTypes.sorted().map { Array($0.utf8) }
    private static let negotiationTypes: [[UInt8]] = AggregateKey.negotiationTypes.sorted().map { Array($0.utf8) }

    private static func partyNeedles(_ parties: Set<String>) -> [[UInt8]] {
        parties.sorted().flatMap { party -> [[UInt8]] in
            let escaped = RecordLine.escaped(party)
            return [[0x22] + escaped + [0x22], Array("party/".utf8) + escaped + [0x22]]
        }
    }

    /// What decides whether a tail line may belong to the negotiations looked for.
    private struct NegotiationMatch {
        /// `negotiation/<id>` of each (escaped, as the line's stream reads).
        var streams: [[UInt8]]
        /// `"negotiation_id":"<id>"` of each.
        var fields: [[UInt8]]

        init(_ negotiations: Set<String>) {
            let escaped = negotiations.sorted().map(RecordLine.escaped)
            streams = escaped.map { Array("negotiation/".utf8) + $0 }
            fields = escaped.map { Array(#""negotiation_id":""#.utf8) + $0 + [0x22] }
        }

        /// Whether the line is written to one of the streams, or is a negotiation event naming one.
        func matches(_ line: UnsafeRawBufferPointer, type: UnsafeRawBufferPointer, stream: UnsafeRawBufferPointer) -> Bool {
            if streams.contains(where: { RecordLine.equals(stream, $0) }) { return true }
            guard TailScan.negotiationTypes.contains(where: { RecordLine.equals(type, $0) }) else { return false }
            return fields.contains { RecordLine.contains(line, $0) }
        }
    }

    /// Scans the tail for what is wanted and not yet looked for.
    mutating func scan(
        tape: LedgerTape, negotiations: Set<String>, parties: Set<String>, loaded: inout [UInt64: ProjectedEvent]
    ) throws {
        guard first <= last else { return }
        let newNegotiations = negotiations.subtracting(scannedNegotiations)
        if !scanned || !newNegotiations.isEmpty {
            let match = NegotiationMatch(newNegotiations)
            let partyNeedles = Self.partyNeedles(parties)
            let firstPass = !scanned
            var found: [ProjectedEvent] = []
            var pending = self.pending
            try tape.forEachLine(from: first, through: last) { seq, line in
                guard let (type, stream) = RecordLine.typeAndStream(line) else {
                    if loaded[seq] == nil { found.append(try ProjectedEvent(line: line)) }
                    return
                }
                if match.matches(line, type: type, stream: stream) {
                    if loaded[seq] == nil { found.append(try ProjectedEvent(line: line)) }
                    return
                }
                guard firstPass else { return }
                if Self.alwaysParsed.contains(where: { RecordLine.equals(type, $0) }) {
                    if loaded[seq] == nil { found.append(try ProjectedEvent(line: line)) }
                } else if Self.partyTypes.contains(where: { RecordLine.equals(type, $0) }) {
                    if partyNeedles.contains(where: { RecordLine.contains(line, $0) }) {
                        if loaded[seq] == nil { found.append(try ProjectedEvent(line: line)) }
                    } else {
                        pending.append((seq, Array(line)))
                    }
                }
            }
            for event in found where loaded[event.seq] == nil { loaded[event.seq] = event }
            self.pending = pending
            if firstPass { appliedParties = parties }
            scanned = true
            scannedNegotiations.formUnion(newNegotiations)
        }
        let newParties = parties.subtracting(appliedParties)
        guard !newParties.isEmpty else { return }
        let needles = Self.partyNeedles(newParties)
        var kept: [(seq: UInt64, line: [UInt8])] = []
        for entry in pending {
            let matches = entry.line.withUnsafeBytes { raw in needles.contains { RecordLine.contains(raw, $0) } }
            if matches {
                if loaded[entry.seq] == nil { loaded[entry.seq] = try ProjectedEvent(line: entry.line) }
            } else {
                kept.append(entry)
            }
        }
        pending = kept
        appliedParties.formUnion(newParties)
    }

    /// Parses the tail records with the given event ids.
    func find(ids: Set<String>, tape: LedgerTape, loaded: inout [UInt64: ProjectedEvent]) throws {
        guard first <= last else { return }
        let needles = ids.sorted().map { Array(#""id":""#.utf8) + RecordLine.escaped($0) + [0x22] }
        var found: [ProjectedEvent] = []
        try tape.forEachLine(from: first, through: last) { seq, line in
            guard loaded[seq] == nil, needles.contains(where: { RecordLine.contains(line, $0) }) else { return }
            let event = try ProjectedEvent(line: line)
            if ids.contains(event.id) { found.append(event) }
        }
        for event in found { loaded[event.seq] = event }
    }
}

/// The RFC 6962 root at a seq inside a commit: a trusted frontier extended with the leaf hashes
/// of the records after it, computed on a thread of its own from its own view of the ledger.
final class TailRoot: @unchecked Sendable {
    private let worker = WorkerThread()
    // Written by the worker's job, read after `worker.wait()`, which orders the accesses.
    private var result: Result<String, Error> = .failure(LedgerError(.integrity, "the root was not computed"))
    private var waited = false

    /// Starts hashing records `after`+1 … `last` onto `frontier` (which must be the frontier at `after`).
    init(ledgerPath: String, frontier: MerkleFrontier, after: UInt64, through last: UInt64) {
        worker.run { [self] in
            result = Result {
                var frontier = frontier
                try LedgerTape(path: ledgerPath).extend(&frontier, from: after + 1, through: last)
                return frontier.root.hexString
            }
        }
    }

    /// The root (hex), once computed.
    ///
    /// - Throws: What reading the records threw.
    func root() throws -> String {
        finish()
        return try result.get()
    }

    /// Waits for the job (if not yet waited for) and ends the thread.
    func finish() {
        guard !waited else { return }
        waited = true
        worker.wait()
        worker.stop()
    }
}
