import Foundation
import ParleyTestSupport
import Testing

/// The sample scenario's reports in every format, locked as files under `Golden/`.
///
/// Golden files pin the as-of point by seq and are normalised (`ReportsFixture.normalised`):
/// the ledger id, the `recorded_at` values and RFC 6962 roots change with every run, so they
/// appear as `<ledger-id>`, `<recorded-at>` and `<root>`. Everything else is byte for byte.
/// Regenerate after a deliberate change with `PARLEY_UPDATE_GOLDEN=1 swift test --filter ReportsTests`
/// and review the diff.
@Suite struct GoldenReportTests {
    static let cases: [(name: String, arguments: [String])] = [
        ("sample.md", ["--as-of-seq", "27"]),
        ("sample.json", ["--as-of-seq", "27", "--format", "json"]),
        ("sample.html", ["--as-of-seq", "27", "--format", "html"]),
        ("sample-events.csv", ["--as-of-seq", "27", "--format", "csv", "--table", "events"]),
        ("sample-statements.csv", ["--as-of-seq", "27", "--format", "csv", "--table", "statements"]),
        ("sample-financials.csv", ["--as-of-seq", "27", "--format", "csv", "--table", "financials"]),
        ("sample-terms.csv", ["--as-of-seq", "27", "--format", "csv", "--table", "terms"]),
        ("sample-seq21.md", ["--as-of-seq", "21"]),
        ("sample-negotiation-valid-2005-05-25.md", ["--negotiation", "zil-faw-assembly", "--valid-at", "2005-05-25"]),
    ]

    @Test(arguments: cases.indices)
    func sampleReport(_ index: Int) throws {
        let (name, arguments) = Self.cases[index]
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let result = try ReportsFixture.parleyOK(["report", "--ledger", ledger] + arguments)
            try ReportsFixture.expectGolden(try ReportsFixture.normalised(result.stdoutText, ledger: ledger), name)
        }
    }

    @Test func sampleDiff() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let result = try ReportsFixture.parleyOK(["diff", "--ledger", ledger, "--from", "21", "--to", "27"])
            try ReportsFixture.expectGolden(
                try ReportsFixture.normalised(result.stdoutText, ledger: ledger), "sample-diff-21-27.md")
        }
    }

    @Test func sameInputsGiveByteIdenticalOutput() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            for format in ["md", "json", "html", "csv"] {
                let first = try ReportsFixture.parleyOK(["report", "--ledger", ledger, "--format", format])
                let second = try ReportsFixture.parleyOK(["report", "--ledger", ledger, "--format", format])
                #expect(first.stdout == second.stdout, "\(format) output varies between runs")
                #expect(!first.stdoutText.contains("Generated at"))
            }
            let stamped = try ReportsFixture.parleyOK(["report", "--ledger", ledger, "--generated-at"])
            #expect(stamped.stdoutText.contains("| Generated at | "))
        }
    }
}
