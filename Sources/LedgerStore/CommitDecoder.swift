import LZ4Codec

/// Decompresses a commit's frames and splits them into record lines, checking that the commit
/// holds exactly the records its marker names.
public final class CommitDecoder {
    private let decoder: LZ4FrameDecoder
    /// The decompressed content of the last commit decoded.
    public private(set) var content: [UInt8] = []
    /// Line ranges (without the newline) within `content`.
    public private(set) var lines: [Range<Int>] = []

    /// Creates a decoder.
    ///
    /// - Throws: `LedgerError` when liblz4 cannot allocate a context.
    public init() throws {
        do { decoder = try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
    }

    /// Decodes one commit of `segment`.
    ///
    /// - Parameters:
    ///   - commit: The commit found by `SegmentScan`.
    ///   - bytes: The segment file content.
    ///   - segment: The segment's name, for messages.
    /// - Throws: `LedgerError(.integrity)` naming the segment and byte offset on any damage.
    public func decode(_ commit: SegmentCommit, in bytes: UnsafeRawBufferPointer, segment: String) throws {
        content.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        for frame in commit.dataFrames {
            let before = content.count
            do {
                try decoder.decompressFrame(
                    UnsafeRawBufferPointer(rebasing: bytes[frame.range]), expectedSize: frame.contentSize,
                    appendingTo: &content)
            } catch {
                throw LedgerError(
                    .integrity,
                    "\(segment)@\(frame.range.lowerBound + (error.offset ?? 0)): \(error.message) (commit \(commit.marker.firstSeq)…\(commit.marker.lastSeq))"
                )
            }
            if let size = frame.contentSize, size != content.count - before {
                throw LedgerError(.integrity, "\(segment)@\(frame.range.lowerBound): frame content size mismatch")
            }
            if content.count > before && content[content.count - 1] != 0x0A {
                throw LedgerError(
                    .integrity, "\(segment)@\(frame.range.lowerBound): frame does not end with a whole record line")
            }
        }
        content.withUnsafeBytes { raw in
            var start = 0
            var index = 0
            while index < raw.count {
                if raw[index] == 0x0A {
                    lines.append(start..<index)
                    start = index + 1
                }
                index += 1
            }
        }
        let expected = commit.marker.lastSeq - commit.marker.firstSeq + 1
        guard UInt64(lines.count) == expected else {
            throw LedgerError(
                .integrity,
                "\(segment)@\(commit.start): commit \(commit.marker.firstSeq)…\(commit.marker.lastSeq) holds \(lines.count) records, its marker says \(expected)"
            )
        }
    }
}
