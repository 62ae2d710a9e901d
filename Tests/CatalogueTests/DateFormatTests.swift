import Testing

@testable import Catalogue

/// The edge cases `Tools/check-catalogue.py` decides the same way (its `is_date`, `is_date_time`).
@Suite struct DateFormatTests {
    @Test(arguments: ["2005-01-01", "2004-02-29", "2000-02-29", "0000-02-29", "9999-12-31", "2005-04-30"])
    func validDates(_ text: String) {
        #expect(DateFormat.date.accepts(text))
    }

    @Test(arguments: [
        "2005-02-29", "1900-02-29", "2005-04-31", "2005-13-01", "2005-00-10", "2005-01-00", "2005-1-01",
        "05-01-01", "2005/01/01", "2005-01-01T00:00:00Z", "2005-01-01 ", " 2005-01-01", "２００５-01-01", "",
        "2005-01-01\n",
    ])
    func invalidDates(_ text: String) {
        #expect(!DateFormat.date.accepts(text))
    }

    @Test(arguments: [
        "2005-01-01T00:00:00Z", "2005-01-01T23:59:59Z", "2005-01-01T10:00:00.123456Z", "2005-01-01T10:00:00+03:00",
        "2005-01-01T10:00:00-23:59", "2004-02-29T12:00:00.5+00:00",
    ])
    func validDateTimes(_ text: String) {
        #expect(DateFormat.dateTime.accepts(text))
    }

    @Test(arguments: [
        "2005-01-01t00:00:00Z", "2005-01-01T00:00:00z", "2005-01-01 00:00:00Z", "2005-01-01T24:00:00Z",
        "2005-01-01T00:60:00Z", "2005-01-01T00:00:60Z", "2005-01-01T00:00:00", "2005-01-01T00:00:00.Z",
        "2005-01-01T00:00:00+24:00", "2005-01-01T00:00:00+03:60", "2005-01-01T00:00:00+0300", "2005-02-30T00:00:00Z",
        "2005-01-01T0:00:00Z", "2005-01-01", "2005-01-01T00:00:00Z\n", "2005-01-01T00:00:00ZZ",
    ])
    func invalidDateTimes(_ text: String) {
        #expect(!DateFormat.dateTime.accepts(text))
    }
}
