/// The `format` values the schema subset asserts, checked strictly (as `Tools/check-catalogue.py`
/// does, so that Swift and Python agree on every edge case).
enum DateFormat: String, Sendable, CaseIterable {
    /// `YYYY-MM-DD`, a real day of the proleptic Gregorian calendar.
    case date
    /// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)`: upper-case `T` and `Z`, a real
    /// calendar day, hours 00–23, minutes and seconds 00–59 (no leap second).
    case dateTime = "date-time"

    /// What a value in this format looks like, for error messages.
    var expectation: String {
        switch self {
        case .date: return "a calendar date YYYY-MM-DD"
        case .dateTime: return "an RFC 3339 date-time such as 2005-01-01T00:00:00Z"
        }
    }

    /// Whether `text` is in this format.
    ///
    /// - Parameter text: The string to check.
    /// - Returns: True when it is.
    func accepts(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ accepts(bytes: $0) }) { return result }
        return Array(text.utf8).withUnsafeBufferPointer { accepts(bytes: $0) }
    }

    /// Whether a string given as UTF-8 is in this format.
    ///
    /// - Parameter bytes: The string's bytes.
    /// - Returns: True when it is.
    func accepts(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .date:
            return bytes.count == 10 && Self.isDate(bytes, at: 0)
        case .dateTime:
            return Self.isDateTime(bytes)
        }
    }

    /// `YYYY-MM-DD` at `offset`, a real calendar day.
    private static func isDate(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard bytes.count >= offset + 10, bytes[offset + 4] == UInt8(ascii: "-"), bytes[offset + 7] == UInt8(ascii: "-"),
            let year = number(bytes, offset, 4), let month = number(bytes, offset + 5, 2),
            let day = number(bytes, offset + 8, 2)
        else { return false }
        return (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    private static func isDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // 2005-01-01T00:00:00Z is the shortest form.
        guard bytes.count >= 20, isDate(bytes, at: 0), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            hour <= 23, minute <= 59, second <= 59
        else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart else { return false }
        }
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "Z"):
            return index + 1 == bytes.count
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHours = number(bytes, index + 1, 2), let offsetMinutes = number(bytes, index + 4, 2)
            else { return false }
            return offsetHours <= 23 && offsetMinutes <= 59
        default:
            return false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The `length` ASCII digits at `offset` as a number, or nil.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ length: Int) -> Int? {
        var value = 0
        for index in offset..<(offset + length) {
            let byte = bytes[index]
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Days in `month` of `year` (proleptic Gregorian; year 0 is a leap year, as in Python).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
