import CanonicalJSON
import LZ4Codec
import LedgerIntegrity

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The single writer of a ledger: holds the `LOCK`, recovers torn tails on open, and appends
/// commits (see `AppendBatch`).
public final class LedgerWriter {
    /// How the writer behaves.
    public struct Options: Sendable {
        /// Seconds to wait for the writer lock before failing with "ledger busy".
        public var wait: Double = 10
        /// fsync each commit before acknowledging it; false only for bulk loads (`--no-sync`).
        public var sync = true
        /// A new segment starts when the current one has at least this many bytes.
        public var segmentBytes = 64 << 20
        /// Checks event bodies against the catalogue.
        public var validator: any EventValidator = EnvelopeOnlyValidator()
        /// The writer's initial `indexSaveInterval` (1: the index is saved after every commit).
        public var indexSaveInterval = 1

        /// Default options; `PARLEY_SEGMENT_BYTES` overrides the segment size (for tests).
        public init() {
            if let text = getenv("PARLEY_SEGMENT_BYTES"), let bytes = Int(String(cString: text)), bytes > 0 {
                segmentBytes = bytes
            }
        }
    }

    /// The ledger's layout.
    public let layout: LedgerLayout
    /// The ledger's manifest.
    public let manifest: LedgerManifest
    /// The writer's options.
    public let options: Options
    /// What opening the ledger repaired (quarantined tails, rebuilt index), one sentence each.
    public private(set) var recoveryNotes: [String] = []
    /// Why `index/` could not be brought up to date after a commit, once that happened.
    ///
    /// A commit is durable once its marker is written and synced; `index/` only spares the next
    /// writer a scan and is rebuilt from the segments whenever it does not match them. So a
    /// failure to write it (a full disk, say) neither undoes nor fails the commit, which is
    /// acknowledged as usual; this message says what happened, and the writer commits nothing
    /// more (its id table on disk may lack that commit's ids, and a known id must never look
    /// new): the next writer to open the ledger rebuilds the index and goes on.
    public private(set) var indexFailure: String?
    /// Commits between saves of `index/state.txt` (1: after every commit, the default), counting
    /// the commits the saved index was missing when this writer opened the ledger.
    ///
    /// The index is derived data: a writer that opens the ledger checks it against the segments
    /// and folds whatever commits follow the point where it stops, so a stale index costs the
    /// next writer a short scan, never correctness. Group commit saves it every 64 commits (and
    /// when closed); a single `parley append` every 16 (a file replacement per commit cost as
    /// much as the fsync, and on a ledger of many streams far more). Commits left unsaved when
    /// the writer goes away are folded by the next one.
    public var indexSaveInterval: Int
    /// Makes the ids of events that come without one: seeded once per writer (so once per CLI
    /// process), not once per batch, which cost four system calls per group commit.
    var ids = EventIDGenerator()
    private var unsavedCommits = 0

    private let lock: WriterLock
    var index = LedgerIndex()
    private var idTable: [EventID: UInt64]?
    private var encoder = CanonicalEncoder()

    /// Opens a ledger for writing: takes the lock, then recovers.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - options: Writer options.
    /// - Throws: `LedgerError` (.notFound, .busy, .integrity, .io).
    public init(path: String, options: Options = Options()) throws {
        let reader = try LedgerReader(path: path)
        layout = reader.layout
        manifest = reader.manifest
        self.options = options
        indexSaveInterval = max(1, options.indexSaveInterval)
        lock = try WriterLock(path: layout.lock, wait: options.wait)
        try recover()
    }

    /// Seq of the last committed record.
    public var lastSeq: UInt64 { index.lastSeq }
    /// RFC 6962 root over all committed records.
    public var root: Hash32 { index.frontier.root }
    /// Current version of a stream (0 when absent).
    public func version(of stream: String) -> UInt64 { index.streams[stream] ?? 0 }
    /// Number of streams.
    public var streamCount: Int { index.streams.count }

    /// Starts a batch that becomes one commit.
    ///
    /// - Parameter largeFrames: Write 4 MiB-block frames (bulk input) rather than small ones.
    /// - Returns: The batch.
    public func batch(largeFrames: Bool = true, collectResults: Bool = false) -> AppendBatch {
        AppendBatch(writer: self, largeFrames: largeFrames, collectResults: collectResults)
    }

    // MARK: - Recovery

