#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A proof as exchanged by `parley prove` and `parley verify-proof`: the proof plus the
/// hashes it connects, as one JSON object.
///
/// Inclusion: `{"leaf_hash":"<hex>","leaf_index":N,"path":["<hex>",…],"root":"<hex>","tree_size":N}`.
/// Consistency: `{"from_root":"<hex>","from_size":N,"path":["<hex>",…],"to_root":"<hex>","to_size":N}`.
/// Hashes are 64 lowercase hex digits; `leaf_index` is zero-based (seq − 1). `json` writes
/// keys sorted and no whitespace; parsing accepts any JSON layout and ignores unknown keys.
public enum ProofDocument: Sendable, Hashable {
    /// An inclusion proof with the leaf hash it starts from and the root it claims to reach.
    case inclusion(InclusionProof, leafHash: Hash32, root: Hash32)
    /// A consistency proof with the two roots it claims to connect.
    case consistency(ConsistencyProof, fromRoot: Hash32, toRoot: Hash32)

    /// Checks that the proof connects the hashes the document states.
    ///
    /// This proves nothing by itself: the caller must also check that the root(s) are the
    /// trusted ones (from a verified checkpoint or the ledger).
    ///
    /// - Throws: `IntegrityError` from `InclusionProof.verify(leafHash:root:)` or
    ///   `ConsistencyProof.verify(fromRoot:toRoot:)`.
    public func verify() throws(IntegrityError) {
        switch self {
        case let .inclusion(proof, leafHash, root):
            try proof.verify(leafHash: leafHash, root: root)
        case let .consistency(proof, fromRoot, toRoot):
            try proof.verify(fromRoot: fromRoot, toRoot: toRoot)
        }
    }

    /// The document as canonical JSON: keys sorted, no whitespace, no trailing newline.
    public var json: String {
        func hashList(_ path: [Hash32]) -> String {
            "[" + path.map { "\"\($0.hexString)\"" }.joined(separator: ",") + "]"
        }
        switch self {
        case let .inclusion(proof, leafHash, root):
            return "{\"leaf_hash\":\"\(leafHash.hexString)\",\"leaf_index\":\(proof.leafIndex),"
                + "\"path\":\(hashList(proof.path)),\"root\":\"\(root.hexString)\",\"tree_size\":\(proof.treeSize)}"
        case let .consistency(proof, fromRoot, toRoot):
            return "{\"from_root\":\"\(fromRoot.hexString)\",\"from_size\":\(proof.fromSize),"
                + "\"path\":\(hashList(proof.path)),\"to_root\":\"\(toRoot.hexString)\",\"to_size\":\(proof.toSize)}"
        }
    }

    /// Parses a proof document; the kind is told by its keys (`leaf_index` or `from_size`).
    ///
    /// - Parameter json: The JSON text.
    /// - Throws: `IntegrityError` `.malformedProofDocument` naming the offending field.
    public init(json: String) throws(IntegrityError) {
        try self.init(json: Array(json.utf8))
    }

    /// Parses a proof document from UTF-8 bytes; see `init(json:)`.
    ///
    /// - Parameter json: The JSON bytes.
    /// - Throws: `IntegrityError` `.malformedProofDocument` naming the offending field.
    public init(json: [UInt8]) throws(IntegrityError) {
        let raw: RawProofDocument
        do {
            raw = try JSONDecoder().decode(RawProofDocument.self, from: Data(json))
        } catch let error as DecodingError {
            throw IntegrityError(.malformedProofDocument, "proof document: \(Self.describe(error))")
        } catch {
            throw IntegrityError(.malformedProofDocument, "proof document: \(error)")
        }
        switch (raw.leafIndex != nil, raw.fromSize != nil) {
        case (true, false):
            let proof = InclusionProof(
                leafIndex: try Self.require(raw.leafIndex, "leaf_index"),
                treeSize: try Self.require(raw.treeSize, "tree_size"),
                path: try Self.hashes(raw.path, "path"))
            self = .inclusion(
                proof,
                leafHash: try Self.hash(raw.leafHash, "leaf_hash"),
                root: try Self.hash(raw.root, "root"))
        case (false, true):
            let proof = ConsistencyProof(
                fromSize: try Self.require(raw.fromSize, "from_size"),
                toSize: try Self.require(raw.toSize, "to_size"),
                path: try Self.hashes(raw.path, "path"))
            self = .consistency(
                proof,
                fromRoot: try Self.hash(raw.fromRoot, "from_root"),
                toRoot: try Self.hash(raw.toRoot, "to_root"))
        case (true, true):
            throw IntegrityError(
                .malformedProofDocument,
                "proof document has both leaf_index and from_size; an inclusion proof has leaf_index, a consistency proof has from_size"
            )
        case (false, false):
            throw IntegrityError(
                .malformedProofDocument,
                "proof document has neither leaf_index (inclusion proof) nor from_size (consistency proof)")
        }
    }

    private static func require<T>(_ value: T?, _ field: String) throws(IntegrityError) -> T {
        guard let value else {
            throw IntegrityError(.malformedProofDocument, "proof document: field \(field) is missing")
        }
        return value
    }

    private static func hash(_ text: String?, _ field: String) throws(IntegrityError) -> Hash32 {
        let text = try require(text, field)
        guard text.utf8.count == 64, let bytes = [UInt8](hexString: text) else {
            throw IntegrityError(
                .malformedProofDocument,
                "proof document: field \(field): \"\(text.prefix(80))\" is not a SHA-256 hash (64 hex digits)")
        }
        return bytes
    }

    private static func hashes(_ texts: [String]?, _ field: String) throws(IntegrityError) -> [Hash32] {
        var out: [Hash32] = []
        for (index, text) in try require(texts, field).enumerated() {
            out.append(try hash(text, "\(field)[\(index)]"))
        }
        return out
    }

    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case let .typeMismatch(type, context):
            if context.codingPath.isEmpty { return "expected a JSON object" }
            return "field \(field(context.codingPath)): expected \(type == UInt64.self ? "a non-negative integer" : "\(type)")"
        case let .valueNotFound(type, context):
            return
                "field \(field(context.codingPath)): expected \(type == UInt64.self ? "a non-negative integer" : "\(type)"), found null"
        case let .keyNotFound(key, _):
            return "field \(key.stringValue) is missing"
        case let .dataCorrupted(context):
            let location = context.codingPath.isEmpty ? "" : "field \(field(context.codingPath)): "
            return location
                + (context.codingPath.isEmpty ? "not valid JSON (\(context.debugDescription))" : context.debugDescription)
        @unknown default:
            return "\(error)"
        }
    }
}

/// The wire shape of both proof kinds; which fields are present decides the kind.
private struct RawProofDocument: Decodable {
    var leafIndex: UInt64?
    var treeSize: UInt64?
    var leafHash: String?
    var root: String?
    var fromSize: UInt64?
    var toSize: UInt64?
    var fromRoot: String?
    var toRoot: String?
    var path: [String]?

    enum CodingKeys: String, CodingKey {
        case leafIndex = "leaf_index"
        case treeSize = "tree_size"
        case leafHash = "leaf_hash"
        case root
        case fromSize = "from_size"
        case toSize = "to_size"
        case fromRoot = "from_root"
        case toRoot = "to_root"
        case path
    }
}
