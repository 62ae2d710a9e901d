/// Exact comparison of decimal strings (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`), the way money travels in
/// Parley: digit by digit, never through `Double` (which would call 0.1 + 0.2 and 0.3 different
/// and round away the cents of large amounts).
enum DecimalString {
    /// Compares two decimal strings by value.
    ///
    /// - Parameters:
    ///   - lhs: A decimal string.
    ///   - rhs: A decimal string.
    /// - Returns: A negative number, zero or a positive number as `lhs` is less than, equal to or
    ///   greater than `rhs`; nil when either is not a decimal string.
    static func compare(_ lhs: String, _ rhs: String) -> Int? {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in rhs.withUTF8 { right in compare(left, right) } }
    }

    /// Compares two decimal strings given as UTF-8.
    ///
    /// - Parameters:
    ///   - lhs: A decimal string's bytes.
    ///   - rhs: A decimal string's bytes.
    /// - Returns: As `compare(_:_:)` for strings.
    static func compare(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let left = Parts(lhs), let right = Parts(rhs) else { return nil }
        if left.isNegative != right.isNegative { return left.isNegative ? -1 : 1 }
        let magnitude = compareMagnitude(left, right)
        return left.isNegative ? -magnitude : magnitude
    }

    /// The sign, integer digits (no leading zeros) and fraction digits (no trailing zeros), as
    /// slices of the text.
    private struct Parts {
        var isNegative: Bool
        var integer: Slice<UnsafeBufferPointer<UInt8>>
        var fraction: Slice<UnsafeBufferPointer<UInt8>>

        init?(_ text: UnsafeBufferPointer<UInt8>) {
            var bytes = text[...]
            var isNegative = false
            if bytes.first == UInt8(ascii: "-") {
                isNegative = true
                bytes = bytes.dropFirst()
            }
            let integerPart = bytes.prefix { $0 != UInt8(ascii: ".") }
            var fractionPart = bytes.dropFirst(integerPart.count)
            if !fractionPart.isEmpty {
                fractionPart = fractionPart.dropFirst()
                guard !fractionPart.isEmpty else { return nil }
            }
            let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
            guard !integerPart.isEmpty, integerPart.allSatisfy(isDigit), fractionPart.allSatisfy(isDigit) else {
                return nil
            }
            integer = integerPart.drop { $0 == UInt8(ascii: "0") }
            while fractionPart.last == UInt8(ascii: "0") { fractionPart = fractionPart.dropLast() }
            fraction = fractionPart
            // -0 and -0.00 are zero, and zero has no sign.
            self.isNegative = isNegative && !(integer.isEmpty && fraction.isEmpty)
        }
    }

    private static func compareMagnitude(_ left: Parts, _ right: Parts) -> Int {
        if left.integer.count != right.integer.count { return left.integer.count < right.integer.count ? -1 : 1 }
        for (a, b) in zip(left.integer, right.integer) where a != b { return a < b ? -1 : 1 }
        for (a, b) in zip(left.fraction, right.fraction) where a != b { return a < b ? -1 : 1 }
        if left.fraction.count != right.fraction.count { return left.fraction.count < right.fraction.count ? -1 : 1 }
        return 0
    }
}
