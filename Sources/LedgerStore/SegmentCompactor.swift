import LZ4Codec
import LedgerIntegrity

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `compact` did to one segment.
public struct CompactionResult: Sendable {
    public var segment: String
    public var bytesBefore: Int
    public var bytesAfter: Int
    public var commitsBefore: Int
}

extension LedgerWriter {
    /// Rewrites segments made of many small commits into large frames closed by one merged marker.
    ///
    /// Record bytes and the RFC 6962 roots never change: every record is re-verified against the
    /// markers before its segment is replaced, the merged marker carries the root at the segment's
    /// last seq, and the replacement is atomic (temporary file, fsync, rename, directory fsync).
    /// Only sealed segments are rewritten unless `includeActive` is set. Intermediate markers (the
    /// roots after each small commit) are dropped; checkpoints and proofs stay valid because they
    /// are computed from the records.
    ///
    /// - Parameters:
    ///   - includeActive: Also rewrite the segment new commits go to.
    ///   - minimumCommits: Leave segments with fewer commits than this alone.
    /// - Returns: One result per rewritten segment.
    /// - Throws: `LedgerError(.integrity)` when a segment does not verify (nothing is rewritten then).
    public func compact(includeActive: Bool = false, minimumCommits: Int = 2) throws -> [CompactionResult] {
        let names = FileSystem.list(layout.segments).filter { LedgerLayout.firstSeq(ofSegment: $0) != nil }
        var frontier = MerkleFrontier()
        var results: [CompactionResult] = []
        let decoder = try CommitDecoder()
        for (position, name) in names.enumerated() {
            let path = layout.segmentPath(name)
            let bytes = try FileSystem.readFile(path)
            let isActive = position == names.count - 1
            var content: [UInt8] = []
            var lastMarker: CommitMarker?
            let scan = bytes.withUnsafeBytes { SegmentScan($0) }
            if let tail = scan.tail, !isActive || tail.offset < index.committedEnd {
                throw LedgerError(
                    .integrity, "\(name)@\(tail.problemOffset): \(tail.reason); run `parley audit` before compacting")
            }
            try bytes.withUnsafeBytes { raw in
                for commit in scan.commits {
                    try decoder.decode(commit, in: raw, segment: name)
                    decoder.content.withUnsafeBytes { lines in
                        for line in decoder.lines {
                            frontier.append(leafHash: RFC6962.leafHash(UnsafeRawBufferPointer(rebasing: lines[line])))
                        }
                    }
                    guard frontier.root == commit.marker.root, frontier.size == commit.marker.lastSeq else {
                        throw LedgerError(
                            .integrity, "\(name)@\(commit.markerRange.lowerBound): marker root does not match the records")
                    }
                    content.append(contentsOf: decoder.content)
                    lastMarker = commit.marker
                }
            }
            guard let lastMarker, !isActive || includeActive, scan.commits.count >= minimumCommits,
                let firstSeq = LedgerLayout.firstSeq(ofSegment: name)
            else { continue }
            var rewritten: [UInt8] = []
            var start = 0
            while start < content.count {
                var end = min(start + (4 << 20), content.count)
                while end < content.count && content[end - 1] != 0x0A { end += 1 }
                try content.withUnsafeBytes { raw in
                    do {
                        try LZ4FrameEncoder.appendFrame(
                            of: UnsafeRawBufferPointer(rebasing: raw[start..<end]), blockSize: .large, to: &rewritten)
                    } catch {
                        throw LedgerError(.io, "\(error)")
                    }
                }
                start = end
            }
            let marker = CommitMarker(
                firstSeq: firstSeq, lastSeq: lastMarker.lastSeq, root: lastMarker.root, committedAt: lastMarker.committedAt)
            let markerStart = rewritten.count
            rewritten += marker.frame
            guard rewritten.count < scan.committedEnd else { continue }
            try FileSystem.writeAtomically(rewritten, to: path)
            results.append(
                CompactionResult(
                    segment: name, bytesBefore: bytes.count, bytesAfter: rewritten.count, commitsBefore: scan.commits.count))
            if isActive {
                index.committedEnd = rewritten.count
                index.markerStart = markerStart
                try index.save(to: layout)
            }
        }
        return results
    }
}
