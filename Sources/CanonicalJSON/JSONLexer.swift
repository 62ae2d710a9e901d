/// Byte-level pieces shared by the canonical encoder and the tree parser: whitespace,
/// strings (with escape decoding and UTF-8 validation), integers and literals.
///
/// Every function reads `input` at `position` and advances it; errors carry the offset and a
/// message, the caller adds the field path.
package struct JSONLexer {
    let input: UnsafeRawBufferPointer
    package var position: Int

    package init(_ input: UnsafeRawBufferPointer) {
        self.input = input
        self.position = 0
    }

    package struct Failure: Error {
        let message: String
        let offset: Int
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < input.count {
            let byte = input[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    @inline(__always)
    var atEnd: Bool { position >= input.count }

    @inline(__always)
    var current: UInt8 { input[position] }

    /// Describes the byte at the cursor for error messages.
    var found: String {
        guard position < input.count else { return "the end of the input" }
        let byte = input[position]
        if byte >= 0x21 && byte < 0x7F { return "'" + String(UnicodeScalar(byte)) + "'" }
        // Editors on some systems start a UTF-8 file with U+FEFF; JSON text must not (RFC 8259 §8.1).
        if byte == 0xEF && position + 2 < input.count && input[position + 1] == 0xBB && input[position + 2] == 0xBF {
            return "UTF-8 byte-order mark EF BB BF (save the file without it)"
        }
        return "byte 0x" + String(byte, radix: 16)
    }

    /// Scans a string whose opening quote is at the cursor.
    ///
    /// Without escapes nothing is copied: the raw content range is returned and `decoded` is untouched.
    /// With escapes the decoded bytes are appended to `decoded` and `escaped` is true.
    package mutating func scanString(decoded: inout [UInt8]) throws(Failure) -> (raw: Range<Int>, escaped: Bool) {
        position += 1
        let start = position
        var nonASCII = skipPlainContent()
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                if nonASCII, let bad = UTF8Validation.firstInvalid(input, from: start, to: position) {
                    throw Failure(message: "invalid UTF-8 in string", offset: bad)
                }
                position += 1
                return (start..<(position - 1), false)
            }
            if byte == UInt8(ascii: "\\") {
                decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[start..<position]))
                if nonASCII, let bad = UTF8Validation.firstInvalid(input, from: start, to: position) {
                    throw Failure(message: "invalid UTF-8 in string", offset: bad)
                }
                try decodeEscapedTail(into: &decoded)
                return (start..<(position - 1), true)
            }
            if byte < 0x20 {
                throw Failure(message: "control character in a string must be escaped", offset: position)
            }
            if byte >= 0x80 { nonASCII = true }
            position += 1
        }
        throw Failure(message: "unterminated string", offset: start - 1)
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The bytes of a little-endian word of string content that need attention (quote,
    /// backslash, control character): each such byte's high bit, exact for the lowest one only
    /// (borrows can flag bytes above it).
    @inline(__always)
    private static func stops(in word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let zeroQuote = (quotes &- ones) & ~quotes
        let zeroBackslash = (backslashes &- ones) & ~backslashes
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control) & highBits
    }

    /// Advances over string content that needs no attention eight bytes at a time, stopping at
    /// the first byte that does or within eight bytes of the end; the caller's byte loop takes it
    /// from there.
    ///
    /// - Returns: Whether a byte passed over (or one later in the last word read) is non-ASCII.
    ///
    /// `plainRun` is the exact form (stop byte and non-ASCII flag both exact); the string
    /// scanner uses this rougher one, whose byte loop re-checks the stop byte anyway, because
    /// the masking and tail loop cost ~2% of canonicalisation when paid on every string.
    @inline(__always)
    private mutating func skipPlainContent() -> Bool {
        var seen: UInt64 = 0
        while position &+ 8 <= input.count {
            let word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            seen |= word
            let stops = Self.stops(in: word)
            if stops != 0 {
                position &+= stops.trailingZeroBitCount &>> 3
                return seen & Self.highBits != 0
            }
            position &+= 8
        }
        return seen & Self.highBits != 0
    }

    /// The end of the run of string content from `start` that needs no attention (no quote,
    /// backslash or control character), and whether the run holds a non-ASCII byte.
    ///
    /// - Parameters:
    ///   - input: The JSON text.
    ///   - start: Where the run starts (inside a string).
    /// - Returns: The offset of the first quote, backslash or control character (or the end of
    ///   the input), and whether a byte before it is 0x80 or above.
    package static func plainRun(_ input: UnsafeRawBufferPointer, from start: Int) -> (end: Int, nonASCII: Bool) {
        var position = start
        var seen: UInt64 = 0
        while position &+ 8 <= input.count {
            let word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let stops = stops(in: word)
            if stops != 0 {
                let offset = stops.trailingZeroBitCount &>> 3
                seen |= word & ((1 &<< (UInt64(offset) &* 8)) &- 1)
                return (position &+ offset, seen & highBits != 0)
            }
            seen |= word
            position &+= 8
        }
        var nonASCII = seen & highBits != 0
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            if byte >= 0x80 { nonASCII = true }
            position += 1
        }
        return (position, nonASCII)
    }

    /// Continues a string after its first backslash, decoding into `decoded`.
    private mutating func decodeEscapedTail(into decoded: inout [UInt8]) throws(Failure) {
        var runStart = position
        func flushRun(_ lexer: JSONLexer, _ decoded: inout [UInt8], _ runStart: Int) throws(Failure) {
            guard runStart < lexer.position else { return }
            if let bad = UTF8Validation.firstInvalid(lexer.input, from: runStart, to: lexer.position) {
                throw Failure(message: "invalid UTF-8 in string", offset: bad)
            }
            decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: lexer.input[runStart..<lexer.position]))
        }
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                try flushRun(self, &decoded, runStart)
                position += 1
                return
            }
            if byte < 0x20 {
                throw Failure(message: "control character in a string must be escaped", offset: position)
            }
            guard byte == UInt8(ascii: "\\") else {
                position += 1
                continue
            }
            try flushRun(self, &decoded, runStart)
            guard position + 1 < input.count else { break }
            let escape = input[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "\""): decoded.append(0x22)
            case UInt8(ascii: "\\"): decoded.append(0x5C)
            case UInt8(ascii: "/"): decoded.append(0x2F)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"),
                        input[position + 1] == UInt8(ascii: "u")
                    else {
                        throw Failure(message: "invalid \\u escape: lone high surrogate", offset: position - 6)
                    }
                    position += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw Failure(message: "invalid \\u escape: high surrogate without low", offset: position - 6)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw Failure(message: "invalid \\u escape: lone low surrogate", offset: position - 6)
                }
                UTF8Validation.append(scalar, to: &decoded)
            default:
                throw Failure(message: "invalid escape sequence in string", offset: position - 2)
            }
            runStart = position
        }
        throw Failure(message: "unterminated string", offset: position)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= input.count else {
            throw Failure(message: "truncated \\u escape", offset: position)
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = input[position]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw Failure(message: "invalid hex digit in \\u escape", offset: position)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Scans an integer at the cursor; fractions, exponents and out-of-range values are errors.
    package mutating func scanInteger() throws(Failure) -> (value: Int64, raw: Range<Int>) {
        let start = position
        var negative = false
        if input[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        let digitsStart = position
        var magnitude: UInt64 = 0
        var overflow = false
        while position < input.count {
            let c = input[position]
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { break }
            if magnitude > JSONLimits.maxIntegerMagnitude { overflow = true } else { magnitude = magnitude * 10 + UInt64(c - 48) }
            position += 1
        }
        let digitCount = position - digitsStart
        guard digitCount > 0 else { throw Failure(message: "invalid number", offset: start) }
        if digitCount > 1 && input[digitsStart] == UInt8(ascii: "0") {
            throw Failure(message: "invalid number: leading zero", offset: start)
        }
        if position < input.count {
            let c = input[position]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                var end = position
                while end < input.count, Self.isNumberByte(input[end]) { end += 1 }
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: input[start..<end]), as: UTF8.self)
                let kind = c == UInt8(ascii: ".") ? "a fractional number" : "a number with an exponent"
                throw Failure(
                    message: "\(text) is \(kind); write decimals as strings, e.g. \"\(text)\"", offset: start)
            }
        }
        if overflow || magnitude >= JSONLimits.maxIntegerMagnitude {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
            throw Failure(
                message: "\(text) is too large (integers must be below 2^53); write it as a decimal string",
                offset: start)
        }
        let value = negative ? -Int64(magnitude) : Int64(magnitude)
        return (value, start..<position)
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
    }

    /// Consumes `true`, `false` or `null` at the cursor.
    mutating func scanLiteral() throws(Failure) -> JSONValue {
        let literals: [(String, JSONValue)] = [("true", .bool(true)), ("false", .bool(false)), ("null", .null)]
        for (word, value) in literals {
            let utf8 = Array(word.utf8)
            if position + utf8.count <= input.count,
                utf8.indices.allSatisfy({ input[position + $0] == utf8[$0] })
            {
                position += utf8.count
                return value
            }
        }
        throw Failure(message: "unexpected \(found)", offset: position)
    }

    /// Appends the RFC 8785 form of a decoded string, quotes included.
    static func appendCanonicalString(_ decoded: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if !decoded.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(0x22)
            out.append(contentsOf: decoded)
            out.append(0x22)
            return
        }
        // At most six bytes per byte (`\u00XX`) and the quotes.
        let text = [UInt8](unsafeUninitializedCapacity: decoded.count * 6 + 2) { buffer, count in
            count = writeCanonicalString(decoded, to: buffer.baseAddress.unsafelyUnwrapped, at: 0)
        }
        out.append(contentsOf: text)
    }

    /// Writes the RFC 8785 form of a decoded string, quotes included, at `out + start`.
    ///
    /// - Parameters:
    ///   - decoded: The string's text.
    ///   - out: A buffer with room for `decoded.count * 6 + 2` bytes from `start` (canonical
    ///     text is never longer than the JSON text the string was decoded from).
    ///   - start: Where to write.
    /// - Returns: The offset after the closing quote.
    static func writeCanonicalString(_ decoded: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>, at start: Int)
        -> Int
    {
        let hex: StaticString = "0123456789abcdef"
        var cursor = start
        out[cursor] = 0x22
        cursor += 1
        for byte in decoded {
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                out[cursor] = byte
                cursor += 1
                continue
            }
            out[cursor] = 0x5C
            let short: UInt8
            switch byte {
            case 0x22: short = 0x22
            case 0x5C: short = 0x5C
            case 0x08: short = UInt8(ascii: "b")
            case 0x09: short = UInt8(ascii: "t")
            case 0x0A: short = UInt8(ascii: "n")
            case 0x0C: short = UInt8(ascii: "f")
            case 0x0D: short = UInt8(ascii: "r")
            default:
                out[cursor + 1] = UInt8(ascii: "u")
                out[cursor + 2] = 0x30
                out[cursor + 3] = 0x30
                out[cursor + 4] = hex.utf8Start[Int(byte >> 4)]
                out[cursor + 5] = hex.utf8Start[Int(byte & 0xF)]
                cursor += 6
                continue
            }
            out[cursor + 1] = short
            cursor += 2
        }
        out[cursor] = 0x22
        return cursor + 1
    }
}
