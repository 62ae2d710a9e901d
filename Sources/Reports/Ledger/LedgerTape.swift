import LZ4Codec
import LedgerIntegrity
import LedgerStore

/// The committed records of a ledger, read straight from its mapped segments, together with the
/// commit markers that close each commit.
///
/// `LedgerReader` reads whole segment files and decodes whole commits; reports need less: the
/// markers alone (to find the cut of an `--as-of` time and the RFC 6962 root at it, or to check
/// a snapshot), and records from the middle of a ledger onwards. Segments are mapped, scanned
/// for their frame structure once, and decoded one LZ4 frame at a time, so a read that stops early
/// never decompresses the rest of a large commit. Never takes the writer lock; bytes after the
/// last commit marker of a segment are not part of the ledger and are never looked at.
final class LedgerTape {
    /// The ledger's layout.
    let layout: LedgerLayout
    /// The ledger's manifest.
    let manifest: LedgerManifest
    /// Segment file names, in seq order.
    let segmentNames: [String]
    /// The first seq of each segment (from its name).
    let segmentFirstSeqs: [UInt64]
    private var scanned: [Int: (file: MappedFile, scan: SegmentScan)] = [:]
    private var decoder: LZ4FrameDecoder?

    /// Opens the ledger at `path` for reading.
    ///
    /// - Parameter path: The ledger directory.
    /// - Throws: `LedgerError(.notFound)` when there is no ledger there.
    init(path: String) throws {
        let reader = try LedgerReader(path: path)
        layout = reader.layout
        manifest = reader.manifest
        segmentNames = reader.segmentNames()
        segmentFirstSeqs = segmentNames.map { LedgerLayout.firstSeq(ofSegment: $0)! }
    }

    /// The mapped bytes and frame structure of segment `index` (scanned once).
    func segment(_ index: Int) throws -> (file: MappedFile, scan: SegmentScan) {
        if let known = scanned[index] { return known }
        let file = try MappedFile(path: layout.segmentPath(segmentNames[index]))
        let scan = SegmentScan(file.bytes)
        scanned[index] = (file, scan)
        return (file, scan)
    }

