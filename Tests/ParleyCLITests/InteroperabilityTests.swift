import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@Suite struct InteroperabilityTests {
    @Test func stockLZ4PrintsExactlyTheLogAndRootsMatch() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let batch = try Parley.generated(3000)
            #expect(try Parley.run(["append", "--ledger", ledger, "--file", "-"], input: batch).status == 0)
            for index in 0..<5 {
                let single = try Parley.run([
                    "append", "--ledger", ledger, "--stream", "party/zil", "--type", "PartyRegistered", "--no-validate",
                    "--data", #"{"party_id":"zil","name":"ZIL \#(index)","kind":"manufacturer"}"#,
                ])
                #expect(single.status == 0, "\(single.stderrText)")
            }
            // Small segments, so the stock tool has several files to read.
            let more = try Parley.run(
                ["append", "--ledger", ledger, "--file", "-"], input: try Parley.generated(500),
                environment: ["PARLEY_SEGMENT_BYTES": "1000"])
            #expect(more.status == 0)
            let log = try Parley.run(["log", "--ledger", ledger])
            #expect(log.status == 0)
            let segments = try FileManager.default.contentsOfDirectory(atPath: ledger + "/segments").sorted()
            #expect(segments.count >= 2)
            let catPipe = try ProcessRunner.shell("cat '\(ledger)'/segments/*.ndjson.lz4 | lz4 -dc")
            #expect(catPipe.status == 0)
            #expect(catPipe.stdout == log.stdout)
            let multi = try ProcessRunner.run("lz4", ["-dcm"] + segments.map { ledger + "/segments/" + $0 })
            #expect(multi.stdout == log.stdout)

            var versions: [String: UInt64] = [:]
            var seq: UInt64 = 0
            let lines = log.stdout.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == 3505)
            for line in lines {
                let bytes = Array(line)
                #expect(try CanonicalEncoder.canonicalize(bytes) == bytes)
                let record = try RecordEnvelope(line: bytes)
                seq += 1
                #expect(record.seq == seq)
                versions[record.stream, default: 0] += 1
                #expect(record.version == versions[record.stream])
            }
            let stats = try Parley.run(["stats", "--ledger", ledger, "--json"])
            let root = try JSONValue(parsing: Array(stats.stdout))["root"]?.stringValue
            #expect(root == (try ReferenceMerkle.root(ofLines: lines.map { Data($0) })))
        }
    }

    @Test func logFiltersAndLimits() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            #expect(try Parley.run(["append", "--ledger", ledger, "--file", "-"], input: try Parley.generated(400)).status == 0)
            let all = try Parley.run(["log", "--ledger", ledger]).stdoutText.split(separator: "\n")
            let statements = try Parley.run(["log", "--ledger", ledger, "--type", "StatementReported"]).stdoutText
                .split(separator: "\n")
            #expect(!statements.isEmpty)
            #expect(statements == all.filter { $0.contains(#""type":"StatementReported""#) })
            let stream = try Parley.run(["log", "--ledger", ledger, "--stream", "party/zil"]).stdoutText.split(separator: "\n")
            #expect(stream == all.filter { $0.contains(#""stream":"party/zil""#) })
            let window = try Parley.run(["log", "--ledger", ledger, "--from-seq", "10", "--limit", "3"]).stdoutText
                .split(separator: "\n")
            #expect(window == Array(all[9..<12]))
            let viaEnvironment = try Parley.run(["log", "--limit", "1"], environment: ["PARLEY_LEDGER": ledger])
            #expect(viaEnvironment.stdoutText.split(separator: "\n") == [all[0]])
        }
    }

    @Test func helpCarriesExamples() throws {
        for command in ["", "init", "append", "log", "stats", "recover"] {
            let result = try Parley.run((command.isEmpty ? [] : [command]) + ["--help"])
            #expect(result.status == 0)
            #expect(result.stdoutText.contains("Example"), "parley \(command) --help has no example")
        }
    }
}

@Suite struct CompactTests {
    @Test func compactKeepsRecordsAndRootsAndShrinksSmallCommits() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            for index in 0..<40 {
                let result = try Parley.run(
                    [
                        "append", "--ledger", ledger, "--no-validate", "--no-sync", "--stream", "party/p\(index % 3)", "--type",
                        "Noted", "--data", #"{"i":\#(index),"text":"the same words again and again"}"#,
                    ], environment: ["PARLEY_SEGMENT_BYTES": "3000"])
                #expect(result.status == 0)
            }
            let before = try Parley.run(["log", "--ledger", ledger]).stdout
            let statsBefore = try Parley.run(["stats", "--ledger", ledger, "--json"]).stdoutText
            let sizeBefore = try FileManager.default.contentsOfDirectory(atPath: ledger + "/segments").reduce(0) {
                $0 + ((try FileManager.default.attributesOfItem(atPath: ledger + "/segments/" + $1))[.size] as! Int)
            }
            let compact = try Parley.run(["compact", "--ledger", ledger, "--include-active"])
            #expect(compact.status == 0, "\(compact.stderrText)")
            let after = try Parley.run(["log", "--ledger", ledger]).stdout
            #expect(after == before)
            let sizeAfter = try FileManager.default.contentsOfDirectory(atPath: ledger + "/segments").reduce(0) {
                $0 + ((try FileManager.default.attributesOfItem(atPath: ledger + "/segments/" + $1))[.size] as! Int)
            }
            #expect(sizeAfter < sizeBefore)
            let statsAfter = try Parley.run(["stats", "--ledger", ledger, "--json"]).stdoutText
            let root = { (text: String) in text.components(separatedBy: #""root":""#).last?.prefix(64) }
            #expect(root(statsAfter) == root(statsBefore))
            #expect(try ProcessRunner.shell("cat '\(ledger)'/segments/*.ndjson.lz4 | lz4 -dc").stdout == before)
            // The ledger still takes appends after compaction.
            let more = try Parley.run([
                "append", "--ledger", ledger, "--no-validate", "--stream", "party/p0", "--type", "Noted", "--data", "{}",
            ])
            #expect(more.status == 0, "\(more.stderrText)")
            #expect(try Parley.run(["log", "--ledger", ledger]).stdout.count > before.count)
        }
    }
}
