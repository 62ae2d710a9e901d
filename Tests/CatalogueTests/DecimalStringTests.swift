import Testing

@testable import Catalogue

@Suite struct DecimalStringTests {
    @Test func comparesByValue() {
        #expect(DecimalString.compare("35000", "40000") == -1)
        #expect(DecimalString.compare("40000", "35000") == 1)
        #expect(DecimalString.compare("35000", "35000.00") == 0)
        #expect(DecimalString.compare("0", "-0.000") == 0)
        #expect(DecimalString.compare("-1", "0") == -1)
        #expect(DecimalString.compare("-12.5", "-12.49") == -1)
        #expect(DecimalString.compare("9.99", "10") == -1)
        #expect(DecimalString.compare("0.1", "0.09") == 1)
        #expect(DecimalString.compare("1050000.00", "1200000") == -1)
        // Beyond Double's 53 bits: these differ in the last digit.
        #expect(DecimalString.compare("123456789012345678901234567890.1", "123456789012345678901234567890.2") == -1)
    }

    @Test func rejectsNonDecimals() {
        for text in ["", "-", "1.", ".1", "1e3", "abc", "1,000", "+1", "--1"] {
            #expect(DecimalString.compare(text, "1") == nil, "\(text)")
        }
    }

    /// Property: on scaled integers, the string comparison agrees with integer comparison.
    @Test func agreesWithIntegerOrder() {
        var generator = SystemRandomNumberGenerator()
        func render(_ units: Int64, scale: Int) -> String {
            let negative = units < 0
            var digits = String(units.magnitude)
            if scale > 0 {
                while digits.count <= scale { digits = "0" + digits }
                digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
            }
            return (negative ? "-" : "") + digits
        }
        for _ in 0..<5_000 {
            let a = Int64.random(in: -1_000_000...1_000_000, using: &generator)
            let b = Int64.random(in: -1_000_000...1_000_000, using: &generator)
            // The same value written with 0–3 extra trailing zeros in the fraction.
            let padA = Int.random(in: 0...3, using: &generator)
            let padB = Int.random(in: 0...3, using: &generator)
            var power: Int64 = 1
            for _ in 0..<padA { power *= 10 }
            var powerB: Int64 = 1
            for _ in 0..<padB { powerB *= 10 }
            let left = render(a * power, scale: 2 + padA)
            let right = render(b * powerB, scale: 2 + padB)
            let expected = a < b ? -1 : a > b ? 1 : 0
            #expect(DecimalString.compare(left, right) == expected, "\(left) vs \(right)")
        }
    }
}