    /// Brings the index up to date with the segments and moves torn tails to `quarantine/`.
    private func recover() throws {
        let names = FileSystem.list(layout.segments).filter { LedgerLayout.firstSeq(ofSegment: $0) != nil }
        var startIndex = 0
        var startOffset = 0
        let hint = LedgerIndex.load(from: layout)
        // A repaired index (rebuilt, or after a quarantined tail) is saved at once; commits that
        // a saved index merely lacks are counted towards the next save after a commit (see
        // `indexSaveInterval`), so a writer that commits nothing (bad input) writes nothing.
        var repaired = false
        if let loaded = hint, let position = matches(loaded, names) {
            index = loaded
            startIndex = position
            startOffset = loaded.committedEnd
        } else {
            if hint != nil || FileSystem.exists(layout.indexState) {
                recoveryNotes.append("index did not match the segments; rebuilt it from the segments")
                repaired = true
            }
            index = LedgerIndex()
        }
        // `ids.bin` gets each commit's ids after its fsync, so its last entry witnesses
        // acknowledged commits that a lagging index does not know of (read once, before the fold
        // below truncates it to what the segments hold).
        let acknowledged = max(hint?.lastSeq ?? 0, IDIndex.lastSeq(in: layout) ?? 0)
        var warned = false
        var newIDs: [(EventID, UInt64)] = []
        let decoder = try CommitDecoder()
        var changed = false
        var folded = 0
        for position in startIndex..<names.count {
            let name = names[position]
            let path = layout.segmentPath(name)
            let offset = name == index.segment ? startOffset : 0
            // The usual case: the index is current and nothing follows its last commit.
            if offset > 0 && FileSystem.fileSize(path) == offset { continue }
            let bytes = try FileSystem.readFile(path, from: offset)
            guard
                LedgerLayout.firstSeq(ofSegment: name)
                    == (offset == 0 ? index.lastSeq + 1 : LedgerLayout.firstSeq(ofSegment: name))
            else {
                throw LedgerError(
                    .integrity,
                    "segment \(name) does not start at seq \(index.lastSeq + 1); run `parley audit` before writing")
            }
            let scan = bytes.withUnsafeBytes { SegmentScan($0, from: offset) }
            try bytes.withUnsafeBytes { raw in
                for commit in scan.commits {
                    try decoder.decode(commit, in: raw, segment: name)
                    try apply(commit: commit, lines: decoder, segment: name, newIDs: &newIDs)
                    index.segment = name
                    index.committedEnd = commit.markerRange.upperBound
                    index.markerStart = commit.markerRange.lowerBound
                    changed = true
                    folded += 1
                }
            }
            if let tail = scan.tail {
                guard position == names.count - 1 else {
                    throw LedgerError(
                        .integrity,
                        "\(name)@\(tail.problemOffset): \(tail.reason) in a sealed segment; run `parley audit`")
                }
                // A torn write can only follow the last commit the index knew; a tail starting
                // before that point means acknowledged bytes were damaged or cut. Recovery still
                // keeps the ledger usable (the bytes go to quarantine/, never deleted), but says so loudly.
                let indexed = hint.flatMap { hint in
                    hint.segment.map { name < $0 || (name == $0 && tail.offset < hint.committedEnd) }
                }
                if indexed == true || index.lastSeq < acknowledged {
                    warned = true
                    recoveryNotes.append(
                        "WARNING: \(name)@\(tail.problemOffset): \(tail.reason), before the last acknowledged commit (seq \(acknowledged)); acknowledged records after seq \(index.lastSeq) are damaged or missing and were moved to quarantine/ — run `parley audit` and compare with your checkpoints"
                    )
                }
                try quarantine(segment: name, bytes: bytes, from: tail.offset, reason: tail.reason)
                changed = true
                repaired = true
            } else if scan.commits.isEmpty && offset == 0 && bytes.isEmpty {
                unlink(path)
                recoveryNotes.append("removed empty segment \(name)")
            }
        }
        // Acknowledged commits can also vanish whole: segments cut exactly at a commit's end, or
        // the last segment file removed, leave no torn tail to report above. The saved index and
        // `ids.bin` still witness them (this is said once: the fold below truncates `ids.bin`).
        if index.lastSeq < acknowledged && !warned {
            recoveryNotes.append(
                "WARNING: the segments end at seq \(index.lastSeq), but commits up to seq \(acknowledged) were acknowledged; acknowledged records after seq \(index.lastSeq) are missing — run `parley audit` and compare with your checkpoints"
            )
            changed = true
        }
        if !newIDs.isEmpty || changed {
            index.idsBytes = try IDIndex.append(newIDs, to: layout, validBytes: index.idsBytes)
            unsavedCommits = folded
            if repaired { try saveIndex() }
        }
    }

