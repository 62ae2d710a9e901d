import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@testable import Reports

/// Reports at several points show exactly what the events up to each point imply.
@Suite struct AsOfReportTests {
    /// The sample appended one line per commit, so every seq is a commit boundary and has its
    /// own `recorded_at`.
    static func lineByLineLedger(at path: String) throws {
        try ReportsFixture.parleyOK(["init", path, "--origin", ReportsFixture.origin])
        for line in try ReportsFixture.sampleLines() { try ReportsFixture.append([line], to: path) }
    }

    static func negotiation(_ report: JSONValue) -> JSONValue? {
        report["negotiations"]?.arrayValue?.first { $0["id"]?.stringValue == "zil-faw-assembly" }
    }

    @Test func eachPointShowsWhatItsEventsImply() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let lines = try ReportsFixture.recordLines(ledger)
            for point in [1, 9, 10, 16, 21, 22, 24, 25, 26, 27] as [UInt64] {
                let report = try ReportsFixture.json(ledger, ReportQuery(asOfSeq: point))
                let receipt = report["receipt"]!
                #expect(receipt["records"]?["last"]?.integerValue == Int64(point))
                #expect(receipt["events_known"]?.integerValue == Int64(point))
                let seqs = (report["events"]?.arrayValue ?? []).compactMap { $0["seq"]?.integerValue }
                #expect(seqs == Array(1...Int64(point)), "events in view at seq \(point)")
                // The root at the point, computed by python's hashlib over the first `point` lines.
                let root = try ReferenceMerkle.root(ofLines: lines, size: Int(point))
                #expect(receipt["root"]?.stringValue == root, "root at seq \(point)")
                let negotiation = Self.negotiation(report)
                #expect((negotiation != nil) == (point >= 10))
                guard let negotiation else { continue }
                #expect(negotiation["stage"]?.stringValue == (point >= 22 ? "talks" : "exploratory"))
                let terms = negotiation["terms"]?.arrayValue ?? []
                #expect(terms.count == (point >= 24 ? 1 : 0))
                if let term = terms.first {
                    // The correction at seq 25 fixes the typo in high.
                    #expect(term["high"]?["amount"]?.stringValue == (point >= 25 ? "2500000" : "25000000"))
                }
                let plans = negotiation["plans"]?.arrayValue ?? []
                #expect(plans.count == (point >= 23 ? 1 : 0))
                if let plan = plans.first {
                    #expect(plan["current"]?["start_window"]?["from"]?.stringValue == (point >= 26 ? "2006-01-01" : "2005-07-01"))
                }
                let retracted = (negotiation["statements"]?.arrayValue ?? []).flatMap { $0["statements"]?.arrayValue ?? [] }
                    .filter { $0["retracted"]?.boolValue == true }.compactMap { $0["statement_id"]?.stringValue }
                #expect(retracted == (point >= 27 ? ["s-laptev-assembly-start"] : []))
                let open = (negotiation["contradictions"]?.arrayValue ?? []).reduce(0) {
                    $0 + ($1["open_pairs"]?.integerValue ?? 0)
                }
                #expect(open == (point >= 16 && point < 27 ? 1 : 0), "open contradictions at seq \(point)")
                let financials = report["financials"]?.arrayValue ?? []
                #expect(financials.count == (point >= 21 ? 3 : point >= 19 ? Int(point) - 18 : 0))
            }
        }
    }

    @Test func validTimeCutsWhatWasTrueThen() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            // 25 May 2005: the retraction (20 May, recorded last) applies; the plan revision (1 June) does not yet.
            let may = try ReportsFixture.json(ledger, ReportQuery(validAt: Timestamp(dateOrDateTime: "2005-05-25")))
            let negotiation = try #require(Self.negotiation(may))
            let plan = try #require(negotiation["plans"]?.arrayValue?.first)
            #expect(plan["current"]?["start_window"]?["from"]?.stringValue == "2005-07-01")
            #expect(may["receipt"]?["events_folded"]?.integerValue == 26)
            #expect(may["receipt"]?["events_known"]?.integerValue == 27)
            let retracted = (negotiation["statements"]?.arrayValue ?? []).flatMap { $0["statements"]?.arrayValue ?? [] }
                .filter { $0["retracted"]?.boolValue == true }
            #expect(retracted.count == 1)
            // Known as of seq 26 (before the late retraction was recorded), the claim still stands on 25 May.
            let before = try ReportsFixture.json(
                ledger, ReportQuery(asOfSeq: 26, validAt: Timestamp(dateOrDateTime: "2005-05-25")))
            let statements = (Self.negotiation(before)?["statements"]?.arrayValue ?? []).flatMap {
                $0["statements"]?.arrayValue ?? []
            }
            #expect(!statements.contains { $0["retracted"]?.boolValue == true })
            // 14 February 2005: talks begin that day; no terms or plans yet.
            let february = try ReportsFixture.json(ledger, ReportQuery(validAt: Timestamp(dateOrDateTime: "2005-02-14")))
            #expect(Self.negotiation(february)?["stage"]?.stringValue == "talks")
            #expect(Self.negotiation(february)?["terms"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func asOfTimeCutsAtCommits() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try Self.lineByLineLedger(at: ledger)
            let lines = try ReportsFixture.recordLines(ledger)
            for point in [1, 13, 22, 27] {
                let recorded = try JSONValue(parsing: Array(lines[point - 1]))["recorded_at"]!.stringValue!
                let report = try ReportsFixture.json(ledger, ReportQuery(asOf: Timestamp(rfc3339: recorded)))
                #expect(report["receipt"]?["records"]?["last"]?.integerValue == Int64(point))
                #expect(report["receipt"]?["through_recorded_at"]?.stringValue == recorded)
                #expect(report["receipt"]?["root"]?.stringValue == (try ReferenceMerkle.root(ofLines: lines, size: point)))
            }
        }
    }

    @Test func pointsOutOfRangeAreErrors() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let cases: [([String], Int32, String)] = [
                (["--as-of-seq", "0"], 2, "before the first record"),
                (["--as-of-seq", "28"], 2, "beyond the last record"),
                (["--as-of", "2999-01-01"], 2, "in the future"),
                (["--as-of", "2001-01-01"], 2, "before the first record"),
                (["--valid-at", "2004-06-01"], 2, "nothing was true yet"),
                (["--negotiation", "nope"], 6, "no records about negotiation nope"),
                (["--as-of-seq", "9", "--negotiation", "zil-faw-assembly"], 6, "no records about negotiation"),
                (["--table", "events"], 64, "--table goes with --format csv"),
                (["--as-of", "2005-01-01", "--as-of-seq", "3"], 64, "not both"),
            ]
            for (arguments, status, message) in cases {
                let result = try ReportsFixture.parley(["report", "--ledger", ledger] + arguments)
                #expect(result.status == status, "\(arguments): \(result.stderrText)")
                #expect(result.stderrText.contains(message), "\(arguments): \(result.stderrText)")
            }
            let missing = try ReportsFixture.parley(["report", "--ledger", dir + "/none"])
            #expect(missing.status == 6)
        }
    }

    @Test func outWritesTheFile() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let written = try ReportsFixture.parleyOK([
                "report", "--ledger", ledger, "--format", "html", "--out", dir + "/r.html",
            ])
            #expect(written.stdout.isEmpty)
            let shown = try ReportsFixture.parleyOK(["report", "--ledger", ledger, "--format", "html"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/r.html")) == shown.stdout)
        }
    }

    @Test func helpCarriesExamples() throws {
        for command in ["report", "diff", "snapshot"] {
            let result = try ReportsFixture.parley([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdoutText.contains("Example"), "parley \(command) --help has no example")
        }
    }
}
