import LedgerIntegrity
import Testing

@Suite struct InclusionProofTests {
    typealias Vector = RFC6962Vectors.Inclusion

    private func fixture(_ vector: Vector) -> (proof: InclusionProof, leaf: [UInt8], root: [UInt8]) {
        (
            InclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize, path: vector.path),
            RFC6962Vectors.leafHashes[Int(vector.leafIndex)],
            RFC6962Vectors.roots[Int(vector.treeSize)]
        )
    }

    @Test(arguments: RFC6962Vectors.inclusionProofs)
    func knownProofsVerify(_ vector: Vector) throws {
        let (proof, leaf, root) = fixture(vector)
        #expect(try proof.rootHash(leafHash: leaf) == root)
        try proof.verify(leafHash: leaf, root: root)
        #expect(proof.isValid(leafHash: leaf, root: root))
    }

    /// The corruptions of transparency-dev/merkle `proof/verify_test.go` corruptInclusionProof.
    @Test(arguments: RFC6962Vectors.inclusionProofs)
    func corruptedProofsFail(_ vector: Vector) {
        let (proof, leaf, root) = fixture(vector)
        let i = proof.leafIndex, n = proof.treeSize, path = proof.path
        var probes: [(String, InclusionProof, [UInt8], [UInt8])] = [
            ("leafIndex - 1", InclusionProof(leafIndex: i &- 1, treeSize: n, path: path), leaf, root),
            ("leafIndex + 1", InclusionProof(leafIndex: i + 1, treeSize: n, path: path), leaf, root),
            ("leafIndex ^ 2", InclusionProof(leafIndex: i ^ 2, treeSize: n, path: path), leaf, root),
            ("treeSize * 2", InclusionProof(leafIndex: i, treeSize: n * 2, path: path), leaf, root),
            ("treeSize / 2", InclusionProof(leafIndex: i, treeSize: n / 2, path: path), leaf, root),
            ("wrong leaf", proof, Array("WrongLeaf".utf8), root),
            ("empty root", proof, leaf, RFC6962.emptyRoot),
            ("random root", proof, leaf, RFC6962Vectors.someHash),
            ("trailing garbage", InclusionProof(leafIndex: i, treeSize: n, path: path + [[]]), leaf, root),
            ("trailing root", InclusionProof(leafIndex: i, treeSize: n, path: path + [root]), leaf, root),
            ("preceding garbage", InclusionProof(leafIndex: i, treeSize: n, path: [[]] + path), leaf, root),
            ("preceding root", InclusionProof(leafIndex: i, treeSize: n, path: [root] + path), leaf, root),
        ]
        for index in path.indices {
            probes.append(
                (
                    "modified proof[\(index)] bit 3",
                    InclusionProof(leafIndex: i, treeSize: n, path: flippingBit(in: path, at: index)), leaf, root
                ))
        }
        if !path.isEmpty {
            probes.append(
                ("removed component", InclusionProof(leafIndex: i, treeSize: n, path: Array(path.dropLast())), leaf, root))
        }
        if path.count > 1 {
            let inserted = [path[0], RFC6962Vectors.someHash] + path.dropFirst()
            probes.append(("inserted component", InclusionProof(leafIndex: i, treeSize: n, path: inserted), leaf, root))
        }
        for (description, probe, probeLeaf, probeRoot) in probes {
            #expect(!probe.isValid(leafHash: probeLeaf, root: probeRoot), "\(vector): \(description) verified")
        }
    }

    /// transparency-dev/merkle `proof/verify_test.go` TestVerifyInclusion: empty proofs with
    /// impossible index/size pairs never verify.
    @Test(arguments: [(UInt64(0), UInt64(0)), (0, 1), (1, 0), (2, 1)])
    func emptyProofsWithWrongShapesFail(index: UInt64, size: UInt64) {
        let proof = InclusionProof(leafIndex: index, treeSize: size, path: [])
        #expect(!proof.isValid(leafHash: RFC6962Vectors.someHash, root: []))
        #expect(!proof.isValid(leafHash: [], root: RFC6962.emptyRoot))
        #expect(!proof.isValid(leafHash: RFC6962Vectors.someHash, root: RFC6962.emptyRoot))
    }

    /// transparency-dev/merkle `proof/verify_test.go` TestVerifyInclusionSingleEntry.
    @Test func singleEntryTree() {
        let hash = RFC6962.leafHash(Array("data".utf8))
        let proof = InclusionProof(leafIndex: 0, treeSize: 1, path: [])
        #expect(proof.isValid(leafHash: hash, root: hash))
        #expect(!proof.isValid(leafHash: [], root: hash))
        #expect(!proof.isValid(leafHash: hash, root: []))
        #expect(!proof.isValid(leafHash: [], root: []))
    }

    @Test func errorsSayWhatIsWrong() throws {
        let (proof, leaf, root) = fixture(RFC6962Vectors.inclusionProofs[1])
        let mismatch = #expect(throws: IntegrityError.self) { try proof.verify(leafHash: leaf, root: RFC6962Vectors.someHash) }
        #expect(mismatch?.code == .verificationFailed)
        #expect(mismatch?.isIntegrityFailure == true)
        #expect(mismatch?.message.contains("expected \(RFC6962Vectors.someHash.hexString)") == true)

        let short = InclusionProof(leafIndex: 0, treeSize: 8, path: Array(proof.path.dropLast()))
        #expect(
            throws: IntegrityError(
                .verificationFailed, "inclusion proof for leaf 0 in a tree of size 8 has too few path entries (2)")
        ) {
            try short.verify(leafHash: leaf, root: root)
        }
        let long = InclusionProof(leafIndex: 0, treeSize: 8, path: proof.path + [root])
        #expect(
            throws: IntegrityError(
                .verificationFailed, "inclusion proof for leaf 0 in a tree of size 8 has too many path entries (4)")
        ) {
            try long.verify(leafHash: leaf, root: root)
        }
        let outside = InclusionProof(leafIndex: 8, treeSize: 8, path: proof.path)
        let error = #expect(throws: IntegrityError.self) { try outside.verify(leafHash: leaf, root: root) }
        #expect(error?.code == .outOfRange)
        #expect(error?.isIntegrityFailure == false)
    }

    /// Property: in trees of many sizes, every leaf's proof verifies, and flipping one bit of
    /// any sibling, or claiming a neighbouring leaf, makes it fail.
    @Test(arguments: propertySizes)
    func everyProofVerifiesAndEveryFlippedSiblingFails(size: UInt64) throws {
        let leaves = syntheticLeafHashes(Int(size))
        let tree = try MerkleTree(leafHashes: leaves)
        let root = tree.root
        var generator = SeededGenerator(seed: size)
        for index in 0..<size {
            let proof = try tree.inclusionProof(leafIndex: index, treeSize: size)
            let leaf = leaves[Int(index)]
            try proof.verify(leafHash: leaf, root: root)
            if !proof.path.isEmpty {
                let position = Int.random(in: proof.path.indices, using: &generator)
                var flipped = proof
                flipped.path = flippingBit(in: proof.path, at: position, mask: 1 << UInt8.random(in: 0...7, using: &generator))
                #expect(
                    !flipped.isValid(leafHash: leaf, root: root), "size \(size) leaf \(index): flipped path[\(position)] verified"
                )
            }
            if size > 1 {
                let neighbour = index == 0 ? 1 : index - 1
                #expect(
                    !proof.isValid(leafHash: leaves[Int(neighbour)], root: root),
                    "size \(size): leaf \(neighbour) passed as \(index)")
            }
        }
    }
}