    /// The position in `names` to resume scanning from, when `loaded` agrees with the segments.
    private func matches(_ loaded: LedgerIndex, _ names: [String]) -> Int? {
        // `ids.bin` must hold an entry for every record the index counts: a short table (the
        // file cut or removed behind the writers' back, or left behind by a failed update) would
        // make a known id look new, and its event would be appended twice.
        guard loaded.idsBytes == Int(loaded.lastSeq) * IDIndex.entrySize,
            FileSystem.fileSize(layout.indexIDs) ?? 0 >= loaded.idsBytes
        else { return nil }
        guard let segment = loaded.segment else { return loaded.lastSeq == 0 ? 0 : nil }
        guard let position = names.firstIndex(of: segment),
            let size = FileSystem.fileSize(layout.segmentPath(segment)), size >= loaded.committedEnd,
            loaded.markerStart >= 0, loaded.markerStart + 8 <= loaded.committedEnd,
            let bytes = try? FileSystem.readRange(
                layout.segmentPath(segment), offset: loaded.markerStart, count: loaded.committedEnd - loaded.markerStart)
        else { return nil }
        // Only the last marker is read: the index must name exactly where it sits.
        let marker = bytes.withUnsafeBytes { CommitMarker(frame: $0) }
        guard let marker, marker.lastSeq == loaded.lastSeq, marker.root == loaded.frontier.root else { return nil }
        // The next commit's `recorded_at` is at least the saved `last_recorded_at`: one later than
        // the last commit itself (no record is recorded after its commit) would date every later
        // record in the future, for good.
        guard let committedAt = Timestamp(rfc3339: marker.committedAt), loaded.lastRecordedAt <= committedAt else {
            return nil
        }
        return position
    }

    /// Folds one committed commit into the index, checking seq, versions and the marker root.
    private func apply(
        commit: SegmentCommit, lines: CommitDecoder, segment: String, newIDs: inout [(EventID, UInt64)]
    ) throws {
        guard commit.marker.firstSeq == index.lastSeq + 1 else {
            throw LedgerError(
                .integrity,
                "\(segment)@\(commit.start): commit starts at seq \(commit.marker.firstSeq), expected \(index.lastSeq + 1); run `parley audit`"
            )
        }
        try lines.content.withUnsafeBytes { content in
            for line in lines.lines {
                let record = UnsafeRawBufferPointer(rebasing: content[line])
                let envelope = try RecordEnvelope(line: record, encoder: &encoder)
                guard envelope.seq == index.lastSeq + 1 else {
                    throw LedgerError(.integrity, "\(segment): record seq \(envelope.seq), expected \(index.lastSeq + 1)")
                }
                let previous = index.streams[envelope.stream] ?? 0
                guard envelope.version == previous + 1 else {
                    throw LedgerError(
                        .integrity,
                        "\(segment): seq \(envelope.seq) has version \(envelope.version) of \(envelope.stream), expected \(previous + 1)"
                    )
                }
                index.streams[envelope.stream] = envelope.version
                index.frontier.append(leafHash: RFC6962.leafHash(record))
                index.lastSeq = envelope.seq
                if let recorded = Timestamp(rfc3339: envelope.recordedAt), recorded > index.lastRecordedAt {
                    index.lastRecordedAt = recorded
                }
                if let id = EventID(envelope.id) {
                    newIDs.append((id, envelope.seq))
                    idTable?[id] = envelope.seq
                }
            }
        }
        guard index.frontier.root == commit.marker.root else {
            throw LedgerError(
                .integrity,
                "\(segment)@\(commit.markerRange.lowerBound): marker root for tree size \(commit.marker.lastSeq) does not match the records; run `parley audit`"
            )
        }
    }

