import LedgerIntegrity
import Testing

@Suite struct CheckpointTests {
    static let root = RFC6962Vectors.roots[8]
    static let origin = "parley.local/ledger/0b5e3a56-6c1f-4d8e-9a0c-2f1d3e4b5a69"

    @Test func formatsTheBody() throws {
        let checkpoint = try Checkpoint(origin: Self.origin, treeSize: 8, rootHash: Self.root)
        #expect(checkpoint.body == "\(Self.origin)\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
        #expect(try Checkpoint(parsing: checkpoint.body) == checkpoint)
    }

    @Test func emptyTreeCheckpoint() throws {
        let checkpoint = try Checkpoint(origin: "o", treeSize: 0, rootHash: RFC6962.emptyRoot)
        #expect(checkpoint.body == "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
        #expect(try Checkpoint(parsing: checkpoint.body) == checkpoint)
    }

    @Test func extensionLinesArePreserved() throws {
        let body = "example.com/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nfirst extension\n— second\n"
        let checkpoint = try Checkpoint(parsing: body)
        #expect(checkpoint.origin == "example.com/log")
        #expect(checkpoint.treeSize == 20_852_163)
        #expect(checkpoint.extensionLines == ["first extension", "— second"])
        #expect(checkpoint.body == body)
    }

    /// The C2SP tlog-checkpoint example body (c2sp.org/tlog-checkpoint).
    @Test func parsesTheSpecExample() throws {
        let checkpoint = try Checkpoint(
            parsing: "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.rootHash.hexString == "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62")
    }

    /// A real checkpoint of the Go checksum database, verified with its production key
    /// (github.com/transparency-dev/formats `log/note_test.go` TestSumDBNoteParsing).
    @Test func verifiesARealSumDBCheckpoint() throws {
        let verifier = try NoteVerifier(parsing: NoteVectors.sumDBVerifierKey)
        let checkpoint = try Checkpoint(
            verifying: Array(NoteVectors.sumDBCheckpoint.utf8), with: [verifier],
            expectedOrigin: "go.sum database tree")
        #expect(checkpoint.treeSize == 6_476_701)
        #expect(checkpoint.origin == "go.sum database tree")
        let wrongOrigin = #expect(throws: IntegrityError.self) {
            try Checkpoint(
                verifying: Array(NoteVectors.sumDBCheckpoint.utf8), with: [verifier],
                expectedOrigin: "Go rocks but I might have the wrong ID")
        }
        #expect(wrongOrigin?.code == .originMismatch)
        let grown = NoteVectors.sumDBCheckpoint.replacing("6476701", with: "6476702")
        let forged = #expect(throws: IntegrityError.self) { try Checkpoint(verifying: Array(grown.utf8), with: [verifier]) }
        #expect(forged?.code == .invalidSignature)
    }

    @Test func signAndVerifyRoundTrip() throws {
        let signer = try NoteSigner.generate(name: Self.origin)
        let checkpoint = try Checkpoint(origin: Self.origin, treeSize: 8, rootHash: Self.root)
        let note = try checkpoint.signed(by: signer)
        #expect(note.encoded.hasPrefix(checkpoint.body + "\n— \(Self.origin) "))
        #expect(note.encoded.hasSuffix("\n"))
        let opened = try Checkpoint(verifying: Array(note.encoded.utf8), with: [signer.verifier], expectedOrigin: Self.origin)
        #expect(opened == checkpoint)

        let other = try NoteSigner.generate(name: Self.origin)
        let error = #expect(throws: IntegrityError.self) { try Checkpoint(verifying: note, with: [other.verifier]) }
        #expect(error?.code == .noMatchingSignature)

        let rolledBack = note.encoded.replacing("\n8\n", with: "\n7\n")
        let tampered = #expect(throws: IntegrityError.self) {
            try Checkpoint(verifying: Array(rolledBack.utf8), with: [signer.verifier])
        }
        #expect(tampered?.code == .invalidSignature)
    }

    static let goodRoot = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="

    @Test(arguments: [
        ("", "checkpoint body must end with a newline"),
        ("o\n8\n\(goodRoot)", "checkpoint body must end with a newline"),
        ("o\n8\n", "checkpoint body has 2 line(s); it needs origin, tree size and root hash"),
        ("\n8\n\(goodRoot)\n", "checkpoint origin must not be empty"),
        ("o\n08\n\(goodRoot)\n", "checkpoint line 2: \"08\" is not a tree size (decimal digits, no leading zeros)"),
        ("o\n-1\n\(goodRoot)\n", "checkpoint line 2: \"-1\" is not a tree size (decimal digits, no leading zeros)"),
        ("o\n+1\n\(goodRoot)\n", "checkpoint line 2: \"+1\" is not a tree size (decimal digits, no leading zeros)"),
        ("o\n1.0\n\(goodRoot)\n", "checkpoint line 2: \"1.0\" is not a tree size (decimal digits, no leading zeros)"),
        ("o\n\n\(goodRoot)\n", "checkpoint line 2: \"\" is not a tree size (decimal digits, no leading zeros)"),
        (
            "o\n18446744073709551616\n\(goodRoot)\n",
            "checkpoint line 2: \"18446744073709551616\" is not a tree size (decimal digits, no leading zeros)"
        ),
        (
            "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy\n",
            "checkpoint line 3: \"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy\" is not the base64 of a 32-byte root hash"
        ),
        (
            "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/Rg\n",
            "checkpoint line 3: \"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/Rg\" is not the base64 of a 32-byte root hash"
        ),
        ("o\n8\n\(goodRoot)\n\n", "checkpoint extension line 1 must not be empty"),
        ("o\n8\n\(goodRoot)\next\n\n", "checkpoint extension line 2 must not be empty"),
        ("o\u{7}\n8\n\(goodRoot)\n", "checkpoint line 1 contains the control character U+0007"),
        ("o\n8\n\(goodRoot)\nex\tt\n", "checkpoint line 4 contains the control character U+0009"),
        (
            "o\r\n8\r\n\(goodRoot)\r\n",
            "checkpoint line 1 contains the control character U+000D (CRLF line endings are not allowed)"
        ),
    ])
    func malformedBodiesAreRejected(body: String, message: String) {
        #expect(throws: IntegrityError(.malformedCheckpoint, message)) { try Checkpoint(parsing: body) }
    }

    @Test func valuesThatCannotBeWrittenAreRejected() {
        #expect(throws: IntegrityError(.malformedCheckpoint, "checkpoint origin must be a single line")) {
            try Checkpoint(origin: "two\nlines", treeSize: 1, rootHash: Self.root)
        }
        #expect(throws: IntegrityError(.malformedCheckpoint, "checkpoint root hash has 31 bytes; an RFC 6962 root has 32")) {
            try Checkpoint(origin: "o", treeSize: 1, rootHash: Array(Self.root.dropLast()))
        }
        #expect(throws: IntegrityError(.malformedCheckpoint, "checkpoint extension line 1 must not be empty")) {
            try Checkpoint(origin: "o", treeSize: 1, rootHash: Self.root, extensionLines: [""])
        }
    }

    @Test func largestTreeSize() throws {
        let checkpoint = try Checkpoint(parsing: "o\n18446744073709551615\n\(Self.goodRoot)\n")
        #expect(checkpoint.treeSize == .max)
    }
}
