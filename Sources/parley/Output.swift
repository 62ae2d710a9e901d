import ArgumentParser
import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered standard output and diagnostics on standard error.
///
/// Commands run on one thread; the buffer is only touched from it.
enum Output {
    nonisolated(unsafe) private static var pending: [UInt8] = []

    /// Writes bytes to stdout through a 256 KiB buffer.
    static func write(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
        if pending.count >= 256 * 1024 { flush() }
    }

    /// Writes a line to stdout.
    static func line(_ text: String) {
        var copy = text + "\n"
        copy.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes a line to stderr (unbuffered).
    static func diagnostic(_ text: String) {
        var copy = text + "\n"
        copy.withUTF8 { raw in writeFully(2, UnsafeRawBufferPointer(raw)) }
    }

    /// Writes text to stderr without a newline (progress lines).
    static func progress(_ text: String) {
        var copy = text
        copy.withUTF8 { raw in writeFully(2, UnsafeRawBufferPointer(raw)) }
    }

    /// Writes out what is buffered for stdout.
    static func flush() {
        pending.withUnsafeBytes { writeFully(1, $0) }
        pending.removeAll(keepingCapacity: true)
    }

    private static func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            offset += count
        }
    }

    /// Whether stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Keeps `value` alive until the process exits, which hands its memory back at once.
    ///
    /// For what a command builds and prints just before it exits (a report's view holds tens of
    /// thousands of small allocations): freeing them one by one costs ~20 ms of a report.
    static func keepUntilExit(_ value: some Any) {
        _ = Unmanaged.passRetained(KeptValue(value))
    }
}

/// A value `Output.keepUntilExit(_:)` never frees.
private final class KeptValue<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs a command body, turning `LedgerError` into its message on stderr and its exit code.
func reportingLedgerErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        let result = try body()
        Output.flush()
        return result
    } catch let error as LedgerError {
        Output.flush()
        Output.diagnostic("parley: error: " + Output.shortened(error.message))
        for problem in error.problems { Output.diagnostic("  " + Output.shortened(problem)) }
        throw ExitCode(error.code.rawValue)
    }
}

extension Output {
    /// Bytes of one diagnostic line kept when it quotes a long input (a 5 MB key, say).
    static let diagnosticLimit = 1_000

    /// `text`, cut to `diagnosticLimit` bytes (at a character boundary) with the length it had.
    static func shortened(_ text: String) -> String {
        guard text.utf8.count > diagnosticLimit else { return text }
        var kept = Substring(text.utf8.prefix(diagnosticLimit)) ?? Substring(text.prefix(diagnosticLimit / 4))
        while kept.utf8.count > diagnosticLimit { kept.removeLast() }
        return kept + "… (\(text.utf8.count) bytes in all)"
    }
}
