import LedgerIntegrity
import Testing

@Suite struct MerkleTreeTests {
    @Test func leafHashesMatchTheVectors() {
        #expect(RFC6962Vectors.leafInputs.map { RFC6962.leafHash($0) } == RFC6962Vectors.leafHashes)
    }

    @Test(arguments: 0...8)
    func rootsMatchTheVectors(size: Int) throws {
        let tree = try RFC6962Vectors.tree()
        #expect(try tree.root(size: UInt64(size)) == RFC6962Vectors.roots[size])
    }

    @Test func emptyTree() throws {
        let tree = MerkleTree()
        #expect(tree.size == 0)
        #expect(tree.root == RFC6962.emptyRoot)
        #expect(tree.root.hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(throws: IntegrityError.self) { try tree.inclusionProof(leafIndex: 0, treeSize: 0) }
        #expect(try tree.consistencyProof(from: 0, to: 0).path.isEmpty)
    }

    @Test(arguments: RFC6962Vectors.inclusionProofs)
    func inclusionProofsMatchTheVectors(_ vector: RFC6962Vectors.Inclusion) throws {
        let proof = try RFC6962Vectors.tree().inclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize)
        #expect(proof == InclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize, path: vector.path))
    }

    @Test(arguments: RFC6962Vectors.consistencyProofs)
    func consistencyProofsMatchTheVectors(_ vector: RFC6962Vectors.Consistency) throws {
        let proof = try RFC6962Vectors.tree().consistencyProof(from: vector.fromSize, to: vector.toSize)
        #expect(proof == ConsistencyProof(fromSize: vector.fromSize, toSize: vector.toSize, path: vector.path))
    }

    @Test func leafHashLookup() throws {
        let tree = try RFC6962Vectors.tree()
        for (index, hash) in RFC6962Vectors.leafHashes.enumerated() {
            #expect(try tree.leafHash(at: UInt64(index)) == hash)
        }
        #expect(throws: IntegrityError.self) { try tree.leafHash(at: 8) }
    }

    @Test func appendingGivesTheSameTreeAsBuildingAtOnce() throws {
        var tree = MerkleTree()
        for (size, hash) in RFC6962Vectors.leafHashes.enumerated() {
            #expect(tree.root == RFC6962Vectors.roots[size])
            try tree.append(leafHash: hash)
        }
        #expect(tree.root == RFC6962Vectors.roots[8])
        #expect(tree.size == 8)
    }

    @Test func rejectsHashesThatAreNot32Bytes() {
        #expect(
            throws: IntegrityError(.malformedProof, "leaf hash 1 has 31 bytes; RFC 6962 leaf hashes are 32-byte SHA-256 digests")
        ) {
            try MerkleTree(leafHashes: [RFC6962Vectors.leafHashes[0], Array(RFC6962Vectors.leafHashes[1].dropLast())])
        }
        var tree = MerkleTree()
        #expect(throws: IntegrityError.self) { try tree.append(leafHash: []) }
        #expect(tree.size == 0)
    }

    @Test func outOfRangeRequestsAreErrorsNotCrashes() throws {
        let tree = try RFC6962Vectors.tree()
        let cases: [() throws -> Void] = [
            { _ = try tree.root(size: 9) },
            { _ = try tree.inclusionProof(leafIndex: 8, treeSize: 8) },
            { _ = try tree.inclusionProof(leafIndex: 0, treeSize: 9) },
            { _ = try tree.inclusionProof(leafIndex: 3, treeSize: 3) },
            { _ = try tree.inclusionProof(leafIndex: .max, treeSize: .max) },
            { _ = try tree.consistencyProof(from: 5, to: 4) },
            { _ = try tree.consistencyProof(from: 1, to: 9) },
        ]
        for run in cases {
            let error = #expect(throws: IntegrityError.self) { try run() }
            #expect(error?.code == .outOfRange)
        }
    }

    /// Proofs agree with the literal RFC 6962 recursion for every index and size pair.
    @Test(arguments: 1...33)
    func proofsMatchTheRFCDefinitions(size: Int) throws {
        let leaves = syntheticLeafHashes(size)
        let tree = try MerkleTree(leafHashes: leaves)
        #expect(tree.root == ReferenceMerkle.mth(leaves[...]))
        for m in 0..<size {
            let proof = try tree.inclusionProof(leafIndex: UInt64(m), treeSize: UInt64(size))
            #expect(proof.path == ReferenceMerkle.path(m, leaves[...]), "PATH(\(m), D[\(size)])")
        }
        for m in 0...size {
            let proof = try tree.consistencyProof(from: UInt64(m), to: UInt64(size))
            #expect(proof.path == ReferenceMerkle.proof(m, leaves[...]), "PROOF(\(m), D[\(size)])")
        }
    }

    /// Roots of every prefix agree with the reference, also for prefixes of a larger tree.
    @Test func prefixRootsOfALargerTree() throws {
        let leaves = syntheticLeafHashes(300)
        let tree = try MerkleTree(leafHashes: leaves)
        for size in [0, 1, 2, 3, 127, 128, 129, 255, 256, 257, 299, 300] {
            #expect(try tree.root(size: UInt64(size)) == ReferenceMerkle.mth(leaves.prefix(size)), "size \(size)")
        }
    }

    /// A ledger-sized tree: building is linear and proofs at the far end still verify.
    @Test func largeTree() throws {
        let count = 1 << 17 + 12_345
        let leaves = syntheticLeafHashes(count, salt: "big")
        let tree = try MerkleTree(leafHashes: leaves)
        var frontier = MerkleFrontier()
        for leaf in leaves { frontier.append(leafHash: leaf) }
        #expect(tree.root == frontier.root)
        let size = UInt64(count)
        for index in [0, 1, count / 2, count - 2, count - 1] {
            let proof = try tree.inclusionProof(leafIndex: UInt64(index), treeSize: size)
            try proof.verify(leafHash: leaves[index], root: tree.root)
        }
        let old = size - 1_000
        try tree.consistencyProof(from: old, to: size).verify(fromRoot: tree.root(size: old), toRoot: tree.root)
    }
}
