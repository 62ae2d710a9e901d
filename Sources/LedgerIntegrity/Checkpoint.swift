/// A C2SP tlog-checkpoint: the body of a signed tree head.
///
/// The body is `<origin>\n<tree size>\n<base64 root>\n`, optionally followed by non-empty
/// extension lines, each ending in a newline. The values are validated on creation, so
/// `body` is always a well-formed note text.
public struct Checkpoint: Sendable, Hashable {
    /// The log identity, e.g. `parley.local/ledger/<ledger id>`.
    public let origin: String
    /// Number of leaves (records) in the tree.
    public let treeSize: UInt64
    /// The RFC 6962 root of the first `treeSize` leaves.
    public let rootHash: Hash32
    /// Extension lines after the root, without newlines (kept as found when parsing).
    public let extensionLines: [String]

    /// Creates a checkpoint.
    ///
    /// - Parameters:
    ///   - origin: The log identity; non-empty, one line, no control characters.
    ///   - treeSize: The tree size.
    ///   - rootHash: The 32-byte root.
    ///   - extensionLines: Optional extension lines, each non-empty and without newline.
    /// - Throws: `IntegrityError` `.malformedCheckpoint` when a value cannot be written
    ///   as a checkpoint.
    public init(origin: String, treeSize: UInt64, rootHash: Hash32, extensionLines: [String] = []) throws(IntegrityError) {
        if let problem = Self.lineProblem(origin, what: "origin") {
            throw IntegrityError(.malformedCheckpoint, problem)
        }
        guard RFC6962.isHash(rootHash) else {
            throw IntegrityError(
                .malformedCheckpoint, "checkpoint root hash has \(rootHash.count) bytes; an RFC 6962 root has 32")
        }
        for (index, line) in extensionLines.enumerated() {
            if let problem = Self.lineProblem(line, what: "extension line \(index + 1)") {
                throw IntegrityError(.malformedCheckpoint, problem)
            }
        }
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// Parses a checkpoint body (the note text, not the signed note).
    ///
    /// - Parameter body: The body, ending with a newline.
    /// - Throws: `IntegrityError` `.malformedCheckpoint` naming the offending line.
    public init(parsing body: String) throws(IntegrityError) {
        // Work on UTF-8 bytes: as Characters, "\r\n" would not count as a line end.
        guard body.utf8.last == UInt8(ascii: "\n") else {
            throw IntegrityError(.malformedCheckpoint, "checkpoint body must end with a newline")
        }
        if let problem = Self.controlCharacterProblem(body) {
            throw IntegrityError(.malformedCheckpoint, problem)
        }
        let lines = body.utf8.dropLast()
            .split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard lines.count >= 3 else {
            throw IntegrityError(
                .malformedCheckpoint, "checkpoint body has \(lines.count) line(s); it needs origin, tree size and root hash")
        }
        let sizeText = lines[1]
        guard !sizeText.isEmpty,
            sizeText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            sizeText == "0" || !sizeText.hasPrefix("0"),
            let size = UInt64(sizeText)
        else {
            throw IntegrityError(
                .malformedCheckpoint,
                "checkpoint line 2: \"\(sizeText.prefix(40))\" is not a tree size (decimal digits, no leading zeros)")
        }
        guard let root = Base64.decode(lines[2]), root.count == 32 else {
            throw IntegrityError(
                .malformedCheckpoint, "checkpoint line 3: \"\(lines[2].prefix(60))\" is not the base64 of a 32-byte root hash")
        }
        try self.init(origin: lines[0], treeSize: size, rootHash: root, extensionLines: Array(lines.dropFirst(3)))
    }

    /// The checkpoint body: `<origin>\n<tree size>\n<base64 root>\n` plus extension lines.
    public var body: String {
        ([origin, String(treeSize), Base64.encode(rootHash)] + extensionLines).map { $0 + "\n" }.joined()
    }

    /// Signs the checkpoint as a C2SP signed note.
    ///
    /// - Parameter signers: The keys to sign with (usually one: the ledger's key).
    /// - Returns: The signed note; its `encoded` text is what `checkpoints/<size>.ckpt` holds.
    /// - Throws: `IntegrityError` `.cryptoFailure` if signing fails.
    public func signed(by signers: [NoteSigner]) throws(IntegrityError) -> SignedNote {
        try SignedNote(text: body).signed(by: signers)
    }

    /// Signs the checkpoint with one key; see `signed(by:)`.
    ///
    /// - Parameter signer: The key to sign with.
    /// - Returns: The signed note.
    /// - Throws: `IntegrityError` `.cryptoFailure` if signing fails.
    public func signed(by signer: NoteSigner) throws(IntegrityError) -> SignedNote {
        try signed(by: [signer])
    }

    /// Opens a signed checkpoint: verifies its signatures, then reads its body.
    ///
    /// - Parameters:
    ///   - note: The signed note (e.g. a `.ckpt` file's contents).
    ///   - verifiers: The trusted keys.
    ///   - expectedOrigin: When given, the origin the checkpoint must carry.
    /// - Throws: `IntegrityError` from `SignedNote.verify(with:)`, `.malformedCheckpoint` for
    ///   a bad body, `.originMismatch` when the origin is not `expectedOrigin`.
    public init(verifying note: SignedNote, with verifiers: [NoteVerifier], expectedOrigin: String? = nil) throws(IntegrityError)
    {
        try note.verify(with: verifiers)
        try self.init(parsing: note.text)
        if let expectedOrigin, !origin.utf8.elementsEqual(expectedOrigin.utf8) {
            throw IntegrityError(
                .originMismatch,
                "checkpoint is for origin \"\(origin)\", expected \"\(expectedOrigin)\": it belongs to another ledger")
        }
    }

    /// Opens a signed checkpoint from its encoded bytes; see `init(verifying:with:expectedOrigin:)`.
    ///
    /// - Parameters:
    ///   - encoded: The signed note bytes.
    ///   - verifiers: The trusted keys.
    ///   - expectedOrigin: When given, the origin the checkpoint must carry.
    /// - Throws: `IntegrityError` `.malformedNote` for a bad note, otherwise as
    ///   `init(verifying:with:expectedOrigin:)`.
    public init(verifying encoded: [UInt8], with verifiers: [NoteVerifier], expectedOrigin: String? = nil) throws(IntegrityError)
    {
        try self.init(verifying: SignedNote(parsing: encoded), with: verifiers, expectedOrigin: expectedOrigin)
    }

    private static func controlCharacterProblem(_ body: String) -> String? {
        var line = 1
        for scalar in body.unicodeScalars {
            if scalar == "\n" {
                line += 1
            } else if scalar.value < 0x20 {
                let crlf = scalar == "\r" ? " (CRLF line endings are not allowed)" : ""
                return
                    "checkpoint line \(line) contains the control character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(4))\(crlf)"
            }
        }
        return nil
    }

    private static func lineProblem(_ line: String, what: String) -> String? {
        if line.isEmpty { return "checkpoint \(what) must not be empty" }
        if let control = line.unicodeScalars.first(where: { $0.value < 0x20 }) {
            return control == "\n"
                ? "checkpoint \(what) must be a single line"
                : "checkpoint \(what) contains the control character U+\(String(control.value, radix: 16, uppercase: true).leftPadded(4))"
        }
        return nil
    }
}
