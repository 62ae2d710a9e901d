/// One signature line of a signed note: `— <key name> <base64(key id ‖ signature)>`.
public struct NoteSignature: Sendable, Hashable {
    /// The key name.
    public let name: String
    /// The key ID (first 4 bytes of the decoded base64, big-endian).
    public let keyID: UInt32
    /// The signature bytes after the key ID (64 bytes for Ed25519).
    public let signature: [UInt8]

    /// Creates a signature line's content.
    ///
    /// - Parameters:
    ///   - name: The key name.
    ///   - keyID: The key ID.
    ///   - signature: The signature bytes (without the key ID).
    /// - Throws: `IntegrityError` `.malformedNote` for an invalid name or an empty signature.
    public init(name: String, keyID: UInt32, signature: [UInt8]) throws(IntegrityError) {
        if let problem = NoteKeyName.problem(with: name) {
            throw IntegrityError(.malformedNote, "signature line: \(problem)")
        }
        guard !signature.isEmpty else {
            throw IntegrityError(.malformedNote, "signature line for \(name): the signature is empty")
        }
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The signature line, with its trailing newline: `— <name> <base64(key id ‖ signature)>\n`.
    public var line: String {
        "\u{2014} \(name) \(Base64.encode(NoteKeyName.bytes(keyID) + signature))\n"
    }

    /// Whether this signature claims to come from the given key (same name and key ID).
    ///
    /// - Parameter verifier: A known key.
    /// - Returns: true when name and key ID both match.
    public func claims(_ verifier: NoteVerifier) -> Bool {
        // Byte comparison: String == would treat canonically equivalent names as equal.
        keyID == verifier.keyID && name.utf8.elementsEqual(verifier.name.utf8)
    }
}

extension NoteSignature: CustomStringConvertible {
    /// The key the signature claims, as `name+keyid`.
    public var description: String { "\(name)+\(NoteKeyName.hex(keyID))" }
}
