import LedgerIntegrity
import LedgerStore
import Projections

/// The sequential half of an audit: takes the chunks and the workers' outcomes in file order
/// and checks everything that depends on what came before — seq positions, per-stream
/// versions, `recorded_at` order, duplicate ids, commit markers and their RFC 6962 roots,
/// segment names, torn tails — and folds the events for the semantic pass.
///
/// When records are lost (a frame that does not decode, damaged frames before a marker, a
/// marker that does not continue the chain) the chain breaks: later commits are still walked
/// and their records checked on their own, but `treeSize`/`root` describe the verified prefix.
struct ChainVerifier {
    /// Segment file names, sorted.
    let segments: [String]
    /// Tree sizes whose roots the checkpoints need.
    let wantedSizes: Set<UInt64>
    /// Whether to run the streaming semantic pass.
    let semantic: Bool
    /// Whether to fold the projections' full state.
    let projections: Bool

    private(set) var log: FindingLog
    /// Records covered by verified markers, and their root.
    private(set) var committed: UInt64 = 0
    private(set) var committedRoot: Hash32 = RFC6962.emptyRoot
    /// Roots at the wanted sizes (only those ≤ `committed` count).
    private(set) var rootsAt: [UInt64: Hash32] = [0: RFC6962.emptyRoot]
    /// Commit markers read.
    private(set) var commits = 0
    /// Whether every record so far is accounted for.
    private(set) var chainIntact = true
    /// The projected state (when `projections`).
    private(set) var state = LedgerState()
    private var semanticPass = SemanticPass()
    /// Records handled so far (for progress).
    private(set) var recordsSeen: UInt64 = 0

    private var frontier = MerkleFrontier()
    private var committedFrontier = MerkleFrontier()
    private var position: UInt64 = 0
    private var pending: [AuditFinding] = []
    private var segmentIndex = 0
    private var markerEnd = 0
    private var tailReported = false
    private var dataSinceMarker = false
    private var versions = StreamVersions()
    private var ids = EventIDSet()
    private var lastRecordedAt: Int64 = .min
    /// The latest `recorded_at` of the commit being read, with where its record is.
    private var commitLatestRecordedAt: (microseconds: Int64, seq: UInt64, offset: Int)?
    private var lastCommittedAt: Timestamp?
    /// (first seq, segment index, frame offset) of every data frame, to locate semantic findings.
    private var frameIndex: [(seq: UInt64, segment: Int, offset: Int)] = []

    init(segments: [String], wantedSizes: Set<UInt64>, semantic: Bool, projections: Bool, maximumPerKind: Int) {
        self.segments = segments
        self.wantedSizes = wantedSizes
        self.semantic = semantic
        self.projections = projections
        log = FindingLog(maximumPerKind: maximumPerKind)
    }

    private var file: String { segments[segmentIndex] }
    /// The segment being checked.
    var currentSegment: String { segments.isEmpty ? "" : segments[segmentIndex] }
    private var isLastSegment: Bool { segmentIndex == segments.count - 1 }

    /// Adds a finding now (structure) or when the commit is confirmed (record findings).
    private mutating func report(
        _ kind: AuditFinding.Kind, _ offset: Int?, _ seq: UInt64?, _ message: String, deferred: Bool = false
    ) {
        let finding = AuditFinding(.error, kind, file: file, offset: offset, seq: seq, message)
        if deferred { pending.append(finding) } else { log.add(finding) }
    }

    private mutating func breakChain(_ offset: Int?, _ why: String) {
        guard chainIntact else { return }
        chainIntact = false
        log.error(
            .chain, file, offset, committed + 1,
            "\(why); the chain is verified up to seq \(committed) only (later commits are walked, not verified)")
    }

    /// Handles one chunk and the workers' outcomes for its items.
    mutating func consume(_ chunk: AuditChunk, _ outcomes: [FrameOutcome?]) {
        for (itemIndex, item) in chunk.items.enumerated() {
            switch item {
            case .segmentStart(let index):
                startSegment(index)
            case .data(let offset, _, _, let contentChecksum, let blockChecksum):
                dataSinceMarker = true
                if !contentChecksum {
                    report(.frameFormat, offset, nil, "LZ4 frame without content checksum (FORMAT.md requires it)")
                }
                if case .data(_, _, nil, _, _) = item {
                    report(.frameFormat, offset, nil, "LZ4 frame without content size in its header (FORMAT.md requires it)")
                }
                if blockChecksum {
                    log.warning(.frameFormat, file, offset, nil, "LZ4 frame with block checksums (FORMAT.md says off)")
                }
                if let outcome = outcomes[itemIndex] { consumeFrame(outcome, at: offset) }
            case .marker(let offset, let payload):
                let parsed = chunk.bytes.withUnsafeBytes {
                    CommitMarkerPayload.parse(UnsafeRawBufferPointer(rebasing: $0[payload]))
                }
                consumeMarker(
                    parsed.marker, parsed.problems, at: offset, end: payload.upperBound - payload.lowerBound + offset + 8)
            case .foreignSkippable(let offset, let magic):
                report(
                    .frameStructure, offset, nil,
                    "skippable frame with magic 0x\(String(magic, radix: 16)) is not a commit marker")
            case .damage(let offset, let frameOffset, let reason, let truncated, let resumesAt):
                if let resumesAt {
                    report(
                        .frameStructure, offset, nil,
                        "\(reason) (frame at \(frameOffset); a commit marker follows at \(resumesAt), so committed data is damaged)"
                    )
                    breakChain(offset, "records between offsets \(frameOffset) and \(resumesAt) are lost")
                    dataSinceMarker = false
                } else {
                    tail(reason: "\(reason) at offset \(offset)" + (truncated ? "" : " (not a clean truncation)"))
                }
            case .unreadable(let message):
                log.error(.io, file, nil, nil, message)
                breakChain(nil, "a segment cannot be read")
            case .segmentEnd(_, let size):
                if size == 0 {
                    if isLastSegment {
                        log.warning(.tornTail, file, 0, nil, "empty segment (no commits yet)")
                    } else {
                        log.error(.tornTail, file, 0, nil, "empty segment that is not the last one")
                    }
                } else if dataSinceMarker && !tailReported {
                    tail(reason: "data frames without a commit marker")
                }
            }
        }
    }

