/// A C2SP signed note: a text ending in a newline, a blank line, then one signature line
/// per key (`— <name> <base64(key id ‖ Ed25519 signature over the text)>`).
///
/// Parsing checks the syntax only; `verify(with:)` checks signatures against trusted keys,
/// and a note's text must not be believed until that succeeds.
public struct SignedNote: Sendable, Hashable {
    /// Limit on signature lines, as golang.org/x/mod/sumdb/note (C2SP requires at least 16).
    public static let maximumSignatures = 100

    /// The signed text, including its final newline but not the blank separator line.
    public let text: String
    /// The signature lines, in order.
    public let signatures: [NoteSignature]

    /// Creates a note from a text and (possibly no) signatures.
    ///
    /// - Parameters:
    ///   - text: The note text; it must end with a newline and contain no control
    ///     characters other than newline.
    ///   - signatures: Existing signatures.
    /// - Throws: `IntegrityError` `.malformedNote` when the text cannot be a note text.
    public init(text: String, signatures: [NoteSignature] = []) throws(IntegrityError) {
        if let problem = Self.textProblem(text) {
            throw IntegrityError(.malformedNote, problem)
        }
        guard signatures.count <= Self.maximumSignatures else {
            throw IntegrityError(
                .malformedNote, "note has \(signatures.count) signatures; at most \(Self.maximumSignatures) are accepted")
        }
        self.text = text
        self.signatures = signatures
    }

    /// Parses an encoded signed note without verifying it.
    ///
    /// - Parameter encoded: The note as text.
    /// - Throws: `IntegrityError` `.malformedNote` naming what is wrong.
    public init(parsing encoded: String) throws(IntegrityError) {
        try self.init(parsing: Array(encoded.utf8))
    }

