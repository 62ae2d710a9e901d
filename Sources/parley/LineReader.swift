import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams newline-separated lines from a file descriptor in 1 MiB reads (bounded memory).
enum LineReader {
    /// Calls `body` with each line (without its newline); a last line without newline counts too.
    static func forEachLine(fd: Int32, path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
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
                var index = scanFrom
                while index < filled {
                    if raw[index] == 0x0A {
                        try body(UnsafeRawBufferPointer(rebasing: raw[consumed..<index]))
                        consumed = index + 1
                    }
                    index += 1
                }
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    if filled > consumed { raw.baseAddress!.copyMemory(from: raw.baseAddress! + consumed, byteCount: filled - consumed) }
                }
                filled -= consumed
            }
        }
        if filled > 0 {
            try buffer.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[0..<filled])) }
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
        guard enabled, count % 4096 == 0 else { return }
        let now = Timestamp.now().microseconds
        guard now - lastShown > 250_000 else { return }
        lastShown = now
        Output.progress("\r\(label): \(count) events")
    }

    func finish() {
        if enabled && lastShown > 0 { Output.progress("\n") }
    }
}
