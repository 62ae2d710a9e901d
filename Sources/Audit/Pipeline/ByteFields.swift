/// Byte-level readers for the values of canonical record lines, so the hot loop of an audit
/// never builds a `String` it does not keep.
enum ByteFields {
    /// A non-negative decimal integer (the canonical form: no sign, no leading zeros), or nil.
    static func unsignedInteger(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        if bytes.count > 1 && bytes[0] == UInt8(ascii: "0") { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + UInt64(byte - 48)
        }
        return value
    }

    /// A lowercase UUID `8-4-4-4-12` as two 64-bit halves.
    static func uuid(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var nibbles = 0
        for index in 0..<36 {
            let c = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt64
            switch c {
            case 48...57: digit = UInt64(c - 48)
            case 97...102: digit = UInt64(c - 87)
            default: return nil
            }
            if nibbles < 16 { high = high << 4 | digit } else { low = low << 4 | digit }
            nibbles += 1
        }
        return (high, low)
    }

    /// Microseconds since the epoch of `YYYY-MM-DDTHH:MM:SS.ffffffZ`, the exact form of `recorded_at`.
    static func recordedAt(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b.count == 27, b[4] == 0x2D, b[7] == 0x2D, b[10] == UInt8(ascii: "T"), b[13] == 0x3A, b[16] == 0x3A,
            b[19] == 0x2E, b[26] == UInt8(ascii: "Z")
        else { return nil }
        guard let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
            let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2),
            let fraction = digits(b, 20, 6)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        let days = daysFromCivil(year, month, day)
        return ((days * 86_400 + hour * 3600 + minute * 60 + second) * 1_000_000) + fraction
    }

    /// Whether the bytes are an RFC 3339 date-time (`2005-03-15T10:00:00Z`, with optional
    /// fraction and numeric offset) or a bare date `YYYY-MM-DD`, as `effective_at` may be.
    static func isDateOrDateTime(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, let year = digits(b, 0, 4), let month = digits(b, 5, 2),
            let day = digits(b, 8, 2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return false }
        if b.count == 10 { return true }
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), b[13] == 0x3A, b[16] == 0x3A,
            let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2), hour < 24,
            minute < 60, second <= 60
        else { return false }
        var index = 19
        if b[index] == 0x2E {
            index += 1
            let start = index
            while index < b.count, b[index] >= 48, b[index] <= 57 { index += 1 }
            guard index > start else { return false }
        }
        guard index < b.count else { return false }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return index + 1 == b.count
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == b.count, b[index + 3] == 0x3A, let offsetHour = digits(b, index + 1, 2),
                let offsetMinute = digits(b, index + 4, 2)
            else { return false }
            return offsetHour < 24 && offsetMinute < 60
        default:
            return false
        }
    }

    /// FNV-1a, 64 bits: a cheap, stable hash of stream names for the version table.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static func digits(_ b: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for index in start..<(start + count) {
            let c = b[index]
            guard c >= 48 && c <= 57 else { return nil }
            value = value * 10 + Int64(c - 48)
        }
        return value
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
