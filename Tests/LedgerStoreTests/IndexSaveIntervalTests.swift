import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

/// Writers that save `index/state.txt` only every N commits (as single `parley append`s do):
/// the next writer folds the commits after the saved point, and damage to acknowledged
/// commits the saved index does not know of is still reported.
@Suite struct IndexSaveIntervalTests {
    /// One commit of one event by a writer of its own (one CLI process each).
    static func appendAlone(_ path: String, interval: Int, n: Int, stream: String = "party/a") throws {
        var options = LedgerWriter.Options()
        options.indexSaveInterval = interval
        let writer = try LedgerWriter(path: path, options: options)
        let batch = writer.batch(largeFrames: false)
        batch.add(LedgerFixture.event(stream, "Noted", n), label: "event")
        _ = try batch.finish()
    }

    static func savedLastSeq(_ path: String) -> Int64? {
        guard let text = try? String(contentsOfFile: path + "/index/state.txt", encoding: .utf8),
            let header = text.split(separator: "\n").first,
            let range = header.range(of: #""last_seq":"#)
        else { return nil }
        return Int64(header[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func theIndexIsSavedEveryIntervalAndTheRestIsFolded() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            for n in 0..<5 { try Self.appendAlone(path, interval: 4, n: n, stream: "party/s\(n % 2)") }
            // The 4th writer folds seqs 1…3 and adds the 4th unsaved commit, so it saves (seq 4);
            // the 5th's commit is left for the next writer.
            #expect(Self.savedLastSeq(path) == 4)
            let writer = try LedgerWriter(path: path)
            #expect(writer.lastSeq == 5)
            #expect(writer.version(of: "party/s0") == 3)
            #expect(writer.version(of: "party/s1") == 2)
            #expect(writer.recoveryNotes.isEmpty)
        }
    }

    @Test func foldedCommitsKeepIdsAndVersionsExact() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            for n in 0..<23 { try Self.appendAlone(path, interval: 16, n: n) }
            #expect(Self.savedLastSeq(path) == 16)
            // The reference: the same events, the index saved after every commit.
            let reference = dir + "/r"
            _ = try LedgerSetup.create(at: reference, origin: nil)
            for n in 0..<23 { try Self.appendAlone(reference, interval: 1, n: n) }
            #expect(Self.savedLastSeq(reference) == 23)
            let folded = try LedgerWriter(path: path)
            let saved = try LedgerWriter(path: reference)
            #expect(folded.lastSeq == 23)
            #expect(folded.version(of: "party/a") == saved.version(of: "party/a"))
            // Every record's id is known to the folded writer: re-appending a record is "already present".
            let lines = try LedgerFixture.lines(path)
            #expect(lines.count == 23)
            let record = try JSONSerialization.jsonObject(with: lines[20]) as! [String: Any]
            let id = try #require(record["id"] as? String)
            let batch = folded.batch(largeFrames: false, collectResults: true)
            batch.add(
                Array(
                    #"{"stream":"party/a","type":"Noted","effective_at":"2005-01-0\#(1 + 20 % 9)T00:00:00Z","data":{"n":20},"id":"\#(id)"}"#
                        .utf8), label: "again")
            let summary = try batch.finish()
            #expect(summary.appended == 0)
            #expect(summary.alreadyPresent == 1)
            #expect(summary.results.first?.seq == 21)
        }
    }

    /// Opening a writer on a ledger whose index lags (and committing nothing, as bad input does)
    /// leaves every file as it was; `parley recover` is what brings the index up to date.
    @Test func aWriterThatCommitsNothingWritesNothing() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            for n in 0..<3 { try Self.appendAlone(path, interval: 16, n: n) }
            let before = DirectorySnapshot.take(path)
            do {
                let writer = try LedgerWriter(path: path)
                #expect(writer.lastSeq == 3)
                #expect(writer.indexIsBehind)
                let batch = writer.batch(largeFrames: false)
                batch.add(Array(#"{"stream":"party/a","type":"Noted"}"#.utf8), label: "line 1")
                #expect(throws: LedgerError.self) { try batch.finish() }
            }
            #expect(DirectorySnapshot.take(path) == before)
            let writer = try LedgerWriter(path: path)
            try writer.saveIndex()
            #expect(!writer.indexIsBehind)
            #expect(Self.savedLastSeq(path) == 3)
        }
    }

