import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

/// `index/` is derived: a commit is durable once its marker is synced, whether or not the index
/// could be brought up to date after it (a full disk refuses that write as readily as any other).
@Suite struct DerivedIndexFailureTests {
    static func line(_ n: Int) -> [UInt8] {
        Array(
            #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"n":\#(n)},"id":"0b7e3c2a-1111-4222-8333-94445555000\#(n)"}"#
                .utf8)
    }

    static func append(_ writer: LedgerWriter, _ n: Int) throws -> AppendSummary {
        let batch = writer.batch(largeFrames: false, collectResults: true)
        batch.add(line(n), label: "event \(n)")
        return try batch.finish()
    }

    /// A ledger of `line(1)…line(3)`, one commit each, its index saved.
    static func ledgerOfThreeEvents(in dir: String) throws -> (path: String, layout: LedgerLayout) {
        let path = dir + "/l"
        _ = try LedgerSetup.create(at: path, origin: nil)
        let writer = try LedgerWriter(path: path)
        for n in 1...3 { _ = try append(writer, n) }
        return (path, LedgerLayout(root: path))
    }

    /// `ids.bin` cannot be written (a directory stands where it goes): the commit still succeeds
    /// and the writer says why its index is behind; it then commits nothing more, even once the
    /// obstacle is gone (its table on disk lacks that commit's ids), and the next writer rebuilds
    /// the table, so every known id is still recognised: re-appending one returns its seq.
    @Test func aCommitStandsWhenItsIDsCannotBeIndexed() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            let ids = LedgerLayout(root: path).indexIDs
            do {
                let writer = try LedgerWriter(path: path)
                #expect(try Self.append(writer, 1).seqRange == 1...1)
                #expect(writer.indexFailure == nil)
                try FileManager.default.removeItem(atPath: ids)
                try FileManager.default.createDirectory(atPath: ids, withIntermediateDirectories: false)
                #expect(try Self.append(writer, 2).seqRange == 2...2)
                #expect(writer.indexFailure?.contains(ids) == true)
                try FileManager.default.removeItem(atPath: ids)
                do {
                    _ = try Self.append(writer, 3)
                    Issue.record("a writer whose index failed committed again")
                } catch let error as LedgerError {
                    #expect(error.code == .io)
                    #expect(error.message.contains("reopen"))
                }
            }
            #expect(try LedgerFixture.lines(path).count == 2)
            let writer = try LedgerWriter(path: path)
            for n in 1...2 {
                let again = try Self.append(writer, n)
                #expect(again.appended == 0)
                #expect(again.results.first?.seq == UInt64(n))
            }
            #expect(try Self.append(writer, 3).seqRange == 3...3)
            #expect(writer.indexFailure == nil)
            #expect(try LedgerFixture.lines(path).count == 3)
        }
    }

    /// A saved index whose `ids.bin` holds fewer entries than it has records (the file cut or
    /// removed behind the writers' back, or a saved count left short) is not trusted: the table
    /// is rebuilt from the segments, and a known id is still recognised.
    @Test(arguments: ["cut", "short count"])
    func aShortIDTableIsRebuiltFromTheSegments(_ damage: String) throws {
        try TemporaryDirectory.with { dir in
            let (path, layout) = try Self.ledgerOfThreeEvents(in: dir)
            if damage == "cut" {
                let handle = try #require(FileHandle(forWritingAtPath: layout.indexIDs))
                try handle.truncate(atOffset: 24)
                try handle.close()
            } else {
                // The header is not covered by the file's checksum (its stream lines are).
                let state = try String(contentsOfFile: layout.indexState, encoding: .utf8)
                #expect(state.contains(#""ids_bytes":72"#))
                try state.replacingOccurrences(of: #""ids_bytes":72"#, with: #""ids_bytes":24"#)
                    .write(toFile: layout.indexState, atomically: true, encoding: .utf8)
            }
            let writer = try LedgerWriter(path: path)
            #expect(writer.recoveryNotes.contains { $0.contains("rebuilt") })
            for n in 1...3 {
                let again = try Self.append(writer, n)
                #expect(again.appended == 0)
                #expect(again.results.first?.seq == UInt64(n))
            }
            #expect(try LedgerFixture.lines(path).count == 3)
        }
    }

    /// `ids.bin` of the right size whose entries are damaged (a zero-filled tail, as a crash can
    /// leave a file written without fsync, or a seq changed) is not trusted either: the table
    /// is rebuilt from the records when first needed, and the file rewritten.
    @Test(arguments: ["zeroed tail", "changed seq"])
    func damagedIDEntriesAreRebuiltFromTheRecords(_ damage: String) throws {
        try TemporaryDirectory.with { dir in
            let (path, layout) = try Self.ledgerOfThreeEvents(in: dir)
            let handle = try #require(FileHandle(forUpdatingAtPath: layout.indexIDs))
            if damage == "zeroed tail" {
                try handle.seek(toOffset: 24)
                handle.write(Data(count: 48))
            } else {
                try handle.seek(toOffset: 24 + 16)
                handle.write(Data([7, 0, 0, 0, 0, 0, 0, 0]))
            }
            try handle.close()
            #expect((try FileManager.default.attributesOfItem(atPath: layout.indexIDs)[.size] as? Int) == 72)
            do {
                let writer = try LedgerWriter(path: path)
                for n in 1...3 {
                    let again = try Self.append(writer, n)
                    #expect(again.appended == 0, "\(damage): id \(n) looked new")
                    #expect(again.results.first?.seq == UInt64(n))
                }
                #expect(writer.recoveryNotes.contains { $0.contains("ids.bin") })
            }
            #expect(try LedgerFixture.lines(path).count == 3)
            // The rewritten file is whole again: the next writer trusts it.
            let next = try LedgerWriter(path: path)
            #expect(try Self.append(next, 2).appended == 0)
            #expect(!next.recoveryNotes.contains { $0.contains("ids.bin") })
        }
    }

    /// A saved `last_recorded_at` later than the last commit (an edited or foreign `state.txt`)
    /// is not trusted: the next commit is recorded now, not at that future time.
    @Test func aFutureLastRecordedAtIsNotTrusted() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            do { _ = try Self.append(try LedgerWriter(path: path), 1) }
            let layout = LedgerLayout(root: path)
            let state = try String(contentsOfFile: layout.indexState, encoding: .utf8)
            let future = Timestamp.now().microseconds + 10 * 365 * 86_400_000_000
            let edited = state.replacingOccurrences(
                of: #""last_recorded_at":[0-9]+"#, with: #""last_recorded_at":\#(future)"#, options: .regularExpression)
            #expect(edited != state)
            try edited.write(toFile: layout.indexState, atomically: true, encoding: .utf8)
            _ = try Self.append(try LedgerWriter(path: path), 2)
            let last = try #require(try LedgerFixture.lines(path).last)
            let record = try RecordEnvelope(line: Array(last))
            let recordedAt = try #require(Timestamp(rfc3339: record.recordedAt))
            #expect(recordedAt.microseconds < Timestamp.now().microseconds + 60_000_000, "\(record.recordedAt)")
        }
    }
}
