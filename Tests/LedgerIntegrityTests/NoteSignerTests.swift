import LedgerIntegrity
import Testing

@Suite struct NoteSignerTests {
    /// Published private keys derive exactly the published verifier keys (name, key ID, public key).
    @Test(arguments: NoteVectors.keyPairs)
    func privateKeysDeriveTheirPublishedVerifierKeys(privateKey: String, verifierKey: String) throws {
        let signer = try NoteSigner(parsing: privateKey)
        #expect(signer.verifier.verifierKey == verifierKey)
        #expect(signer.verifier == (try NoteVerifier(parsing: verifierKey)))
        #expect(signer.privateKeyFile == privateKey)
    }

    @Test func generatedKeysRoundTrip() throws {
        let signer = try NoteSigner.generate(name: "parley.local/ledger/0b5e3a56-6c1f-4d8e-9a0c-2f1d3e4b5a69")
        let file = signer.privateKeyFile
        #expect(file.hasPrefix("PRIVATE+KEY+parley.local/ledger/0b5e3a56-6c1f-4d8e-9a0c-2f1d3e4b5a69+"))
        let reread = try NoteSigner(parsing: file + "\n")
        #expect(reread.verifier == signer.verifier)
        #expect(reread.keyID == signer.keyID)
        let verifier = try NoteVerifier(parsing: signer.verifier.verifierKey)
        let message = Array("hi".utf8)
        var signature = try signer.signature(for: message)
        #expect(signature.count == 64)
        #expect(verifier.isValidSignature(signature, for: message))
        #expect(!verifier.isValidSignature(signature, for: Array("ho".utf8)))
        signature[0] ^= 1
        #expect(!verifier.isValidSignature(signature, for: message))
        #expect(try NoteSigner.generate(name: "other").verifier != signer.verifier)
    }

    @Test(.enabled(if: isLinux, "CryptoKit on Apple platforms randomizes Ed25519 signatures"))
    func signaturesAreDeterministicEd25519() throws {
        let signer = try NoteSigner(parsing: NoteVectors.peterPrivateKey)
        #expect(try signer.signature(for: [1, 2, 3]) == signer.signature(for: [1, 2, 3]))
    }

    @Test func neverRevealsTheSeedWhenPrinted() throws {
        let signer = try NoteSigner(parsing: NoteVectors.peterPrivateKey)
        let seedText = "AYEKFALVFGyNhPJEMzD1QIDr"
        #expect(signer.description == "NoteSigner(PeterNeumann+c74f20a3)")
        #expect(!String(describing: signer).contains(seedText))
        #expect(!String(reflecting: signer).contains(seedText))
        var dumped = ""
        dump(signer, to: &dumped)
        #expect(!dumped.contains(seedText))
        #expect(!"\(Mirror(reflecting: signer).children.map { "\($0.label ?? ""): \($0.value)" })".contains("seed"))
    }

    /// golang.org/x/mod `sumdb/note/note_test.go` TestNewSigner: every proper substring and
    /// every single-byte increment of the key is rejected.
    @Test func everyManglingIsRejected() {
        let bytes = Array(NoteVectors.peterPrivateKey.utf8)
        var accepted: [String] = []
        for i in 0...bytes.count {
            for j in (i + 1)..<(bytes.count + 1) where !(i == 0 && j == bytes.count) {
                let text = String(decoding: bytes[i..<j], as: UTF8.self)
                if (try? NoteSigner(parsing: text)) != nil { accepted.append(text) }
            }
        }
        for i in bytes.indices {
            var mangled = bytes
            mangled[i] &+= 1
            let text = String(decoding: mangled, as: UTF8.self)
            if (try? NoteSigner(parsing: text)) != nil { accepted.append(text) }
        }
        #expect(accepted.isEmpty)
    }

    @Test(arguments: [
        (NoteVectors.peterVerifierKey, "a private key must start with PRIVATE+KEY+ (is this a verifier key?)"),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "private key for \"PeterNeumann\": key id c74f20a4 does not match the key (expected c74f20a3); the file was altered or mistyped"
        ),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF",
            "private key for \"PeterNeumann\": the key is not valid base64"
        ),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "private key for \"PeterNeumann\": unknown signature algorithm 2; only Ed25519 (1) is supported"
        ),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXH",
            "private key for \"PeterNeumann\": an Ed25519 seed has 32 bytes, not 29"
        ),
        (
            "PRIVATE+KEY+Peter+Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "private key for \"Peter\": expected PRIVATE+KEY+<name>+<8 hex key id>+<base64 key>"
        ),
        ("PRIVATE+KEY++c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "private key: a key name must not be empty"),
        ("PRIVATE+KEY+PeterNeumann", "private key for \"PeterNeumann\": expected PRIVATE+KEY+<name>+<8 hex key id>+<base64 key>"),
        ("", "a private key must start with PRIVATE+KEY+ (is this a verifier key?)"),
    ])
    func malformedKeysAreRejectedWithAReason(text: String, message: String) {
        #expect(throws: IntegrityError(.malformedKey, message)) { try NoteSigner(parsing: text) }
    }

    @Test func rejectsBadNamesAndSeeds() {
        let seed = [UInt8](repeating: 1, count: 32)
        #expect(throws: IntegrityError(.malformedKey, "key name \"a+b\" contains \"+\", which separates the fields of a key")) {
            try NoteSigner(name: "a+b", seed: seed)
        }
        #expect(throws: IntegrityError(.malformedKey, "an Ed25519 private key seed has 32 bytes, not 31")) {
            try NoteSigner(name: "ok", seed: Array(seed.dropLast()))
        }
        #expect(throws: IntegrityError.self) { try NoteSigner.generate(name: "has space") }
    }
}

#if os(Linux)
    let isLinux = true
#else
    let isLinux = false
#endif