    /// Parses an encoded signed note from bytes without verifying it.
    ///
    /// - Parameter encoded: The note bytes (UTF-8).
    /// - Throws: `IntegrityError` `.malformedNote` naming what is wrong.
    public init(parsing encoded: [UInt8]) throws(IntegrityError) {
        // String(decoding:) repairs invalid UTF-8, so a lossless round trip means it was valid
        // (String(validating:) would need macOS 15).
        let whole = String(decoding: encoded, as: UTF8.self)
        guard whole.utf8.elementsEqual(encoded) else {
            throw IntegrityError(.malformedNote, "signed note is not valid UTF-8")
        }
        if let control = whole.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw IntegrityError(
                .malformedNote,
                "signed note contains the control character U+\(String(control.value, radix: 16, uppercase: true).leftPadded(4)); only newline is allowed (CRLF line endings are not)"
            )
        }
        // The text ends at the last blank line; everything after it is signature lines.
        guard let split = Self.lastBlankLine(in: encoded) else {
            throw IntegrityError(.malformedNote, "signed note has no blank line between the text and the signatures")
        }
        let textBytes = encoded[..<(split + 1)]
        let signatureBytes = encoded[(split + 2)...]
        guard let last = signatureBytes.last, last == UInt8(ascii: "\n") else {
            throw IntegrityError(
                .malformedNote,
                signatureBytes.isEmpty
                    ? "signed note has no signature lines after the blank line"
                    : "signed note does not end with a newline after its last signature line")
        }
        var signatures: [NoteSignature] = []
        let lines = signatureBytes.dropLast().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.count <= Self.maximumSignatures else {
            throw IntegrityError(
                .malformedNote, "note has \(lines.count) signature lines; at most \(Self.maximumSignatures) are accepted")
        }
        for (number, lineBytes) in lines.enumerated() {
            signatures.append(try Self.parseSignatureLine(String(decoding: lineBytes, as: UTF8.self), number: number + 1))
        }
        try self.init(text: String(decoding: textBytes, as: UTF8.self), signatures: signatures)
    }

    /// The encoded note: text, a blank line, signature lines.
    ///
    /// A note without signatures encodes to something `init(parsing:)` rejects; sign it first.
    public var encoded: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Returns the note with signatures by the given keys added.
    ///
    /// An existing signature with the same key name and ID as a new signer is replaced;
    /// the others are kept, before the new ones (as golang.org/x/mod/sumdb/note does).
    ///
    /// - Parameter signers: The keys to sign with.
    /// - Returns: The signed note.
    /// - Throws: `IntegrityError` `.cryptoFailure` if signing fails, `.malformedNote` if the
    ///   note would have too many signatures.
    public func signed(by signers: [NoteSigner]) throws(IntegrityError) -> SignedNote {
        let message = Array(text.utf8)
        var kept = signatures.filter { old in !signers.contains { old.claims($0.verifier) } }
        for signer in signers {
            kept.append(try NoteSignature(name: signer.name, keyID: signer.keyID, signature: signer.signature(for: message)))
        }
        return try SignedNote(text: text, signatures: kept)
    }

    /// Returns the note with a signature by one key added; see `signed(by:)`.
    ///
    /// - Parameter signer: The key to sign with.
    /// - Returns: The signed note.
    /// - Throws: `IntegrityError` as `signed(by:)`.
    public func signed(by signer: NoteSigner) throws(IntegrityError) -> SignedNote {
        try signed(by: [signer])
    }

    /// Verifies the note against trusted keys, following C2SP signed-note.
    ///
    /// Signatures from unknown keys are ignored. Every signature whose key name and ID
    /// match a trusted key must verify, and at least one must.
    ///
    /// - Parameter verifiers: The trusted keys.
    /// - Returns: The signatures that verified.
    /// - Throws: `IntegrityError` `.invalidSignature` when a signature from a trusted key
    ///   fails (the text was altered or the signature forged), `.noMatchingSignature` when no
    ///   signature comes from a trusted key, `.malformedKey` when two different trusted keys
    ///   share a name and key ID.
    @discardableResult
    public func verify(with verifiers: [NoteVerifier]) throws(IntegrityError) -> [NoteSignature] {
        let message = Array(text.utf8)
        var verified: [NoteSignature] = []
        for signature in signatures {
            let candidates = Set(verifiers.filter { signature.claims($0) })
            guard let verifier = candidates.first else { continue }
            guard candidates.count == 1 else {
                throw IntegrityError(
                    .malformedKey, "two different trusted keys are both named \(signature); key name and ID must identify one key"
                )
            }
            guard verifier.isValidSignature(signature.signature, for: message) else {
                throw IntegrityError(
                    .invalidSignature,
                    "signature by \(signature) does not verify: the note text was altered after signing, or the signature is forged"
                )
            }
            if !verified.contains(signature) { verified.append(signature) }
        }
        guard !verified.isEmpty else {
            let present = signatures.map(\.description).joined(separator: ", ")
            let wanted = verifiers.map { "\($0.name)+\(NoteKeyName.hex($0.keyID))" }.joined(separator: ", ")
            throw IntegrityError(
                .noMatchingSignature,
                "note has no signature from a trusted key (signed by: \(present.isEmpty ? "nobody" : present); trusted: \(wanted.isEmpty ? "none given" : wanted))"
            )
        }
        return verified
    }

    /// Verifies the note against one trusted key; see `verify(with:)`.
    ///
    /// - Parameter verifier: The trusted key.
    /// - Returns: The verified signature.
    /// - Throws: `IntegrityError` as `verify(with:)`.
    @discardableResult
    public func verify(with verifier: NoteVerifier) throws(IntegrityError) -> NoteSignature {
        let verified = try verify(with: [verifier])
        return verified[0]
    }

    // MARK: - Parsing helpers

    private static func textProblem(_ text: String) -> String? {
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\n" }) {
            return
                "note text contains the control character U+\(String(control.value, radix: 16, uppercase: true).leftPadded(4)); only newline is allowed"
        }
        guard text.utf8.last == UInt8(ascii: "\n") else { return "note text must end with a newline" }
        return nil
    }

    /// Index of the first `\n` of the last `\n\n` in the bytes.
    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == UInt8(ascii: "\n") && bytes[index + 1] == UInt8(ascii: "\n") { return index }
            index -= 1
        }
        return nil
    }

    private static func parseSignatureLine(_ line: String, number: Int) throws(IntegrityError) -> NoteSignature {
        let prefix = "\u{2014} "
        guard line.hasPrefix(prefix) else {
            throw IntegrityError(
                .malformedNote,
                "signature line \(number) does not start with an em dash (U+2014) and a space: \"\(line.prefix(60))\"")
        }
        let rest = line.dropFirst(prefix.count)
        guard let space = rest.firstIndex(of: " ") else {
            throw IntegrityError(.malformedNote, "signature line \(number) has no space between the key name and the signature")
        }
        let name = String(rest[..<space])
        let encoded = rest[rest.index(after: space)...]
        if let problem = NoteKeyName.problem(with: name) {
            throw IntegrityError(.malformedNote, "signature line \(number): \(problem)")
        }
        guard let bytes = Base64.decode(encoded), bytes.count >= 5 else {
            throw IntegrityError(
                .malformedNote,
                "signature line \(number) (\(name)): the signature is not base64 of a 4-byte key ID followed by a signature")
        }
        let keyID = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        return try NoteSignature(name: name, keyID: keyID, signature: Array(bytes[4...]))
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
