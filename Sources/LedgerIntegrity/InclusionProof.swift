/// An RFC 6962 inclusion proof (audit path): evidence that one leaf is in a tree of a given size.
public struct InclusionProof: Sendable, Hashable {
    /// Zero-based index of the leaf (the record with seq s has index s − 1).
    public var leafIndex: UInt64
    /// Size of the tree the proof leads to the root of.
    public var treeSize: UInt64
    /// Sibling hashes from the leaf up to the root.
    public var path: [Hash32]

    /// Creates a proof from its parts.
    ///
    /// - Parameters:
    ///   - leafIndex: Zero-based index of the leaf.
    ///   - treeSize: Size of the tree.
    ///   - path: Sibling hashes, bottom up.
    public init(leafIndex: UInt64, treeSize: UInt64, path: [Hash32]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.path = path
    }

    /// The root this proof leads to from a leaf hash (RFC 9162 §2.1.3.2, steps 1–5).
    ///
    /// - Parameter leafHash: The RFC 6962 hash of the leaf.
    /// - Returns: The computed root of a tree of `treeSize` leaves.
    /// - Throws: `IntegrityError` `.outOfRange` when the index is not below the tree size,
    ///   `.malformedProof` when a hash is not 32 bytes, `.verificationFailed` when the path
    ///   length does not fit the index and size.
    public func rootHash(leafHash: Hash32) throws(IntegrityError) -> Hash32 {
        guard leafIndex < treeSize else {
            throw IntegrityError(.outOfRange, "inclusion proof: leaf index \(leafIndex) is not inside a tree of size \(treeSize)")
        }
        guard RFC6962.isHash(leafHash) else {
            throw IntegrityError(.malformedProof, "inclusion proof: leaf hash has \(leafHash.count) bytes, expected 32")
        }
        if let bad = path.firstIndex(where: { !RFC6962.isHash($0) }) {
            throw IntegrityError(.malformedProof, "inclusion proof: path[\(bad)] has \(path[bad].count) bytes, expected 32")
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for p in path {
            guard sn != 0 else {
                throw IntegrityError(
                    .verificationFailed,
                    "inclusion proof for leaf \(leafIndex) in a tree of size \(treeSize) has too many path entries (\(path.count))"
                )
            }
            if fn & 1 == 1 || fn == sn {
                r = RFC6962.nodeHash(p, r)
                // Right edge of an unbalanced subtree: climb past levels where we have no sibling.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = RFC6962.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw IntegrityError(
                .verificationFailed,
                "inclusion proof for leaf \(leafIndex) in a tree of size \(treeSize) has too few path entries (\(path.count))")
        }
        return r
    }

    /// Verifies that the leaf is in the tree with the given root (RFC 9162 §2.1.3.2).
    ///
    /// - Parameters:
    ///   - leafHash: The RFC 6962 hash of the leaf.
    ///   - root: The trusted root of a tree of `treeSize` leaves.
    /// - Throws: `IntegrityError` `.verificationFailed` when the proof leads to another root;
    ///   `.outOfRange` or `.malformedProof` when the proof cannot be evaluated.
    public func verify(leafHash: Hash32, root: Hash32) throws(IntegrityError) {
        let computed = try rootHash(leafHash: leafHash)
        guard computed == root else {
            throw IntegrityError(
                .verificationFailed,
                "inclusion proof for leaf \(leafIndex) does not lead to the expected root of the tree of size \(treeSize): computed \(computed.hexString), expected \(root.hexString)"
            )
        }
    }

    /// Whether the proof verifies; see `verify(leafHash:root:)`.
    ///
    /// - Parameters:
    ///   - leafHash: The RFC 6962 hash of the leaf.
    ///   - root: The trusted root of a tree of `treeSize` leaves.
    /// - Returns: true when the leaf is proven to be in the tree.
    public func isValid(leafHash: Hash32, root: Hash32) -> Bool {
        (try? verify(leafHash: leafHash, root: root)) != nil
    }
}
