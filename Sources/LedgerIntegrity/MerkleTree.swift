import Crypto

/// An RFC 6962 Merkle tree over a ledger's leaf hashes, answering roots and proofs for
/// any tree size up to the number of leaves it holds.
///
/// Every perfect subtree hash is computed once (n − 1 node hashes in total) and kept in
/// flat per-level byte buffers, so memory is about 2 × 32 bytes per leaf and there is no
/// per-hash allocation. Because every subtree that RFC 6962 §2.1 recurses into is a run of
/// aligned perfect subtrees, `root(size:)` and each proof then cost O(log² n) hashes at most.
public struct MerkleTree: Sendable {
    /// `levels[k]` holds, back to back, the 32-byte roots of the complete aligned subtrees
    /// of 2^k leaves: entry i covers leaves [i·2^k, (i+1)·2^k). `levels[0]` is the leaves.
    private var levels: [[UInt8]]

    /// Number of leaves in the tree.
    public private(set) var size: UInt64

    /// Creates an empty tree.
    public init() {
        levels = [[]]
        size = 0
    }

    /// Builds the tree over the given leaf hashes, in leaf order.
    ///
    /// - Parameter leafHashes: RFC 6962 leaf hashes (`RFC6962.leafHash` of each record line).
    /// - Throws: `IntegrityError` `.malformedProof` when a hash is not 32 bytes long.
    public init(leafHashes: [Hash32]) throws(IntegrityError) {
        self.init()
        levels[0].reserveCapacity(leafHashes.count * 32)
        for (index, hash) in leafHashes.enumerated() {
            guard RFC6962.isHash(hash) else {
                throw IntegrityError(
                    .malformedProof,
                    "leaf hash \(index) has \(hash.count) bytes; RFC 6962 leaf hashes are 32-byte SHA-256 digests")
            }
            appendUnchecked(hash)
        }
    }

    /// Appends one leaf hash.
    ///
    /// - Parameter leafHash: The RFC 6962 leaf hash of the next record.
    /// - Throws: `IntegrityError` `.malformedProof` when the hash is not 32 bytes long.
    public mutating func append(leafHash: Hash32) throws(IntegrityError) {
        guard RFC6962.isHash(leafHash) else {
            throw IntegrityError(
                .malformedProof, "leaf hash has \(leafHash.count) bytes; RFC 6962 leaf hashes are 32-byte SHA-256 digests")
        }
        appendUnchecked(leafHash)
    }

    private mutating func appendUnchecked(_ leafHash: Hash32) {
        levels[0].append(contentsOf: leafHash)
        // Each trailing 1 bit of the new leaf's index closes a perfect subtree one level up.
        var index = size
        var level = 0
        while index & 1 == 1 {
            let start = Int(index - 1) * 32
            let digest = levels[level].withUnsafeBytes { bytes in
                Self.nodeDigest(
                    UnsafeRawBufferPointer(rebasing: bytes[start..<start + 32]),
                    UnsafeRawBufferPointer(rebasing: bytes[start + 32..<start + 64]))
            }
            if levels.count == level + 1 { levels.append([]) }
            digest.withUnsafeBytes { levels[level + 1].append(contentsOf: $0) }
            index >>= 1
            level += 1
        }
        size += 1
    }

    /// The leaf hash at a position.
    ///
    /// - Parameter index: A zero-based leaf index.
    /// - Returns: The 32-byte leaf hash.
    /// - Throws: `IntegrityError` `.outOfRange` when the index is not in the tree.
    public func leafHash(at index: UInt64) throws(IntegrityError) -> Hash32 {
        guard index < size else {
            throw IntegrityError(.outOfRange, "leaf index \(index) is outside the tree of \(size) leaves")
        }
        return perfectSubtree(level: 0, index: index)
    }

    /// The root of the whole tree (the empty-tree root when there are no leaves).
    public var root: Hash32 { subtreeHash(start: 0, count: size) }

    /// The root the tree had when it held its first `size` leaves: MTH(D[0:size]).
    ///
    /// - Parameter treeSize: A tree size from 0 to `size`.
    /// - Returns: The 32-byte RFC 6962 root.
    /// - Throws: `IntegrityError` `.outOfRange` when the tree is smaller than `treeSize`.
    public func root(size treeSize: UInt64) throws(IntegrityError) -> Hash32 {
        guard treeSize <= size else {
            throw IntegrityError(.outOfRange, "tree size \(treeSize) is larger than the tree (\(size) leaves)")
        }
        return subtreeHash(start: 0, count: treeSize)
    }

