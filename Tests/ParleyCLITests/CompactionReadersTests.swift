import Foundation
import ParleyTestSupport
import Testing

/// `parley compact` replaces segments (one merged marker for many commits, other offsets):
/// readers must see the same ledger before and after, including one that is already following it.
@Suite struct CompactionReadersTests {
    static let environment = ["PARLEY_SEGMENT_BYTES": "3000"]

    static func appendOne(_ ledger: String, _ index: Int, segmentBytes: String = "3000") throws {
        let result = try Parley.run(
            [
                "append", "--ledger", ledger, "--no-validate", "--no-sync", "--stream", "party/p\(index % 3)", "--type",
                "Noted", "--data", #"{"i":\#(index),"text":"the same words again and again"}"#,
            ], environment: ["PARLEY_SEGMENT_BYTES": segmentBytes])
        #expect(result.status == 0, "\(result.stderrText)")
    }

    /// Starts `parley log --follow` on `ledger`, its stdout and stderr going to files in `dir`.
    static func startFollower(_ ledger: String, in dir: String) throws -> (Process, output: String, errors: String) {
        let output = dir + "/follow.out"
        let errors = dir + "/follow.err"
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        #expect(FileManager.default.createFile(atPath: errors, contents: nil))
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: PackagePaths.parley)
        follower.arguments = ["log", "--ledger", ledger, "--follow"]
        follower.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        follower.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try follower.run()
        return (follower, output, errors)
    }

    /// Waits until `path` holds `count` lines (or 15 s pass); returns how many it holds.
    static func waitForLines(_ path: String, _ count: Int) -> Int {
        var lines = 0
        for _ in 0..<300 {
            lines = (FileManager.default.contents(atPath: path) ?? Data()).filter { $0 == 0x0A }.count
            if lines >= count { break }
            usleep(50_000)
        }
        return lines
    }

    /// A `log --follow` started before compactions of sealed and active segments prints every
    /// record exactly once, in order, and goes on following (it resumed at byte offsets of the
    /// replaced files: it stalled, or stopped with a false "records are missing").
    @Test func aFollowerSeesEveryRecordAcrossCompactions() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            for index in 0..<6 { try Self.appendOne(ledger, index) }
            let (follower, output, errors) = try Self.startFollower(ledger, in: dir)
            // SIGKILL: the test runner's threads block SIGTERM, and its children inherit the mask.
            defer { if follower.isRunning { kill(follower.processIdentifier, SIGKILL) } }
            #expect(Self.waitForLines(output, 6) == 6)
            for index in 6..<14 { try Self.appendOne(ledger, index) }
            #expect(Self.waitForLines(output, 14) == 14)
            #expect(try Parley.run(["compact", "--ledger", ledger]).status == 0)
            for index in 14..<17 { try Self.appendOne(ledger, index) }
            #expect(Self.waitForLines(output, 17) == 17)
            #expect(try Parley.run(["compact", "--ledger", ledger, "--include-active"]).status == 0)
            for index in 17..<24 { try Self.appendOne(ledger, index) }
            #expect(Self.waitForLines(output, 24) == 24)
            let stillFollowing = follower.isRunning
            kill(follower.processIdentifier, SIGKILL)
            follower.waitUntilExit()
            let stderr = String(decoding: FileManager.default.contents(atPath: errors) ?? Data(), as: UTF8.self)
            #expect(stillFollowing, "the follower stopped: \(stderr)")
            let followed = FileManager.default.contents(atPath: output) ?? Data()
            #expect(followed == (try Parley.run(["log", "--ledger", ledger]).stdout))
        }
    }

    /// A follower paused while the active segment is compacted twice (a file system may give the
    /// second replacement the first one's freed inode, so a reader cannot go by the inode) and
    /// appended to: resumed, it still prints every record once.
    @Test func aPausedFollowerResumesAcrossRepeatedCompactions() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            for index in 0..<10 { try Self.appendOne(ledger, index, segmentBytes: "1048576") }
            let (follower, output, _) = try Self.startFollower(ledger, in: dir)
            defer { if follower.isRunning { kill(follower.processIdentifier, SIGKILL) } }
            #expect(Self.waitForLines(output, 10) == 10)
            kill(follower.processIdentifier, SIGSTOP)
            let segment = ledger + "/segments/00000000000000000001.ndjson.lz4"
            func inode() throws -> Int? { try FileManager.default.attributesOfItem(atPath: segment)[.systemFileNumber] as? Int }
            let followed = try inode()
            var next = 10
            // Compact until the segment is back on the inode the follower read (ext4 reuses a
            // freed inode at once), at most four times.
            for _ in 0..<4 {
                try Self.appendOne(ledger, next, segmentBytes: "1048576")
                next += 1
                #expect(try Parley.run(["compact", "--ledger", ledger, "--include-active"]).status == 0)
                if try inode() == followed { break }
            }
            for _ in 0..<15 {
                try Self.appendOne(ledger, next, segmentBytes: "1048576")
                next += 1
            }
            kill(follower.processIdentifier, SIGCONT)
            for _ in 0..<5 {
                try Self.appendOne(ledger, next, segmentBytes: "1048576")
                next += 1
            }
            // A new segment: a follower lost in the old one would now see a gap.
            try Self.appendOne(ledger, next, segmentBytes: "3000")
            #expect(Self.waitForLines(output, next + 1) == next + 1)
            let stillFollowing = follower.isRunning
            kill(follower.processIdentifier, SIGKILL)
            follower.waitUntilExit()
            #expect(stillFollowing)
            #expect(FileManager.default.contents(atPath: output) == (try Parley.run(["log", "--ledger", ledger]).stdout))
        }
    }

    /// Reports, diffs and stream states at a transaction time are the same on a compacted copy:
    /// the cut is the last record recorded by then (a merged marker's `committed_at` is only its
    /// last commit's), and the receipt names that record's own `recorded_at`.
    @Test func pointInTimeViewsAreTheSameAfterCompaction() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let sample = try Data(contentsOf: URL(fileURLWithPath: PackagePaths.file("Events/samples/zil-faw.ndjson")))
            let lines = sample.split(separator: 0x0A)
            for line in lines {
                let result = try Parley.run(
                    ["append", "--ledger", ledger, "--file", "-"], input: Data(line) + Data([0x0A]),
                    environment: Self.environment)
                #expect(result.status == 0, "\(result.stderrText)")
            }
            let compacted = dir + "/c"
            try FileManager.default.copyItem(atPath: ledger, toPath: compacted)
            let compact = try Parley.run(["compact", "--ledger", compacted, "--include-active"])
            #expect(compact.status == 0, "\(compact.stderrText)")
            let records = try Parley.run(["log", "--ledger", ledger]).stdoutText.split(separator: "\n")
            #expect(records.count == lines.count)
            for seq in [1, 13, records.count] {
                let recordedAt = try #require(
                    records[seq - 1].split(separator: #""recorded_at":""#).last?.prefix { $0 != "\"" })
                let views: [[String]] = [
                    ["report", "--as-of", String(recordedAt), "--format", "json"],
                    ["report", "--as-of-seq", String(seq), "--format", "json"],
                    ["diff", "--from", "0", "--to", String(recordedAt), "--format", "json"],
                    ["state", "--stream", "negotiation/zil-faw-assembly", "--as-of", String(recordedAt), "--format", "json"],
                ]
                for view in views {
                    let original = try Parley.run(view + ["--ledger", ledger])
                    let after = try Parley.run(view + ["--ledger", compacted])
                    // (A negotiation not opened yet at seq 1 is an error both times.)
                    if view[0] != "state" || seq > 1 { #expect(original.status == 0, "\(view): \(original.stderrText)") }
                    #expect(after.status == original.status, "\(view): \(after.stderrText)")
                    #expect(after.stdout == original.stdout, "\(view) differs after compaction")
                    #expect(after.stderr == original.stderr, "\(view): \(after.stderrText)")
                }
            }
        }
    }
}
