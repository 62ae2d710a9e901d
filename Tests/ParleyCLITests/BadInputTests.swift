import Foundation
import ParleyTestSupport
import Testing

/// Bad input gets a clear message and its documented exit code, and changes nothing.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let arguments: [String]
        let input: String?
        let status: Int32
        let message: String
        var description: String { name }
    }

    static let base = ["append", "--ledger", "LEDGER", "--no-validate"]
    static let id = "7d444840-9dc0-4e8d-a5c8-1c8a1b2b3c4d"

    static let cases: [Case] = [
        Case(
            name: "malformed JSON in a batch", arguments: base + ["--file", "-"],
            input: #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"a":1}}"# + "\n"
                + #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"a":}"#,
            status: 2, message: "line 2: data.a: unexpected '}'"),
        Case(
            name: "fractional number", arguments: base + ["--file", "-"],
            input:
                #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"price":{"amount":35000.5}}}"#,
            status: 2,
            message: #"line 1: data.price.amount: 35000.5 is a fractional number; write decimals as strings, e.g. "35000.5""#),
        Case(
            name: "fractional number in --data",
            arguments: base + ["--stream", "party/zil", "--type", "Noted", "--data", #"{"x":{"y":1.25}}"#],
            input: nil, status: 2, message: "--data: data.x.y: 1.25 is a fractional number"),
        Case(
            name: "wrong expected version",
            arguments: base + ["--stream", "party/zil", "--type", "Noted", "--data", "{}", "--expected-version", "7"],
            input: nil, status: 3, message: "party/zil is at version 1, expected 7"),
        Case(
            name: "reused id with other content",
            arguments: base + ["--stream", "party/zil", "--type", "Noted", "--data", #"{"other":true}"#, "--id", id],
            input: nil, status: 3, message: "already names seq 1 with other content"),
        Case(
            name: "unknown flag", arguments: base + ["--file", "-", "--colour", "red"], input: nil, status: 64,
            message: "Unknown option '--colour'"),
        Case(
            name: "byte-order mark", arguments: base + ["--file", "-"],
            input: "\u{FEFF}" + #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{}}"#,
            status: 2, message: "line 1: unexpected UTF-8 byte-order mark EF BB BF (save the file without it)"),
        Case(
            name: "bad event envelope", arguments: base + ["--file", "-"],
            input: #"{"stream":"zil","type":"noted","effective_at":"soon","data":{},"extra":1}"#, status: 2,
            message: "line 1: extra: unknown field"),
        Case(
            name: "an expected version with a sign", arguments: base + ["--file", "-"],
            input:
                #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{},"expected_version":"+1"}"#,
            status: 2, message: #"line 1: expected_version: "+1" is not any, no-stream, exists or a version number"#),
        Case(
            name: "an expected version with a leading zero",
            arguments: base + ["--stream", "party/zil", "--type", "Noted", "--data", "{}", "--expected-version", "01"],
            input: nil, status: 64, message: "--expected-version must be any, no-stream, exists or a number"),
        Case(
            name: "blank lines only", arguments: base + ["--file", "-"], input: "\n\r\n\n", status: 2,
            message: "- holds no events"),
        Case(
            name: "missing input file", arguments: base + ["--file", "/nonexistent/parley-input.ndjson"], input: nil,
            status: 6, message: "cannot open /nonexistent/parley-input.ndjson: No such file or directory"),
        Case(
            name: "input file is a directory", arguments: base + ["--file", "/"], input: nil, status: 2,
            message: "cannot read /: it is a directory"),
        Case(
            name: "a quote in a stream name",
            arguments: base + ["--stream", #"party/zil""#, "--type", "Noted", "--data", "{}"], input: nil, status: 2,
            message: #"stream: "party/zil\"" holds a quote, backslash or control character, which no stream may"#),
        Case(
            name: "effective_at before year 0000 in UTC",
            arguments: base + [
                "--stream", "party/zil", "--type", "Noted", "--data", "{}", "--effective-at", "0000-01-01T00:00:00+01:00",
            ], input: nil, status: 2, message: #"effective_at: "0000-01-01T00:00:00+01:00" is not an RFC 3339 date-time"#),
        Case(
            name: "a wait that is not a number",
            arguments: base + ["--stream", "party/zil", "--type", "Noted", "--data", "{}", "--wait", "nan"], input: nil,
            status: 64, message: "--wait must be a number of seconds ≥ 0 (or inf), not nan"),
        Case(
            name: "a very long key, quoted shortened", arguments: base + ["--file", "-"],
            input: #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{""#
                + String(repeating: "k", count: 20_000) + #"":1.5}}"#, status: 2, message: "bytes in all)"),
    ]

    @Test(arguments: cases)
    func rejectedWithoutChange(_ testCase: Case) throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let first = try Parley.run([
                "append", "--ledger", ledger, "--no-validate", "--stream", "party/zil", "--type", "Noted", "--data",
                #"{"n":1}"#, "--id", Self.id, "--effective-at", "2005-01-01T00:00:00Z",
            ])
            #expect(first.status == 0, "\(first.stderrText)")
            let before = DirectorySnapshot.take(ledger)
            let arguments = testCase.arguments.map { $0 == "LEDGER" ? ledger : $0 }
            let result = try Parley.run(arguments, input: testCase.input.map { Data($0.utf8) })
            #expect(result.status == testCase.status, "\(result.stderrText)")
            #expect(result.stderrText.contains(testCase.message), "\(result.stderrText)")
            #expect(result.stdout.isEmpty)
            #expect(DirectorySnapshot.take(ledger) == before)
        }
    }

    /// `CommandLine.arguments` would turn these bytes into U+FFFD, and the event would record text
    /// the user never gave; `--file` rejects the same bytes, so the flags must too.
    @Test func anArgumentThatIsNotUTF8IsRefused() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let before = DirectorySnapshot.take(ledger)
            for bytes in [#"\xed\xa0\x80"#, #"\xc0\xaf"#, #"a\xe2\x82"#] {
                let result = try ProcessRunner.shell(
                    "'\(PackagePaths.parley)' append --ledger '\(ledger)' --no-validate --stream party/zil --type Noted --data \"$(printf '{\"name\":\"\(bytes)\"}')\""
                )
                #expect(result.status == 2, "\(bytes): \(result.stderrText)")
                #expect(result.stderrText.contains("the value of --data is not valid UTF-8"), "\(result.stderrText)")
                #expect(DirectorySnapshot.take(ledger) == before)
            }
        }
    }

    /// `--wait inf` waits as long as it takes (it once trapped converting the wait to microseconds).
    @Test func anInfiniteWaitIsAccepted() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let result = try Parley.run([
                "append", "--ledger", ledger, "--no-validate", "--stream", "party/zil", "--type", "Noted", "--data", "{}",
                "--wait", "inf",
            ])
            #expect(result.status == 0, "\(result.stderrText)")
            #expect(try Parley.run(["recover", "--ledger", ledger, "--wait", "1e300"]).status == 0)
        }
    }

    @Test func idempotentRetryReturnsTheOriginalSeq() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let arguments = [
                "append", "--ledger", ledger, "--no-validate", "--stream", "party/zil", "--type", "Noted", "--data",
                #"{"n":1}"#, "--id", Self.id, "--effective-at", "2005-01-01T00:00:00Z", "--json",
            ]
            let first = try Parley.run(arguments)
            let second = try Parley.run(arguments)
            #expect(first.status == 0)
            #expect(second.status == 0)
            #expect(first.stdoutText.contains(#""seq":1"#))
            #expect(second.stdoutText.contains(#""already_present":true"#))
            #expect(second.stdoutText.contains(#""seq":1"#))
            #expect(try Parley.run(["log", "--ledger", ledger]).stdoutText.split(separator: "\n").count == 1)
        }
    }

    @Test func missingLedgerAndNonEmptyInitAreClearErrors() throws {
        try TemporaryDirectory.with { dir in
            let missing = try Parley.run(["log", "--ledger", dir + "/nope"])
            #expect(missing.status == 6)
            #expect(missing.stderrText.contains("no Parley ledger at"))
            let noLedger = try Parley.run(["log"])
            #expect(noLedger.status == 64)
            #expect(noLedger.stderrText.contains("PARLEY_LEDGER"))
            #expect(FileManager.default.createFile(atPath: dir + "/file.txt", contents: Data("x".utf8)))
            let nonEmpty = try Parley.run(["init", dir])
            #expect(nonEmpty.status == 2)
            #expect(nonEmpty.stderrText.contains("not empty"))
            #expect(FileManager.default.fileExists(atPath: dir + "/ledger.json") == false)
        }
    }
}