    /// The audit path of RFC 6962 §2.1.1 (PATH) for one leaf in the tree of a given size.
    ///
    /// - Parameters:
    ///   - leafIndex: Zero-based index of the leaf.
    ///   - treeSize: Size of the tree the proof is for, 1 to `size`.
    /// - Returns: The proof, siblings ordered from the leaf up to the root.
    /// - Throws: `IntegrityError` `.outOfRange` unless `leafIndex < treeSize <= size`.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws(IntegrityError) -> InclusionProof {
        guard treeSize <= size else {
            throw IntegrityError(.outOfRange, "tree size \(treeSize) is larger than the tree (\(size) leaves)")
        }
        guard leafIndex < treeSize else {
            throw IntegrityError(.outOfRange, "leaf index \(leafIndex) is outside a tree of size \(treeSize)")
        }
        // Walk PATH(m, D[n]) from the root down, collecting the sibling at each split;
        // the proof lists them from the bottom up.
        var siblings: [Hash32] = []
        var m = leafIndex
        var start: UInt64 = 0
        var n = treeSize
        while n > 1 {
            let k = RFC6962.splitPoint(n)
            if m < k {
                siblings.append(subtreeHash(start: start + k, count: n - k))
                n = k
            } else {
                siblings.append(subtreeHash(start: start, count: k))
                start += k
                m -= k
                n -= k
            }
        }
        return InclusionProof(leafIndex: leafIndex, treeSize: treeSize, path: siblings.reversed())
    }

    /// The consistency proof of RFC 6962 §2.1.2 (PROOF/SUBPROOF) between two tree sizes.
    ///
    /// A proof between equal sizes, or from the empty tree, is empty.
    ///
    /// - Parameters:
    ///   - fromSize: The older tree size.
    ///   - toSize: The newer tree size, at most `size`.
    /// - Returns: The proof, nodes ordered from the bottom up.
    /// - Throws: `IntegrityError` `.outOfRange` unless `fromSize <= toSize <= size`.
    public func consistencyProof(from fromSize: UInt64, to toSize: UInt64) throws(IntegrityError) -> ConsistencyProof {
        guard toSize <= size else {
            throw IntegrityError(.outOfRange, "tree size \(toSize) is larger than the tree (\(size) leaves)")
        }
        guard fromSize <= toSize else {
            throw IntegrityError(
                .outOfRange,
                "consistency proof from size \(fromSize) to the smaller size \(toSize): the old size must not exceed the new one")
        }
        guard fromSize > 0, fromSize < toSize else {
            return ConsistencyProof(fromSize: fromSize, toSize: toSize, path: [])
        }
        // SUBPROOF(m, D[start:start+n], b), unrolled from the top; nodes collected top-down.
        var nodes: [Hash32] = []
        var m = fromSize
        var start: UInt64 = 0
        var n = toSize
        var isOriginalTree = true
        while m != n {
            let k = RFC6962.splitPoint(n)
            if m <= k {
                nodes.append(subtreeHash(start: start + k, count: n - k))
                n = k
            } else {
                nodes.append(subtreeHash(start: start, count: k))
                start += k
                m -= k
                n -= k
                isOriginalTree = false
            }
        }
        if !isOriginalTree {
            nodes.append(subtreeHash(start: start, count: m))
        }
        return ConsistencyProof(fromSize: fromSize, toSize: toSize, path: nodes.reversed())
    }

    // MARK: - Subtree hashes

    /// MTH(D[start:start+count]) for a range RFC 6962 recursion can reach: `start` aligned so
    /// that the range splits into perfect subtrees of sizes = the set bits of `count`.
    private func subtreeHash(start: UInt64, count: UInt64) -> Hash32 {
        if count == 0 { return RFC6962.emptyRoot }
        // Perfect pieces left to right, largest first; then fold from the right.
        var pieces: [(level: Int, index: UInt64)] = []
        var offset = start
        var remaining = count
        while remaining > 0 {
            let level = UInt64.bitWidth - remaining.leadingZeroBitCount - 1
            pieces.append((level, offset >> UInt64(level)))
            offset += 1 << UInt64(level)
            remaining -= 1 << UInt64(level)
        }
        let last = pieces.removeLast()
        var hash = perfectSubtree(level: last.level, index: last.index)
        for piece in pieces.reversed() {
            hash = RFC6962.nodeHash(perfectSubtree(level: piece.level, index: piece.index), hash)
        }
        return hash
    }

    private func perfectSubtree(level: Int, index: UInt64) -> Hash32 {
        let start = Int(index) * 32
        return Array(levels[level][start..<start + 32])
    }

    private static func nodeDigest(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> SHA256.Digest {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: left)
        hasher.update(bufferPointer: right)
        return hasher.finalize()
    }
}
