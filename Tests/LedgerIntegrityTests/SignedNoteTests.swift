import LedgerIntegrity
import Testing

@Suite struct SignedNoteTests {
    let peter: NoteVerifier
    let enoch: NoteVerifier

    init() throws {
        peter = try NoteVerifier(parsing: NoteVectors.peterVerifierKey)
        enoch = try NoteVerifier(parsing: NoteVectors.enochVerifierKey)
    }

    /// golang.org/x/mod `sumdb/note/note_test.go` TestSign: signing the published text with
    /// the published key gives the published note byte for byte (Ed25519 is deterministic).
    @Test func signingMatchesGoByteForByte() throws {
        let signer = try NoteSigner(parsing: NoteVectors.peterPrivateKey)
        let note = try SignedNote(text: NoteVectors.text).signed(by: signer)
        // An existing signature by the same key is replaced, not duplicated.
        let bad = try NoteSignature(name: "PeterNeumann", keyID: 0xc74f_20a3, signature: [0xBA, 0xD5])
        let resigned = try SignedNote(text: NoteVectors.text, signatures: [bad]).signed(by: signer)
        #if os(Linux)
            // swift-crypto on Linux (BoringSSL) signs deterministically as RFC 8032 specifies.
            #expect(note.encoded == NoteVectors.peterNote)
            #expect(resigned.encoded == NoteVectors.peterNote)
        #else
            // CryptoKit randomizes Ed25519 signatures; check shape and validity instead.
            #expect(resigned.signatures.count == 1)
            #expect(try SignedNote(parsing: resigned.encoded).verify(with: peter).name == "PeterNeumann")
        #endif
        #expect(try note.verify(with: peter).keyID == 0xc74f_20a3)
    }

    @Test func parsingAndReencodingIsByteIdentical() throws {
        let encoded = NoteVectors.text + "\n" + NoteVectors.peterSignatureLine + NoteVectors.enochSignatureLine
        let note = try SignedNote(parsing: encoded)
        #expect(note.text == NoteVectors.text)
        #expect(note.signatures.map(\.description) == ["PeterNeumann+c74f20a3", "EnochRoot+af0cfe78"])
        #expect(note.signatures.map(\.line).joined() == NoteVectors.peterSignatureLine + NoteVectors.enochSignatureLine)
        #expect(note.encoded == encoded)
    }