/// `append` is parsed on its own first (`EntryPoint`); whatever that parse cannot run must come
/// out exactly as the full command tree prints it.
@Suite struct AppendShortcutTests {
    @Test func helpVersionAndUsageErrorsAreTheFullTreesOwn() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let help = try Parley.run(["append", "--help"])
            #expect(help.status == 0)
            #expect(help.stdoutText == (try Parley.run(["help", "append"])).stdoutText)
            // Only the root command has a version: it shows in the subcommand's help through the tree.
            #expect(help.stdoutText.contains("--version"))
            #expect(help.stdoutText.contains("USAGE: parley append"))
            let version = try Parley.run(["append", "--version"])
            #expect(version.status == 0)
            #expect(version.stdoutText == "0.1.0\n")
            let unknown = try Parley.run(["append", "--ledger", ledger, "--colour", "red"])
            #expect(unknown.status == 64)
            #expect(unknown.stderrText.contains("See 'parley append --help' for more information."), "\(unknown.stderrText)")
            let missing = try Parley.run(["append", "--ledger", ledger, "--stream", "party/zil"])
            #expect(missing.status == 64)
            #expect(missing.stderrText.contains("give --stream, --type and --data"))
            #expect(missing.stderrText.contains("Usage: parley append"))
            let completion = try Parley.run(["append", "--generate-completion-script", "bash"])
            #expect(completion.status == 0)
            #expect(completion.stdoutText.hasPrefix("#!/bin/bash"))
            #expect(try Parley.run(["log", "--ledger", ledger]).stdout.isEmpty)
        }
    }

    @Test func theShortcutAppendsAndReportsRunErrorsLikeTheTree() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let event = ["--stream", "party/zil", "--type", "Noted", "--data", #"{"n":1}"#, "--no-validate"]
            let appended = try Parley.run(["append", "--ledger", ledger] + event)
            #expect(appended.status == 0, "\(appended.stderrText)")
            #expect(appended.stdoutText == "1\n")
            let noLedger = try Parley.run(["append"] + event, environment: ["PARLEY_LEDGER": ""])
            #expect(noLedger.status == 64)
            #expect(noLedger.stderrText.contains("no ledger given: pass --ledger DIR or set PARLEY_LEDGER"))
        }
    }
}

