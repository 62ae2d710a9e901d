import LZ4Codec
import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams the segment files in order and cuts them into `AuditChunk`s of whole frames.
///
/// Reads with plain `read(2)` into a buffer that holds the frame being looked at (a few MiB),
/// never the whole file, and opens files read-only: an audit never writes.
struct SegmentReader {
    /// Compressed bytes per chunk before it is handed on (small commits are batched).
    static let chunkBudget = 1 << 20
    /// Bytes asked of each `read`.
    static let readSize = 4 << 20

    let paths: [String]
    let emit: (AuditChunk) -> Void

    private var chunk = AuditChunk()

    init(paths: [String], emit: @escaping (AuditChunk) -> Void) {
        self.paths = paths
        self.emit = emit
    }

    /// Reads every segment, handing chunks to `emit`.
    mutating func run() {
        for (index, path) in paths.enumerated() {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            let openError = errno
            // The last segment, listed and then removed by a writer's recovery (a new segment
            // that held no commit yet, a torn start), was never part of the ledger.
            if fd < 0 && openError == ENOENT && index == paths.count - 1 { break }
            chunk.items.append(.segmentStart(index: index))
            let size = stream(path, fd, openError: openError)
            chunk.items.append(.segmentEnd(index: index, size: size))
        }
        flush()
    }

    private mutating func flush() {
        guard !chunk.items.isEmpty else { return }
        emit(chunk)
        chunk = AuditChunk()
        chunk.bytes.reserveCapacity(Self.chunkBudget + 65_536)
    }

    /// Streams one segment, opened as `fd` (negative: it could not be, for `openError`); returns
    /// its size in bytes.
    private mutating func stream(_ path: String, _ fd: Int32, openError: Int32) -> Int {
        guard fd >= 0 else {
            chunk.items.append(.unreadable(message: "cannot open \(path): \(String(cString: strerror(openError)))"))
            return 0
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Self.readSize * 2)
        var filled = 0
        var base = 0  // file offset of buffer[0]
        var cursor = 0  // index in buffer of the next frame
        var endOfFile = false

        /// Reads more bytes after `filled`, moving the unread part to the front first.
        func readMore() -> String? {
            if cursor > 0 {
                let remaining = filled - cursor
                buffer.withUnsafeMutableBytes { raw in
                    if remaining > 0 { raw.baseAddress!.copyMemory(from: raw.baseAddress! + cursor, byteCount: remaining) }
                }
                base += cursor
                filled = remaining
                cursor = 0
            }
            if buffer.count - filled < Self.readSize {
                buffer.appendZeros(max(Self.readSize, buffer.count))
            }
            while true {
                let count = buffer.withUnsafeMutableBytes { raw in
                    read(fd, raw.baseAddress! + filled, raw.count - filled)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    return "cannot read \(path): \(String(cString: strerror(errno)))"
                }
                if count == 0 { endOfFile = true }
                filled += count
                return nil
            }
        }

        while true {
            if cursor == filled {
                if endOfFile { break }
                if let problem = readMore() {
                    chunk.items.append(.unreadable(message: problem))
                    break
                }
                continue
            }
            let step = buffer.withUnsafeBytes { raw in
                FrameWalker.step(UnsafeRawBufferPointer(rebasing: raw[0..<filled]), at: cursor)
            }
            switch step {
            case .needMore where !endOfFile:
                if let problem = readMore() {
                    chunk.items.append(.unreadable(message: problem))
                    return base + filled
                }
                continue
            case .needMore, .damaged:
                // Read the rest of the file to look for a later marker: damage before one means
                // committed bytes are broken; none after means the tail is uncommitted.
                while !endOfFile {
                    if let problem = readMore() {
                        chunk.items.append(.unreadable(message: problem))
                        return base + filled
                    }
                }
                var offset = cursor
                var reason = "the file ends inside a frame"
                var truncated = true
                if case .damaged(let at, let why) = step {
                    offset = at
                    reason = why
                    truncated = false
                }
                let resume = buffer.withUnsafeBytes { raw in
                    FrameWalker.nextMarker(in: UnsafeRawBufferPointer(rebasing: raw[0..<filled]), from: cursor + 1)
                }
                chunk.items.append(
                    .damage(
                        offset: base + offset, frameOffset: base + cursor, reason: reason, truncated: truncated,
                        resumesAt: resume.map { base + $0 }))
                guard let resume else { return base + filled }
                cursor = resume
            case .data(let frame):
                let start = chunk.bytes.count
                buffer.withUnsafeBytes { raw in
                    chunk.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[frame.start..<frame.end]))
                }
                chunk.items.append(
                    .data(
                        offset: base + frame.start, bytes: start..<chunk.bytes.count, contentSize: frame.contentSize,
                        contentChecksum: frame.contentChecksum, blockChecksum: frame.blockChecksum))
                cursor = frame.end
            case .skippable(let end, let magic, let payload):
                if magic == CommitMarker.magic {
                    let start = chunk.bytes.count
                    buffer.withUnsafeBytes { raw in
                        chunk.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[payload]))
                    }
                    chunk.items.append(.marker(offset: base + cursor, payload: start..<chunk.bytes.count))
                } else {
                    chunk.items.append(.foreignSkippable(offset: base + cursor, magic: magic))
                }
                cursor = end
            }
            if chunk.bytes.count >= Self.chunkBudget || chunk.items.count >= 8192 { flush() }
        }
        return base + filled
    }
}
