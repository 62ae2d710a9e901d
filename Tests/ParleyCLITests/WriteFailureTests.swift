import Foundation
import ParleyTestSupport
import Testing

/// A write that fails part-way, as on a full disk, changes nothing or commits in full.
///
/// The failure is a file-size limit (`RLIMIT_FSIZE`, with `SIGXFSZ` ignored): every file the
/// append writes (its segment, `index/ids.bin`, the temporary file that replaces
/// `index/state.txt`) can grow to exactly the limit; the write that would pass it is cut short
/// there and the next one fails with `EFBIG`, at whichever byte the limit falls. For each limit
/// the append either fails with exit 7 naming the file and leaves the segments byte-identical, or
/// commits in full (a commit is durable once its marker is synced: a failure to update the
/// derived index after that is a warning, not an error); either way the ledger audits clean, and
/// the same append run again without the limit lands every event exactly once.
@Suite struct WriteFailureTests {
    /// Runs `parley` with every file it writes limited to `limit` bytes.
    static func runLimited(_ limit: Int, _ arguments: [String], environment: [String: String]) throws -> ProcessResult {
        let script = """
            import os, resource, signal, sys
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            limit = int(sys.argv[1])
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            os.execv(sys.argv[2], sys.argv[2:])
            """
        return try ProcessRunner.run(
            "python3", ["-c", script, String(limit), PackagePaths.parley] + arguments, environment: environment)
    }

    /// Sizes of the regular files below `path`, by relative path.
    static func sizes(_ path: String) -> [String: Int] {
        DirectorySnapshot.take(path).filter { !$0.key.hasSuffix("/") }.mapValues(\.count)
    }

    /// The limits to try: every file's size before and after the append and the bytes either
    /// side, and a grid over the rest (every byte up to the largest size when
    /// `PARLEY_LONG_TESTS=1`).
    static func limits(before: [String: Int], after: [String: Int]) -> [Int] {
        let top = max(before.values.max() ?? 0, after.values.max() ?? 0) + 2
        let step = ProcessInfo.processInfo.environment["PARLEY_LONG_TESTS"] == "1" ? 1 : max(1, top / 16)
        var limits = Set(stride(from: 0, through: top, by: step))
        for size in Array(before.values) + Array(after.values) where size > 0 {
            limits.formUnion([size - 1, size, size + 1])
        }
        return limits.sorted()
    }

