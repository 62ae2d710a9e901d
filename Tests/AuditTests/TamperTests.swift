import Foundation
import LedgerIntegrity
import LedgerStore
import ParleyTestSupport
import Testing

/// Every kind of tampering must be caught by `parley audit` (exit 5, a finding that names the
/// right segment, offset and seq) and by the independent `Tools/verify-ledger.py` (non-zero).
@Suite struct TamperTests {
    /// Expects both verifiers to fail; returns the audit report for location checks.
    @discardableResult
    private func expectBothFail(
        _ fixture: LedgerFixture, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> AuditJSON {
        let audit = try CLI.audit(fixture.ledger, extra)
        #expect(audit.status == 5, "audit should fail:\n\(audit.report.summary)", sourceLocation: sourceLocation)
        #expect(!audit.report.ok, sourceLocation: sourceLocation)
        let python = try CLI.pythonVerify(fixture.ledger, extra)
        #expect(python.status != 0, "verify-ledger.py should fail: \(python.stdoutText)", sourceLocation: sourceLocation)
        return audit.report
    }

    /// Expects a finding of `kind` in `segment` (at `offset` and `seq` when given).
    private func expectFinding(
        _ report: AuditJSON, _ kind: String, segment: String?, offset: Int? = nil, seq: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let matches = report.errors(kind).filter { finding in
            finding.segment == segment && (offset == nil || finding.offset == offset) && (seq == nil || finding.seq == seq)
        }
        #expect(
            !matches.isEmpty,
            "no \(kind) finding at \(segment ?? "-")@\(offset ?? -1) seq=\(seq ?? -1); found:\n\(report.summary)",
            sourceLocation: sourceLocation)
    }

