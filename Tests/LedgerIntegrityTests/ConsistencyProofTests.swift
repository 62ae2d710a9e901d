import LedgerIntegrity
import Testing

@Suite struct ConsistencyProofTests {
    typealias Vector = RFC6962Vectors.Consistency

    private func fixture(_ vector: Vector) -> (proof: ConsistencyProof, from: [UInt8], to: [UInt8]) {
        (
            ConsistencyProof(fromSize: vector.fromSize, toSize: vector.toSize, path: vector.path),
            RFC6962Vectors.roots[Int(vector.fromSize)],
            RFC6962Vectors.roots[Int(vector.toSize)]
        )
    }

    @Test(arguments: RFC6962Vectors.consistencyProofs)
    func knownProofsVerify(_ vector: Vector) throws {
        let (proof, from, to) = fixture(vector)
        try proof.verify(fromRoot: from, toRoot: to)
        #expect(proof.isValid(fromRoot: from, toRoot: to))
    }

    /// The corruptions of transparency-dev/merkle `proof/verify_test.go` corruptConsistencyProof
    /// (applied, as there, to proofs that are not empty).
    @Test(arguments: RFC6962Vectors.consistencyProofs.filter { !$0.path.isEmpty })
    func corruptedProofsFail(_ vector: Vector) {
        let (proof, root1, root2) = fixture(vector)
        let m = proof.fromSize, n = proof.toSize, path = proof.path
        let wrongRoot = Array("WrongRoot".utf8)
        func make(_ m: UInt64, _ n: UInt64, _ path: [[UInt8]]) -> ConsistencyProof {
            ConsistencyProof(fromSize: m, toSize: n, path: path)
        }
        var probes: [(String, ConsistencyProof, [UInt8], [UInt8])] = [
            ("size1 - 1", make(m - 1, n, path), root1, root2),
            ("size1 + 1", make(m + 1, n, path), root1, root2),
            ("size1 ^ 2", make(m ^ 2, n, path), root1, root2),
            ("size2 * 2", make(m, n * 2, path), root1, root2),
            ("size2 / 2", make(m, n / 2, path), root1, root2),
            ("wrong root1", proof, wrongRoot, root2),
            ("wrong root2", proof, root1, wrongRoot),
            ("swapped roots", proof, root2, root1),
            ("empty proof", make(m, n, []), root1, root2),
            ("trailing garbage", make(m, n, path + [[]]), root1, root2),
            ("trailing root1", make(m, n, path + [root1]), root1, root2),
            ("trailing root2", make(m, n, path + [root2]), root1, root2),
            ("preceding garbage", make(m, n, [[]] + path), root1, root2),
            ("preceding root1", make(m, n, [root1] + path), root1, root2),
            ("preceding root2", make(m, n, [root2] + path), root1, root2),
            ("preceding proof[0]", make(m, n, [path[0]] + path), root1, root2),
            ("truncated proof", make(m, n, Array(path.dropLast())), root1, root2),
        ]
        for index in path.indices {
            probes.append(
                ("modified proof[\(index)] bit 4", make(m, n, flippingBit(in: path, at: index, mask: 16)), root1, root2))
        }
        for (description, probe, from, to) in probes {
            #expect(!probe.isValid(fromRoot: from, toRoot: to), "\(vector): \(description) verified")
        }
    }