    /// One append and the ledger it goes into.
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        /// Generator events in the ledger before the append (one commit).
        var baseEvents = 10
        /// Whether those are instead `Noted` events, each in a stream of its own with a long
        /// name, so that `index/state.txt` (a line per stream) outgrows the rest.
        var manyStreams = false
        /// `PARLEY_SEGMENT_BYTES`: small, the append starts a new segment.
        var segmentBytes = 1 << 20
        /// 0: one event given as flags; N: a batch of the next N generator events.
        var batch = 0
        /// Whether the sweep must reach a failure after the commit (the derived index: a warning).
        var failsInIndex = false
    }

    static let cases: [Case] = [
        Case(description: "one event into the open segment"),
        Case(description: "a batch into the open segment", batch: 30),
        Case(description: "one event into a new segment, ids.bin cut", baseEvents: 300, segmentBytes: 1024, failsInIndex: true),
        Case(
            description: "a batch into a new segment, ids.bin cut", baseEvents: 300, segmentBytes: 1024, batch: 30,
            failsInIndex: true),
        Case(
            description: "a batch into a new segment, state.txt cut", baseEvents: 40, manyStreams: true, segmentBytes: 1024,
            batch: 2, failsInIndex: true),
    ]

    @Test(arguments: cases)
    func aFailedWriteChangesNothingOrCommitsInFull(_ test: Case) throws {
        try TemporaryDirectory.with { dir in
            let environment = ["PARLEY_SEGMENT_BYTES": String(test.segmentBytes)]
            let events = try Parley.generated(test.baseEvents + test.batch, ids: true).split(separator: 0x0A)
            let base = dir + "/base"
            try Parley.initLedger(base)
            let first = dir + "/first.ndjson"
            let baseLines: [Data] =
                test.manyStreams
                ? (0..<test.baseEvents).map { n in
                    let stream = "note/" + String(repeating: "s", count: 180) + "-\(n)"
                    return Data(
                        #"{"stream":"\#(stream)","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"n":\#(n)}}"#
                            .utf8)
                }
                : events[0..<test.baseEvents].map { Data($0) }
            try Data(baseLines.joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: first))
            let setUp = try Parley.run(
                ["append", "--ledger", base, "--file", first] + (test.manyStreams ? ["--no-validate"] : []),
                environment: environment)
            #expect(setUp.status == 0, "\(setUp.stderrText)")
            let input = dir + "/input.ndjson"
            let batchLines = events[test.baseEvents...].map { Data($0) }
            try Data(batchLines.joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: input))
            let added = max(test.batch, 1)
            func append(_ ledger: String) -> [String] {
                test.batch > 0
                    ? ["append", "--ledger", ledger, "--file", input]
                    : [
                        "append", "--ledger", ledger, "--stream", "party/x1", "--type", "PartyRegistered",
                        "--data", #"{"party_id":"x1","name":"X1","kind":"manufacturer","country":"RU","aliases":[]}"#,
                        "--effective-at", "2005-01-01T00:00:00Z", "--id", "6f1c1a52-4e3b-4a8e-9d0a-2f9e3c1b7a10",
                    ]
            }
            // `Noted` is not in the catalogue: the many-streams ledger is audited without schemas
            // (duplicate ids and every integrity check remain).
            func audit(_ ledger: String) throws -> ProcessResult {
                try Parley.run(["audit", "--ledger", ledger] + (test.manyStreams ? ["--no-schema"] : []))
            }
            func log(_ ledger: String) throws -> [Substring] {
                try Parley.run(["log", "--ledger", ledger]).stdoutText.split(separator: "\n")
            }
            let baseLog = try log(base)
            #expect(baseLog.count == test.baseEvents)
            let baseSegments = DirectorySnapshot.take(base + "/segments")
            let probe = dir + "/probe"
            try FileManager.default.copyItem(atPath: base, toPath: probe)
            #expect(try Parley.run(append(probe), environment: environment).status == 0)
            let limits = Self.limits(before: Self.sizes(base), after: Self.sizes(probe))
            var failed = 0
            var committed = 0
            var warned = 0
            for limit in limits {
                let work = dir + "/work"
                try? FileManager.default.removeItem(atPath: work)
                try FileManager.default.copyItem(atPath: base, toPath: work)
                let result = try Self.runLimited(limit, append(work), environment: environment)
                let lines = try log(work)
                switch result.status {
                case 7:
                    failed += 1
                    #expect(result.stderrText.contains("cannot") && result.stderrText.contains(work), "limit \(limit)")
                    #expect(DirectorySnapshot.take(work + "/segments") == baseSegments, "limit \(limit)")
                    #expect(lines == baseLog, "limit \(limit)")
                case 0:
                    committed += 1
                    #expect(lines.count == test.baseEvents + added, "limit \(limit)")
                    #expect(Array(lines.prefix(test.baseEvents)) == baseLog, "limit \(limit)")
                    if result.stderrText.contains("warning") {
                        warned += 1
                        #expect(result.stderrText.contains("derived index"), "limit \(limit): \(result.stderrText)")
                    }
                default:
                    Issue.record("limit \(limit): exit \(result.status): \(result.stderrText)")
                }
                #expect(try audit(work).status == 0, "limit \(limit)")
                // Once space is back, the same append (the same ids) lands exactly once.
                let again = try Parley.run(append(work), environment: environment)
                #expect(again.status == 0, "limit \(limit): \(again.stderrText)")
                let final = try log(work)
                #expect(final.count == test.baseEvents + added, "limit \(limit)")
                #expect(Array(final.prefix(test.baseEvents)) == baseLog, "limit \(limit)")
                let audited = try audit(work)
                #expect(audited.status == 0, "limit \(limit): \(audited.stdoutText)")
            }
            // The sweep reached failed writes and whole commits, and the derived index's own failures.
            #expect(failed > 0 && committed > 0, "failed \(failed), committed \(committed)")
            #expect((warned > 0) == test.failsInIndex, "warned \(warned)")
        }
    }

    /// `parley compact` under the same limits: each segment is replaced whole or not at all, so
    /// the records, roots and audit never change, whichever segment the limit stops it at.
    @Test func aFailedCompactionChangesNoRecord() throws {
        try TemporaryDirectory.with { dir in
            let environment = ["PARLEY_SEGMENT_BYTES": "3000"]
            let base = dir + "/base"
            try Parley.initLedger(base)
            for index in 0..<40 {
                let result = try Parley.run(
                    [
                        "append", "--ledger", base, "--no-sync", "--stream", "party/p\(index % 3)", "--type", "PartyRegistered",
                        "--data",
                        #"{"party_id":"p\#(index % 3)","name":"P \#(index)","kind":"manufacturer","country":"RU","aliases":[]}"#,
                    ], environment: environment)
                #expect(result.status == 0, "\(result.stderrText)")
            }
            let baseLog = try Parley.run(["log", "--ledger", base]).stdout
            let probe = dir + "/probe"
            try FileManager.default.copyItem(atPath: base, toPath: probe)
            #expect(try Parley.run(["compact", "--ledger", probe, "--include-active"]).status == 0)
            var outcomes: Set<Int32> = []
            for limit in Self.limits(before: Self.sizes(base), after: Self.sizes(probe)) {
                let work = dir + "/work"
                try? FileManager.default.removeItem(atPath: work)
                try FileManager.default.copyItem(atPath: base, toPath: work)
                let result = try Self.runLimited(limit, ["compact", "--ledger", work, "--include-active"], environment: [:])
                outcomes.insert(result.status)
                #expect(result.status == 0 || result.status == 7, "limit \(limit): \(result.stderrText)")
                if result.status == 7 { #expect(result.stderrText.contains(work), "limit \(limit)") }
                #expect(try Parley.run(["log", "--ledger", work]).stdout == baseLog, "limit \(limit)")
                let audit = try Parley.run(["audit", "--ledger", work])
                #expect(audit.status == 0, "limit \(limit): \(audit.stdoutText)")
                let more = try Parley.run([
                    "append", "--ledger", work, "--stream", "party/p0", "--type", "PartyRegistered", "--data",
                    #"{"party_id":"p0","name":"P","kind":"manufacturer","country":"RU","aliases":[]}"#,
                ])
                #expect(more.status == 0, "limit \(limit): \(more.stderrText)")
                #expect(try Parley.run(["audit", "--ledger", work]).status == 0, "limit \(limit)")
            }
            #expect(outcomes == [0, 7])
        }
    }
}
