#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An event id: a UUID held as 16 bytes, written lowercase `8-4-4-4-12`.
public struct EventID: Sendable, Hashable, CustomStringConvertible {
    /// High and low 64 bits, big-endian order of the textual form.
    public var high: UInt64
    public var low: UInt64

    /// Creates an id from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case).
    ///
    /// - Parameter text: The UUID text.
    /// - Returns: nil when it is not a UUID.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        var value: [UInt64] = [0, 0]
        var nibbles = 0
        for (index, c) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt64
            switch c {
            case 48...57: digit = UInt64(c - 48)
            case 97...102: digit = UInt64(c - 87)
            case 65...70: digit = UInt64(c - 55)
            default: return nil
            }
            value[nibbles / 16] = value[nibbles / 16] << 4 | digit
            nibbles += 1
        }
        self.init(high: value[0], low: value[1])
    }

    public var description: String {
        var out = [UInt8]()
        out.reserveCapacity(36)
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the lowercase textual form (36 bytes) at the cursor, in the room reserved there.
    ///
    /// - Parameter cursor: Where to write; it moves past the text.
    func write(to cursor: inout ByteCursor) {
        Self.writeText(high: high, low: low, to: cursor.position)
        cursor.skip(36)
    }

    /// The 36 bytes of the textual form at `out`: five groups of hex digits (8-4-4-4-12), each
    /// written eight or four digits at a time from one word (see `hexDigits`).
    @inline(__always)
    private static func writeText(high: UInt64, low: UInt64, to out: UnsafeMutablePointer<UInt8>) {
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: high >> 32)), toByteOffset: 0, as: UInt64.self)
        out[8] = UInt8(ascii: "-")
        out[13] = UInt8(ascii: "-")
        withUnsafeBytes(of: hexDigits(UInt32(truncatingIfNeeded: high))) { digits in
            (raw + 9).copyMemory(from: digits.baseAddress.unsafelyUnwrapped, byteCount: 4)
            (raw + 14).copyMemory(from: digits.baseAddress.unsafelyUnwrapped + 4, byteCount: 4)
        }
        out[18] = UInt8(ascii: "-")
        out[23] = UInt8(ascii: "-")
        withUnsafeBytes(of: hexDigits(UInt32(truncatingIfNeeded: low >> 32))) { digits in
            (raw + 19).copyMemory(from: digits.baseAddress.unsafelyUnwrapped, byteCount: 4)
            (raw + 24).copyMemory(from: digits.baseAddress.unsafelyUnwrapped + 4, byteCount: 4)
        }
        raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: low)), toByteOffset: 28, as: UInt64.self)
    }

    /// The eight lowercase hex digits of `value`, most significant first, as the bytes of a
    /// word in memory order (so stored as is on a little-endian machine, byte-swapped otherwise).
    ///
    /// The nibbles are spread one per byte, then each byte becomes `'0' + n`, plus 39 more
    /// (`'a' - '0' - 10`) where n ≥ 10, which is where n + 6 reaches 16. No byte carries into
    /// the next: each stays below 0x80.
    @inline(__always)
    static func hexDigits(_ value: UInt32) -> UInt64 {
        var spread = UInt64(value)
        spread = (spread | spread << 16) & 0x0000_FFFF_0000_FFFF
        spread = (spread | spread << 8) & 0x00FF_00FF_00FF_00FF
        spread = (spread | spread << 4) & 0x0F0F_0F0F_0F0F_0F0F
        let letters = ((spread &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let digits = spread &+ 0x3030_3030_3030_3030 &+ letters &* 39
        // `spread` holds the first digit in its top byte; memory order wants it first.
        return digits.byteSwapped.littleEndian
    }

    /// Appends the lowercase textual form (36 bytes) to `out`.
    ///
    /// - Parameter out: The buffer.
    public func append(to out: inout [UInt8]) {
        // Written into 36 bytes on the stack, then appended with one copy.
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { buffer in
            Self.writeText(
                high: high, low: low, to: buffer.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self))
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<36]))
        }
    }
}

/// Makes random (version 4) event ids quickly: a xoshiro256** generator seeded once from the
/// system's entropy, so a bulk append does not make two system calls per event.
public struct EventIDGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator seeded from the system random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = (system.next(), system.next(), system.next(), system.next() | 1)
    }

    private mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// A new random version-4 UUID.
    public mutating func make() -> EventID {
        let high = (next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return EventID(high: high, low: low)
    }
}