    /// transparency-dev/merkle `proof/verify_test.go` TestVerifyConsistency edge cases, with
    /// its 12-byte "don't care" roots replaced by distinct 32-byte values (we reject hashes of
    /// other lengths outright). One deliberate difference: from size 0 we also require the old
    /// root to be the empty-tree root, which the Go code does not check.
    @Test func edgeCases() {
        let root1 = RFC6962Vectors.someHash
        let root2 = RFC6962Vectors.roots[3]
        let empty = RFC6962.emptyRoot
        let cases: [(UInt64, UInt64, [UInt8], [UInt8], [[UInt8]], Bool)] = [
            (0, 0, root1, root2, [], false),
            (1, 1, root1, root2, [], false),
            // Sizes that are always consistent.
            (0, 0, empty, empty, [], true),
            (0, 1, empty, root2, [], true),
            (1, 1, root2, root2, [], true),
            // Time travel to the past.
            (1, 0, root1, root2, [], false),
            (2, 1, root1, root2, [], false),
            // Empty proof.
            (1, 2, root1, root2, [], false),
            // Roots don't match.
            (0, 0, empty, root2, [], false),
            (1, 1, empty, root2, [], false),
            // Roots match but the proof is not empty.
            (0, 0, empty, empty, [empty], false),
            (0, 1, empty, empty, [empty], false),
            (1, 1, empty, empty, [empty], false),
            // Ours: the tree of size 0 has exactly one root.
            (0, 1, root1, root2, [], false),
        ]
        for (m, n, from, to, path, valid) in cases {
            let proof = ConsistencyProof(fromSize: m, toSize: n, path: path)
            #expect(proof.isValid(fromRoot: from, toRoot: to) == valid, "\(m) → \(n), proof of \(path.count)")
        }
    }

    @Test func errorsSayWhatIsWrong() throws {
        let (proof, from, to) = fixture(RFC6962Vectors.consistencyProofs[2])
        let forged = #expect(throws: IntegrityError.self) { try proof.verify(fromRoot: from, toRoot: RFC6962Vectors.someHash) }
        #expect(forged?.code == .verificationFailed)
        #expect(forged?.message.contains("not an append-only extension") == true)
        #expect(
            throws: IntegrityError(.outOfRange, "consistency proof from size 8 to the smaller size 6: a ledger never shrinks")
        ) {
            try ConsistencyProof(fromSize: 8, toSize: 6, path: proof.path).verify(fromRoot: to, toRoot: from)
        }
        #expect(
            throws: IntegrityError(.verificationFailed, "consistency proof from size 6 to 8 is empty; it needs at least one node")
        ) {
            try ConsistencyProof(fromSize: 6, toSize: 8, path: []).verify(fromRoot: from, toRoot: to)
        }
        let short = #expect(throws: IntegrityError.self) {
            try ConsistencyProof(fromSize: 6, toSize: 8, path: [proof.path[0], [1, 2, 3]]).verify(fromRoot: from, toRoot: to)
        }
        #expect(short?.code == .malformedProof, "a 3-byte node is malformed, not merely wrong")
    }

    /// Property: every pair of sizes (m ≤ n) in trees of many sizes has a proof that verifies,
    /// and one flipped bit in any node breaks it.
    @Test(arguments: propertySizes)
    func everyProofVerifiesAndEveryFlippedNodeFails(size: UInt64) throws {
        let tree = try MerkleTree(leafHashes: syntheticLeafHashes(Int(size)))
        let forged = try MerkleTree(leafHashes: syntheticLeafHashes(Int(size), salt: "forged"))
        let newRoot = tree.root
        var generator = SeededGenerator(seed: ~size)
        for old in 0...size {
            let proof = try tree.consistencyProof(from: old, to: size)
            let oldRoot = try tree.root(size: old)
            try proof.verify(fromRoot: oldRoot, toRoot: newRoot)
            if !proof.path.isEmpty {
                let position = Int.random(in: proof.path.indices, using: &generator)
                var flipped = proof
                flipped.path = flippingBit(in: proof.path, at: position, mask: 1 << UInt8.random(in: 0...7, using: &generator))
                #expect(
                    !flipped.isValid(fromRoot: oldRoot, toRoot: newRoot), "\(old) → \(size): flipped path[\(position)] verified")
            }
            if old > 0 && old < size {
                // A different history of the same length is not consistent with this tree.
                #expect(
                    !proof.isValid(fromRoot: try forged.root(size: old), toRoot: newRoot),
                    "\(old) → \(size): a forged old root verified")
            }
        }
    }

    /// Proofs also hold between two sizes that are both smaller than the tree.
    @Test func proofsBetweenIntermediateSizes() throws {
        let tree = try MerkleTree(leafHashes: syntheticLeafHashes(130))
        for (m, n) in [(UInt64(1), UInt64(2)), (3, 7), (4, 64), (63, 65), (64, 128), (65, 129), (100, 130)] {
            try tree.consistencyProof(from: m, to: n).verify(fromRoot: tree.root(size: m), toRoot: tree.root(size: n))
        }
    }
}
