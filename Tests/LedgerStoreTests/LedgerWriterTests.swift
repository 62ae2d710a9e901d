import CanonicalJSON
import Foundation
import LZ4Codec
import LedgerIntegrity
import LedgerStore
import ParleyTestSupport
import Testing

@Suite struct LedgerWriterTests {
    @Test func markerRootsEqualAnIndependentRFC6962Root() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/ledger"
            _ = try LedgerSetup.create(at: path, origin: nil)
            var summaries: [AppendSummary] = []
            for (index, size) in [1, 2, 5, 1, 13].enumerated() {
                summaries.append(try LedgerFixture.commit(path, count: size, stream: "party/p\(index % 2)", start: index * 100))
            }
            let lines = try LedgerFixture.lines(path)
            #expect(lines.count == 22)
            // Every marker in the segment carries the root of records 1...last_seq.
            let segment = try Data(contentsOf: URL(fileURLWithPath: path + "/segments/" + LedgerLayout.segmentName(firstSeq: 1)))
            let scan = Array(segment).withUnsafeBytes { SegmentScan($0) }
            #expect(scan.commits.count == 5)
            #expect(scan.tail == nil)
            for commit in scan.commits {
                let expected = try ReferenceMerkle.root(ofLines: lines, size: Int(commit.marker.lastSeq))
                #expect(commit.marker.root.hexString == expected)
                #expect(commit.marker.treeSize == commit.marker.lastSeq)
            }
            #expect(summaries.last?.root.hexString == (try ReferenceMerkle.root(ofLines: lines)))
        }
    }

    /// A bulk batch of ~13 MB: several 4 MiB chunks go through the hashing and compressing
    /// pipeline, the later ones in chunks it handed back (recycled buffers), so a record left over
    /// from an earlier chunk, a lost newline or a leaf hashed without its 0x00 would show here.
    @Test func aBulkBatchOfManyFramesKeepsEveryRecordAndTheRoot() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/ledger"
            _ = try LedgerSetup.create(at: path, origin: nil)
            let count = 40_000
            let padding = String(repeating: "x", count: 250)
            let input = (0..<count).map { LedgerFixture.event("party/p\($0 % 7)", "Noted", $0, extra: #","pad":"\#(padding)""#) }
            let writer = try LedgerWriter(path: path)
            let batch = writer.batch(largeFrames: true)
            let buffers = input.map { line in
                let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: line.count, alignment: 1)
                copy.copyBytes(from: line)
                return copy
            }
            defer { buffers.forEach { $0.deallocate() } }
            for start in stride(from: 0, to: count, by: 9_000) {
                let block = buffers[start..<min(start + 9_000, count)].map { UnsafeRawBufferPointer($0) }
                batch.add(lines: block, firstLineNumber: start + 1)
            }
            let summary = try batch.finish()
            #expect(summary.appended == count)
            let lines = try LedgerFixture.lines(path)
            #expect(lines.count == count)
            for (index, line) in lines.enumerated() {
                let record = try RecordEnvelope(line: Array(line))
                #expect(record.seq == UInt64(index + 1))
                #expect(record.version == UInt64(index / 7 + 1))
                #expect(record.data == Array(#"{"n":\#(index),"pad":"\#(padding)"}"#.utf8))
            }
            let segment = try Data(contentsOf: URL(fileURLWithPath: path + "/segments/" + LedgerLayout.segmentName(firstSeq: 1)))
            let scan = Array(segment).withUnsafeBytes { SegmentScan($0) }
            #expect(scan.commits.count == 1)
            let frames = Array(segment).withUnsafeBytes { raw in
                var offsets: [Int] = []
                var offset = 0
                while offset < raw.count, case .data(let range, _)? = try? FrameScanner.frame(in: raw, at: offset) {
                    offsets.append(offset)
                    offset = range.upperBound
                }
                return offsets
            }
            #expect(frames.count >= 3)
            #expect(summary.root.hexString == (try ReferenceMerkle.root(ofLines: lines)))
            #expect(scan.commits.first?.marker.root == summary.root)
        }
    }

    @Test func versionsAndSeqsAreContiguous() throws {
        try TemporaryDirectory.with { dir in
            _ = try LedgerSetup.create(at: dir + "/l", origin: nil)
            try LedgerFixture.commit(dir + "/l", count: 3, stream: "party/a")
            try LedgerFixture.commit(dir + "/l", count: 2, stream: "party/b")
            try LedgerFixture.commit(dir + "/l", count: 2, stream: "party/a")
            var versions: [String: UInt64] = [:]
            var expectedSeq: UInt64 = 1
            for line in try LedgerFixture.lines(dir + "/l") {
                let record = try RecordEnvelope(line: Array(line))
                #expect(record.isCanonical)
                #expect(record.seq == expectedSeq)
                expectedSeq += 1
                versions[record.stream, default: 0] += 1
                #expect(record.version == versions[record.stream])
            }
            #expect(versions == ["party/a": 5, "party/b": 2])
        }
    }

    @Test func expectedVersionConflictsAndIdempotency() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            let id = "0b7e3c2a-1111-4222-8333-944455556666"
            func line(_ expected: String, id: String? = nil, n: Int = 1) -> [UInt8] {
                let idPart = id.map { #","id":"\#($0)""# } ?? ""
                return Array(
                    #"{"stream":"negotiation/x","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"n":\#(n)},"expected_version":\#(expected)\#(idPart)}"#
                        .utf8)
            }
            func append(_ bytes: [UInt8]) throws -> AppendSummary {
                let batch = try LedgerWriter(path: path).batch(largeFrames: false, collectResults: true)
                batch.add(bytes, label: "event")
                return try batch.finish()
            }
            #expect(try append(line(#""no-stream""#, id: id)).seqRange == 1...1)
            // The same id and content again: the original seq, nothing appended.
            let again = try append(line(#""any""#, id: id))
            #expect(again.appended == 0)
            #expect(again.results.first?.seq == 1)
            #expect(again.results.first?.alreadyPresent == true)
            // The same id with other content: conflict.
            do {
                _ = try append(line(#""any""#, id: id, n: 2))
                Issue.record("reused id accepted")
            } catch let error as LedgerError {
                #expect(error.code == .conflict)
                #expect(error.problems.first?.contains("already names seq 1") == true)
            }
            do {
                _ = try append(line("5"))
                Issue.record("wrong expected version accepted")
            } catch let error as LedgerError {
                #expect(error.code == .conflict)
                #expect(error.problems == ["event: expected_version: negotiation/x is at version 1, expected 5"])
            }
            #expect(try append(line("1")).seqRange == 2...2)
            #expect(try append(line(#""exists""#)).seqRange == 3...3)
            #expect(try LedgerFixture.lines(path).count == 3)
        }
    }

    @Test func aBadLineAnywhereCommitsNothingAndListsEveryProblem() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            try LedgerFixture.commit(path, count: 2)
            let before = DirectorySnapshot.take(path)
            let writer = try LedgerWriter(path: path)
            let batch = writer.batch()
            for index in 0..<20_000 {
                batch.add(
                    LedgerFixture.event("party/big", "Noted", index, extra: #","pad":"\#(String(repeating: "x", count: 300))""#),
                    label: "line \(index + 1)")
            }
            batch.add(
                Array(#"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"x":1.5}}"#.utf8),
                label: "line 20001")
            batch.add(Array(#"{"stream":"bad","type":"noted","effective_at":"yesterday","data":[]}"#.utf8), label: "line 20002")
            do {
                _ = try batch.finish()
                Issue.record("bad batch committed")
            } catch let error as LedgerError {
                #expect(error.code == .invalidInput)
                #expect(
                    error.problems.contains(
                        #"line 20001: data.x: 1.5 is a fractional number; write decimals as strings, e.g. "1.5""#))
                #expect(error.problems.contains { $0.hasPrefix("line 20002: stream:") })
                #expect(error.problems.contains { $0.hasPrefix("line 20002: type:") })
                #expect(error.problems.contains { $0.hasPrefix("line 20002: effective_at:") })
                #expect(error.problems.contains("line 20002: data: expected an object"))
            }
            #expect(DirectorySnapshot.take(path) == before)
            #expect(try LedgerFixture.lines(path).count == 2)
        }
    }

    /// A repeated envelope field is a problem of its line (bulk and single paths alike), so
    /// nothing is committed; a repeat inside `data` is one too.
    @Test func aRepeatedFieldIsRejected() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            try LedgerFixture.commit(path, count: 1)
            let before = DirectorySnapshot.take(path)
            let lines = [
                #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{},"stream":"party/faw"}"#,
                #"{"stream":"party/zil","type":"Noted","effective_at":"2005-01-01T00:00:00Z","data":{"n":1,"n":2}}"#,
            ]
            for largeFrames in [false, true] {
                let writer = try LedgerWriter(path: path)
                let batch = writer.batch(largeFrames: largeFrames)
                let buffers = lines.map { Array($0.utf8) }
                buffers[0].withUnsafeBytes { first in
                    buffers[1].withUnsafeBytes { second in
                        batch.add(lines: [first, second], firstLineNumber: 1)
                        let error = #expect(throws: LedgerError.self) { _ = try batch.finish() }
                        #expect(error?.code == .invalidInput)
                        #expect(error?.problems == ["line 1: stream: duplicate key", "line 2: data.n: duplicate key"])
                    }
                }
            }
            #expect(DirectorySnapshot.take(path) == before)
        }
    }

    @Test func segmentsRollOverAndACommitNeverSpansTwo() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            var options = LedgerWriter.Options()
            options.segmentBytes = 2000
            for round in 0..<12 {
                let writer = try LedgerWriter(path: path, options: options)
                let batch = writer.batch(largeFrames: false)
                for index in 0..<(1 + round % 4) {
                    batch.add(LedgerFixture.event("party/r", "Noted", round * 10 + index), label: "l")
                }
                _ = try batch.finish()
            }
            let names = try LedgerReader(path: path).segmentNames()
            #expect(names.count > 1)
            var nextSeq: UInt64 = 1
            for name in names {
                #expect(LedgerLayout.firstSeq(ofSegment: name) == nextSeq)
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "/segments/" + name)))
                let scan = bytes.withUnsafeBytes { SegmentScan($0) }
                #expect(scan.tail == nil)
                for commit in scan.commits {
                    #expect(commit.marker.firstSeq == nextSeq)
                    nextSeq = commit.marker.lastSeq + 1
                }
            }
            #expect(try LedgerFixture.lines(path).count == Int(nextSeq - 1))
        }
    }

    @Test func aSecondWriterWaitsThenReportsBusy() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            let holder = try LedgerWriter(path: path)
            var options = LedgerWriter.Options()
            options.wait = 0.2
            let started = Date()
            do {
                _ = try LedgerWriter(path: path, options: options)
                Issue.record("second writer got the lock")
            } catch let error as LedgerError {
                #expect(error.code == .busy)
                #expect(error.message.contains("ledger busy"))
            }
            #expect(Date().timeIntervalSince(started) >= 0.2)
            withExtendedLifetime(holder) {}
        }
    }

    @Test func recordedAtNeverGoesBackwards() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            for round in 0..<5 { try LedgerFixture.commit(path, count: 1, start: round) }
            let stamps = try LedgerFixture.lines(path).map { try RecordEnvelope(line: Array($0)).recordedAt }
            #expect(stamps == stamps.sorted())
            #expect(stamps.allSatisfy { $0.count == 27 && $0.hasSuffix("Z") })
        }
    }
}