    /// The index of the segment that holds `seq` (the last one whose first seq is ≤ `seq`).
    func segmentIndex(containing seq: UInt64) -> Int? {
        var low = 0
        var high = segmentFirstSeqs.count
        while low < high {
            let middle = (low + high) / 2
            if segmentFirstSeqs[middle] <= seq { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// The marker of the ledger's last commit; nil for an empty ledger.
    func head() throws -> CommitMarker? {
        for index in segmentNames.indices.reversed() {
            if let last = try segment(index).scan.commits.last { return last.marker }
        }
        return nil
    }

    /// The commit that holds `seq`, with its segment.
    func commit(containing seq: UInt64) throws -> (segment: Int, commit: SegmentCommit)? {
        guard let index = segmentIndex(containing: seq) else { return nil }
        let commits = try segment(index).scan.commits
        var low = 0
        var high = commits.count
        while low < high {
            let middle = (low + high) / 2
            if commits[middle].marker.lastSeq < seq { low = middle + 1 } else { high = middle }
        }
        guard low < commits.count, commits[low].marker.firstSeq <= seq else { return nil }
        return (index, commits[low])
    }

    /// The marker of the commit whose last record is `seq`; nil when `seq` is inside a commit
    /// (or beyond the ledger).
    func marker(endingAt seq: UInt64) throws -> CommitMarker? {
        guard let found = try commit(containing: seq), found.commit.marker.lastSeq == seq else { return nil }
        return found.commit.marker
    }

    /// The marker of the last commit made at or before `time`, and the commit after it (the
    /// first made later); either is nil where there is none.
    ///
    /// - Throws: `LedgerError(.integrity)` when a marker's `committed_at` does not parse.
    func commits(around time: Timestamp) throws -> (before: CommitMarker?, after: CommitMarker?) {
        var after: CommitMarker?
        for index in segmentNames.indices.reversed() {
            for commit in try segment(index).scan.commits.reversed() {
                guard let committed = Timestamp(rfc3339: commit.marker.committedAt) else {
                    throw LedgerError(
                        .integrity,
                        "\(segmentNames[index])@\(commit.markerRange.lowerBound): committed_at \(commit.marker.committedAt) does not parse"
                    )
                }
                if committed <= time { return (commit.marker, after) }
                after = commit.marker
            }
        }
        return (nil, after)
    }

    /// The seq of the last record recorded at or before `time`; nil when the first is later.
    ///
    /// The records of a commit Parley made share its marker's `committed_at`, so the markers
    /// find the cut, except where a compacted segment's merged marker covers several commits:
    /// its records may be older than its `committed_at`, so those of the first commit made
    /// after `time` are read (they never decrease) until one is later.
    ///
    /// - Throws: `LedgerError(.integrity)` when a marker's `committed_at` or a record does not parse.
    func lastRecord(recordedAtOrBefore time: Timestamp) throws -> UInt64? {
        let (before, after) = try commits(around: time)
        var last = before?.lastSeq
        guard let after else { return last }
        struct Later: Error {}
        do {
            try forEachLine(from: after.firstSeq, through: after.lastSeq) { seq, line in
                let recordedAt = try RecordEnvelope(line: Array(line)).recordedAt
                guard let recorded = Timestamp(rfc3339: recordedAt) else {
                    throw LedgerError(.integrity, "record \(seq): recorded_at \(recordedAt) does not parse")
                }
                guard recorded <= time else { throw Later() }
                last = seq
            }
        } catch is Later {}
        return last
    }

    /// The `recorded_at` of record `seq`, read from the record itself (a merged marker's
    /// `committed_at` is only its last commit's).
    func recordedAt(ofSeq seq: UInt64) throws -> String? {
        var found: String?
        try forEachLine(from: seq, through: seq) { _, line in found = try RecordEnvelope(line: Array(line)).recordedAt }
        return found
    }

    /// Calls `body` with the records from seq `first` through seq `last`, one decoded LZ4 frame at a
    /// time: the seq of the first line given, the frame's content, and the ranges of the lines.
    ///
    /// - Throws: As `forEachLine`.
    func forEachBatch(
        from first: UInt64, through last: UInt64, _ body: (UInt64, [UInt8], [Range<Int>]) throws -> Void
    ) throws {
        try forEachFrame(from: first, through: last, body)
    }

    /// Calls `body` with every committed record from seq `first` through seq `last`, in order.
    ///
    /// Frames are decoded one at a time, and decoding stops after `last`.
    ///
    /// - Parameters:
    ///   - first: The first seq wanted (≥ 1).
    ///   - last: The last seq wanted.
    ///   - body: Receives the seq and the line (no newline).
    /// - Throws: `LedgerError(.integrity)` on damaged or missing committed records; what `body` throws.
    func forEachLine(
        from first: UInt64, through last: UInt64, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard first <= last, var index = segmentIndex(containing: first) else { return }
        if decoder == nil {
            do { decoder = try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
        }
        let decoder = decoder!
        var next = first
        var content: [UInt8] = []
        while index < segmentNames.count && next <= last {
            let (file, scan) = try segment(index)
            let name = segmentNames[index]
            for commit in scan.commits where commit.marker.lastSeq >= next {
                guard commit.marker.firstSeq <= next else {
                    throw LedgerError(
                        .integrity, "\(name)@\(commit.start): commit starts at seq \(commit.marker.firstSeq), expected \(next)")
                }
                var seq = commit.marker.firstSeq
                for frame in commit.dataFrames {
                    content.removeAll(keepingCapacity: true)
                    do {
                        try decoder.decompressFrame(
                            UnsafeRawBufferPointer(rebasing: file.bytes[frame.range]), expectedSize: frame.contentSize,
                            appendingTo: &content)
                    } catch {
                        throw LedgerError(
                            .integrity, "\(name)@\(frame.range.lowerBound + (error.offset ?? 0)): \(error.message)")
                    }
                    guard content.last == 0x0A || content.isEmpty else {
                        throw LedgerError(
                            .integrity, "\(name)@\(frame.range.lowerBound): frame does not end with a whole record line")
                    }
                    try content.withUnsafeBytes { raw in
                        var start = 0
                        while start < raw.count {
                            let end = RecordLine.lineEnd(raw, from: start)
                            if seq >= next && seq <= last {
                                try body(seq, UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                                next = seq + 1
                            }
                            seq += 1
                            start = end + 1
                        }
                    }
                    if next > last { break }
                }
                if next > last { break }
                guard seq == commit.marker.lastSeq + 1 else {
                    throw LedgerError(
                        .integrity,
                        "\(name)@\(commit.start): commit \(commit.marker.firstSeq)…\(commit.marker.lastSeq) holds \(seq - commit.marker.firstSeq) records"
                    )
                }
            }
            index += 1
        }
        guard next > last else {
            throw LedgerError(.integrity, "records \(next)…\(last) are not in the ledger's committed segments")
        }
    }

    /// Appends the RFC 6962 leaf hashes of records `first`…`last` to `frontier`.
    ///
    /// - Parameters:
    ///   - frontier: The frontier at record `first` - 1.
    ///   - first: The first record to hash.
    ///   - last: The last record to hash.
    /// - Throws: What `forEachLine` throws.
    func extend(_ frontier: inout MerkleFrontier, from first: UInt64, through last: UInt64) throws {
        try forEachLine(from: first, through: last) { _, line in frontier.append(leafHash: RFC6962.leafHash(line)) }
    }

    /// The frame-at-a-time walk behind `forEachBatch`.
    private func forEachFrame(
        from first: UInt64, through last: UInt64, _ body: (UInt64, [UInt8], [Range<Int>]) throws -> Void
    ) throws {
        guard first <= last, var index = segmentIndex(containing: first) else { return }
        if decoder == nil {
            do { decoder = try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
        }
        let decoder = decoder!
        var next = first
        // Reused from frame to frame (fresh pages for every multi-megabyte frame cost more than
        // decoding it); a body that keeps a batch keeps a copy.
        var content: [UInt8] = []
        while index < segmentNames.count && next <= last {
            let (file, scan) = try segment(index)
            let name = segmentNames[index]
            for commit in scan.commits where commit.marker.lastSeq >= next {
                guard commit.marker.firstSeq <= next else {
                    throw LedgerError(
                        .integrity, "\(name)@\(commit.start): commit starts at seq \(commit.marker.firstSeq), expected \(next)")
                }
                var seq = commit.marker.firstSeq
                for frame in commit.dataFrames {
                    content.removeAll(keepingCapacity: true)
                    do {
                        try decoder.decompressFrame(
                            UnsafeRawBufferPointer(rebasing: file.bytes[frame.range]), expectedSize: frame.contentSize,
                            appendingTo: &content)
                    } catch {
                        throw LedgerError(
                            .integrity, "\(name)@\(frame.range.lowerBound + (error.offset ?? 0)): \(error.message)")
                    }
                    guard content.last == 0x0A || content.isEmpty else {
                        throw LedgerError(
                            .integrity, "\(name)@\(frame.range.lowerBound): frame does not end with a whole record line")
                    }
                    let lines = ParallelParse.lineRanges(content)
                    let skip = seq < next ? Int(min(UInt64(lines.count), next - seq)) : 0
                    let take = max(0, min(lines.count - skip, Int(min(UInt64(Int.max), last - (seq + UInt64(skip)) + 1))))
                    if take > 0 {
                        try body(seq + UInt64(skip), content, Array(lines[skip..<(skip + take)]))
                        next = seq + UInt64(skip + take)
                    }
                    seq += UInt64(lines.count)
                    if next > last { break }
                }
                if next > last { break }
                guard seq == commit.marker.lastSeq + 1 else {
                    throw LedgerError(
                        .integrity,
                        "\(name)@\(commit.start): commit \(commit.marker.firstSeq)…\(commit.marker.lastSeq) holds \(seq - commit.marker.firstSeq) records"
                    )
                }
            }
            index += 1
        }
        guard next > last else {
            throw LedgerError(.integrity, "records \(next)…\(last) are not in the ledger's committed segments")
        }
    }
}
