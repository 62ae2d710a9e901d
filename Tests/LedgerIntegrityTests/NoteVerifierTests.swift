import LedgerIntegrity
import Testing

@Suite struct NoteVerifierTests {
    @Test func parsesThePublishedKey() throws {
        let verifier = try NoteVerifier(parsing: NoteVectors.peterVerifierKey)
        #expect(verifier.name == "PeterNeumann")
        #expect(verifier.keyID == 0xc74f_20a3)
        #expect(verifier.publicKey.count == 32)
        #expect(verifier.verifierKey == NoteVectors.peterVerifierKey)
        #expect(verifier.description == NoteVectors.peterVerifierKey)
    }

    /// Key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], recomputed from the raw key.
    @Test(arguments: NoteVectors.keyPairs.map(\.verifierKey) + [NoteVectors.enochVerifierKey, NoteVectors.sumDBVerifierKey])
    func keyIDIsComputedFromNameAndKey(_ verifierKey: String) throws {
        let parsed = try NoteVerifier(parsing: verifierKey)
        let rebuilt = try NoteVerifier(name: parsed.name, publicKey: parsed.publicKey)
        #expect(rebuilt.keyID == parsed.keyID)
        #expect(rebuilt.verifierKey == verifierKey)
    }

    @Test func toleratesTheNewlineOfAKeyFile() throws {
        #expect(try NoteVerifier(parsing: NoteVectors.peterVerifierKey + "\n").verifierKey == NoteVectors.peterVerifierKey)
    }

    /// golang.org/x/mod `sumdb/note/note_test.go` TestNewVerifier: every proper substring and
    /// every single-byte increment of the key is rejected.
    @Test func everyManglingIsRejected() {
        let bytes = Array(NoteVectors.peterVerifierKey.utf8)
        var accepted: [String] = []
        for i in 0...bytes.count {
            for j in (i + 1)..<(bytes.count + 1) where !(i == 0 && j == bytes.count) {
                let text = String(decoding: bytes[i..<j], as: UTF8.self)
                if (try? NoteVerifier(parsing: text)) != nil { accepted.append(text) }
            }
        }
        for i in bytes.indices {
            var mangled = bytes
            mangled[i] &+= 1
            let text = String(decoding: mangled, as: UTF8.self)
            if (try? NoteVerifier(parsing: text)) != nil { accepted.append(text) }
        }
        #expect(accepted.isEmpty)
    }

    @Test(arguments: [
        // Wrong-length key and unknown algorithm, each with an adjusted key hash (note_test.go).
        (
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
            "verifier key for \"PeterNeumann\": the key is not valid base64"
        ),
        (
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "verifier key for \"PeterNeumann\": unknown signature algorithm 101; only Ed25519 (1) is supported"
        ),
        (
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "verifier key for \"PeterNeumann\": key id c74f20a4 does not match the name and key (the key was altered or mistyped)"
        ),
        ("PeterNeumann", "verifier key must look like <name>+<8 hex key id>+<base64 key>; found no \"+\""),
        (
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "verifier key: key name \"Peter Neumann\" contains a space (U+0020); names must not contain Unicode spaces"
        ),
        ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "verifier key: a key name must not be empty"),
        (
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "verifier key for \"PeterNeumann\": expected <name>+<8 hex key id>+<base64 key>"
        ),
        (
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
            "verifier key for \"PeterNeumann\": the key is not valid base64"
        ),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "verifier key for \"PRIVATE\": expected <name>+<8 hex key id>+<base64 key>"
        ),
    ])
    func malformedKeysAreRejectedWithAReason(text: String, message: String) {
        #expect(throws: IntegrityError(.malformedKey, message)) { try NoteVerifier(parsing: text) }
    }

    @Test func rejectsBadNamesAndKeys() {
        let key = [UInt8](repeating: 7, count: 32)
        for name in ["", "a+b", "tab\tname", "nbsp\u{00A0}name", "ideographic\u{3000}space", "bell\u{07}"] {
            let error = #expect(throws: IntegrityError.self) { try NoteVerifier(name: name, publicKey: key) }
            #expect(error?.code == .malformedKey, "\(name.debugDescription)")
        }
        #expect(throws: IntegrityError.self) { try NoteVerifier(name: "ok", publicKey: Array(key.dropLast())) }
        #expect(throws: Never.self) {
            try NoteVerifier(name: "parley.local/ledger/éé", publicKey: try NoteSigner.generate(name: "x").verifier.publicKey)
        }
    }
}
