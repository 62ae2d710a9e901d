import CanonicalJSON

/// A fast, allocation-free test that a record line is already in canonical form, which also
/// finds the top-level members — the common case of an audit, where every line is canonical.
///
/// It only ever says "canonical" for lines that `CanonicalEncoder` would reproduce byte for
/// byte (FORMAT.md's rules: no whitespace, members in RFC 8785 order without duplicates,
/// minimal escapes, valid UTF-8, integers below 2^53, at most `JSONLimits.maxDepth` levels).
/// Whenever it is not sure — an escaped key, an unusual escape, anything invalid — it says so,
/// and the caller asks `CanonicalEncoder`, which has the final word and the error message.
struct CanonicalLineCheck {
    /// Top-level members of the last line that passed: key (raw bytes between the quotes) and value.
    private(set) var members: [(key: Range<Int>, value: Range<Int>)] = []

    init() {
        members.reserveCapacity(16)
    }

    /// Whether `line` is certainly canonical; fills `members` when it is.
    mutating func isCanonical(_ line: UnsafeRawBufferPointer) -> Bool {
        members.removeAll(keepingCapacity: true)
        guard let base = line.baseAddress, line.count > 0 else { return false }
        var scanner = Scanner(bytes: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        guard scanner.byte(0) == UInt8(ascii: "{") else { return false }
        guard scanner.object(depth: 0, topLevel: &members) else { return false }
        return scanner.position == line.count
    }

    private struct Scanner {
        let bytes: UnsafePointer<UInt8>
        let count: Int
        var position = 0

        init(bytes: UnsafePointer<UInt8>, count: Int) {
            self.bytes = bytes
            self.count = count
        }

        func byte(_ at: Int) -> UInt8 { at < count ? bytes[at] : 0 }

        mutating func value(depth: Int) -> Bool {
            guard position < count else { return false }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                var ignored: [(key: Range<Int>, value: Range<Int>)] = []
                return object(depth: depth, topLevel: &ignored, collect: false)
            case UInt8(ascii: "["): return array(depth: depth)
            case 0x22: return string(isKey: false)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return false
            }
        }

        mutating func object(
            depth: Int, topLevel: inout [(key: Range<Int>, value: Range<Int>)], collect: Bool = true
        ) -> Bool {
            guard depth < JSONLimits.maxDepth else { return false }
            position += 1
            if byte(position) == UInt8(ascii: "}") {
                position += 1
                return true
            }
            var previous: Range<Int>?
            while true {
                guard byte(position) == 0x22 else { return false }
                let keyStart = position + 1
                guard string(isKey: true) else { return false }
                let key = keyStart..<(position - 1)
                if let previous {
                    let order = CanonicalOrder.compare(
                        UnsafeRawBufferPointer(start: bytes + previous.lowerBound, count: previous.count),
                        UnsafeRawBufferPointer(start: bytes + key.lowerBound, count: key.count))
                    guard order < 0 else { return false }
                }
                previous = key
                guard byte(position) == UInt8(ascii: ":") else { return false }
                position += 1
                let valueStart = position
                guard value(depth: depth + 1) else { return false }
                if collect && depth == 0 { topLevel.append((key, valueStart..<position)) }
                switch byte(position) {
                case UInt8(ascii: ","):
                    position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    return true
                default:
                    return false
                }
            }
        }

        mutating func array(depth: Int) -> Bool {
            guard depth < JSONLimits.maxDepth else { return false }
            position += 1
            if byte(position) == UInt8(ascii: "]") {
                position += 1
                return true
            }
            while true {
                guard value(depth: depth + 1) else { return false }
                switch byte(position) {
                case UInt8(ascii: ","):
                    position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    return true
                default:
                    return false
                }
            }
        }

        /// A string in canonical form: controls escaped minimally, nothing else escaped, valid UTF-8.
        /// Keys with any escape are left to the encoder (their order is decided on decoded bytes).
        mutating func string(isKey: Bool) -> Bool {
            position += 1
            while position < count {
                let c = bytes[position]
                if c == 0x22 {
                    position += 1
                    return true
                }
                if c < 0x20 { return false }
                if c == 0x5C {
                    if isKey { return false }
                    switch byte(position + 1) {
                    case 0x22, 0x5C, UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "f"),
                        UInt8(ascii: "r"):
                        position += 2
                    case UInt8(ascii: "u"):
                        // Only \u00xx for the controls without a short form, lowercase hex.
                        guard byte(position + 2) == 0x30, byte(position + 3) == 0x30 else { return false }
                        let high = byte(position + 4)
                        let low = byte(position + 5)
                        guard high == 0x30 || high == 0x31 else { return false }
                        let lowValue: UInt8
                        switch low {
                        case 0x30...0x39: lowValue = low - 0x30
                        case 0x61...0x66: lowValue = low - 0x61 + 10
                        default: return false
                        }
                        let scalar = (high - 0x30) << 4 | lowValue
                        if scalar == 0x08 || scalar == 0x09 || scalar == 0x0A || scalar == 0x0C || scalar == 0x0D {
                            return false
                        }
                        position += 6
                    default:
                        return false
                    }
                    continue
                }
                if c < 0x80 {
                    position += 1
                    continue
                }
                guard utf8Sequence() else { return false }
            }
            return false
        }

        /// One multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
        mutating func utf8Sequence() -> Bool {
            let c = bytes[position]
            func continuation(_ at: Int) -> Bool { at < count && bytes[at] & 0xC0 == 0x80 }
            switch c {
            case 0xC2...0xDF:
                guard continuation(position + 1) else { return false }
                position += 2
            case 0xE0...0xEF:
                guard continuation(position + 1), continuation(position + 2) else { return false }
                let second = bytes[position + 1]
                if c == 0xE0 && second < 0xA0 { return false }
                if c == 0xED && second >= 0xA0 { return false }
                position += 3
            case 0xF0...0xF4:
                guard continuation(position + 1), continuation(position + 2), continuation(position + 3) else {
                    return false
                }
                let second = bytes[position + 1]
                if c == 0xF0 && second < 0x90 { return false }
                if c == 0xF4 && second >= 0x90 { return false }
                position += 4
            default:
                return false
            }
            return true
        }

        /// An integer in shortest form, |n| < 2^53, not `-0`.
        mutating func number() -> Bool {
            var index = position
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            let start = index
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            let digits = index - start
            guard digits > 0, digits <= 16 else { return false }
            if bytes[start] == 0x30 && (digits > 1 || negative) { return false }
            if index < count {
                let next = bytes[index]
                if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { return false }
            }
            if digits == 16 {
                var value: UInt64 = 0
                for at in start..<index { value = value * 10 + UInt64(bytes[at] - 0x30) }
                guard value < 1 << 53 else { return false }
            }
            position = index
            return true
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard position + length <= count else { return false }
            for offset in 0..<length where bytes[position + offset] != word.utf8Start[offset] { return false }
            position += length
            return true
        }
    }
}
