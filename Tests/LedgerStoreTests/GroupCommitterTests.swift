import CanonicalJSON
import Foundation
import ParleyTestSupport
import Testing

@testable import LedgerStore

@Suite struct GroupCommitterTests {
    /// Counts calls across threads.
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            return count
        }
    }

    /// An fsync that fails: the commits it covered and everything after are not acknowledged,
    /// nothing more is written, and reopening the ledger keeps every acknowledged event.
    @Test func aFailedFsyncStopsAcknowledgementsAndTheLedgerRecovers() async throws {
        try await TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            // The committer (and its writer's lock) lives only inside this function.
            func run() async throws -> (outcomes: [(Int, Result<UInt64, LedgerError>)], syncs: Int) {
                let calls = Calls()
                let committer = GroupCommitter(writer: try LedgerWriter(path: path)) { sync in
                    if calls.next() >= 4 { throw LedgerError(.io, "injected fsync failure") }
                    try sync.perform()
                }
                let outcomes = try await withThrowingTaskGroup(of: [(Int, Result<UInt64, LedgerError>)].self) { group in
                    for task in 0..<4 {
                        group.addTask {
                            var mine: [(Int, Result<UInt64, LedgerError>)] = []
                            for index in 0..<25 {
                                let n = task * 100 + index
                                let line = LedgerFixture.event("party/f\(task)", "Noted", n)
                                do {
                                    mine.append((n, .success(try await committer.append(line).seq)))
                                } catch let error as LedgerError {
                                    mine.append((n, .failure(error)))
                                }
                            }
                            return mine
                        }
                    }
                    var all: [(Int, Result<UInt64, LedgerError>)] = []
                    for try await part in group { all += part }
                    return all
                }
                committer.close()
                return (outcomes, committer.syncs)
            }
            let (outcomes, syncs) = try await run()
            let acknowledged = outcomes.compactMap { entry -> (Int, UInt64)? in
                if case .success(let seq) = entry.1 { return (entry.0, seq) }
                return nil
            }
            let failed = outcomes.compactMap { entry -> LedgerError? in
                if case .failure(let error) = entry.1 { return error }
                return nil
            }
            #expect(!acknowledged.isEmpty)
            #expect(failed.count > 50)
            #expect(failed.allSatisfy { $0.code == .io && $0.message.contains("nothing more is acknowledged") })
            #expect(syncs == 3)
            // Reopening recovers; every acknowledged event is there, at its seq, once.
            _ = try LedgerWriter(path: path)
            let lines = try LedgerFixture.lines(path).map { String(decoding: $0, as: UTF8.self) }
            for (n, seq) in acknowledged {
                #expect(seq >= 1 && Int(seq) <= lines.count)
                if seq >= 1 && Int(seq) <= lines.count { #expect(lines[Int(seq) - 1].contains(#"{"n":\#(n)}"#)) }
            }
            #expect(Set(lines).count == lines.count)
            let next = try LedgerFixture.commit(path, count: 1, stream: "party/after")
            #expect(next.seqRange?.lowerBound == UInt64(lines.count) + 1)
        }
    }

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
