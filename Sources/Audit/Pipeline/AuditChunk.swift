import Projections

/// A run of consecutive frames of one or more segments, as the reader hands them to the
/// workers: the compressed bytes (copied out of the file) and what lies where.
struct AuditChunk: Sendable {
    /// One thing found in a segment, in file order.
    enum Item: Sendable {
        /// The reader starts segment `index` (of the sorted segment list).
        case segmentStart(index: Int)
        /// A data frame: `bytes` holds it; `offset` is where it starts in its segment.
        case data(offset: Int, bytes: Range<Int>, contentSize: Int?, contentChecksum: Bool, blockChecksum: Bool)
        /// A commit marker frame at `offset`; `bytes` holds its payload.
        case marker(offset: Int, payload: Range<Int>)
        /// A skippable frame that is not a commit marker.
        case foreignSkippable(offset: Int, magic: UInt32)
        /// Bytes that are not a frame. `resumesAt` is the next plausible commit marker, if any.
        case damage(offset: Int, frameOffset: Int, reason: String, truncated: Bool, resumesAt: Int?)
        /// The segment could not be read.
        case unreadable(message: String)
        /// The reader finished segment `index`, which has `size` bytes.
        case segmentEnd(index: Int, size: Int)
    }

    /// Compressed frame bytes and marker payloads.
    var bytes: [UInt8] = []
    /// What the chunk holds, in file order.
    var items: [Item] = []
}

/// What a worker found in one data frame.
struct FrameOutcome: Sendable {
    /// Records in the frame (0 when it could not be decoded).
    var recordCount = 0
    /// Why the frame could not be decoded, if it could not.
    var decodeFailure: String?
    /// Problems of the frame itself (size mismatch, no final newline) that do not lose records.
    var frameProblems: [String] = []
    /// 32 bytes per record: the RFC 6962 leaf hashes.
    var leafHashes: [UInt8] = []
    /// Per record: the envelope values the chain checks need.
    var facts: [RecordFacts] = []
    /// Stream names, back to back; `RecordFacts.stream` indexes into it.
    var streamBytes: [UInt8] = []
    /// Per-record problems found without context (JSON, canonical form, fields, schema).
    var problems: [RecordProblem] = []
    /// References for the streaming semantic pass, in record order.
    var semanticRefs: [SemanticRef] = []
    /// The records as projections see them (only for the projections' fold).
    var events: [ProjectedEvent?] = []
}

/// A problem of one record that needs no context to find.
struct RecordProblem: Sendable {
    /// Index of the record within its frame.
    var index: Int
    var kind: AuditFinding.Kind
    var message: String
}

/// The envelope values of one record that the sequential checks need.
struct RecordFacts: Sendable {
    /// The `seq` field (0 when missing or malformed: a problem says so).
    var seq: UInt64 = 0
    /// The `version` field (0 when missing or malformed).
    var version: UInt64 = 0
    /// Range of the stream name in `FrameOutcome.streamBytes` (empty when missing).
    var stream: Range<Int> = 0..<0
    /// FNV-1a hash of the stream name.
    var streamHash: UInt64 = 0
    /// `recorded_at` in microseconds (nil when missing or malformed).
    var recordedAt: Int64?
    /// The event id as two halves (nil when missing or not a UUID).
    var idHigh: UInt64 = 0
    var idLow: UInt64 = 0
    var hasID = false
}
