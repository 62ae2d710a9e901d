import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams newline-separated lines from a file descriptor in 1 MiB reads (bounded memory).
enum LineReader {
    /// Calls `body` with each block of complete lines read (without their newlines); a last
    /// line without a newline comes as a block of its own. The pointers are valid only during the call.
    static func forEachBlock(fd: Int32, path: String, _ body: ([UnsafeRawBufferPointer]) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        var lines: [UnsafeRawBufferPointer] = []
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, raw.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LedgerError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            let scanFrom = filled
            filled += count
            var consumed = 0
            try buffer.withUnsafeBytes { raw in
                lines.removeAll(keepingCapacity: true)
                var index = scanFrom
                while index < filled {
                    if let found = memchr(raw.baseAddress! + index, 0x0A, filled - index) {
                        let end = raw.baseAddress!.distance(to: UnsafeRawPointer(found))
                        lines.append(UnsafeRawBufferPointer(rebasing: raw[consumed..<end]))
                        consumed = end + 1
                        index = end + 1
                    } else {
                        break
                    }
                }
                if !lines.isEmpty { try body(lines) }
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    if filled > consumed {
                        raw.baseAddress!.copyMemory(from: raw.baseAddress! + consumed, byteCount: filled - consumed)
                    }
                }
                filled -= consumed
            }
        }
        if filled > 0 {
            try buffer.withUnsafeBytes { raw in try body([UnsafeRawBufferPointer(rebasing: raw[0..<filled])]) }
        }
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
