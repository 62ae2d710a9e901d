/// An RFC 6962 consistency proof: evidence that the tree of `toSize` leaves is an
/// append-only extension of the tree of `fromSize` leaves.
public struct ConsistencyProof: Sendable, Hashable {
    /// The older tree size.
    public var fromSize: UInt64
    /// The newer tree size.
    public var toSize: UInt64
    /// Subtree hashes, bottom up, as produced by RFC 6962 PROOF(m, D[n]).
    public var path: [Hash32]

    /// Creates a proof from its parts.
    ///
    /// - Parameters:
    ///   - fromSize: The older tree size.
    ///   - toSize: The newer tree size.
    ///   - path: The proof nodes.
    public init(fromSize: UInt64, toSize: UInt64, path: [Hash32]) {
        self.fromSize = fromSize
        self.toSize = toSize
        self.path = path
    }

    /// Verifies the proof against the two roots (RFC 9162 §2.1.4.2).
    ///
    /// Equal sizes need an empty proof and equal roots. A proof from the empty tree is
    /// empty and needs `fromRoot` to be the empty-tree root (every tree extends it).
    ///
    /// - Parameters:
    ///   - fromRoot: The trusted root of the tree of `fromSize` leaves.
    ///   - toRoot: The trusted root of the tree of `toSize` leaves.
    /// - Throws: `IntegrityError` `.verificationFailed` when the roots are not consistent
    ///   through this proof or the proof has the wrong length for the sizes; `.outOfRange`
    ///   when the sizes are in the wrong order; `.malformedProof` when a hash is not 32 bytes.
    public func verify(fromRoot: Hash32, toRoot: Hash32) throws(IntegrityError) {
        guard fromSize <= toSize else {
            throw IntegrityError(
                .outOfRange, "consistency proof from size \(fromSize) to the smaller size \(toSize): a ledger never shrinks")
        }
        guard RFC6962.isHash(fromRoot), RFC6962.isHash(toRoot) else {
            throw IntegrityError(
                .malformedProof, "consistency proof: roots must be 32 bytes (got \(fromRoot.count) and \(toRoot.count))")
        }
        if let bad = path.firstIndex(where: { !RFC6962.isHash($0) }) {
            throw IntegrityError(.malformedProof, "consistency proof: path[\(bad)] has \(path[bad].count) bytes, expected 32")
        }
        if fromSize == toSize || fromSize == 0 {
            guard path.isEmpty else {
                throw IntegrityError(
                    .verificationFailed,
                    "consistency proof from size \(fromSize) to \(toSize) must be empty, but has \(path.count) entries")
            }
            if fromSize == toSize {
                guard fromRoot == toRoot else {
                    throw IntegrityError(
                        .verificationFailed,
                        "trees of the same size \(fromSize) have different roots: \(fromRoot.hexString) and \(toRoot.hexString)")
                }
            }
            if fromSize == 0 {
                guard fromRoot == RFC6962.emptyRoot else {
                    throw IntegrityError(
                        .verificationFailed,
                        "consistency proof from the empty tree: the old root \(fromRoot.hexString) is not the empty-tree root")
                }
            }
            return
        }
        guard !path.isEmpty else {
            throw IntegrityError(
                .verificationFailed, "consistency proof from size \(fromSize) to \(toSize) is empty; it needs at least one node")
        }

        // 0 < fromSize < toSize from here on.
        var nodes = path[...]
        if fromSize & (fromSize - 1) == 0 {
            // The old tree is a perfect subtree of the new one: its root is the first node.
            nodes = ArraySlice([fromRoot] + path)
        }
        var fn = fromSize - 1
        var sn = toSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = nodes[nodes.startIndex]
        var sr = fr
        for c in nodes.dropFirst() {
            guard sn != 0 else {
                throw IntegrityError(
                    .verificationFailed,
                    "consistency proof from size \(fromSize) to \(toSize) has too many entries (\(path.count))")
            }
            if fn & 1 == 1 || fn == sn {
                fr = RFC6962.nodeHash(c, fr)
                sr = RFC6962.nodeHash(c, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = RFC6962.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw IntegrityError(
                .verificationFailed, "consistency proof from size \(fromSize) to \(toSize) has too few entries (\(path.count))")
        }
        guard fr == fromRoot else {
            throw IntegrityError(
                .verificationFailed,
                "consistency proof from size \(fromSize) to \(toSize) does not reproduce the old root: computed \(fr.hexString), expected \(fromRoot.hexString)"
            )
        }
        guard sr == toRoot else {
            throw IntegrityError(
                .verificationFailed,
                "consistency proof from size \(fromSize) to \(toSize) does not reproduce the new root: computed \(sr.hexString), expected \(toRoot.hexString); the newer tree is not an append-only extension of the older one"
            )
        }
    }

    /// Whether the proof verifies; see `verify(fromRoot:toRoot:)`.
    ///
    /// - Parameters:
    ///   - fromRoot: The trusted root of the older tree.
    ///   - toRoot: The trusted root of the newer tree.
    /// - Returns: true when the newer tree provably extends the older one.
    public func isValid(fromRoot: Hash32, toRoot: Hash32) -> Bool {
        (try? verify(fromRoot: fromRoot, toRoot: toRoot)) != nil
    }
}
