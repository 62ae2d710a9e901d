import LZ4Codec

/// One commit found in a segment: its data frames and its closing marker.
public struct SegmentCommit: Sendable {
    /// Byte ranges and declared content sizes of the commit's data frames, in order.
    public var dataFrames: [(range: Range<Int>, contentSize: Int?)]
    /// The parsed marker.
    public var marker: CommitMarker
    /// Where the marker frame sits.
    public var markerRange: Range<Int>
    /// Where the commit starts (its first data frame, or the marker when it has none).
    public var start: Int
}

/// The frame structure of one segment file: its commits and whatever follows the last one.
public struct SegmentScan: Sendable {
    /// Why the bytes after the last commit are not part of the ledger.
    public struct Tail: Sendable {
        /// Where the uncommitted bytes start (= end of the last marker).
        public var offset: Int
        /// Where the scan stopped and why.
        public var problemOffset: Int
        public var reason: String
    }

    /// Commits in file order.
    public var commits: [SegmentCommit] = []
    /// End of the last valid marker (0 when there is none): everything before it is committed.
    public var committedEnd: Int
    /// Uncommitted bytes after `committedEnd`, if any.
    public var tail: Tail?

    /// Walks the frames of `bytes`, starting at `offset` (which must be a commit boundary).
    ///
    /// A structurally broken frame, a skippable frame that is not a valid marker, or data frames
    /// with no marker after them end the scan: everything from the last valid marker on is the tail.
    ///
    /// - Parameters:
    ///   - bytes: The segment file content.
    ///   - offset: Where to start.
    public init(_ bytes: UnsafeRawBufferPointer, from offset: Int = 0) {
        committedEnd = offset
        var cursor = offset
        var frames: [(range: Range<Int>, contentSize: Int?)] = []
        var commitStart = offset
        while cursor < bytes.count {
            let frame: FrameLayout
            do {
                frame = try FrameScanner.frame(in: bytes, at: cursor)
            } catch {
                tail = Tail(offset: committedEnd, problemOffset: error.offset ?? cursor, reason: error.message)
                return
            }
            switch frame {
            case .data(let range, let contentSize):
                if frames.isEmpty { commitStart = range.lowerBound }
                frames.append((range, contentSize))
            case .skippable(let range, let magic, let payload):
                guard magic == CommitMarker.magic,
                    let marker = CommitMarker(payload: UnsafeRawBufferPointer(rebasing: bytes[payload]))
                else {
                    tail = Tail(
                        offset: committedEnd, problemOffset: range.lowerBound,
                        reason: "skippable frame that is not a valid commit marker")
                    return
                }
                commits.append(
                    SegmentCommit(
                        dataFrames: frames, marker: marker, markerRange: range,
                        start: frames.isEmpty ? range.lowerBound : commitStart))
                frames.removeAll()
                committedEnd = range.upperBound
            }
            cursor = frame.range.upperBound
        }
        if !frames.isEmpty {
            tail = Tail(offset: committedEnd, problemOffset: cursor, reason: "data frames without a commit marker")
        }
    }
}
