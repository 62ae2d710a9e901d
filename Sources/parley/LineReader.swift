import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams newline-separated lines from a file descriptor in 1 MiB reads (bounded memory).
enum LineReader {
    /// Calls `body` with each block of complete lines read (without their newlines); a last
    /// line without a newline comes as a block of its own.
    ///
    /// Two buffers take turns, so the lines of a block stay valid until `body` has returned for
    /// the next block: the consumer may go on working on a block (on other threads) while this
    /// reads the next one, as long as each call of `body` first finishes with the block before.
    /// `settle` is called before the buffers are freed, on every way out (errors included): it
    /// must return only once nothing reads the lines any more.
    static func forEachBlock(
        fd: Int32, path: String, settle: () -> Void, _ body: ([UnsafeRawBufferPointer]) throws -> Void
    ) throws {
        let buffers = [RecordChunk(capacity: 1 << 20), RecordChunk(capacity: 1 << 20)]
        // Swift may free a value after its last use, before the end of its scope: the buffers
        // are kept alive explicitly until nothing reads their lines any more.
        defer { withExtendedLifetime(buffers) { settle() } }
        var current = 0
        var lines: [UnsafeRawBufferPointer] = []
        while true {
            let buffer = buffers[current]
            // The rest of the buffer, or as much again when a line has filled it (`reserve`
            // then moves the bytes to twice the room: no line of this buffer is being read).
            let room = buffer.count == buffer.capacity ? buffer.capacity : buffer.capacity - buffer.count
            let destination = buffer.reserve(room)
            let count = read(fd, destination, room)
            if count < 0 {
                if errno == EINTR { continue }
                throw LedgerError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            let scanFrom = buffer.count
            buffer.commit(to: destination + count)
            let filled = buffer.count
            var consumed = 0
            lines.removeAll(keepingCapacity: true)
            var index = scanFrom
            while index < filled, let found = memchr(buffer.base + index, 0x0A, filled - index) {
                let end = UnsafeRawPointer(buffer.base).distance(to: UnsafeRawPointer(found))
                lines.append(UnsafeRawBufferPointer(start: buffer.base + consumed, count: end - consumed))
                consumed = end + 1
                index = end + 1
            }
            guard !lines.isEmpty else { continue }
            try body(lines)
            // The other buffer's block was finished with by that call: the unfinished line moves
            // there and reading goes on after it.
            let next = buffers[1 - current]
            let tail = filled - consumed
            next.removeAll()
            let start = next.reserve(tail)
            if tail > 0 { start.update(from: buffer.base + consumed, count: tail) }
            next.commit(to: start + tail)
            current = 1 - current
        }
        let last = buffers[current]
        if last.count > 0 { try body([UnsafeRawBufferPointer(start: last.base, count: last.count)]) }
    }
}

/// A one-line progress counter on stderr, shown only when stderr is a terminal.
final class ProgressLine {
    private let enabled: Bool
    private let label: String
    private var lastShown: Int64 = 0

    init(enabled: Bool, label: String) {
        self.enabled = enabled
        self.label = label
    }

    func tick(_ count: Int) {
        guard enabled else { return }
        let now = Timestamp.now().microseconds
        guard now - lastShown > 250_000 else { return }
        lastShown = now
        Output.progress("\r\(label): \(count) events")
    }

    func finish() {
        if enabled && lastShown > 0 { Output.progress("\n") }
    }
}
