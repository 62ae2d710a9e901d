import CanonicalJSON
import LedgerIntegrity

/// The first line of a snapshot file: which records it covers, the RFC 6962 root it is tagged
/// with, and where each aggregate's records are in the file.
///
/// Canonical JSON, one line:
/// `{"committed_at","format":1,"frontier":[hex…],"ledger_id","previous":{"root","seq"},"records",`
/// `"root","sections":[{"key","length","offset","records"}],"seq"}`.
struct SnapshotHeader: Sendable, Equatable {
    /// One aggregate's records: one LZ4 frame at `offset` (counted from the end of the header
    /// frame), `length` bytes long, holding `records` record lines.
    struct Section: Sendable, Equatable {
        var key: AggregateKey
        var offset: Int
        var length: Int
        var records: Int
    }

    /// The snapshot format this code writes and reads.
    static let format: Int64 = 1

    /// The last record covered (a commit boundary).
    var seq: UInt64
    /// The RFC 6962 root of records 1…seq (hex).
    var root: String
    /// The ledger the snapshot was taken of.
    var ledgerID: String
    /// The snapshot this one continues (0 for none: it then covers every record from 1).
    var previousSeq: UInt64
    /// That snapshot's root (the empty tree's root for 0).
    var previousRoot: String
    /// `recorded_at` of record `seq` (the commit's `committed_at`).
    var committedAt: String
    /// The Merkle frontier at `seq` (hex nodes, largest subtree first), so the root at a later
    /// record can be computed from here.
    var frontier: [String]
    /// The sections, sorted by key.
    var sections: [Section]

    /// How many records the file covers: those after `previousSeq` through `seq`.
    var records: UInt64 { seq - previousSeq }

    /// The frontier, when it is well formed and matches `seq` and `root`.
    var checkedFrontier: MerkleFrontier? {
        let nodes = frontier.compactMap { [UInt8](hexString: $0) }
        guard nodes.count == frontier.count, let restored = MerkleFrontier(size: seq, nodes: nodes),
            restored.root.hexString == root
        else { return nil }
        return restored
    }

    /// The canonical JSON line, with its newline.
    var line: [UInt8] {
        JSONValue.object([
            "format": .integer(Self.format), "seq": .integer(Int64(seq)), "root": .string(root),
            "ledger_id": .string(ledgerID),
            "previous": .object(["seq": .integer(Int64(previousSeq)), "root": .string(previousRoot)]),
            "committed_at": .string(committedAt), "records": .integer(Int64(records)),
            "frontier": .array(frontier.map(JSONValue.string)),
            "sections": .array(
                sections.map { section in
                    .object([
                        "key": .string(section.key.text), "offset": .integer(Int64(section.offset)),
                        "length": .integer(Int64(section.length)), "records": .integer(Int64(section.records)),
                    ])
                }),
        ]).canonicalBytes + [0x0A]
    }

    /// Creates a header.
    init(
        seq: UInt64, root: String, ledgerID: String, previousSeq: UInt64, previousRoot: String, committedAt: String,
        frontier: [String], sections: [Section]
    ) {
        self.seq = seq
        self.root = root
        self.ledgerID = ledgerID
        self.previousSeq = previousSeq
        self.previousRoot = previousRoot
        self.committedAt = committedAt
        self.frontier = frontier
        self.sections = sections
    }

    /// Parses a header line.
    ///
    /// - Parameter bytes: The decompressed header frame.
    /// - Throws: A message saying what is wrong.
    init(parsing bytes: [UInt8]) throws(SnapshotProblem) {
        guard bytes.last == 0x0A, let value = try? JSONValue(parsing: bytes.dropLast()) else {
            throw SnapshotProblem("the header is not one line of JSON")
        }
        guard value.canonicalBytes == Array(bytes.dropLast()) else { throw SnapshotProblem("the header is not canonical JSON") }
        guard value["format"]?.integerValue == Self.format else {
            throw SnapshotProblem("unsupported snapshot format \(value["format"].map { $0.canonicalString } ?? "(none)")")
        }
        func integer(_ field: JSONValue?, _ name: String) throws(SnapshotProblem) -> Int64 {
            guard let number = field?.integerValue, number >= 0 else { throw SnapshotProblem("header field \(name) is missing") }
            return number
        }
        func string(_ field: JSONValue?, _ name: String) throws(SnapshotProblem) -> String {
            guard let text = field?.stringValue else { throw SnapshotProblem("header field \(name) is missing") }
            return text
        }
        seq = UInt64(try integer(value["seq"], "seq"))
        root = try string(value["root"], "root")
        ledgerID = try string(value["ledger_id"], "ledger_id")
        previousSeq = UInt64(try integer(value["previous"]?["seq"], "previous.seq"))
        previousRoot = try string(value["previous"]?["root"], "previous.root")
        committedAt = try string(value["committed_at"], "committed_at")
        guard let nodes = value["frontier"]?.arrayValue else { throw SnapshotProblem("header field frontier is missing") }
        frontier = try nodes.map { node throws(SnapshotProblem) in try string(node, "frontier") }
        guard let listed = value["sections"]?.arrayValue else { throw SnapshotProblem("header field sections is missing") }
        var sections: [Section] = []
        for entry in listed {
            guard let key = AggregateKey(text: try string(entry["key"], "sections.key")) else {
                throw SnapshotProblem("header names an unknown section key")
            }
            sections.append(
                Section(
                    key: key, offset: Int(try integer(entry["offset"], "sections.offset")),
                    length: Int(try integer(entry["length"], "sections.length")),
                    records: Int(try integer(entry["records"], "sections.records"))))
        }
        self.sections = sections
        guard previousSeq < seq, try integer(value["records"], "records") == Int64(seq - previousSeq) else {
            throw SnapshotProblem("header seq, previous.seq and records disagree")
        }
    }
}

/// Why a snapshot cannot be trusted.
struct SnapshotProblem: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