    /// Moves uncommitted bytes to `quarantine/` (durably) and truncates the segment.
    private func quarantine(segment: String, bytes: [UInt8], from offset: Int, reason: String) throws {
        try FileSystem.makeDirectory(layout.quarantine)
        let target = layout.quarantine + "/\(segment).\(offset).\(Timestamp.now().microseconds / 1_000_000).torn"
        try FileSystem.writeAtomically(Array(bytes[offset...]), to: target)
        let path = layout.segmentPath(segment)
        if offset == 0 {
            guard unlink(path) == 0 else { throw LedgerError(.io, "cannot remove \(path): \(FileSystem.errorText())") }
            try FileSystem.syncDirectory(layout.segments)
        } else {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0, ftruncate(fd, off_t(offset)) == 0 else {
                if fd >= 0 { close(fd) }
                throw LedgerError(.io, "cannot truncate \(path): \(FileSystem.errorText())")
            }
            try FileSystem.sync(fd, path: path)
            close(fd)
        }
        recoveryNotes.append(
            "moved \(bytes.count - offset) uncommitted bytes of \(segment) (from offset \(offset): \(reason)) to \(target)")
    }

    // MARK: - Used by AppendBatch

    /// The seq of the record with `id`, if there is one; the id table is loaded on first use,
    /// and rebuilt from the records (and `ids.bin` rewritten) when the file does not hold one
    /// entry per record in seq order.
    ///
    /// - Throws: `LedgerError` when the table must be rebuilt and the records cannot be read.
    func knownSeq(of id: EventID) throws -> UInt64? {
        if idTable == nil { idTable = try IDIndex.load(layout, bytes: index.idsBytes) ?? rebuiltIDTable() }
        return idTable?[id]
    }

    /// The id table read from the committed records; `ids.bin` is rewritten to match (if it
    /// cannot be, the table still serves this writer, and the next one checks the file again).
    private func rebuiltIDTable() throws -> [EventID: UInt64] {
        var entries: [(EventID, UInt64)] = []
        entries.reserveCapacity(Int(index.lastSeq))
        let last = index.lastSeq
        try LedgerReader(path: layout.root).forEachRecord(from: LedgerReader.start(fromSeq: 1)) { seq, line in
            guard seq <= last else { return false }
            let envelope = try RecordEnvelope(line: line, encoder: &encoder)
            guard let id = EventID(envelope.id) else {
                throw LedgerError(.integrity, "record \(seq): id \(envelope.id) is not a UUID; run `parley audit`")
            }
            entries.append((id, seq))
            return true
        }
        guard UInt64(entries.count) == last else {
            throw LedgerError(.integrity, "the segments hold \(entries.count) records, the index \(last); run `parley audit`")
        }
        if let written = try? IDIndex.append(entries, to: layout, validBytes: 0) { index.idsBytes = written }
        recoveryNotes.append("index/ids.bin did not hold one entry per record in seq order; rebuilt it from the segments")
        return Dictionary(entries, uniquingKeysWith: { first, _ in first })
    }

    /// Records a finished, durable commit in the index.
    ///
    /// The commit stands whatever happens here: a failure to write `index/` only sets
    /// `indexFailure` (see there).
    func didCommit(_ update: LedgerIndex, ids: [(EventID, UInt64)]) {
        index = update
        if idTable != nil { for (id, seq) in ids { idTable?[id] = seq } }
        do {
            index.idsBytes = try IDIndex.append(ids, to: layout, validBytes: index.idsBytes)
            unsavedCommits += 1
            if unsavedCommits >= indexSaveInterval { try saveIndex() }
        } catch {
            indexFailure = "the derived index could not be updated (\(error)); the next writer rebuilds it from the segments"
        }
    }

    /// Throws when this writer must not commit again, because `indexFailure` is set.
    func checkCanCommit() throws {
        guard let indexFailure else { return }
        throw LedgerError(.io, "nothing appended: \(indexFailure); reopen the ledger to append")
    }

    /// Whether `index/state.txt` lacks commits (made or folded by this writer; see `indexSaveInterval`).
    public var indexIsBehind: Bool { unsavedCommits > 0 }

    /// Writes `index/state.txt` for the commits made so far (see `indexSaveInterval`).
    ///
    /// - Throws: `LedgerError(.io)` when the file cannot be written.
    public func saveIndex() throws {
        // After a failure, `ids.bin` may lack the last commit's ids: a saved `state.txt` must
        // not vouch for it (the one saved before, if any, still matches what the table holds).
        guard indexFailure == nil else { return }
        try index.save(to: layout)
        unsavedCommits = 0
    }
}