    /// golang.org/x/mod `sumdb/note/note_test.go` TestOpen.
    @Test func opensThePublishedNote() throws {
        let note = try SignedNote(
            parsing: NoteVectors.text + "\n" + NoteVectors.peterSignatureLine + NoteVectors.enochSignatureLine)
        // One trusted key: its signature verifies, the unknown one is ignored.
        #expect(try note.verify(with: [peter]).map(\.name) == ["PeterNeumann"])
        #expect(try note.verify(with: peter).keyID == 0xc74f_20a3)
        // Both trusted: both verify.
        #expect(try note.verify(with: [peter, enoch]).map(\.name) == ["PeterNeumann", "EnochRoot"])
        // Nobody trusted: rejected.
        let none = #expect(throws: IntegrityError.self) { try note.verify(with: []) }
        #expect(none?.code == .noMatchingSignature)
        #expect(
            none?.message
                == "note has no signature from a trusted key (signed by: PeterNeumann+c74f20a3, EnochRoot+af0cfe78; trusted: none given)"
        )
        // Duplicated trusted key (identical) is harmless.
        #expect(try note.verify(with: [enoch, peter, enoch]).count == 2)
    }

    @Test func repeatedSignatureLinesAreReportedOnce() throws {
        let note = try SignedNote(
            parsing: NoteVectors.text + "\n" + NoteVectors.peterSignatureLine + NoteVectors.peterSignatureLine
                + NoteVectors.enochSignatureLine)
        #expect(try note.verify(with: [peter]).count == 1)
    }

    @Test func tamperedTextFails() throws {
        let tampered = NoteVectors.peterNote.replacing("cryptography", with: "cryptocurrency")
        let note = try SignedNote(parsing: tampered)
        #expect(
            throws: IntegrityError(
                .invalidSignature,
                "signature by PeterNeumann+c74f20a3 does not verify: the note text was altered after signing, or the signature is forged"
            )
        ) {
            try note.verify(with: peter)
        }
    }

    /// A corrupted signature from a trusted key rejects the whole note (note_test.go "Invalid signature").
    @Test func corruptedSignatureFails() throws {
        var bytes = Array((NoteVectors.text + "\n" + NoteVectors.peterSignatureLine).utf8)
        let lineStart = Array(NoteVectors.text.utf8).count + 1
        bytes.insert(contentsOf: Array("ABCD".utf8), at: lineStart + 60)
        let note = try SignedNote(parsing: bytes)
        let error = #expect(throws: IntegrityError.self) { try note.verify(with: [peter, enoch]) }
        #expect(error?.code == .invalidSignature)
        #expect(error?.isIntegrityFailure == true)

        // Syntactically fine (key ID plus 2 bytes) but far too short to be a signature.
        let truncated = try SignedNote(parsing: NoteVectors.text + "\n" + "— PeterNeumann x08go/ZJ\n")
        #expect(throws: IntegrityError.self) { try truncated.verify(with: peter) }
    }

    @Test func wrongKeyFails() throws {
        let note = try SignedNote(parsing: NoteVectors.peterNote)
        // Another key entirely: no matching signature.
        let stranger = try NoteSigner.generate(name: "PeterNeumann").verifier
        #expect(throws: IntegrityError.self) { try note.verify(with: stranger) }
        // Same name, other key ID: ignored as unknown (C2SP), so nothing verifies.
        let misnamed = try SignedNote(parsing: NoteVectors.peterNote.replacing("— PeterNeumann", with: "— CarmenSandiego"))
        let unknownName = #expect(throws: IntegrityError.self) { try misnamed.verify(with: peter) }
        #expect(unknownName?.code == .noMatchingSignature)
        let rehashed = try SignedNote(parsing: NoteVectors.peterNote.replacing("x08g", with: "xxxx"))
        let unknownID = #expect(throws: IntegrityError.self) { try rehashed.verify(with: peter) }
        #expect(unknownID?.code == .noMatchingSignature)
    }

    @Test func signRoundTripWithGeneratedKeys() throws {
        let log = try NoteSigner.generate(name: "parley.local/ledger/test")
        let witness = try NoteSigner.generate(name: "witness.example/w1")
        let note = try SignedNote(text: "hello\n\nworld\n").signed(by: [log, witness])
        #expect(note.signatures.count == 2)
        let reopened = try SignedNote(parsing: note.encoded)
        #expect(reopened == note)
        #expect(reopened.text == "hello\n\nworld\n", "the text may hold blank lines; the last one separates the signatures")
        #expect(try reopened.verify(with: [log.verifier, witness.verifier]).count == 2)
        #expect(try reopened.verify(with: witness.verifier).name == "witness.example/w1")
        // Adding a signature keeps the existing ones and verifies the same text.
        let third = try NoteSigner.generate(name: "auditor")
        let cosigned = try reopened.signed(by: third)
        #expect(cosigned.signatures.map(\.name) == ["parley.local/ledger/test", "witness.example/w1", "auditor"])
        #expect(try cosigned.verify(with: [log.verifier, third.verifier]).count == 2)
    }

    /// The malformed notes of golang.org/x/mod `sumdb/note/note_test.go` TestOpen, plus more.
    @Test(arguments: [
        NoteVectors.text,
        NoteVectors.text + "\n",
        NoteVectors.text + "\n" + String(NoteVectors.peterSignatureLine.dropLast()),
        "\u{01}" + NoteVectors.text + "\n" + NoteVectors.peterSignatureLine,
        NoteVectors.text + "\n"
            + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        NoteVectors.text + "\n"
            + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        NoteVectors.text + "\n" + NoteVectors.peterSignatureLine + "Unexpected line.\n",
        NoteVectors.peterNote.replacing("\n", with: "\r\n"),
        NoteVectors.text + "\n"
            + "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        NoteVectors.text + "\n" + "— PeterNeumann\n",
        NoteVectors.text + "\n" + "— PeterNeumann \n",
        NoteVectors.text + "\n" + "— PeterNeumann x08g\n",
        NoteVectors.text + "\n"
            + "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
        NoteVectors.text + "\n" + NoteVectors.peterSignatureLine + "\n" + NoteVectors.enochSignatureLine + "\n",
        String(repeating: NoteVectors.peterSignatureLine, count: 2),
        "",
    ])
    func malformedNotesAreRejected(_ text: String) {
        let error = #expect(throws: IntegrityError.self) { try SignedNote(parsing: text) }
        #expect(error?.code == .malformedNote, "\(text.debugDescription): \(error?.message ?? "")")
    }

    @Test func invalidUTF8IsRejected() {
        let bytes = [0xFF] + Array((NoteVectors.text + "\n" + NoteVectors.peterSignatureLine).utf8)
        #expect(throws: IntegrityError(.malformedNote, "signed note is not valid UTF-8")) { try SignedNote(parsing: bytes) }
    }

    /// note_test.go: more than 100 signature lines is malformed.
    @Test func tooManySignaturesAreRejected() throws {
        let many = NoteVectors.text + "\n" + String(repeating: NoteVectors.peterSignatureLine, count: 101)
        #expect(throws: IntegrityError(.malformedNote, "note has 101 signature lines; at most 100 are accepted")) {
            try SignedNote(parsing: many)
        }
        let hundred = NoteVectors.text + "\n" + String(repeating: NoteVectors.peterSignatureLine, count: 100)
        #expect(try SignedNote(parsing: hundred).verify(with: peter).name == "PeterNeumann")
    }

    @Test func textsThatCannotBeSignedAreRejected() {
        #expect(throws: IntegrityError(.malformedNote, "note text must end with a newline")) { try SignedNote(text: "abc") }
        #expect(
            throws: IntegrityError(.malformedNote, "note text contains the control character U+0009; only newline is allowed")
        ) {
            try SignedNote(text: "a\tb\n")
        }
        #expect(throws: IntegrityError.self) { try NoteSignature(name: "bad name", keyID: 1, signature: [1]) }
        #expect(throws: IntegrityError.self) { try NoteSignature(name: "good", keyID: 1, signature: []) }
    }
}
