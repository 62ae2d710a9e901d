import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@Suite struct GroupCommitterTests {
    @Test func concurrentTasksShareCommitsAndKeepTheirOwnErrors() async throws {
        try await TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            let committer = GroupCommitter(writer: try LedgerWriter(path: path))
            let seqs = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for task in 0..<6 {
                    group.addTask {
                        var mine: [UInt64] = []
                        for index in 0..<40 {
                            let result = try await committer.append(LedgerFixture.event("party/t\(task % 2)", "Noted", index))
                            mine.append(result.seq)
                        }
                        return mine
                    }
                }
                // One caller's bad events fail alone.
                group.addTask {
                    do {
                        _ = try await committer.append(
                            Array(
                                #"{"stream":"party/x","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"p":1.5}}"#
                                    .utf8))
                        Issue.record("fractional number accepted")
                    } catch let error as LedgerError {
                        #expect(error.code == .invalidInput)
                    }
                    do {
                        _ = try await committer.append(
                            Array(
                                #"{"stream":"party/t0","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{},"expected_version":"no-stream"}"#
                                    .utf8))
                    } catch let error as LedgerError {
                        #expect(error.code == .conflict)
                    }
                    return []
                }
                var all: [UInt64] = []
                for try await part in group { all += part }
                return all
            }
            committer.close()
            #expect(committer.commits < 240)
            let lines = try LedgerFixture.lines(path)
            // Every acknowledged seq is there once; nothing else was written but a possible no-stream winner.
            #expect(Set(seqs).count == 240)
            #expect(lines.count == 240 || lines.count == 241)
            #expect(Set(seqs).isSubset(of: Set(1...UInt64(lines.count))))
            // Group commit saves the derived index only now and then; close() leaves it current.
            let state = try Data(contentsOf: URL(fileURLWithPath: path + "/index/state.txt"))
            let header = try JSONValue(parsing: Array(state.prefix { $0 != 0x0A }))
            #expect(header["last_seq"]?.integerValue == Int64(lines.count))
        }
    }
}
