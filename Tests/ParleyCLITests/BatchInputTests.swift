import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

/// `append --file` reads its input in 1 MiB blocks through two buffers that take turns while
/// the previous block is still being validated: lines that straddle reads, a line larger than a
/// buffer and a last line without a newline must all arrive whole and in order.
@Suite struct BatchInputTests {
    @Test func linesAcrossReadsALineLargerThanABufferAndNoFinalNewlineArriveWholeInOrder() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            var lines = try Parley.generated(12_000).split(separator: 0x0A).map { Data($0) }
            let huge = String(repeating: "0123456789abcdef", count: 160_000)  // 2.5 MB, over two buffers
            let big = #"{"stream":"note/huge","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"text":"\#(huge)"}}"#
            lines.insert(Data(big.utf8), at: 7_000)
            lines.append(
                Data(#"{"stream":"note/last","type":"Noted","effective_at":"2005-01-02T00:00:00Z","data":{"n":1}}"#.utf8))
            let input = dir + "/input.ndjson"
            // No newline after the last line.
            try Data(lines.joined(separator: [0x0A])).write(to: URL(fileURLWithPath: input))
            let result = try Parley.run(["append", "--ledger", ledger, "--file", input, "--no-validate", "--no-sync"])
            #expect(result.status == 0, "\(result.stderrText)")
            let log = try Parley.run(["log", "--ledger", ledger])
            let records = log.stdout.split(separator: 0x0A).map { try? RecordEnvelope(line: Array($0)) }
            #expect(records.count == lines.count)
            for (index, (line, record)) in zip(lines, records).enumerated() {
                let event = try JSONValue(parsing: Array(line))
                guard let record else {
                    Issue.record("record \(index + 1) does not parse")
                    continue
                }
                #expect(record.seq == UInt64(index + 1))
                #expect(record.stream == event["stream"]?.stringValue)
                #expect(String(decoding: record.data, as: UTF8.self) == event["data"]?.canonicalString, "line \(index + 1)")
            }
        }
    }

    /// Blank lines are skipped but still counted, so that a problem names the line an editor shows;
    /// a CRLF line ending is whitespace after the JSON value.
    @Test func blankLinesAreSkippedButCountedAndCRLFEndingsAreAccepted() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            func event(_ n: Int) -> String {
                #"{"stream":"note/n","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"n":\#(n)}}"#
            }
            let good = event(1) + "\r\n\r\n   \n" + event(2) + "\r\n\n" + event(3) + "\r\n"
            let result = try Parley.run(
                ["append", "--ledger", ledger, "--file", "-", "--no-validate", "--no-sync"], input: Data(good.utf8))
            #expect(result.status == 0, "\(result.stderrText)")
            #expect(result.stdoutText.contains("appended 3 events, seq 1-3"), "\(result.stdoutText)")
            let log = try Parley.run(["log", "--ledger", ledger])
            let data = log.stdout.split(separator: 0x0A).compactMap { try? RecordEnvelope(line: Array($0)) }.map {
                String(decoding: $0.data, as: UTF8.self)
            }
            #expect(data == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
            // Line 4 (after two blank ones) is the bad one.
            let bad =
                event(4) + "\r\n\n\n"
                + #"{"stream":"note/n","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"n":1.5}}"#
            let before = DirectorySnapshot.take(ledger)
            let rejected = try Parley.run(
                ["append", "--ledger", ledger, "--file", "-", "--no-validate", "--no-sync"], input: Data(bad.utf8))
            #expect(rejected.status == 2)
            #expect(rejected.stderrText.contains("line 4: data.n: 1.5 is a fractional number"), "\(rejected.stderrText)")
            #expect(DirectorySnapshot.take(ledger) == before)
        }
    }
}
