import Foundation
import LedgerIntegrity
import LedgerStore
import ParleyTestSupport
import Testing

@Suite struct AuditCommandTests {
    @Test func cleanLedgerPassesBothVerifiersWithTheSameRoot() throws {
        try withFixture { fixture in
            let audit = try CLI.audit(
                fixture.ledger, ["--checkpoint", fixture.saved + "/200.ckpt", "--vkey", fixture.verifierKey])
            #expect(audit.status == 0, "\(audit.report.summary)")
            #expect(audit.report.ok && audit.report.findings.isEmpty)
            let python = try CLI.pythonVerify(
                fixture.ledger, ["--json", "--checkpoint", fixture.saved + "/200.ckpt", "--vkey", fixture.verifierKey])
            #expect(python.status == 0, "\(python.stdoutText)")
            let object = try #require(try JSONSerialization.jsonObject(with: python.stdout) as? [String: Any])
            #expect(object["tree_size"] as? Int == audit.report.treeSize)
            #expect(object["root"] as? String == audit.report.root)
            #expect(audit.report.root == (try ReferenceMerkle.root(ofLines: try fixture.recordLines())))
            let text = try CLI.parley(["audit", "--ledger", fixture.ledger])
            #expect(text.status == 0)
            #expect(text.stdoutText.contains("OK tree_size=304 root=\(audit.report.root)"))
        }
    }

    /// Compaction merges a segment's commits under one marker (SPEC: "merged markers"), so one
    /// commit then holds records accepted at different times: the ledger still audits clean with
    /// both verifiers, the same root, and its signed checkpoints still verify.
    @Test func aCompactedLedgerPassesBothVerifiers() throws {
        try withFixture { fixture in
            let before = try CLI.audit(fixture.ledger)
            let compact = try CLI.parley(["compact", "--ledger", fixture.ledger, "--include-active"])
            #expect(compact.status == 0, "\(compact.stderrText)")
            let audit = try CLI.audit(
                fixture.ledger, ["--checkpoint", fixture.saved + "/200.ckpt", "--vkey", fixture.verifierKey])
            #expect(audit.status == 0, "\(audit.report.summary)")
            #expect(audit.report.ok && audit.report.findings.isEmpty, "\(audit.report.summary)")
            #expect(audit.report.commits < before.report.commits)
            #expect(audit.report.treeSize == 304 && audit.report.root == before.report.root)
            let python = try CLI.pythonVerify(fixture.ledger, ["--vkey", fixture.verifierKey])
            #expect(python.status == 0, "\(python.stdoutText)")
        }
    }

