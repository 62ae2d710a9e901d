import LedgerIntegrity
import Testing

@Suite struct ProofDocumentTests {
    static let inclusion = ProofDocument.inclusion(
        InclusionProof(leafIndex: 2, treeSize: 3, path: [RFC6962Vectors.roots[2]]),
        leafHash: RFC6962Vectors.leafHashes[2], root: RFC6962Vectors.roots[3])

    static let consistency = ProofDocument.consistency(
        ConsistencyProof(fromSize: 2, toSize: 5, path: RFC6962Vectors.consistencyProofs[3].path),
        fromRoot: RFC6962Vectors.roots[2], toRoot: RFC6962Vectors.roots[5])

    @Test func inclusionJSONIsCanonical() {
        #expect(
            Self.inclusion.json == """
                {"leaf_hash":"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7","leaf_index":2,\
                "path":["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],\
                "root":"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77","tree_size":3}
                """)
    }

    @Test func consistencyJSONIsCanonical() {
        #expect(
            Self.consistency.json == """
                {"from_root":"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125","from_size":2,\
                "path":["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",\
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],\
                "to_root":"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4","to_size":5}
                """)
    }

    @Test(arguments: [inclusion, consistency])
    func roundTripsAndVerifies(_ document: ProofDocument) throws {
        #expect(try ProofDocument(json: document.json) == document)
        try document.verify()
    }

    @Test func emptyPathRoundTrips() throws {
        let document = ProofDocument.inclusion(
            InclusionProof(leafIndex: 0, treeSize: 1, path: []),
            leafHash: RFC6962Vectors.leafHashes[0], root: RFC6962Vectors.roots[1])
        #expect(document.json.contains("\"path\":[]"))
        #expect(try ProofDocument(json: document.json) == document)
        try document.verify()
    }

    @Test func acceptsAnyLayoutKeyOrderCaseAndExtraKeys() throws {
        let json = """
            {
              "tree_size": 3, "leaf_index": 2, "seq": 3,
              "root": "AEB6BCFE274B70A14FB067A5E5578264DB0FA9B51AF5E0BA159158F329E06E77",
              "path": [ "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" ],
              "leaf_hash": "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"
            }
            """
        #expect(try ProofDocument(json: json) == Self.inclusion)
        #expect(try ProofDocument(json: Array(json.utf8)) == Self.inclusion)
    }

    @Test func tamperedDocumentsFailVerification() throws {
        // Another leaf claimed: the proof has the wrong shape for it.
        let otherLeaf = Self.inclusion.json.replacingFirst("\"leaf_index\":2", with: "\"leaf_index\":1")
        // Another leaf hash: the proof leads elsewhere.
        let otherHash = Self.inclusion.json.replacingFirst("\"leaf_hash\":\"02", with: "\"leaf_hash\":\"03")
        // A bigger tree claimed than the proof can reach.
        let grown = Self.consistency.json.replacingFirst("\"to_size\":5", with: "\"to_size\":9")
        // A different new root.
        let otherRoot = Self.consistency.json.replacingFirst("\"to_root\":\"4e", with: "\"to_root\":\"4f")
        for json in [otherLeaf, otherHash, grown, otherRoot] {
            #expect(json != Self.inclusion.json && json != Self.consistency.json)
            let error = #expect(throws: IntegrityError.self) { try ProofDocument(json: json).verify() }
            #expect(error?.code == .verificationFailed, "\(json)")
            #expect(error?.isIntegrityFailure == true)
        }
    }

    @Test(arguments: [
        ("{}", "proof document has neither leaf_index (inclusion proof) nor from_size (consistency proof)"),
        ("[]", "proof document: expected a JSON object"),
        (
            "{\"leaf_index\":0,\"from_size\":0}",
            "proof document has both leaf_index and from_size; an inclusion proof has leaf_index, a consistency proof has from_size"
        ),
        (
            "{\"leaf_index\":0,\"path\":[],\"leaf_hash\":\"\(String(repeating: "0", count: 64))\",\"root\":\"\(String(repeating: "0", count: 64))\"}",
            "proof document: field tree_size is missing"
        ),
        (
            "{\"leaf_index\":0,\"tree_size\":1,\"path\":[],\"root\":\"\(String(repeating: "0", count: 64))\"}",
            "proof document: field leaf_hash is missing"
        ),
        (
            "{\"leaf_index\":0,\"tree_size\":1,\"path\":[\"abc\"],\"leaf_hash\":\"\(String(repeating: "0", count: 64))\",\"root\":\"\(String(repeating: "0", count: 64))\"}",
            "proof document: field path[0]: \"abc\" is not a SHA-256 hash (64 hex digits)"
        ),
        (
            "{\"from_size\":1,\"to_size\":2,\"path\":[],\"from_root\":\"\(String(repeating: "g", count: 64))\",\"to_root\":\"\(String(repeating: "0", count: 64))\"}",
            "proof document: field from_root: \"\(String(repeating: "g", count: 64))\" is not a SHA-256 hash (64 hex digits)"
        ),
    ])
    func malformedDocumentsAreRejectedWithTheirField(json: String, message: String) {
        #expect(throws: IntegrityError(.malformedProofDocument, message)) { try ProofDocument(json: json) }
    }

    @Test(arguments: [
        "",
        "{\"leaf_index\":",
        "{\"leaf_index\":\"2\",\"tree_size\":3}",
        "{\"leaf_index\":-1,\"tree_size\":3}",
        "{\"leaf_index\":1.5,\"tree_size\":3}",
        "{\"leaf_index\":null,\"tree_size\":3,\"from_size\":null}",
        "{\"leaf_index\":true,\"tree_size\":3}",
        "{\"leaf_index\":0,\"tree_size\":3,\"path\":\"abc\"}",
        "{\"leaf_index\":0,\"tree_size\":3,\"path\":[1]}",
    ])
    func badJSONIsAMalformedDocument(json: String) {
        let error = #expect(throws: IntegrityError.self) { try ProofDocument(json: json) }
        #expect(error?.code == .malformedProofDocument)
        #expect(error?.message.hasPrefix("proof document") == true)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}
