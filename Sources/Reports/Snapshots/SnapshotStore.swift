import LZ4Codec
import LedgerIntegrity
import LedgerStore
import Projections

/// The snapshots of a ledger, under `snapshots/`: derived data that makes point-in-time views
/// fast, never trusted without checking (see `SnapshotCatalog`), rebuildable at any time.
///
/// A snapshot is taken at a commit boundary, seq S, and continues the snapshot before it (at P,
/// or none): it holds the projection's input for records P+1…S — their canonical record lines —
/// filed by the aggregate they feed (`AggregateKey`). `LedgerState` can only be rebuilt by folding
/// events, so the snapshot keeps what the fold needs, grouped so that a view of one negotiation
/// reads only its own sections; a chain of snapshots covers 1…S with every record stored once
/// (plus a copy of each corrected event beside its correction).
///
/// File `snapshots/<20-digit S>.snap.lz4`: standard LZ4 frames (content checksums on) — the header
/// line (`SnapshotHeader`: seq, root, previous, frontier), the section table, then one frame per
/// section. Deterministic: the same ledger gives byte-identical files.
public struct SnapshotStore: Sendable {
    /// The ledger directory.
    public let ledgerPath: String

    /// Records between snapshots when `parley snapshot` runs without `--at-seq`.
    ///
    /// A view reads the records after its snapshot from the segments (and hashes them when its
    /// point is inside a commit), and one header and section table per link of the chain: on a
    /// 1M-event ledger, 10,000 halves the tail of 25,000 for a few more links.
    public static let defaultEvery: UInt64 = 10_000

    /// One snapshot file written.
    public struct Written: Sendable, Equatable {
        /// The last record it covers.
        public var seq: UInt64
        /// The snapshot it continues (0 for none).
        public var previousSeq: UInt64
        /// The RFC 6962 root at `seq` (hex).
        public var root: String
        /// The file's size.
        public var bytes: Int
        /// The file's path.
        public var path: String
    }

    /// The store of the ledger at `ledgerPath`.
    ///
    /// - Parameter ledgerPath: The ledger directory.
    public init(ledgerPath: String) {
        self.ledgerPath = ledgerPath
    }

    /// Writes the snapshots that are due.
    ///
    /// With `atSeq`, one snapshot at that seq (which must end a commit), continuing the newest
    /// trusted snapshot before it. Without, snapshots at the first commit boundary at or after
    /// each multiple of `every` past the newest trusted snapshot, up to the last commit.
    ///
    /// - Parameters:
    ///   - atSeq: Where to take one snapshot.
    ///   - every: The spacing of scheduled snapshots, in records.
    ///   - warn: Receives warnings about snapshots that were ignored.
    /// - Returns: What was written (nothing when every snapshot is already there).
    /// - Throws: `LedgerError(.invalidInput)` for a seq that is out of range or inside a commit;
    ///   `.integrity` when the ledger's records do not give its marker roots; `.io` on write failures.
    public func write(atSeq: UInt64? = nil, every: UInt64 = defaultEvery, warn: (String) -> Void = { _ in }) throws
        -> [Written]
    {
        guard every > 0 else { throw LedgerError(.invalidInput, "--every must be at least 1") }
        let tape = try LedgerTape(path: ledgerPath)
        let catalog = try SnapshotCatalog(tape: tape)
        defer { catalog.warnings.forEach(warn) }
        guard let head = try tape.head() else {
            if let atSeq {
                throw LedgerError(.invalidInput, "--at-seq \(atSeq) is beyond the last record: the ledger has no records")
            }
            return []
        }
        let base: SnapshotChain?
        var targets: [UInt64] = []
        if let atSeq {
            guard atSeq >= 1, atSeq <= head.lastSeq else {
                throw LedgerError(.invalidInput, "--at-seq \(atSeq) is not a record of this ledger (seqs 1…\(head.lastSeq))")
            }
            let commit = try tape.commit(containing: atSeq)!.commit.marker
            guard commit.lastSeq == atSeq else {
                let before = commit.firstSeq > 1 ? " or \(commit.firstSeq - 1)" : ""
                throw LedgerError(
                    .invalidInput,
                    "seq \(atSeq) is inside commit \(commit.firstSeq)…\(commit.lastSeq); snapshots are taken at commit boundaries: use --at-seq \(commit.lastSeq)\(before)"
                )
            }
            if catalog.chain(endingAt: atSeq) != nil { return [] }
            base = catalog.chain(atOrBefore: atSeq - 1)
            targets = [atSeq]
        } else {
            base = catalog.chain(atOrBefore: head.lastSeq)
            let from = base?.seq ?? 0
            var due = (from / every + 1) * every
            for index in (tape.segmentIndex(containing: from + 1) ?? 0)..<tape.segmentNames.count {
                for commit in try tape.segment(index).scan.commits where commit.marker.lastSeq > from {
                    if commit.marker.lastSeq >= due {
                        targets.append(commit.marker.lastSeq)
                        due = (commit.marker.lastSeq / every + 1) * every
                    }
                }
            }
        }
        guard !targets.isEmpty else { return [] }
        return try SnapshotWriter(tape: tape, base: base, ledgerPath: ledgerPath).write(targets)
    }

    /// Checks every snapshot: its own checks (checksums, header, root against the ledger's commit
    /// markers, the chain it continues), that it holds exactly the ledger's records byte for byte,
    /// each filed under the aggregates it feeds, and — for the newest trusted chain — that folding
    /// its records gives the same state as folding the ledger. Never writes.
    ///
    /// - Returns: One finding per problem (empty when every snapshot checks out).
    public func verify() -> [String] {
        do {
            return try SnapshotVerifier(ledgerPath: ledgerPath).run()
        } catch {
            return ["snapshots: cannot be checked: \(error)"]
        }
    }
}

