import Crypto

/// A private Ed25519 key that signs notes and checkpoints (C2SP signed-note).
///
/// Its text form, the private key file line, is
/// `PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 ‖ 32-byte seed)>`, the encoding of
/// golang.org/x/mod/sumdb/note. `description` never shows the seed.
public struct NoteSigner: Sendable {
    /// The key name written in signature lines.
    public let name: String
    /// The key ID of the matching public key.
    public let keyID: UInt32
    /// The 32-byte Ed25519 seed (RFC 8032 private key).
    private let seed: [UInt8]
    /// The matching public key.
    public let verifier: NoteVerifier

    /// Creates a signer from a name and a 32-byte Ed25519 seed.
    ///
    /// - Parameters:
    ///   - name: The key name.
    ///   - seed: The 32-byte Ed25519 private key seed.
    /// - Throws: `IntegrityError` `.malformedKey` for an invalid name or seed.
    public init(name: String, seed: [UInt8]) throws(IntegrityError) {
        guard seed.count == 32 else {
            throw IntegrityError(.malformedKey, "an Ed25519 private key seed has 32 bytes, not \(seed.count)")
        }
        let publicKey: [UInt8]
        do {
            publicKey = Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation)
        } catch {
            throw IntegrityError(.malformedKey, "not a valid Ed25519 seed: \(error)")
        }
        self.verifier = try NoteVerifier(name: name, publicKey: publicKey)
        self.name = name
        self.keyID = verifier.keyID
        self.seed = seed
    }

    /// Generates a new random key.
    ///
    /// - Parameter name: The key name (for a Parley ledger, its origin, e.g. `parley.local/ledger/<id>`).
    /// - Returns: The new signer; write `privateKeyFile` to a 0600 file and publish `verifier.verifierKey`.
    /// - Throws: `IntegrityError` `.malformedKey` for an invalid name.
    public static func generate(name: String) throws(IntegrityError) -> NoteSigner {
        try NoteSigner(name: name, seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// Parses a private key line `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`.
    ///
    /// Surrounding whitespace (a trailing newline from the key file) is ignored.
    ///
    /// - Parameter privateKey: The private key text.
    /// - Throws: `IntegrityError` `.malformedKey` when the text is not a valid Ed25519 signer
    ///   key or its key ID does not match the key derived from the seed.
    public init(parsing privateKey: String) throws(IntegrityError) {
        let text = Substring(privateKey.trimmingASCIIWhitespace())
        let (word1, rest1) = NoteKeyName.chop(text)
        let (word2, rest2) = rest1.map(NoteKeyName.chop) ?? ("", nil)
        guard word1 == "PRIVATE", word2 == "KEY", let rest2 else {
            throw IntegrityError(.malformedKey, "a private key must start with PRIVATE+KEY+ (is this a verifier key?)")
        }
        let (name, rest3) = NoteKeyName.chop(rest2)
        if let problem = NoteKeyName.problem(with: String(name)) {
            throw IntegrityError(.malformedKey, "private key: \(problem)")
        }
        guard let rest3 else {
            throw IntegrityError(
                .malformedKey, "private key for \"\(name)\": expected PRIVATE+KEY+<name>+<8 hex key id>+<base64 key>")
        }
        let (idText, keyText) = NoteKeyName.chop(rest3)
        guard let id = NoteKeyName.parseKeyID(idText), let keyText else {
            throw IntegrityError(
                .malformedKey, "private key for \"\(name)\": expected PRIVATE+KEY+<name>+<8 hex key id>+<base64 key>")
        }
        guard let encoded = Base64.decode(keyText), !encoded.isEmpty else {
            throw IntegrityError(.malformedKey, "private key for \"\(name)\": the key is not valid base64")
        }
        guard encoded[0] == NoteKeyName.ed25519 else {
            throw IntegrityError(
                .malformedKey,
                "private key for \"\(name)\": unknown signature algorithm \(encoded[0]); only Ed25519 (1) is supported")
        }
        guard encoded.count == 33 else {
            throw IntegrityError(
                .malformedKey, "private key for \"\(name)\": an Ed25519 seed has 32 bytes, not \(encoded.count - 1)")
        }
        try self.init(name: String(name), seed: Array(encoded[1...]))
        guard keyID == id else {
            throw IntegrityError(
                .malformedKey,
                "private key for \"\(name)\": key id \(idText) does not match the key (expected \(NoteKeyName.hex(keyID))); the file was altered or mistyped"
            )
        }
    }

    /// The private key line `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>` (no newline).
    ///
    /// Anyone holding it can sign as this ledger: store it in a file only its owner can read.
    public var privateKeyFile: String {
        "PRIVATE+KEY+\(name)+\(NoteKeyName.hex(keyID))+\(Base64.encode([NoteKeyName.ed25519] + seed))"
    }

    /// Signs a message with Ed25519 (RFC 8032, deterministic on Linux).
    ///
    /// - Parameter message: The bytes to sign (for notes: the note text).
    /// - Returns: The 64-byte signature.
    /// - Throws: `IntegrityError` `.cryptoFailure` if the crypto library fails.
    public func signature(for message: [UInt8]) throws(IntegrityError) -> [UInt8] {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            return Array(try key.signature(for: message))
        } catch {
            throw IntegrityError(.cryptoFailure, "Ed25519 signing failed: \(error)")
        }
    }
}

extension NoteSigner: CustomStringConvertible {
    /// Names the key without revealing it.
    public var description: String { "NoteSigner(\(name)+\(NoteKeyName.hex(keyID)))" }
}

extension NoteSigner: CustomDebugStringConvertible {
    /// Names the key without revealing it.
    public var debugDescription: String { description }
}

extension NoteSigner: CustomReflectable {
    /// Shows name and key ID only, so `dump` and debuggers never print the seed.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "keyID": NoteKeyName.hex(keyID)], displayStyle: .struct)
    }
}
