import CanonicalJSON
import Foundation
import ParleyTestSupport
import Testing

@testable import Reports

/// CSV parses back as RFC 4180; HTML is self-contained, escaped, and loads cleanly in Chromium.
@Suite struct FormatTests {
    /// A claim with every character CSV and HTML must handle.
    static let awkwardClaim = "He said \"yes, maybe\",\nthen\r\nleft; <script>alert('x')</script> & <b>bold</b> ]]> — ünïcödé"

    /// The sample plus a statement with an awkward claim and speaker.
    static func awkwardLedger(at path: String) throws {
        try ReportsFixture.sampleLedger(at: path)
        let line = JSONValue.object([
            "stream": .string("negotiation/zil-faw-assembly"), "type": .string("StatementReported"),
            "effective_at": .string("2005-07-01T00:00:00Z"), "id": .string("00000000-0000-4000-8000-0000000000c1"),
            "data": .object([
                "statement_id": .string("s-awkward"), "speaker": .string("O'Brien, \"the\" <source>"),
                "claim": .string(awkwardClaim), "stance": .string("qualifies"), "subject": .string("assembly-start"),
                "negotiation_id": .string("zil-faw-assembly"),
            ]),
            "meta": .object(["source": .object(["publication": .string("A, \"B\" & <C>")]), "confidence": .string("reported")]),
        ]).canonicalString
        try ReportsFixture.append([line], to: path)
    }