    /// The segment offset just after `needle` in `commit`'s marker payload (after its 8-byte header).
    private func markerText(
        after needle: String, in commit: SegmentCommit, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let needle = Array(needle.utf8)
        let payload = (commit.markerRange.lowerBound + 8)..<commit.markerRange.upperBound
        let at = try #require(
            payload.first { Array(bytes[$0..<min(payload.upperBound, $0 + needle.count)]) == needle },
            sourceLocation: sourceLocation)
        return at + needle.count
    }

    @Test func fixtureHasTheExpectedShape() throws {
        try withFixture { fixture in
            #expect(fixture.segmentNames == [1, 101, 201, 304].map { fixture.segmentName(firstSeq: $0) })
            #expect(try fixture.commits(fixture.segmentName(firstSeq: 201)).count == 4)
            let audit = try CLI.audit(fixture.ledger)
            #expect(audit.status == 0, "\(audit.report.summary)")
            #expect(audit.report.treeSize == 304)
            #expect(audit.report.commits == 7)
            #expect(audit.report.segments == 4)
        }
    }

    @Test func flippedBitInCompressedBytes() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 101)
            var bytes = try fixture.read(name)
            let frame = try #require(try fixture.commits(name).first?.dataFrames.first)
            bytes[frame.range.lowerBound + frame.range.count / 2] ^= 0x10
            try fixture.write(name, bytes)
            let report = try expectBothFail(fixture)
            expectFinding(report, "decompress", segment: name, offset: frame.range.lowerBound, seq: 101)
        }
    }

    @Test func editedRecordRecompressedIsCaughtByTheMerkleRoot() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 101)
            var bytes = try fixture.read(name)
            let commit = try #require(try fixture.commits(name).first)
            #expect(commit.dataFrames.count == 1)
            let frame = commit.dataFrames[0].range
            var content = try lz4Decode(Array(bytes[frame]))
            // Change one letter of a claim: still canonical JSON, still schema-valid.
            let needle = Array(#""claim":"T"#.utf8)
            let at = try #require(
                (0..<(content.count - needle.count)).first { Array(content[$0..<($0 + needle.count)]) == needle })
            content[at + needle.count - 1] = UInt8(ascii: "W")
            let seq = 101 + content[..<at].filter { $0 == 0x0A }.count
            let rebuilt = try lz4Frame(content, in: fixture.directory)
            bytes.replaceSubrange(frame, with: rebuilt)
            try fixture.write(name, bytes)
            let report = try expectBothFail(fixture)
            let markerOffset = commit.markerRange.lowerBound + rebuilt.count - frame.count
            expectFinding(report, "root", segment: name, offset: markerOffset, seq: 200)
            #expect(report.errors("decompress").isEmpty && report.errors("canonical").isEmpty)
            #expect(seq > 100 && seq <= 200)
        }
    }

    @Test func truncationInsideAnAcknowledgedCommitIsCaughtByACheckpoint() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 304)
            let commit = try #require(try fixture.commits(name).last)
            let bytes = try fixture.read(name)
            // Cut inside the last commit's data frame: its marker goes too.
            try fixture.write(name, Array(bytes[..<(commit.dataFrames[0].range.lowerBound + 20)]))
            // The stored checkpoints would already catch it; an auditor's own copy must as well.
            try FileManager.default.removeItem(atPath: fixture.ledger + "/checkpoints/304.ckpt")
            let alone = try CLI.audit(fixture.ledger)
            #expect(alone.status == 0, "a torn tail alone is a warning:\n\(alone.report.summary)")
            #expect(alone.report.treeSize == 303)
            #expect(alone.report.warnings.contains { $0.kind == "torn-tail" && $0.segment == name && $0.offset == 0 })
            let report = try expectBothFail(
                fixture, ["--checkpoint", fixture.saved + "/304.ckpt", "--vkey", fixture.verifierKey])
            expectFinding(report, "checkpoint-size", segment: fixture.saved + "/304.ckpt", seq: 304)
        }
    }

    @Test func wholeCommitRemoved() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 201)
            let commits = try fixture.commits(name)
            var bytes = try fixture.read(name)
            let removed = commits[1].start..<commits[1].markerRange.upperBound  // seq 202
            bytes.removeSubrange(removed)
            try fixture.write(name, bytes)
            let report = try expectBothFail(fixture)
            // The next commit's marker now sits where the removed commit was.
            let markerOffset = commits[2].markerRange.lowerBound - removed.count
            expectFinding(report, "marker-seq", segment: name, offset: markerOffset, seq: 202)
            expectFinding(report, "seq", segment: name, seq: 202)
        }
    }

    @Test func twoCommitsSwapped() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 201)
            let commits = try fixture.commits(name)
            let bytes = try fixture.read(name)
            let first = Array(bytes[commits[0].start..<commits[0].markerRange.upperBound])
            let second = Array(bytes[commits[1].start..<commits[1].markerRange.upperBound])
            var swapped = bytes
            swapped.replaceSubrange(commits[0].start..<commits[1].markerRange.upperBound, with: second + first)
            try fixture.write(name, swapped)
            let report = try expectBothFail(fixture)
            let markerOffset = commits[0].start + (commits[1].markerRange.lowerBound - commits[1].start)
            expectFinding(report, "marker-seq", segment: name, offset: markerOffset, seq: 201)
        }
    }

    @Test func commitDuplicated() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 201)
            let commits = try fixture.commits(name)
            var bytes = try fixture.read(name)
            let copy = Array(bytes[commits[1].start..<commits[1].markerRange.upperBound])
            bytes.insert(contentsOf: copy, at: commits[1].markerRange.upperBound)
            try fixture.write(name, bytes)
            let report = try expectBothFail(fixture)
            let markerOffset = commits[1].markerRange.upperBound + (commits[1].markerRange.lowerBound - commits[1].start)
            expectFinding(report, "marker-seq", segment: name, offset: markerOffset, seq: 203)
            expectFinding(report, "duplicate-id", segment: name, seq: 203)
        }
    }

    @Test func markerRootEdited() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 101)
            let commit = try #require(try fixture.commits(name).first)
            var bytes = try fixture.read(name)
            let digit = try markerText(after: #""root":""#, in: commit, bytes)
            bytes[digit] = bytes[digit] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            try fixture.write(name, bytes)
            let report = try expectBothFail(fixture)
            expectFinding(report, "root", segment: name, offset: commit.markerRange.lowerBound, seq: 200)
        }
    }

    /// A marker's `committed_at` moved before its records' `recorded_at` (the marker is not in
    /// the tree, so only this check sees it): a record cannot be accepted after its commit.
    @Test func markerCommittedBeforeItsRecords() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 101)
            let commit = try #require(try fixture.commits(name).first)
            var bytes = try fixture.read(name)
            // "20YY" becomes "2000": the same length, still RFC 3339, years before the records.
            let year = try markerText(after: #""committed_at":"20"#, in: commit, bytes)
            bytes.replaceSubrange(year..<(year + 2), with: Array("00".utf8))
            try fixture.write(name, bytes)
            let audit = try CLI.audit(fixture.ledger)
            #expect(audit.status == 5, "\(audit.report.summary)")
            expectFinding(audit.report, "recorded-at", segment: name, seq: 101)
        }
    }

    @Test func forgedCommitWithSelfConsistentMarkersIsCaughtByACheckpoint() throws {
        try withFixture { fixture in
            var lines = try fixture.recordLines()
            // Replace record 202 (commit 4) with a forged one, then rewrite every later marker's
            // root so that the ledger is self-consistent: only a checkpoint can tell.
            var forged = Array(lines[201])
            let name = Array(#""name":"Extra 2""#.utf8)
            let at = try #require((0..<(forged.count - name.count)).first { Array(forged[$0..<($0 + name.count)]) == name })
            forged.replaceSubrange(at..<(at + name.count), with: Array(#""name":"Forged""#.utf8))
            lines[201] = Data(forged)
            let segment = fixture.segmentName(firstSeq: 201)
            let commits = try fixture.commits(segment)
            var bytes = try fixture.read(segment)
            let originalFrame = commits[1].dataFrames[0].range
            let frame = try lz4Frame(forged + [0x0A], in: fixture.directory)
            bytes.replaceSubrange(originalFrame, with: frame)
            try fixture.write(segment, bytes)
            for size in [202, 203, 303, 304] {
                let root = try ReferenceMerkle.root(ofLines: lines, size: size)
                let file = fixture.segmentName(firstSeq: size == 304 ? 304 : 201)
                var segmentBytes = try fixture.read(file)
                let marker = try #require(try fixture.commits(file).first { $0.marker.lastSeq == UInt64(size) })
                let payload = Array(segmentBytes[(marker.markerRange.lowerBound + 8)..<marker.markerRange.upperBound])
                let rootAt = try #require(
                    (0..<payload.count).first { Array(payload[$0..<min(payload.count, $0 + 8)]) == Array(#""root":""#.utf8) })
                let start = marker.markerRange.lowerBound + 8 + rootAt + 8
                segmentBytes.replaceSubrange(start..<(start + 64), with: Array(root.utf8))
                try fixture.write(file, segmentBytes)
            }
            // The forger also drops the stored checkpoints that would give it away.
            for size in [203, 304] { try FileManager.default.removeItem(atPath: fixture.ledger + "/checkpoints/\(size).ckpt") }
            let alone = try CLI.audit(fixture.ledger)
            #expect(alone.status == 0, "the forgery is self-consistent:\n\(alone.report.summary)")
            #expect(try CLI.pythonVerify(fixture.ledger).status == 0)
            let report = try expectBothFail(
                fixture, ["--checkpoint", fixture.saved + "/203.ckpt", "--vkey", fixture.verifierKey])
            expectFinding(report, "checkpoint-root", segment: fixture.saved + "/203.ckpt", seq: 203)
        }
    }

    @Test func segmentDeleted() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 101)
            try FileManager.default.removeItem(atPath: fixture.segmentPath(name))
            let report = try expectBothFail(fixture)
            expectFinding(report, "segment-name", segment: fixture.segmentName(firstSeq: 201), seq: 101)
        }
    }

    @Test func segmentRenamed() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 201)
            let renamed = fixture.segmentName(firstSeq: 202)
            try FileManager.default.moveItem(atPath: fixture.segmentPath(name), toPath: fixture.segmentPath(renamed))
            let report = try expectBothFail(fixture)
            expectFinding(report, "segment-name", segment: renamed, seq: 201)
        }
    }

    @Test func forgedCheckpointSignature() throws {
        try withFixture { fixture in
            let note = try SignedNote(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: fixture.saved + "/203.ckpt"))))
            let original = note.signatures[0]
            var signature = original.signature
            signature[10] ^= 0x01
            let forged = try SignedNote(
                text: note.text, signatures: [NoteSignature(name: original.name, keyID: original.keyID, signature: signature)])
            let path = fixture.directory + "/forged.ckpt"
            try Data(forged.encoded.utf8).write(to: URL(fileURLWithPath: path))
            let report = try expectBothFail(fixture, ["--checkpoint", path, "--vkey", fixture.verifierKey])
            expectFinding(report, "checkpoint-signature", segment: path, seq: 203)
        }
    }

    @Test func forgedStoredCheckpointIsCaughtWithAKey() throws {
        try withFixture { fixture in
            let path = fixture.ledger + "/checkpoints/200.ckpt"
            var text = try String(contentsOfFile: path, encoding: .utf8)
            // Claim another root for size 200, keeping the old signature.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let otherRoot = Data(repeating: 7, count: 32).base64EncodedString()
            text = ([String(lines[0]), String(lines[1]), otherRoot] + lines.dropFirst(3).map(String.init)).joined(separator: "\n")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let report = try expectBothFail(fixture, ["--vkey", fixture.verifierKey])
            expectFinding(report, "checkpoint-signature", segment: "checkpoints/200.ckpt", seq: 200)
            expectFinding(report, "checkpoint-root", segment: "checkpoints/200.ckpt", seq: 200)
        }
    }

    @Test func checkpointOfAnotherLedger() throws {
        try withFixture { fixture in
            let other = fixture.directory + "/other"
            try LedgerFixture.expectSuccess(CLI.parley(["init", other]))
            var input = Data()
            for line in try CLI.generated(250) {
                input.append(line)
                input.append(0x0A)
            }
            try LedgerFixture.expectSuccess(CLI.parley(["append", "--ledger", other, "--file", "-"], input: input))
            let signed = try CLI.parley(["checkpoint", "--ledger", other, "--key", fixture.keyFile])
            try LedgerFixture.expectSuccess(signed)
            let path = fixture.directory + "/other.ckpt"
            try signed.stdout.write(to: URL(fileURLWithPath: path))
            let report = try expectBothFail(fixture, ["--checkpoint", path, "--vkey", fixture.verifierKey])
            expectFinding(report, "checkpoint-origin", segment: path, seq: 250)
        }
    }

    @Test func tornTailIsOnlyAWarning() throws {
        try withFixture { fixture in
            let name = fixture.segmentName(firstSeq: 304)
            var bytes = try fixture.read(name)
            let end = bytes.count
            let frame = try lz4Frame(Array(#"{"half":"a torn write"}"#.utf8) + [0x0A], in: fixture.directory)
            bytes += frame.prefix(frame.count - 3)
            try fixture.write(name, bytes)
            let audit = try CLI.audit(fixture.ledger, ["--vkey", fixture.verifierKey])
            #expect(audit.status == 0, "\(audit.report.summary)")
            #expect(audit.report.warnings.contains { $0.kind == "torn-tail" && $0.segment == name && $0.offset == end })
            #expect(audit.report.treeSize == 304)
            #expect(try CLI.pythonVerify(fixture.ledger).status == 0)
        }
    }

    @Test func inclusionProofWithOneSiblingChanged() throws {
        try withFixture { fixture in
            let proof = try CLI.parley(["prove", "--ledger", fixture.ledger, "--seq", "150", "--size", "304"])
            try LedgerFixture.expectSuccess(proof)
            let path = fixture.directory + "/proof.json"
            var object = try #require(try JSONSerialization.jsonObject(with: proof.stdout) as? [String: Any])
            var siblings = try #require(object["path"] as? [String])
            let sibling = Array(siblings[3])
            siblings[3] = String(sibling[0] == "0" ? "1" : "0") + String(sibling.dropFirst())
            object["path"] = siblings
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            let verify = try CLI.parley([
                "verify-proof", "--proof", path, "--checkpoint", fixture.saved + "/304.ckpt", "--vkey", fixture.verifierKey,
            ])
            #expect(verify.status == 5, "\(verify.stdoutText) \(verify.stderrText)")
            #expect(verify.stderrText.contains("does not verify"))
        }
    }
}