/// Checks every snapshot of the ledger at `ledger` (for `parley snapshot --verify`).
///
/// - Parameter ledger: The ledger directory.
/// - Returns: Findings, one per problem, each naming the snapshot file; empty when all are sound.
public func verifySnapshots(ledger: String) -> [String] {
    SnapshotStore(ledgerPath: ledger).verify()
}

/// Writes a run of snapshots in one pass over the records after `base`.
struct SnapshotWriter {
    let tape: LedgerTape
    let base: SnapshotChain?
    let ledgerPath: String

    /// Accumulates one snapshot's sections.
    private struct Pending {
        var sections: [AggregateKey: [UInt8]] = [:]
        /// Copies of corrected events, by seq.
        var corrected: [UInt64: [UInt8]] = [:]
        /// This snapshot's lines by event id (to copy corrected events).
        var byID: [String: (seq: UInt64, line: [UInt8])] = [:]
        /// Corrected events from before this snapshot, to be fetched.
        var missing: Set<String> = []

        mutating func add(_ line: UnsafeRawBufferPointer, under key: AggregateKey) {
            sections[key, default: []].append(contentsOf: line)
            sections[key]!.append(0x0A)
        }
    }

    func write(_ targets: [UInt64]) throws -> [SnapshotStore.Written] {
        try FileSystem.makeDirectory(tape.layout.snapshots)
        var frontier = base?.frontier ?? MerkleFrontier()
        var previousSeq = base?.seq ?? 0
        var previousRoot = base?.links.last?.header.root ?? RFC6962.emptyRoot.hexString
        var pending = Pending()
        var written: [SnapshotStore.Written] = []
        var targetIndex = 0
        try tape.forEachLine(from: previousSeq + 1, through: targets.last!) { seq, line in
            frontier.append(leafHash: RFC6962.leafHash(line))
            let event = try ProjectedEvent(line: line)
            for key in AggregateKey.keys(of: event) { pending.add(line, under: key) }
            pending.byID[event.id] = (seq, Array(line))
            if event.type == "EventCorrected", let target = event.data["corrects"]?.stringValue {
                if let found = pending.byID[target] {
                    pending.corrected[found.seq] = found.line
                } else {
                    pending.missing.insert(target)
                }
            }
            guard seq == targets[targetIndex] else { return }
            targetIndex += 1
            guard let marker = try tape.marker(endingAt: seq), marker.root == frontier.root else {
                throw LedgerError(
                    .integrity, "the records up to seq \(seq) do not give the ledger's root there; run `parley audit`")
            }
            if !pending.missing.isEmpty && previousSeq > 0 {
                for (foundSeq, foundLine) in try fetch(pending.missing, through: previousSeq) {
                    pending.corrected[foundSeq] = foundLine
                }
            }
            for corrected in pending.corrected.keys.sorted() {
                pending.corrected[corrected]!.withUnsafeBytes { pending.add($0, under: .corrections) }
            }
            let header = SnapshotHeader(
                seq: seq, root: marker.root.hexString, ledgerID: tape.manifest.ledgerID, previousSeq: previousSeq,
                previousRoot: previousRoot, committedAt: marker.committedAt, frontier: frontier.nodes.map(\.hexString),
                sections: [])
            let file = try Self.encode(header, sections: pending.sections)
            let path = tape.layout.snapshots + "/" + SnapshotFile.name(seq: seq)
            try FileSystem.writeAtomically(file, to: path, durable: false)
            written.append(
                SnapshotStore.Written(
                    seq: seq, previousSeq: previousSeq, root: marker.root.hexString, bytes: file.count, path: path))
            previousSeq = seq
            previousRoot = marker.root.hexString
            pending = Pending()
        }
        return written
    }

    /// The lines of the records with the given ids among records 1…`last`.
    private func fetch(_ ids: Set<String>, through last: UInt64) throws -> [(UInt64, [UInt8])] {
        let search = try LedgerTape(path: ledgerPath)
        let needles = ids.sorted().map { Array(#""id":""#.utf8) + RecordLine.escaped($0) + [0x22] }
        var found: [(UInt64, [UInt8])] = []
        try search.forEachLine(from: 1, through: last) { seq, line in
            guard needles.contains(where: { RecordLine.contains(line, $0) }) else { return }
            if ids.contains(try ProjectedEvent(line: line).id) { found.append((seq, Array(line))) }
        }
        return found
    }

    /// The bytes of a snapshot file: `header` (its section table filled in here), then one LZ4
    /// frame per section, sections sorted by key.
    static func encode(_ header: SnapshotHeader, sections content: [AggregateKey: [UInt8]]) throws -> [UInt8] {
        var body: [UInt8] = []
        var sections: [SnapshotHeader.Section] = []
        for key in content.keys.sorted() {
            let start = body.count
            let lines = content[key]!
            do {
                body += try LZ4FrameEncoder.frame(of: lines, blockSize: lines.count > 65536 ? .large : .small)
            } catch {
                throw LedgerError(.io, "cannot compress snapshot section \(key.text): \(error)")
            }
            let records = lines.withUnsafeBytes { RecordLine.lineCount($0) }
            sections.append(SnapshotHeader.Section(key: key, offset: start, length: body.count - start, records: records))
        }
        var header = header
        header.sections = sections
        var file: [UInt8]
        do {
            file = try LZ4FrameEncoder.frame(of: header.line, blockSize: .small)
            let table = header.table
            file += try LZ4FrameEncoder.frame(of: table, blockSize: table.count > 65536 ? .large : .small)
        } catch {
            throw LedgerError(.io, "cannot compress the snapshot header: \(error)")
        }
        file += body
        return file
    }
}