    @Test(arguments: ["events", "statements", "financials", "terms"])
    func csvParsesBackWithPythonsCSVModule(_ table: String) throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try Self.awkwardLedger(at: ledger)
            let csv = try ReportsFixture.parleyOK(["report", "--ledger", ledger, "--format", "csv", "--table", table])
            // Every record ends with CRLF; a bare LF appears only inside a quoted field.
            #expect(csv.stdoutText.hasSuffix("\r\n"))
            try csv.stdout.write(to: URL(fileURLWithPath: dir + "/t.csv"))
            let script = """
                import csv, json, sys
                with open(sys.argv[1], newline="") as f:
                    rows = list(csv.reader(f, strict=True))
                print(json.dumps(rows))
                """
            let parsed = try ProcessRunner.run("python3", ["-c", script, dir + "/t.csv"])
            try #require(parsed.status == 0, "python csv: \(parsed.stderrText)")
            let rows = try JSONValue(parsing: Array(parsed.stdout)).arrayValue!.map { $0.arrayValue!.map { $0.stringValue! } }
            let report = try ReportsFixture.report(ledger, ReportQuery())
            let table = ReportCSV.Table(rawValue: table)!
            let expected: [[String]] = {
                switch table {
                case .events: return ReportCSV.events(report)
                case .statements: return ReportCSV.statements(report)
                case .financials: return ReportCSV.financials(report)
                case .terms: return ReportCSV.terms(report)
                }
            }()
            #expect(rows == expected)
            #expect(rows.dropFirst().allSatisfy { $0.count == rows[0].count })
            if table == .statements {
                #expect(rows.contains { $0.contains(Self.awkwardClaim) })
                #expect(rows.count == 7)
            }
        }
    }

    @Test func csvFieldQuoting() {
        #expect(ReportCSV.field("plain") == "plain")
        #expect(ReportCSV.field("a,b") == "\"a,b\"")
        #expect(ReportCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportCSV.field("two\nlines") == "\"two\nlines\"")
        #expect(ReportCSV.field("crlf\r\nend") == "\"crlf\r\nend\"")
        #expect(ReportCSV.field("cr\rend") == "\"cr\rend\"")
        #expect(ReportCSV.field("") == "")
    }

    @Test func htmlIsSelfContainedEscapedAndPrintable() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try Self.awkwardLedger(at: ledger)
            let html = try ReportsFixture.parleyOK(["report", "--ledger", ledger, "--format", "html"]).stdoutText
            #expect(html.hasPrefix("<!DOCTYPE html>\n"))
            #expect(html.contains("<meta charset=\"utf-8\">"))
            #expect(html.contains("@media print"))
            #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""))
            // No scripts, no external assets of any kind.
            for forbidden in ["<script", "src=", "href=", "@import", "url(", "<link", "<iframe", "<object", "javascript:"] {
                #expect(!html.lowercased().contains(forbidden), "HTML contains \(forbidden)")
            }
            // Every piece of ledger text is escaped.
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"))
            #expect(html.contains("O&#39;Brien, &quot;the&quot; &lt;source&gt;"))
            #expect(html.contains("A, &quot;B&quot; &amp; &lt;C&gt;"))
            #expect(!html.contains("<b>bold</b>"))
            // The timeline shows the late-arriving retraction and the recording lag.
            #expect(html.contains("class=\"event statement late\""))
            #expect(html.contains("class=\"lag late-lag\""))
            #expect(html.contains("recorded later"))
            // Balanced elements (a cheap well-formedness check on what we write).
            for element in ["section", "table", "ul", "svg", "g", "figure"] {
                let opened =
                    html.components(separatedBy: "<\(element)>").count + html.components(separatedBy: "<\(element) ").count - 2
                let closed = html.components(separatedBy: "</\(element)>").count - 1
                #expect(opened == closed, "<\(element)> opened \(opened), closed \(closed)")
            }
        }
    }

    /// A stage band's label never runs past its band (into the next band or the recorded-later strip).
    @Test func bandLabelsFitTheirBands() {
        #expect(TimelineSVG.fitted("term-sheet", width: 200) == "term-sheet")
        #expect(TimelineSVG.fitted("term-sheet", width: 30) == "ter…")
        #expect(TimelineSVG.fitted("term-sheet", width: 12) == "")
        for width in stride(from: 0.0, through: 120, by: 7) {
            #expect(Double(TimelineSVG.fitted("exploratory ⚠", width: width).count) * 6.5 <= max(width, 0))
        }
    }

    @Test func markdownEscapesLedgerText() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try Self.awkwardLedger(at: ledger)
            let markdown = try ReportsFixture.parleyOK(["report", "--ledger", ledger]).stdoutText
            #expect(markdown.contains("\\<script\\>"))
            #expect(!markdown.contains("<script>"))
            // A claim's line breaks never break a list item or table row.
            #expect(!markdown.contains("maybe\",\nthen"))
        }
    }

    /// Chromium loads the report without console errors (skipped, with a note, when it is absent).
    @Test func chromiumLoadsTheReportWithoutConsoleErrors() throws {
        let which = try ProcessRunner.shell("command -v chromium || command -v chromium-browser || command -v google-chrome")
        let browser = which.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        guard which.status == 0, !browser.isEmpty else {
            withKnownIssue("Chromium is not installed; the HTML load check was skipped (apt-get install -y chromium)") {
                Issue.record("chromium missing")
            }
            return
        }
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try Self.awkwardLedger(at: ledger)
            try ReportsFixture.parleyOK(["report", "--ledger", ledger, "--format", "html", "--out", dir + "/r.html"])
            let result = try ProcessRunner.run(
                browser,
                [
                    "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--enable-logging=stderr", "--v=0",
                    "--user-data-dir=" + dir + "/profile", "--dump-dom", "file://" + dir + "/r.html",
                ])
            #expect(result.status == 0, "chromium: \(result.stderrText)")
            #expect(result.stdoutText.contains("Parley report"))
            #expect(result.stdoutText.contains("<svg"))
            let errors = result.stderrText.split(separator: "\n").filter { line in
                line.contains("Uncaught") || line.contains("CONSOLE(") || line.contains("net::ERR")
                    || line.contains("Failed to load")
            }
            #expect(errors.isEmpty, "chromium reported: \(errors.joined(separator: "\n"))")
            // Tools/render-html.sh renders it to a PNG.
            let png = try ProcessRunner.run(PackagePaths.file("Tools/render-html.sh"), [dir + "/r.html", dir + "/r.png"])
            #expect(png.status == 0, "render-html: \(png.stderrText)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.png"))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
    }
}