    private mutating func startSegment(_ index: Int) {
        segmentIndex = index
        markerEnd = 0
        tailReported = false
        dataSinceMarker = false
        guard let first = LedgerLayout.firstSeq(ofSegment: file) else { return }
        if first != committed + 1 {
            log.error(
                .segmentName, file, nil, committed + 1,
                index == 0
                    ? "the first segment starts at seq \(first); it must be \(LedgerLayout.segmentName(firstSeq: 1))"
                    : "segment name says it starts at seq \(first), but the previous segment ends at seq \(committed) (expected \(LedgerLayout.segmentName(firstSeq: committed + 1))): a segment is missing, extra or renamed"
            )
        }
    }

    /// Bytes after the last marker of the current segment: a torn write (warning) in the last
    /// segment, an error elsewhere. Uncommitted records are taken back out of the tree.
    private mutating func tail(reason: String) {
        tailReported = true
        let lost = position - committed
        let what = "uncommitted bytes after the last commit marker (\(lost) record(s)): \(reason)"
        if isLastSegment {
            log.warning(.tornTail, file, markerEnd, committed + 1, what + "; readers ignore them (torn write)")
        } else {
            log.error(
                .tornTail, file, markerEnd, committed + 1,
                what + ", in a segment that is not the last: a commit was cut or its marker removed")
        }
        if chainIntact {
            position = committed
            frontier = committedFrontier
            rootsAt = rootsAt.filter { $0.key <= committed }
        }
        pending.removeAll()
        dataSinceMarker = false
    }

    private mutating func consumeFrame(_ outcome: FrameOutcome, at offset: Int) {
        if let failure = outcome.decodeFailure {
            report(.decompress, offset, chainIntact ? position + 1 : nil, "LZ4 cannot decode this data frame: \(failure)")
            breakChain(offset, "the records of an undecodable frame are lost")
            return
        }
        for problem in outcome.frameProblems {
            report(.decompress, offset, chainIntact ? position + 1 : nil, problem)
        }
        guard chainIntact else {
            // Records can no longer be placed; check them on their own, located by their own seq.
            for problem in outcome.problems {
                let claimed = outcome.facts[problem.index].seq
                report(problem.kind, offset, claimed > 0 ? claimed : nil, problem.message)
            }
            recordsSeen += UInt64(outcome.recordCount)
            return
        }
        frameIndex.append((position + 1, segmentIndex, offset))
        var problems = outcome.problems[...]
        var refs = outcome.semanticRefs[...]
        var misplaced = 0
        var firstMisplaced: (claimed: UInt64, at: UInt64)?
        outcome.leafHashes.withUnsafeBytes { hashes in
            for index in 0..<outcome.recordCount {
                position += 1
                frontier.append(leafHash: UnsafeRawBufferPointer(rebasing: hashes[(index * 32)..<(index * 32 + 32)]))
                if !wantedSizes.isEmpty && wantedSizes.contains(position) { rootsAt[position] = frontier.root }
                while let problem = problems.first, problem.index == index {
                    report(problem.kind, offset, position, problem.message, deferred: true)
                    problems = problems.dropFirst()
                }
                let facts = outcome.facts[index]
                if facts.seq != 0 && facts.seq != position {
                    misplaced += 1
                    if firstMisplaced == nil { firstMisplaced = (facts.seq, position) }
                }
                if facts.version != 0 && !facts.stream.isEmpty {
                    let previous = outcome.streamBytes.withUnsafeBytes { bytes in
                        versions.update(
                            name: UnsafeRawBufferPointer(rebasing: bytes[facts.stream]), hash: facts.streamHash,
                            version: facts.version)
                    }
                    if facts.version != previous + 1 {
                        let name = String(decoding: outcome.streamBytes[facts.stream], as: UTF8.self)
                        report(
                            .version, offset, position,
                            "stream \(name) has version \(facts.version), expected \(previous + 1)", deferred: true)
                    }
                }
                if let recordedAt = facts.recordedAt {
                    if recordedAt < lastRecordedAt {
                        report(
                            .recordedAt, offset, position,
                            "recorded_at \(Timestamp(microseconds: recordedAt)) is earlier than the previous record's \(Timestamp(microseconds: lastRecordedAt))",
                            deferred: true)
                    } else {
                        lastRecordedAt = recordedAt
                    }
                    // Parley gives all records of a commit one `recorded_at`, but a compacted
                    // segment's merged marker covers many commits (SPEC: "merged markers"), so
                    // the marker only bounds them: none may be later than its `committed_at`.
                    if recordedAt > commitLatestRecordedAt?.microseconds ?? .min {
                        commitLatestRecordedAt = (recordedAt, position, offset)
                    }
                }
                if facts.hasID && !ids.insert(EventKey(high: facts.idHigh, low: facts.idLow)) {
                    report(.duplicateID, offset, position, "event id appears more than once", deferred: true)
                }
                if semantic {
                    var end = refs.startIndex
                    while end < refs.endIndex && refs[end].index == Int32(index) { end += 1 }
                    semanticPass.apply(
                        refs[refs.startIndex..<end], seq: position,
                        id: facts.hasID ? EventKey(high: facts.idHigh, low: facts.idLow) : nil)
                    refs = refs[end...]
                }
                if projections, index < outcome.events.count, let event = outcome.events[index] { state.apply(event) }
            }
        }
        if let firstMisplaced {
            report(
                .seq, offset, firstMisplaced.at,
                "record has seq \(firstMisplaced.claimed) at position \(firstMisplaced.at)"
                    + (misplaced > 1 ? " (\(misplaced) records of this frame are out of place)" : ""),
                deferred: true)
        }
        recordsSeen += UInt64(outcome.recordCount)
    }

