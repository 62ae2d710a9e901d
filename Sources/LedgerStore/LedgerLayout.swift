/// Where each part of a ledger lives inside its directory (see docs/FORMAT.md).
public struct LedgerLayout: Sendable {
    /// The ledger directory.
    public let root: String

    /// Creates the layout of the ledger at `root`.
    ///
    /// - Parameter root: The ledger directory.
    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    public var manifest: String { root + "/ledger.json" }
    public var segments: String { root + "/segments" }
    public var checkpoints: String { root + "/checkpoints" }
    public var index: String { root + "/index" }
    public var snapshots: String { root + "/snapshots" }
    public var quarantine: String { root + "/quarantine" }
    public var lock: String { root + "/LOCK" }
    public var indexState: String { index + "/state.txt" }
    public var indexIDs: String { index + "/ids.bin" }

    /// The file name of the segment whose first record is `firstSeq`.
    ///
    /// - Parameter firstSeq: The seq of the segment's first record.
    /// - Returns: `<20-digit seq>.ndjson.lz4`.
    public static func segmentName(firstSeq: UInt64) -> String {
        let digits = String(firstSeq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".ndjson.lz4"
    }

    /// The first seq encoded in a segment file name; nil when the name is not a segment's.
    ///
    /// - Parameter name: A file name.
    public static func firstSeq(ofSegment name: String) -> UInt64? {
        guard name.hasSuffix(".ndjson.lz4") else { return nil }
        let digits = name.dropLast(".ndjson.lz4".count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// The path of a segment file.
    ///
    /// - Parameter name: The segment's file name.
    public func segmentPath(_ name: String) -> String { segments + "/" + name }
}