@Suite struct CatalogueAppendTests {
    @Test func validatedAppendWithoutMetaAndSchemaErrorsNameTheField() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let ok = try Parley.run([
                "append", "--ledger", ledger, "--stream", "party/zil", "--type", "PartyRegistered", "--data",
                #"{"party_id":"zil","name":"ZIL","kind":"manufacturer","country":"RU","aliases":[]}"#,
            ])
            #expect(ok.status == 0, "\(ok.stderrText)")
            let before = DirectorySnapshot.take(ledger)
            let bad = try Parley.run(
                ["append", "--ledger", ledger, "--file", "-"],
                input: Data(
                    (#"{"stream":"party/faw","type":"PartyRegistered","effective_at":"2005-01-01T00:00:00Z","data":{"party_id":"faw","name":"FAW","kind":"carmaker"}}"#
                        + "\n"
                        + #"{"stream":"party/faw","type":"NoSuchType","effective_at":"2005-01-01T00:00:00Z","data":{}}"#).utf8))
            #expect(bad.status == 2)
            #expect(bad.stderrText.contains("line 1: data.kind:"), "\(bad.stderrText)")
            #expect(bad.stderrText.contains("line 2: type:"), "\(bad.stderrText)")
            #expect(DirectorySnapshot.take(ledger) == before)
        }
    }
}
