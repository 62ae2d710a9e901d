import LedgerIntegrity
import LedgerStore

/// The RFC 6962 tree of a ledger's committed records, recomputed from the segment files and
/// cross-checked against every commit marker on the way.
public struct CommittedTree: Sendable {
    /// The ledger's manifest (its origin names checkpoints).
    public let manifest: LedgerManifest
    /// Number of committed records.
    public let size: UInt64
    /// The RFC 6962 root of all committed records.
    public let root: Hash32
    /// The whole tree, when it was asked for (proofs need it; checkpoints do not).
    public let tree: MerkleTree?

    /// Reads every committed record of a ledger.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - keepingTree: Keep every leaf (64 bytes per record) to answer proofs.
    /// - Throws: `LedgerError(.notFound)` without a ledger; `LedgerError(.integrity)` when a
    ///   commit does not continue the previous one or its marker's root differs from the
    ///   recomputed root (run `parley audit` for the whole picture).
    public init(ledgerAt path: String, keepingTree: Bool) throws {
        let reader = try LedgerReader(path: path)
        manifest = reader.manifest
        var frontier = MerkleFrontier()
        var tree = keepingTree ? MerkleTree() : nil
        let decoder = try CommitDecoder()
        for name in reader.segmentNames() {
            let bytes = try FileSystem.readFile(reader.layout.segmentPath(name))
            try bytes.withUnsafeBytes { raw in
                for commit in SegmentScan(raw).commits {
                    guard commit.marker.firstSeq == frontier.size + 1 else {
                        throw LedgerError(
                            .integrity,
                            "\(name)@\(commit.markerRange.lowerBound): commit \(commit.marker.firstSeq)…\(commit.marker.lastSeq) does not continue seq \(frontier.size); run `parley audit`"
                        )
                    }
                    try decoder.decode(commit, in: raw, segment: name)
                    try decoder.content.withUnsafeBytes { content in
                        for line in decoder.lines {
                            let leaf = RFC6962.leafHash(UnsafeRawBufferPointer(rebasing: content[line]))
                            frontier.append(leafHash: leaf)
                            try tree?.append(leafHash: leaf)
                        }
                    }
                    guard frontier.root == commit.marker.root else {
                        throw LedgerError(
                            .integrity,
                            "\(name)@\(commit.markerRange.lowerBound): the commit marker's root for seq 1…\(commit.marker.lastSeq) is not the root of the records; run `parley audit`"
                        )
                    }
                }
            }
        }
        size = frontier.size
        root = frontier.root
        self.tree = tree
    }
}
