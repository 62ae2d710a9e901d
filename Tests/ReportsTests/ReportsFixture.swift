import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@testable import Reports

/// Shared helpers: ledgers built with the `parley` binary, golden files, normalisation.
enum ReportsFixture {
    /// A fixed origin, so reports of fresh ledgers differ only in id, root and recording times.
    static let origin = "parley.test/zil"

    /// Runs the built `parley` binary.
    @discardableResult
    static func parley(_ arguments: [String], input: Data? = nil) throws -> ProcessResult {
        try ProcessRunner.run(PackagePaths.parley, arguments, input: input)
    }

    /// Runs `parley` and requires exit 0.
    @discardableResult
    static func parleyOK(_ arguments: [String], input: Data? = nil) throws -> ProcessResult {
        let result = try parley(arguments, input: input)
        try #require(
            result.status == 0, "parley \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderrText)")
        return result
    }

    /// A new ledger at `path` with the sample scenario appended as one batch.
    static func sampleLedger(at path: String) throws {
        try parleyOK(["init", path, "--origin", origin])
        try parleyOK(["append", "--ledger", path, "--file", PackagePaths.file("Events/samples/zil-faw.ndjson")])
    }

    /// The sample's input lines.
    static func sampleLines() throws -> [String] {
        try String(contentsOfFile: PackagePaths.file("Events/samples/zil-faw.ndjson"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    /// Appends input lines as one commit.
    static func append(_ lines: [String], to ledger: String, validate: Bool = true) throws {
        var arguments = ["append", "--ledger", ledger, "--file", "-", "--no-sync"]
        if !validate { arguments.append("--no-validate") }
        try parleyOK(arguments, input: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// The committed record lines of a ledger.
    static func recordLines(_ ledger: String) throws -> [Data] {
        let log = try parleyOK(["log", "--ledger", ledger])
        return log.stdout.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) }
    }

    /// Replaces what differs between two runs on the same input: the ledger id, every
    /// `recorded_at` value of the ledger, and RFC 6962 roots (64 hex digits; they cover `recorded_at`).
    static func normalised(_ text: String, ledger: String) throws -> String {
        let manifest = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: ledger + "/ledger.json"))))
        var out = text.replacingOccurrences(of: manifest["ledger_id"]!.stringValue!, with: "<ledger-id>")
        var recorded: Set<String> = []
        for line in try recordLines(ledger) {
            if let value = try JSONValue(parsing: Array(line))["recorded_at"]?.stringValue { recorded.insert(value) }
        }
        for value in recorded.sorted(by: { $0.count > $1.count }) {
            out = out.replacingOccurrences(of: value, with: "<recorded-at>")
        }
        // Dates of recording, as the HTML timeline's "recorded later" strip labels them.
        for value in Set(recorded.map { String($0.prefix(10)) }) {
            out = out.replacingOccurrences(of: value, with: "<recorded-date>")
        }
        let hex = try NSRegularExpression(pattern: "[0-9a-f]{64}")
        out = hex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "<root>")
        return out
    }

    /// The golden file directory.
    static let goldenDirectory = PackagePaths.file("Tests/ReportsTests/Golden")

    /// Compares `text` with the golden file `name`; with `PARLEY_UPDATE_GOLDEN=1` rewrites it instead.
    static func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = goldenDirectory + "/" + name
        if ProcessInfo.processInfo.environment["PARLEY_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: goldenDirectory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if expected != text {
            let actual = path + ".actual"
            try? Data(text.utf8).write(to: URL(fileURLWithPath: actual))
            Issue.record(
                "\(name) differs from its golden file; see \(actual) (PARLEY_UPDATE_GOLDEN=1 rewrites)",
                sourceLocation: sourceLocation)
        }
    }

    /// Expects two texts to be equal; on a difference, records where (not both texts in full).
    static func expectSame(
        _ actual: String, _ expected: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard actual != expected else { return }
        let a = Array(actual.utf8)
        let b = Array(expected.utf8)
        var index = 0
        while index < min(a.count, b.count) && a[index] == b[index] { index += 1 }
        let start = max(0, index - 120)
        func excerpt(_ bytes: [UInt8]) -> String {
            String(decoding: bytes[start..<min(bytes.count, index + 200)], as: UTF8.self)
        }
        Issue.record(
            "\(context): differs at byte \(index) of \(a.count)/\(b.count)\n  got:      …\(excerpt(a))\n  expected: …\(excerpt(b))",
            sourceLocation: sourceLocation)
    }

    /// A report built in-process.
    static func report(_ ledger: String, _ query: ReportQuery) throws -> Report {
        Report(view: try LedgerViews.load(ledgerAt: ledger, query: query))
    }

    /// The JSON report as a tree.
    static func json(_ ledger: String, _ query: ReportQuery) throws -> JSONValue {
        ReportJSON.value(try report(ledger, query))
    }
}
