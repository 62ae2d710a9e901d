import Crypto

/// A public Ed25519 key that checks signed-note signatures (C2SP signed-note).
///
/// Its text form, the verifier key, is `<name>+<key id, 8 hex>+<base64(0x01 ‖ public key)>`,
/// the golang.org/x/mod/sumdb/note encoding: e.g. `sum.golang.org+033de0ae+Ac4z…`.
public struct NoteVerifier: Sendable, Hashable {
    /// The key name that signature lines carry (for Parley, usually the ledger's origin).
    public let name: String
    /// First 4 bytes (big-endian) of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
    public let keyID: UInt32
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    /// Creates a verifier for a name and a raw Ed25519 public key, computing its key ID.
    ///
    /// - Parameters:
    ///   - name: The key name.
    ///   - publicKey: The 32-byte Ed25519 public key.
    /// - Throws: `IntegrityError` `.malformedKey` for an invalid name or key.
    public init(name: String, publicKey: [UInt8]) throws(IntegrityError) {
        if let problem = NoteKeyName.problem(with: name) {
            throw IntegrityError(.malformedKey, problem)
        }
        guard publicKey.count == 32 else {
            throw IntegrityError(.malformedKey, "an Ed25519 public key has 32 bytes, not \(publicKey.count)")
        }
        do {
            _ = try Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        } catch {
            throw IntegrityError(.malformedKey, "not a valid Ed25519 public key: \(error)")
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeyName.keyID(name: name, encodedKey: [NoteKeyName.ed25519] + publicKey)
    }

    /// Parses a verifier key `<name>+<key id>+<base64(0x01 ‖ public key)>`.
    ///
    /// Surrounding whitespace (a trailing newline from a key file) is ignored.
    ///
    /// - Parameter verifierKey: The verifier key text.
    /// - Throws: `IntegrityError` `.malformedKey` when the text is not a valid Ed25519
    ///   verifier key or its key ID does not match its name and key.
    public init(parsing verifierKey: String) throws(IntegrityError) {
        let text = Substring(verifierKey.trimmingASCIIWhitespace())
        let (name, rest) = NoteKeyName.chop(text)
        guard let rest else {
            throw IntegrityError(.malformedKey, "verifier key must look like <name>+<8 hex key id>+<base64 key>; found no \"+\"")
        }
        if let problem = NoteKeyName.problem(with: String(name)) {
            throw IntegrityError(.malformedKey, "verifier key: \(problem)")
        }
        let (idText, keyText) = NoteKeyName.chop(rest)
        guard let id = NoteKeyName.parseKeyID(idText), let keyText else {
            throw IntegrityError(.malformedKey, "verifier key for \"\(name)\": expected <name>+<8 hex key id>+<base64 key>")
        }
        guard let encoded = Base64.decode(keyText), !encoded.isEmpty else {
            throw IntegrityError(.malformedKey, "verifier key for \"\(name)\": the key is not valid base64")
        }
        guard NoteKeyName.keyID(name: String(name), encodedKey: encoded) == id else {
            throw IntegrityError(
                .malformedKey,
                "verifier key for \"\(name)\": key id \(idText) does not match the name and key (the key was altered or mistyped)"
            )
        }
        guard encoded[0] == NoteKeyName.ed25519 else {
            throw IntegrityError(
                .malformedKey,
                "verifier key for \"\(name)\": unknown signature algorithm \(encoded[0]); only Ed25519 (1) is supported")
        }
        guard encoded.count == 33 else {
            throw IntegrityError(
                .malformedKey, "verifier key for \"\(name)\": an Ed25519 key has 32 bytes, not \(encoded.count - 1)")
        }
        try self.init(name: String(name), publicKey: Array(encoded[1...]))
    }

    /// The verifier key text `<name>+<key id>+<base64(0x01 ‖ public key)>` (no newline).
    public var verifierKey: String {
        "\(name)+\(NoteKeyName.hex(keyID))+\(Base64.encode([NoteKeyName.ed25519] + publicKey))"
    }

    /// Checks an Ed25519 signature over a message (for notes: the note text).
    ///
    /// - Parameters:
    ///   - signature: The 64-byte signature (without the 4-byte key ID).
    ///   - message: The signed bytes.
    /// - Returns: true when the signature is valid for this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

extension NoteVerifier: CustomStringConvertible {
    /// The verifier key text.
    public var description: String { verifierKey }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
