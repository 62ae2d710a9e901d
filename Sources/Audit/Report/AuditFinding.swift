/// One problem the audit found, located as precisely as the damage allows.
public struct AuditFinding: Sendable, Hashable {
    /// How bad a finding is.
    public enum Severity: String, Sendable, Hashable {
        /// The ledger does not verify: the audit fails (exit 5).
        case error
        /// Worth knowing, but the committed ledger still verifies (a torn tail, a contradiction).
        case warning
    }

    /// What kind of problem; the raw value is what `--json` prints.
    ///
    /// The semantic kinds are those of the projections (`Projections.Finding.Kind`, e.g.
    /// `unknown-party`, `illegal-stage-transition`); the others are listed here.
    public struct Kind: RawRepresentable, Sendable, Hashable, Comparable {
        public let rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }

        /// `ledger.json` is missing, unreadable or not a Parley manifest.
        public static let manifest = Kind(rawValue: "manifest")
        /// A segment file name is not `<20-digit first seq>.ndjson.lz4`, or names are not contiguous.
        public static let segmentName = Kind(rawValue: "segment-name")
        /// An LZ4 frame is structurally broken (magic, header, block sizes), or an unknown skippable frame.
        public static let frameStructure = Kind(rawValue: "frame-structure")
        /// A data frame lacks the content checksum or content size FORMAT.md requires.
        public static let frameFormat = Kind(rawValue: "frame-format")
        /// A data frame does not decompress (corrupt block, content checksum mismatch, size mismatch).
        public static let decompress = Kind(rawValue: "decompress")
        /// A commit marker payload is not the canonical JSON object FORMAT.md pins.
        public static let marker = Kind(rawValue: "marker")
        /// A marker's seq range does not continue the previous commit, or does not match its records.
        public static let markerSeq = Kind(rawValue: "marker-seq")
        /// A marker's root is not the RFC 6962 root of records 1…last_seq.
        public static let root = Kind(rawValue: "root")
        /// Bytes after the last commit marker: a warning in the last segment, an error elsewhere.
        public static let tornTail = Kind(rawValue: "torn-tail")
        /// Verification of the chain stopped here (records lost); later commits were only walked.
        public static let chain = Kind(rawValue: "chain")
        /// A record line is not valid JSON.
        public static let json = Kind(rawValue: "json")
        /// A record line is valid JSON but not in canonical form.
        public static let canonical = Kind(rawValue: "canonical")
        /// A record lacks a field, has an extra one, or a field has the wrong type or format.
        public static let field = Kind(rawValue: "field")
        /// A record's `seq` is not its position in the ledger.
        public static let seq = Kind(rawValue: "seq")
        /// A stream's `version` is not the previous version + 1.
        public static let version = Kind(rawValue: "version")
        /// `recorded_at` is malformed, decreases, or differs within a commit.
        public static let recordedAt = Kind(rawValue: "recorded-at")
        /// An event id appears twice.
        public static let duplicateID = Kind(rawValue: "duplicate-id")
        /// The event body or provenance does not validate against the event catalogue.
        public static let schema = Kind(rawValue: "schema")
        /// A checkpoint cannot be read or parsed.
        public static let checkpointMalformed = Kind(rawValue: "checkpoint-malformed")
        /// A checkpoint's signature does not verify with the given verifier keys.
        public static let checkpointSignature = Kind(rawValue: "checkpoint-signature")
        /// A checkpoint names another origin: it belongs to another ledger.
        public static let checkpointOrigin = Kind(rawValue: "checkpoint-origin")
        /// A checkpoint's tree is larger than the committed ledger: committed records are missing.
        public static let checkpointSize = Kind(rawValue: "checkpoint-size")
        /// The ledger's root at a checkpoint's size differs: the ledger does not extend the checkpoint.
        public static let checkpointRoot = Kind(rawValue: "checkpoint-root")
        /// A file could not be read.
        public static let io = Kind(rawValue: "io")
        /// Two claims on one subject disagree (a warning: the ledger keeps both).
        public static let contradiction = Kind(rawValue: "contradiction")
    }

    /// How bad it is.
    public var severity: Severity
    /// What kind of problem.
    public var kind: Kind
    /// The file it is in (a segment name, `ledger.json`, a checkpoint path), if any.
    public var file: String?
    /// Byte offset within `file` (for records: the offset of the compressed frame holding them).
    public var offset: Int?
    /// The seq of the record or commit it is about, when known.
    public var seq: UInt64?
    /// A sentence a person can act on.
    public var message: String

    /// Creates a finding.
    ///
    /// - Parameters:
    ///   - severity: How bad it is.
    ///   - kind: What kind of problem.
    ///   - file: The file it is in.
    ///   - offset: Byte offset within the file.
    ///   - seq: The record or commit seq.
    ///   - message: The explanation.
    public init(
        _ severity: Severity, _ kind: Kind, file: String?, offset: Int?, seq: UInt64?, _ message: String
    ) {
        self.severity = severity
        self.kind = kind
        self.file = file
        self.offset = offset
        self.seq = seq
        self.message = message
    }

    /// `ERROR root 00000000000000000001.ndjson.lz4@1234 seq=41: message`.
    public var line: String {
        var location = file ?? "-"
        if let offset { location += "@\(offset)" }
        if let seq { location += " seq=\(seq)" }
        return "\(severity == .error ? "ERROR" : "WARN") \(kind.rawValue) \(location): \(message)"
    }
}