    private mutating func consumeMarker(_ marker: CommitMarker?, _ problems: [String], at offset: Int, end: Int) {
        commits += 1
        let latestRecordedAt = commitLatestRecordedAt
        commitLatestRecordedAt = nil
        log.add(contentsOf: pending)
        pending.removeAll()
        for problem in problems { report(.marker, offset, marker?.firstSeq, problem) }
        markerEnd = end
        dataSinceMarker = false
        guard let marker else {
            breakChain(offset, "an unreadable commit marker")
            return
        }
        guard chainIntact else { return }
        guard marker.firstSeq == committed + 1 else {
            report(
                .markerSeq, offset, committed + 1,
                "commit marker covers seq \(marker.firstSeq)…\(marker.lastSeq) but the previous commit ended at seq \(committed) (commits missing, duplicated or reordered)"
            )
            breakChain(offset, "commits are missing, duplicated or reordered")
            return
        }
        let held = position - committed
        let covered = marker.lastSeq - marker.firstSeq + 1
        guard held == covered else {
            report(
                .markerSeq, offset, marker.firstSeq,
                "commit marker covers seq \(marker.firstSeq)…\(marker.lastSeq) (\(covered) records) but the commit holds \(held)")
            breakChain(offset, "a commit does not hold the records its marker names")
            return
        }
        let root = frontier.root
        if root != marker.root {
            report(
                .root, offset, marker.lastSeq,
                "commit marker root \(marker.root.hexString) is not the RFC 6962 root \(root.hexString) of records 1…\(marker.lastSeq)"
            )
        }
        if let committedAt = Timestamp(rfc3339: marker.committedAt) {
            if let latestRecordedAt, latestRecordedAt.microseconds > committedAt.microseconds {
                report(
                    .recordedAt, latestRecordedAt.offset, latestRecordedAt.seq,
                    "recorded_at \(Timestamp(microseconds: latestRecordedAt.microseconds)) is later than its commit's committed_at \(marker.committedAt) (a record cannot be accepted after its commit)"
                )
            }
            if let lastCommittedAt, committedAt < lastCommittedAt {
                log.warning(
                    .marker, file, offset, marker.firstSeq,
                    "commit marker committed_at \(marker.committedAt) is earlier than the previous commit's")
            } else {
                lastCommittedAt = committedAt
            }
        }
        committed = position
        committedRoot = root
        committedFrontier = frontier
    }

    /// Where the record `seq` is (segment and frame offset), for findings found after the fact.
    func location(ofSeq seq: UInt64) -> (file: String, offset: Int)? {
        var low = 0
        var high = frameIndex.count
        while low < high {
            let middle = (low + high) / 2
            if frameIndex[middle].seq <= seq { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let entry = frameIndex[low - 1]
        return (segments[entry.segment], entry.offset)
    }

    /// The semantic findings, once every record is in.
    mutating func finishSemanticPass() -> [SemanticPass.Found] {
        let ids = self.ids
        semanticPass.finish { ids.contains($0) }
        return semanticPass.found
    }

    /// Adds a finding computed outside the chain (checkpoints, semantics).
    mutating func add(_ finding: AuditFinding) {
        log.add(finding)
    }
}

extension FindingLog {
    mutating func add(contentsOf findings: [AuditFinding]) {
        for finding in findings { add(finding) }
    }
}
