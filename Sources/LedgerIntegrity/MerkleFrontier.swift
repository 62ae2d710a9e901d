/// The right edge of an RFC 6962 Merkle tree: enough to append leaves and compute
/// the root without rehashing history.
///
/// The frontier holds one perfect-subtree hash per set bit of the tree size, largest first,
/// so appending costs O(log n) hashes and memory stays O(log n).
public struct MerkleFrontier: Sendable, Equatable {
    /// Number of leaves appended so far.
    public private(set) var size: UInt64
    /// Perfect-subtree roots, largest (leftmost) first; one per set bit of `size`.
    public private(set) var nodes: [Hash32]

    /// Creates an empty frontier.
    public init() {
        size = 0
        nodes = []
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
        self.nodes = nodes
    }

    /// Appends one leaf hash.
    ///
    /// - Parameter leafHash: The RFC 6962 leaf hash of the new record.
    public mutating func append(leafHash: Hash32) {
        var hash = leafHash
        var carry = size
        while carry & 1 == 1 {
            hash = RFC6962.nodeHash(nodes.removeLast(), hash)
            carry >>= 1
        }
        nodes.append(hash)
        size += 1
    }

    /// The RFC 6962 root of all leaves appended so far.
    public var root: Hash32 {
        guard var hash = nodes.last else { return RFC6962.emptyRoot }
        for node in nodes.dropLast().reversed() {
            hash = RFC6962.nodeHash(node, hash)
        }
        return hash
    }
}
