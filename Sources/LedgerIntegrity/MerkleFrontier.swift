/// The right edge of an RFC 6962 Merkle tree: enough to append leaves and compute
/// the root without rehashing history.
///
/// The frontier holds one perfect-subtree hash per set bit of the tree size, largest first,
/// so appending costs O(log n) hashes and memory stays O(log n).
public struct MerkleFrontier: Sendable, Equatable {
    /// Number of leaves appended so far.
    public private(set) var size: UInt64
    /// Perfect-subtree roots, largest (leftmost) first; one per set bit of `size`. Held inline
    /// (`Digest32`), so that an append allocates nothing.
    private var stack: [Digest32]

    /// Perfect-subtree roots, largest (leftmost) first; one per set bit of `size`.
    public var nodes: [Hash32] { stack.map(\.hash) }

    /// Creates an empty frontier.
    public init() {
        size = 0
        stack = []
        stack.reserveCapacity(64)
    }

    /// Restores a frontier saved earlier.
    ///
    /// - Parameters:
    ///   - size: The tree size.
    ///   - nodes: The perfect-subtree roots, largest first.
    /// - Returns: nil when `nodes` does not have one entry per set bit of `size`.
    public init?(size: UInt64, nodes: [Hash32]) {
        guard size.nonzeroBitCount == nodes.count, nodes.allSatisfy({ $0.count == 32 }) else { return nil }
        self.size = size
        stack = nodes.map { Digest32($0) }
        stack.reserveCapacity(64)
    }

    /// Appends one leaf hash.
    ///
    /// - Parameter leafHash: The RFC 6962 leaf hash of the new record.
    public mutating func append(leafHash: Hash32) {
        append(leaf: Digest32(leafHash))
    }

    /// Appends one leaf hash (32 bytes in a buffer).
    ///
    /// - Parameter leafHash: The RFC 6962 leaf hash of the new record.
    public mutating func append(leafHash: UnsafeRawBufferPointer) {
        append(leaf: Digest32(leafHash))
    }

    /// Appends one leaf hash held inline.
    ///
    /// - Parameter leaf: The RFC 6962 leaf hash of the new record.
    public mutating func append(leaf: Digest32) {
        var hash = leaf
        var carry = size
        while carry & 1 == 1 {
            hash = RFC6962.nodeDigest(stack.removeLast(), hash)
            carry >>= 1
        }
        stack.append(hash)
        size += 1
    }

    /// The RFC 6962 root of all leaves appended so far.
    public var root: Hash32 {
        guard var hash = stack.last else { return RFC6962.emptyRoot }
        for node in stack.dropLast().reversed() {
            hash = RFC6962.nodeDigest(node, hash)
        }
        return hash.hash
    }
}
