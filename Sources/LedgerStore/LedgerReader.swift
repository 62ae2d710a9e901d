/// Reads committed records in seq order without taking the writer lock.
///
/// Only bytes up to the last valid commit marker of each segment are read, so a reader never
/// sees a commit that is still being written or was torn by a crash.
public struct LedgerReader: Sendable {
    /// Where a read stopped, to resume from (used by `log --follow`).
    public struct Position: Sendable {
        /// The segment to continue in.
        public var segment: String?
        /// The committed offset reached in that segment.
        public var offset: Int
        /// The seq of the next record.
        public var nextSeq: UInt64
        /// Where the commit marker that ends at `offset` starts (nil at offset 0): `parley
        /// compact` replaces a segment with one whose commits sit at other offsets, so a resumed
        /// read first checks that this marker is still there and closes seq `nextSeq - 1`.
        var markerStart: Int?
    }

    /// The ledger's directory layout.
    public let layout: LedgerLayout
    /// The ledger's manifest.
    public let manifest: LedgerManifest

    /// Opens a ledger for reading.
    ///
    /// - Parameter path: The ledger directory.
    /// - Throws: `LedgerError(.notFound)` when there is no ledger there.
    public init(path: String) throws {
        layout = LedgerLayout(root: path)
        guard FileSystem.exists(layout.manifest) else {
            throw LedgerError(
                .notFound, "no Parley ledger at \(path) (ledger.json is missing); create one with `parley init \(path)`")
        }
        manifest = try LedgerManifest(parsing: try FileSystem.readFile(layout.manifest))
    }

    /// Segment file names in seq order.
    public func segmentNames() -> [String] {
        FileSystem.list(layout.segments).filter { LedgerLayout.firstSeq(ofSegment: $0) != nil }
    }

    /// Calls `body` with every committed record from `position` on, in seq order.
    ///
    /// - Parameters:
    ///   - position: Where to start; `start(fromSeq:)` makes one.
    ///   - body: Receives the seq and the record line (no newline); returns false to stop.
    /// - Returns: The position after the last record delivered.
    /// - Throws: `LedgerError(.integrity)` on damaged committed bytes or a hole, replay or reordering
    ///   in the seq sequence (a missing or damaged sealed segment); whatever `body` throws.
    @discardableResult
    public func forEachRecord(
        from position: Position,
        _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws -> Position {
        let names = segmentNames()
        var current = position
        let decoder = try CommitDecoder()
        var startIndex = 0
        if let segment = position.segment, let index = names.firstIndex(of: segment) {
            startIndex = index
        } else {
            current.offset = 0
            startIndex = max(0, (names.lastIndex { LedgerLayout.firstSeq(ofSegment: $0)! <= position.nextSeq } ?? 0))
        }
        // Commits before the start position are skipped only while looking for it; from the first
        // commit delivered on, every commit must start right after the previous one: a hole, a
        // replayed or a reordered commit is damage, not a prefix.
        var synced = false
        for index in startIndex..<names.count {
            let name = names[index]
            let resuming = current.segment == name
            if !resuming {
                current.segment = name
                current.offset = 0
            }
            let path = layout.segmentPath(name)
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.readFile(path)
            } catch let error as LedgerError where error.code == .notFound && index == names.count - 1 {
                // Listed, then removed by a writer's recovery: a new segment that held no commit
                // yet (a torn start) is not part of the ledger.
                guard FileSystem.exists(path) else { break }
                throw error
            }
            var stop = false
            try bytes.withUnsafeBytes { raw in
                // A segment rewritten since the last read (compacted: the same records in fewer,
                // larger frames, perhaps under a reused inode) may have no marker closing seq
                // nextSeq - 1 where the last read stopped: it is then read again from its start,
                // and the seq skip below finds the place.
                if resuming && current.offset > 0
                    && !Self.marker(in: raw, from: current.markerStart, to: current.offset, closes: current.nextSeq - 1)
                {
                    current.offset = 0
                    current.markerStart = nil
                }
                let scan = SegmentScan(raw, from: min(current.offset, raw.count))
                if !resuming, let first = scan.commits.first, first.marker.firstSeq != LedgerLayout.firstSeq(ofSegment: name) {
                    throw LedgerError(
                        .integrity,
                        "\(name)@\(first.start): the segment's first commit starts at seq \(first.marker.firstSeq), its name says \(LedgerLayout.firstSeq(ofSegment: name)!)"
                    )
                }
                for commit in scan.commits {
                    if !synced && commit.marker.lastSeq < current.nextSeq {
                        current.offset = commit.markerRange.upperBound
                        current.markerStart = commit.markerRange.lowerBound
                        continue
                    }
                    let gap = synced ? commit.marker.firstSeq != current.nextSeq : commit.marker.firstSeq > current.nextSeq
                    if gap {
                        throw LedgerError(
                            .integrity,
                            "\(name)@\(commit.start): commit \(commit.marker.firstSeq)…\(commit.marker.lastSeq) follows seq \(current.nextSeq - 1); records are missing, replayed or out of order"
                        )
                    }
                    synced = true
                    try decoder.decode(commit, in: raw, segment: name)
                    try decoder.content.withUnsafeBytes { content in
                        for (lineIndex, line) in decoder.lines.enumerated() {
                            let seq = commit.marker.firstSeq + UInt64(lineIndex)
                            guard seq >= current.nextSeq else { continue }
                            guard try body(seq, UnsafeRawBufferPointer(rebasing: content[line])) else {
                                stop = true
                                return
                            }
                            current.nextSeq = seq + 1
                        }
                    }
                    if stop { return }
                    current.offset = commit.markerRange.upperBound
                    current.markerStart = commit.markerRange.lowerBound
                }
            }
            if stop { break }
        }
        return current
    }

    /// Whether `raw[start..<end]` is a commit marker closing seq `lastSeq`.
    static func marker(in raw: UnsafeRawBufferPointer, from start: Int?, to end: Int, closes lastSeq: UInt64) -> Bool {
        guard let start, start >= 0, start < end, end <= raw.count,
            let marker = CommitMarker(frame: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
        else { return false }
        return marker.lastSeq == lastSeq
    }

    /// A position that starts at `seq`.
    ///
    /// - Parameter seq: The first seq wanted (1 for the whole ledger).
    public static func start(fromSeq seq: UInt64) -> Position {
        Position(segment: nil, offset: 0, nextSeq: max(seq, 1), markerStart: nil)
    }

    /// The record line with the given seq, if committed.
    ///
    /// - Parameter seq: The seq.
    /// - Returns: The line bytes (no newline), or nil.
    /// - Throws: `LedgerError` on damage.
    public func record(seq: UInt64) throws -> [UInt8]? {
        var found: [UInt8]?
        try forEachRecord(from: Self.start(fromSeq: seq)) { recordSeq, line in
            if recordSeq == seq { found = Array(line) }
            return false
        }
        return found
    }
}
