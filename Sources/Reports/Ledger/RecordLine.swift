#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cheap looks into a committed record line without parsing it.
///
/// Committed lines are canonical JSON with the top-level keys sorted, so every line ends with
/// `"stream":"…","type":"…","version":N}`: the type and stream can be read backwards from the end
/// in a few dozen bytes. Used to skip, unparsed, the records a report does not need.
enum RecordLine {
    /// Where the line that starts at `start` ends: the offset of its newline, or `raw.count`.
    static func lineEnd(_ raw: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = raw.baseAddress, start < raw.count else { return raw.count }
        if let found = memchr(base + start, 0x0A, raw.count - start) {
            return base.distance(to: UnsafeRawPointer(found))
        }
        return raw.count
    }

    /// The number of lines in newline-terminated `raw` (its newlines).
    static func lineCount(_ raw: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var start = 0
        while start < raw.count {
            let end = lineEnd(raw, from: start)
            if end < raw.count { count += 1 }
            start = end + 1
        }
        return count
    }

    /// The raw (still JSON-escaped) bytes of the top-level `type` and `stream` strings; nil when
    /// the line does not end the way a canonical record does (callers then parse it fully).
    ///
    /// - Parameter line: A record line without its newline.
    static func typeAndStream(_ line: UnsafeRawBufferPointer) -> (type: UnsafeRawBufferPointer, stream: UnsafeRawBufferPointer)? {
        var cursor = line.count - 1
        guard cursor > 0, line[cursor] == UInt8(ascii: "}") else { return nil }
        cursor -= 1
        while cursor >= 0, line[cursor] >= 0x30, line[cursor] <= 0x39 { cursor -= 1 }
        guard expect(#","version":"#, endingAt: &cursor, in: line),
            let type = string(endingAt: &cursor, in: line),
            expect(#","type":"#, endingAt: &cursor, in: line),
            let stream = string(endingAt: &cursor, in: line),
            expect(#""stream":"#, endingAt: &cursor, in: line)
        else { return nil }
        return (type, stream)
    }

    /// Whether `literal` ends at `cursor`; moves the cursor before it.
    private static func expect(_ literal: String, endingAt cursor: inout Int, in line: UnsafeRawBufferPointer) -> Bool {
        let bytes = Array(literal.utf8)
        guard cursor - bytes.count + 1 >= 0 else { return false }
        for (offset, byte) in bytes.reversed().enumerated() where line[cursor - offset] != byte { return false }
        cursor -= bytes.count
        return true
    }

    /// The content of the JSON string whose closing quote is at `cursor`; moves the cursor before
    /// its opening quote. A quote preceded by an odd number of backslashes is escaped.
    private static func string(endingAt cursor: inout Int, in line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard cursor > 0, line[cursor] == UInt8(ascii: "\"") else { return nil }
        let close = cursor
        var index = cursor - 1
        while index >= 0 {
            if line[index] == UInt8(ascii: "\"") {
                var slashes = 0
                while index - slashes - 1 >= 0 && line[index - slashes - 1] == UInt8(ascii: "\\") { slashes += 1 }
                if slashes % 2 == 0 {
                    cursor = index - 1
                    return UnsafeRawBufferPointer(rebasing: line[(index + 1)..<close])
                }
            }
            index -= 1
        }
        return nil
    }

    /// Whether `line` contains `needle` anywhere (glibc's `memmem`: two-way search, vectorised).
    static func contains(_ line: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard let base = line.baseAddress, line.count >= needle.count else { return false }
        return needle.withUnsafeBytes { pattern in
            systemMemmem(base, line.count, pattern.baseAddress!, pattern.count) != nil
        }
    }

    /// Whether `bytes` equal `text`'s UTF-8.
    static func equals(_ bytes: UnsafeRawBufferPointer, _ text: [UInt8]) -> Bool {
        bytes.count == text.count && bytes.elementsEqual(text)
    }

    /// `text` as it appears inside a canonical JSON string (RFC 8785 escapes).
    static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        return out
    }
}

/// `memmem(3)`: in glibc and the BSD libc, but not exported by the Glibc module (it is a GNU
/// extension behind `_GNU_SOURCE`), so it is bound by name.
@_silgen_name("memmem")
private func systemMemmem(
    _ haystack: UnsafeRawPointer?, _ haystackLength: Int, _ needle: UnsafeRawPointer?, _ needleLength: Int
) -> UnsafeMutableRawPointer?
