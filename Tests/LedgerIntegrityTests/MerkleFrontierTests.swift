import LedgerIntegrity
import Testing

@Suite struct MerkleFrontierTests {
    @Test func rootsMatchTheVectors() {
        var frontier = MerkleFrontier()
        #expect(frontier.root == RFC6962Vectors.roots[0])
        for (index, leaf) in RFC6962Vectors.leafHashes.enumerated() {
            frontier.append(leafHash: leaf)
            #expect(frontier.root == RFC6962Vectors.roots[index + 1], "size \(index + 1)")
        }
    }

    /// Property: the incremental root equals the tree root at every size.
    @Test func frontierRootEqualsTreeRootForEverySize() throws {
        let leaves = syntheticLeafHashes(600)
        let tree = try MerkleTree(leafHashes: leaves)
        var frontier = MerkleFrontier()
        for size in 0...leaves.count {
            #expect(frontier.size == UInt64(size))
            #expect(frontier.nodes.count == size.nonzeroBitCount)
            #expect(frontier.root == (try tree.root(size: UInt64(size))), "size \(size)")
            if size < leaves.count { frontier.append(leafHash: leaves[size]) }
        }
    }

    @Test func restoresFromSavedNodes() throws {
        var frontier = MerkleFrontier()
        for leaf in syntheticLeafHashes(13) { frontier.append(leafHash: leaf) }
        let restored = try #require(MerkleFrontier(size: frontier.size, nodes: frontier.nodes))
        #expect(restored == frontier)
        #expect(MerkleFrontier(size: 13, nodes: Array(frontier.nodes.dropLast())) == nil)
        #expect(MerkleFrontier(size: 13, nodes: frontier.nodes.map { Array($0.dropLast()) }) == nil)
    }
}