    /// Cutting acknowledged commits the saved index never recorded is not mistaken for a torn
    /// write: `ids.bin` (written after each commit's fsync) witnesses them.
    @Test func damageAfterTheSavedPointIsReportedLoudly() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            for n in 0..<6 { try Self.appendAlone(path, interval: 16, n: n) }
            #expect(Self.savedLastSeq(path) == nil)
            let segment = path + "/segments/" + LedgerLayout.segmentName(firstSeq: 1)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            // Cut in the middle of the segment: commits 4…6 (acknowledged) are lost.
            let lines = try LedgerFixture.lines(path)
            #expect(lines.count == 6)
            try bytes.prefix(bytes.count / 2 + 1).write(to: URL(fileURLWithPath: segment))
            let writer = try LedgerWriter(path: path)
            #expect(writer.lastSeq < 6)
            #expect(writer.recoveryNotes.contains { $0.hasPrefix("WARNING:") }, "\(writer.recoveryNotes)")
        }
    }

    /// Acknowledged commits cut off exactly at a commit's end leave no torn tail, and are still
    /// reported: by `ids.bin` when the saved index predates them, by the saved index when
    /// `ids.bin` is gone too. The warning is given once, and the ledger accepts appends after it.
    @Test(arguments: [false, true])
    func commitsCutAtACommitBoundaryAreReportedLoudly(removeIDs: Bool) throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            let segment = path + "/segments/" + LedgerLayout.segmentName(firstSeq: 1)
            for n in 0..<3 { try Self.appendAlone(path, interval: 16, n: n) }
            let boundary = try #require(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int)
            // With `removeIDs`, the index is saved after every commit, so it knows of all six.
            for n in 3..<6 { try Self.appendAlone(path, interval: removeIDs ? 1 : 16, n: n) }
            #expect(try LedgerFixture.lines(path).count == 6)
            if removeIDs { try FileManager.default.removeItem(atPath: path + "/index/ids.bin") }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
            try handle.truncate(atOffset: UInt64(boundary))
            try handle.close()
            do {
                let writer = try LedgerWriter(path: path)
                #expect(writer.lastSeq == 3)
                let warnings = writer.recoveryNotes.filter { $0.hasPrefix("WARNING:") }
                #expect(warnings.count == 1, "\(writer.recoveryNotes)")
                #expect(warnings.first?.contains("seq 6") == true, "\(warnings)")
            }
            try Self.appendAlone(path, interval: 16, n: 9)
            let next = try LedgerWriter(path: path)
            #expect(next.lastSeq == 4)
            #expect(!next.recoveryNotes.contains { $0.hasPrefix("WARNING:") }, "\(next.recoveryNotes)")
        }
    }

    /// A torn write after the last acknowledged commit is an ordinary recovery, without the warning.
    @Test func aTornTailAfterTheLastAcknowledgedCommitIsNoWarning() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            for n in 0..<3 { try Self.appendAlone(path, interval: 16, n: n) }
            let segment = path + "/segments/" + LedgerLayout.segmentName(firstSeq: 1)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
            handle.seekToEndOfFile()
            handle.write(Data([0x04, 0x22, 0x4D, 0x18, 0x64, 0x40]))  // a frame header, then nothing
            try handle.close()
            let writer = try LedgerWriter(path: path)
            #expect(writer.lastSeq == 3)
            #expect(writer.recoveryNotes.count == 1)
            #expect(!writer.recoveryNotes.contains { $0.hasPrefix("WARNING:") }, "\(writer.recoveryNotes)")
        }
    }
}
