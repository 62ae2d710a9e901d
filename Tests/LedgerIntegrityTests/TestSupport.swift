import LedgerIntegrity

/// Hex to bytes for test constants (a typo in a constant is a test bug, so it traps).
func hx(_ hex: String) -> [UInt8] {
    guard let bytes = [UInt8](hexString: hex) else { preconditionFailure("bad hex constant \(hex)") }
    return bytes
}

/// The RFC 6962 test tree of transparency-dev/merkle.
///
/// Source: github.com/transparency-dev/merkle `testonly/constants.go` (LeafInputs, NodeHashes,
/// RootHashes), the same data as `proof/verify_test.go` and `testonly/reference_test.go`.
enum RFC6962Vectors {
    /// `LeafInputs()`: the 8 leaf inputs.
    static let leafInputs: [[UInt8]] = [
        hx(""), hx("00"), hx("10"), hx("2021"), hx("3031"), hx("40414243"),
        hx("5051525354555657"), hx("606162636465666768696a6b6c6d6e6f"),
    ]

    /// `NodeHashes()[0]`: the leaf hashes of `leafInputs`.
    static let leafHashes: [[UInt8]] = [
        hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        hx("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        hx("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        hx("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        hx("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        hx("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ]

    /// `RootHashes()`: roots for tree sizes 0 through 8.
    static let roots: [[UInt8]] = [
        hx("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        hx("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
        hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        hx("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
        hx("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
        hx("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
        hx("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    ]

    /// A tree holding the 8 test leaves.
    static func tree() throws -> MerkleTree {
        try MerkleTree(leafHashes: leafInputs.map { RFC6962.leafHash($0) })
    }

    /// One expected inclusion proof (zero-based leaf index).
    struct Inclusion: Sendable, CustomStringConvertible {
        let leafIndex: UInt64
        let treeSize: UInt64
        let path: [[UInt8]]
        var description: String { "leaf \(leafIndex) of \(treeSize)" }
    }

    /// `proof/verify_test.go` inclusionProofs (its 1-based leaf numbers made zero-based) and
    /// `testonly/reference_test.go` TestRefInclusionProof.
    static let inclusionProofs: [Inclusion] = [
        Inclusion(leafIndex: 0, treeSize: 1, path: []),
        Inclusion(
            leafIndex: 0, treeSize: 8,
            path: [
                hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                hx("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ]),
        Inclusion(
            leafIndex: 5, treeSize: 8,
            path: [
                hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
                hx("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ]),
        Inclusion(
            leafIndex: 2, treeSize: 3,
            path: [
                hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")
            ]),
        Inclusion(
            leafIndex: 1, treeSize: 5,
            path: [
                hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ]),
        Inclusion(
            leafIndex: 0, treeSize: 2,
            path: [
                hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")
            ]),
        Inclusion(
            leafIndex: 1, treeSize: 2,
            path: [
                hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
            ]),
    ]

    /// One expected consistency proof.
    struct Consistency: Sendable, CustomStringConvertible {
        let fromSize: UInt64
        let toSize: UInt64
        let path: [[UInt8]]
        var description: String { "\(fromSize) → \(toSize)" }
    }

    /// `proof/verify_test.go` consistencyProofs (also `testonly/reference_test.go`).
    static let consistencyProofs: [Consistency] = [
        Consistency(fromSize: 1, toSize: 1, path: []),
        Consistency(
            fromSize: 1, toSize: 8,
            path: [
                hx("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                hx("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ]),
        Consistency(
            fromSize: 6, toSize: 8,
            path: [
                hx("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                hx("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ]),
        Consistency(
            fromSize: 2, toSize: 5,
            path: [
                hx("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                hx("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ]),
        Consistency(
            fromSize: 6, toSize: 7,
            path: [
                hx("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                hx("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
                hx("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ]),
    ]

    /// `sha256SomeHash` of `proof/verify_test.go`: a 32-byte value that is no node of the tree.
    static let someHash = hx("abacaba000000000000000000000000000000000000000000060061e00123456")
}

/// RFC 6962 §2.1 written as literally as possible (recursive MTH, PATH, PROOF/SUBPROOF over
/// arrays of leaf hashes), to cross-check the cached implementation on small trees.
enum ReferenceMerkle {
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    static func mth(_ d: ArraySlice<[UInt8]>) -> [UInt8] {
        switch d.count {
        case 0: return RFC6962.emptyRoot
        case 1: return d[d.startIndex]
        default:
            let k = split(d.count)
            return RFC6962.nodeHash(mth(d.prefix(k)), mth(d.dropFirst(k)))
        }
    }

    static func path(_ m: Int, _ d: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard d.count > 1 else { return [] }
        let k = split(d.count)
        if m < k { return path(m, d.prefix(k)) + [mth(d.dropFirst(k))] }
        return path(m - k, d.dropFirst(k)) + [mth(d.prefix(k))]
    }

    static func proof(_ m: Int, _ d: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard m > 0, m < d.count else { return [] }
        return subproof(m, d, true)
    }

    static func subproof(_ m: Int, _ d: ArraySlice<[UInt8]>, _ b: Bool) -> [[UInt8]] {
        if m == d.count { return b ? [] : [mth(d)] }
        let k = split(d.count)
        if m <= k { return subproof(m, d.prefix(k), b) + [mth(d.dropFirst(k))] }
        return subproof(m - k, d.dropFirst(k), false) + [mth(d.prefix(k))]
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Tree sizes for property tests: every size to 40, plus random sizes up to 400.
let propertySizes: [UInt64] = {
    var generator = SeededGenerator(seed: 6962)
    let random = (0..<16).map { _ in UInt64.random(in: 41...400, using: &generator) }
    return Array(1...40) + random.sorted()
}()

/// Distinct leaf hashes for synthetic trees.
func syntheticLeafHashes(_ count: Int, salt: String = "") -> [[UInt8]] {
    (0..<count).map { RFC6962.leafHash(Array("record \(salt)\($0)".utf8)) }
}

/// A copy of `hashes` with one bit flipped in element `index`.
func flippingBit(in hashes: [[UInt8]], at index: Int, mask: UInt8 = 0x08) -> [[UInt8]] {
    var copy = hashes
    copy[index][0] ^= mask
    return copy
}