    @Test func auditNeverWritesToTheLedger() throws {
        try withFixture { fixture in
            // A torn tail too: audit must report it, never repair it.
            let name = fixture.segmentName(firstSeq: 304)
            var bytes = try fixture.read(name)
            bytes += [0x04, 0x22, 0x4D, 0x18, 0x64]
            try fixture.write(name, bytes)
            let before = DirectorySnapshot.take(fixture.ledger)
            let audit = try CLI.audit(fixture.ledger, ["--vkey", fixture.verifierKey])
            #expect(audit.status == 0, "\(audit.report.summary)")
            #expect(
                try CLI.parley([
                    "audit", "--ledger", fixture.ledger, "--checkpoint", fixture.saved + "/203.ckpt",
                    "--vkey", fixture.verifierKey,
                ]).status == 0)
            #expect(DirectorySnapshot.take(fixture.ledger) == before)
        }
    }

    @Test func keyGenerateWritesAPrivateFileAndPrintsTheVerifierKey() throws {
        try TemporaryDirectory.with { directory in
            let path = directory + "/k.key"
            let result = try CLI.parley(["key", "generate", "--name", "example.org/k", "--out", path])
            #expect(result.status == 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let verifierKey = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(
                verifierKey.range(of: #"^example\.org/k\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$"#, options: .regularExpression) != nil)
            let verifier = try NoteVerifier(parsing: verifierKey)
            let signer = try NoteSigner(parsing: try String(contentsOfFile: path, encoding: .utf8))
            #expect(signer.verifier == verifier)
            let again = try CLI.parley(["key", "generate", "--name", "example.org/k", "--out", path])
            #expect(again.status == 2)
            #expect(again.stderrText.contains("already exists"))
            #expect(try NoteSigner(parsing: try String(contentsOfFile: path, encoding: .utf8)).verifier == verifier)
        }
    }

    @Test func checkpointIsStoredAndSignedOverTheCommittedTree() throws {
        try withFixture { fixture in
            let stored = try String(contentsOfFile: fixture.ledger + "/checkpoints/304.ckpt", encoding: .utf8)
            let saved = try String(contentsOfFile: fixture.saved + "/304.ckpt", encoding: .utf8)
            #expect(stored == saved)
            let checkpoint = try Checkpoint(
                verifying: Array(stored.utf8), with: [try NoteVerifier(parsing: fixture.verifierKey)],
                expectedOrigin: "example.org/audit-test")
            #expect(checkpoint.treeSize == 304)
            #expect(checkpoint.rootHash.hexString == (try ReferenceMerkle.root(ofLines: try fixture.recordLines())))
            let attributes = try FileManager.default.attributesOfItem(atPath: fixture.ledger + "/checkpoints/304.ckpt")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        }
    }

    @Test func proveAndVerifyProofRoundTrip() throws {
        try withFixture { fixture in
            var generator = SystemRandomNumberGenerator()
            let lines = try fixture.recordLines()
            let sizes = [200, 203, 304]
            for _ in 0..<6 {
                let size = sizes.randomElement(using: &generator)!
                let seq = Int.random(in: 1...size, using: &generator)
                let proofPath = fixture.directory + "/inclusion.json"
                let proof = try CLI.parley(["prove", "--ledger", fixture.ledger, "--seq", "\(seq)", "--size", "\(size)"])
                #expect(proof.status == 0, "\(proof.stderrText)")
                try proof.stdout.write(to: URL(fileURLWithPath: proofPath))
                let object = try #require(try JSONSerialization.jsonObject(with: proof.stdout) as? [String: Any])
                #expect(object["leaf_index"] as? Int == seq - 1)
                #expect(object["tree_size"] as? Int == size)
                #expect(object["root"] as? String == (try ReferenceMerkle.root(ofLines: lines, size: size)))
                let recordPath = fixture.directory + "/record.json"
                try (lines[seq - 1] + Data([0x0A])).write(to: URL(fileURLWithPath: recordPath))
                let checkpoint = fixture.saved + "/\(size).ckpt"
                let verify = try CLI.parley([
                    "verify-proof", "--proof", proofPath, "--checkpoint", checkpoint, "--vkey", fixture.verifierKey,
                    "--record", recordPath,
                ])
                #expect(verify.status == 0, "\(verify.stderrText)")
                #expect(verify.stdoutText.hasPrefix("OK "))
                // Another record does not match the proof.
                try (lines[seq % size] + Data([0x0A])).write(to: URL(fileURLWithPath: recordPath))
                let wrongRecord = try CLI.parley([
                    "verify-proof", "--proof", proofPath, "--checkpoint", checkpoint, "--vkey", fixture.verifierKey,
                    "--record", recordPath,
                ])
                #expect(wrongRecord.status == 5)
                // A checkpoint of another size is an error that says so.
                let other = fixture.saved + "/\(sizes.first { $0 != size }!).ckpt"
                let mismatch = try CLI.parley([
                    "verify-proof", "--proof", proofPath, "--checkpoint", other, "--vkey", fixture.verifierKey,
                ])
                #expect(mismatch.status == 5)
                #expect(mismatch.stderrText.contains("tree size"))

                let from = Int.random(in: 1...size, using: &generator)
                let consistencyPath = fixture.directory + "/consistency.json"
                let consistency = try CLI.parley([
                    "prove", "--ledger", fixture.ledger, "--from-size", "\(from)", "--to-size", "\(size)",
                ])
                #expect(consistency.status == 0, "\(consistency.stderrText)")
                try consistency.stdout.write(to: URL(fileURLWithPath: consistencyPath))
                let toCheckpoint = try CLI.parley([
                    "verify-proof", "--proof", consistencyPath, "--checkpoint", checkpoint, "--vkey", fixture.verifierKey,
                ])
                #expect(toCheckpoint.status == 0, "\(toCheckpoint.stderrText)")
                #expect(toCheckpoint.stdoutText.contains("is a prefix of"))
            }
            // From a kept checkpoint to today's ledger: the checkpoint is the `from` end.
            let extension_ = try CLI.parley(["prove", "--ledger", fixture.ledger, "--from-size", "200"])
            let path = fixture.directory + "/extension.json"
            try extension_.stdout.write(to: URL(fileURLWithPath: path))
            let verify = try CLI.parley([
                "verify-proof", "--proof", path, "--checkpoint", fixture.saved + "/200.ckpt", "--vkey", fixture.verifierKey,
            ])
            #expect(verify.status == 0, "\(verify.stderrText)")
            #expect(verify.stdoutText.contains("append-only extension"))
        }
    }

    @Test(arguments: [
        ["--seq", "0"], ["--seq", "305"], ["--seq", "10", "--size", "9"], ["--seq", "1", "--size", "305"],
        ["--from-size", "0"], ["--from-size", "305"], ["--from-size", "20", "--to-size", "10"],
        ["--from-size", "1", "--to-size", "305"],
    ])
    func proveRejectsSizesOutsideTheLedger(arguments: [String]) throws {
        try withFixture { fixture in
            let result = try CLI.parley(["prove", "--ledger", fixture.ledger] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderrText)")
        }
    }

    @Test func replayPrintsOneReadableLinePerEvent() throws {
        try TemporaryDirectory.with { directory in
            let ledger = directory + "/zil"
            try LedgerFixture.expectSuccess(CLI.parley(["init", ledger]))
            try LedgerFixture.expectSuccess(
                CLI.parley(["append", "--ledger", ledger, "--file", PackagePaths.file("Events/samples/zil-faw.ndjson")]))
            let replay = try CLI.parley(["replay", "--ledger", ledger])
            #expect(replay.status == 0, "\(replay.stderrText)")
            let lines = replay.stdoutText.split(separator: "\n")
            #expect(lines.count == 27)
            let text = replay.stdoutText
            #expect(text.contains("stage exploratory → talks"))
            #expect(text.contains("Laptev (via Vedomosti) confirms: ZIL could start assembly"))
            #expect(text.contains("price USD 35000–40000 sticker (bus)"))
            #expect(text.contains("NegotiationOpened"))
            #expect(lines[0].hasPrefix("     1  "))
            let stream = try CLI.parley(["replay", "--ledger", ledger, "--stream", "party/zil"]).stdoutText
            #expect(!stream.isEmpty && stream.split(separator: "\n").allSatisfy { $0.contains("party/zil") })
            let until = try CLI.parley(["replay", "--ledger", ledger, "--until-seq", "5"]).stdoutText
            #expect(until.split(separator: "\n").count == 5)
            let past = try CLI.parley(["replay", "--ledger", ledger, "--until", "2000-01-01"]).stdoutText
            #expect(past.isEmpty)
            // The sample is clean for audit too: contradictions are warnings.
            let audit = try CLI.audit(ledger)
            #expect(audit.status == 0, "\(audit.report.summary)")
        }
    }

    @Test func helpTextsCarryExamples() throws {
        for command in [["audit"], ["replay"], ["prove"], ["verify-proof"], ["checkpoint"], ["key"], ["key", "generate"]] {
            let result = try CLI.parley(command + ["--help"])
            #expect(result.status == 0)
            #expect(result.stdoutText.contains("Example"), "parley \(command) --help has no example")
        }
    }

    @Test func auditOfAMissingLedgerSaysSo() throws {
        try TemporaryDirectory.with { directory in
            let result = try CLI.parley(["audit", "--ledger", directory + "/none"])
            #expect(result.status == 6)
            #expect(result.stderrText.contains("no Parley ledger"))
        }
    }
}
