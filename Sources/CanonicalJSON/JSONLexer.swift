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
        return "byte 0x" + String(byte, radix: 16)
    }

    /// Scans a string whose opening quote is at the cursor.
    ///
    /// Without escapes nothing is copied: the raw content range is returned and `decoded` is untouched.
    /// With escapes the decoded bytes are appended to `decoded` and `escaped` is true.
    package mutating func scanString(decoded: inout [UInt8]) throws(Failure) -> (raw: Range<Int>, escaped: Bool) {
        position += 1
        let start = position
        var nonASCII = false
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
        out.append(0x22)
        var runStart = 0
        var index = 0
        let hex = Array("0123456789abcdef".utf8)
        while index < decoded.count {
            let byte = decoded[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                index += 1
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: decoded[runStart..<index]))
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            default:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
            index += 1
            runStart = index
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: decoded[runStart..<decoded.count]))
        out.append(0x22)
    }
}
