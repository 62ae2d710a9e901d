import LedgerStore
import Testing

@testable import Projections

@Suite struct BriefingTextTests {
    @Test(arguments: [
        ("0", "0"), ("999", "999"), ("1000", "1,000"), ("116000000", "116,000,000"), ("-32800000.5", "-32,800,000.5"),
    ])
    func grouping(decimal: String, expected: String) {
        #expect(BriefingText.grouped(decimal) == expected)
    }

    @Test(arguments: [
        ("2004-01-01", "2004-12-31", "2004"), ("2004-01-01", "2004-09-30", "Jan–Sep 2004"),
        ("2004-02-01", "2004-02-29", "Feb 2004"), ("2004-01-01", "2004-09-29", "2004-01-01 – 2004-09-29"),
        ("2004-01-01", "2005-12-31", "2004-01-01 – 2005-12-31"),
    ])
    func periods(from: String, to: String, expected: String) {
        #expect(BriefingText.period(DatePeriod(from: from, to: to)) == expected)
    }

    @Test func moneyRanges() {
        let low = Money(amount: "35000", currency: "USD")
        let high = Money(amount: "40000", currency: "USD")
        #expect(BriefingText.moneyRange(low, high) == "USD 35,000–40,000")
        #expect(BriefingText.moneyRange(low, Money(amount: "40000", currency: "EUR")) == "USD 35,000 – EUR 40,000")
        #expect(BriefingText.moneyRange(low, low) == "USD 35,000")
    }

    @Test func markdownIsEscaped() {
        #expect(BriefingText.escaped("a|b *c* [d]\nnext") == "a\\|b \\*c\\* \\[d\\] next")
    }
}
