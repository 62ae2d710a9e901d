import CanonicalJSON
import LedgerIntegrity

/// The head of a snapshot file: which records it covers, the RFC 6962 root it is tagged with,
/// and where each aggregate's records are in the file.
///
/// Two LZ4 frames. The header line, canonical JSON:
/// `{"committed_at","format":1,"frontier":[hex…],"ledger_id","previous":{"root","seq"},"records","root","sections":N,"seq"}`;
/// then the section table, one line per section sorted by key: `key TAB offset TAB length TAB records`
/// (the key JSON-escaped, offsets counted from the end of the table frame). A table line is read
/// without building a JSON tree, so opening a snapshot of a million records stays cheap.
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
    /// The sections, sorted by key (read from the section table).
    var sections: [Section]
    /// How many sections the header line says the table has.
    var sectionCount: Int

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

    /// The canonical JSON header line, with its newline.
    var line: [UInt8] {
        JSONValue.object([
            "format": .integer(Self.format), "seq": .integer(Int64(seq)), "root": .string(root),
            "ledger_id": .string(ledgerID),
            "previous": .object(["seq": .integer(Int64(previousSeq)), "root": .string(previousRoot)]),
            "committed_at": .string(committedAt), "records": .integer(Int64(records)),
            "frontier": .array(frontier.map(JSONValue.string)), "sections": .integer(Int64(sections.count)),
        ]).canonicalBytes + [0x0A]
    }

    /// The section table: one line per section.
    var table: [UInt8] {
        var out: [UInt8] = []
        for section in sections {
            out += RecordLine.escaped(section.key.text)
            out += Array("\t\(section.offset)\t\(section.length)\t\(section.records)\n".utf8)
        }
        return out
    }

    /// Reads a section table.
    ///
    /// - Parameter bytes: The decompressed table frame.
    /// - Throws: `SnapshotProblem` when a line is malformed or the keys are not sorted.
    static func sections(parsing bytes: [UInt8]) throws(SnapshotProblem) -> [Section] {
        // Every chain link's table is read on every point-in-time view: parsed on the bytes, the
        // key's text built once per row.
        var sections: [Section] = []
        var previousText: String?
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            var tabs: [Int] = []
            for position in start..<index where bytes[position] == 0x09 { tabs.append(position) }
            defer { start = index + 1 }
            guard tabs.count == 3, let offset = decimal(bytes[(tabs[0] + 1)..<tabs[1]]),
                let length = decimal(bytes[(tabs[1] + 1)..<tabs[2]]), let records = decimal(bytes[(tabs[2] + 1)..<index])
            else { throw SnapshotProblem("the section table is malformed") }
            let field = bytes[start..<tabs[0]]
            var text = String(decoding: field, as: UTF8.self)
            if field.contains(0x5C) {
                guard let unescaped = try? JSONValue(parsing: [0x22] + Array(field) + [0x22]),
                    let value = unescaped.stringValue
                else { throw SnapshotProblem("the section table has a malformed key") }
                text = value
            }
            guard let key = AggregateKey(text: text) else { throw SnapshotProblem("the section table names an unknown key") }
            if let previousText, !(previousText < text) { throw SnapshotProblem("the section table is not sorted") }
            previousText = text
            sections.append(Section(key: key, offset: offset, length: length, records: records))
        }
        guard start == bytes.count else { throw SnapshotProblem("the section table does not end with a whole line") }
        return sections
    }

    /// A non-negative decimal of 1 to 18 ASCII digits; nil otherwise.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= 0x30 && digit <= 0x39 else { return nil }
            value = value * 10 + Int(digit - 0x30)
        }
        return value
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
        sectionCount = sections.count
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
        sectionCount = Int(try integer(value["sections"], "sections"))
        sections = []
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
