import CanonicalJSON
import LZ4Codec
import LedgerIntegrity

/// The skippable frame that closes each commit: which records it holds and the tree root after it.
public struct CommitMarker: Sendable, Equatable {
    /// The skippable-frame magic of commit markers.
    public static let magic: UInt32 = 0x184D_2A5C

    /// Seq of the commit's first record.
    public var firstSeq: UInt64
    /// Seq of the commit's last record (= tree size after the commit).
    public var lastSeq: UInt64
    /// RFC 6962 root over records 1…lastSeq.
    public var root: Hash32
    /// When the commit was made (RFC 3339).
    public var committedAt: String

    /// Creates a marker.
    public init(firstSeq: UInt64, lastSeq: UInt64, root: Hash32, committedAt: String) {
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.root = root
        self.committedAt = committedAt
    }

    /// The tree size after the commit.
    public var treeSize: UInt64 { lastSeq }

    /// The canonical JSON payload.
    public var payload: [UInt8] {
        JSONValue.object([
            "committed_at": .string(committedAt), "first_seq": .integer(Int64(firstSeq)),
            "last_seq": .integer(Int64(lastSeq)), "root": .string(root.hexString), "tree_size": .integer(Int64(lastSeq)),
        ]).canonicalBytes
    }

    /// The whole skippable frame.
    public var frame: [UInt8] { FrameScanner.skippableFrame(magic: Self.magic, payload: payload) }

    /// Parses a marker payload; it must be the canonical JSON this code writes.
    ///
    /// Read with the canonical encoder (a writer opening a ledger reads the marker of every
    /// commit since its index was saved, and an audit reads all of them): the payload must be its
    /// own canonical form with exactly the five fields, in canonical order.
    ///
    /// - Parameter payload: The skippable frame's payload.
    /// - Returns: nil when the payload is not a well-formed marker.
    public init?(payload: some Collection<UInt8>) {
        let bytes = Array(payload)
        var encoder = CanonicalEncoder()
        do {
            try bytes.withUnsafeBytes { try encoder.encode($0) }
        } catch {
            return nil
        }
        guard encoder.output == bytes, encoder.topLevelKeys(are: Self.fieldNames) else { return nil }
        guard let committed = encoder.topLevelText(0), let first = encoder.topLevelInteger(1),
            let last = encoder.topLevelInteger(2), let rootHex = encoder.topLevelText(3),
            let size = encoder.topLevelInteger(4),
            first >= 1, last >= first, size == last, rootHex.utf8.count == 64,
            let root = [UInt8](hexString: rootHex), Array(rootHex.utf8) == Array(root.hexString.utf8)
        else { return nil }
        self.init(firstSeq: UInt64(first), lastSeq: UInt64(last), root: root, committedAt: committed)
    }

    /// Parses bytes that are exactly one commit-marker frame (header and payload, nothing after).
    ///
    /// - Parameter frame: The frame's bytes.
    /// - Returns: nil when they are not one well-formed marker frame.
    public init?(frame: UnsafeRawBufferPointer) {
        guard let scanned = try? FrameScanner.frame(in: frame, at: 0),
            case .skippable(let range, Self.magic, let payload) = scanned, range.upperBound == frame.count
        else { return nil }
        self.init(payload: UnsafeRawBufferPointer(rebasing: frame[payload]))
    }

    /// The payload's fields in canonical (sorted) order, as `init?(payload:)` reads them.
    private static let fieldNames: [StaticString] = ["committed_at", "first_seq", "last_seq", "root", "tree_size"]
}
