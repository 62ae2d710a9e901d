import Foundation
import LedgerStore

/// Small helpers for store tests: a ledger in a temporary directory and event lines.
enum LedgerFixture {
    static func event(_ stream: String, _ type: String = "Noted", _ n: Int = 0, extra: String = "") -> [UInt8] {
        Array(
            #"{"stream":"\#(stream)","type":"\#(type)","effective_at":"2005-01-0\#(1 + n % 9)T00:00:00Z","data":{"n":\#(n)\#(extra)}}"#
                .utf8)
    }

    /// Appends `count` events in one commit and returns the summary.
    @discardableResult
    static func commit(_ path: String, count: Int, stream: String = "party/zil", start: Int = 0) throws -> AppendSummary {
        let writer = try LedgerWriter(path: path)
        let batch = writer.batch(largeFrames: count > 1)
        for index in 0..<count { batch.add(event(stream, "Noted", start + index), label: "line \(index + 1)") }
        return try batch.finish()
    }

    static func lines(_ path: String) throws -> [Data] {
        var lines: [Data] = []
        try LedgerReader(path: path).forEachRecord(from: LedgerReader.start(fromSeq: 1)) { _, line in
            lines.append(Data(line))
            return true
        }
        return lines
    }
}
