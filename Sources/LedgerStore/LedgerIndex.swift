import CanonicalJSON
import LedgerIntegrity

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a writer must know about the committed ledger: derived data under `index/`, rebuilt from
/// the segments whenever it is missing or does not match them (it is never trusted by audit).
struct LedgerIndex {
    /// Seq of the last committed record (0 for an empty ledger).
    var lastSeq: UInt64 = 0
    /// The Merkle right edge after `lastSeq`.
    var frontier = MerkleFrontier()
    /// `recorded_at` of the last commit.
    var lastRecordedAt = Timestamp(microseconds: 0)
    /// Current version of every stream.
    var streams: [String: UInt64] = [:]
    /// The last segment, its committed end and where its last marker starts.
    var segment: String?
    var committedEnd = 0
    var markerStart = 0
    /// How many bytes of `ids.bin` belong to records 1…lastSeq.
    var idsBytes = 0

    /// Saves the index (not fsynced: it is derived and checked against the segments on load).
    func save(to layout: LedgerLayout) throws {
        try FileSystem.makeDirectory(layout.index)
        var streamMembers: [String: JSONValue] = [:]
        streamMembers.reserveCapacity(streams.count)
        for (name, version) in streams { streamMembers[name] = .integer(Int64(version)) }
        let value = JSONValue.object([
            "last_seq": .integer(Int64(lastSeq)),
            "root": .string(frontier.root.hexString),
            "frontier": .array(frontier.nodes.map { .string($0.hexString) }),
            "last_recorded_at": .integer(lastRecordedAt.microseconds),
            "streams": .object(streamMembers),
            "segment": segment.map { .string($0) } ?? .null,
            "committed_end": .integer(Int64(committedEnd)),
            "marker_start": .integer(Int64(markerStart)),
            "ids_bytes": .integer(Int64(idsBytes)),
        ])
        try FileSystem.writeAtomically(value.canonicalBytes, to: layout.indexState, durable: false)
    }

    /// Loads a saved index; nil when absent or unreadable.
    static func load(from layout: LedgerLayout) -> LedgerIndex? {
        guard let bytes = try? FileSystem.readFile(layout.indexState), let value = try? JSONValue(parsing: bytes),
            let last = value["last_seq"]?.integerValue, let nodes = value["frontier"]?.arrayValue,
            let recorded = value["last_recorded_at"]?.integerValue, let streams = value["streams"]?.objectValue,
            let end = value["committed_end"]?.integerValue, let markerStart = value["marker_start"]?.integerValue,
            let idsBytes = value["ids_bytes"]?.integerValue
        else { return nil }
        var hashes: [Hash32] = []
        for node in nodes {
            guard let text = node.stringValue, let hash = [UInt8](hexString: text) else { return nil }
            hashes.append(hash)
        }
        guard let frontier = MerkleFrontier(size: UInt64(last), nodes: hashes) else { return nil }
        var index = LedgerIndex()
        index.lastSeq = UInt64(last)
        index.frontier = frontier
        index.lastRecordedAt = Timestamp(microseconds: recorded)
        for (name, version) in streams {
            guard let number = version.integerValue else { return nil }
            index.streams[name] = UInt64(number)
        }
        index.segment = value["segment"]?.stringValue
        index.committedEnd = Int(end)
        index.markerStart = Int(markerStart)
        index.idsBytes = Int(idsBytes)
        return index
    }
}

/// The id → seq table in `index/ids.bin`: 24-byte entries (id high, id low, seq; little-endian).
enum IDIndex {
    static let entrySize = 24

    static func encode(_ entries: [(EventID, UInt64)]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(entries.count * entrySize)
        for (id, seq) in entries {
            for word in [id.high, id.low, seq] {
                for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
            }
        }
        return out
    }

    /// Loads the first `bytes` bytes of the table.
    static func load(_ layout: LedgerLayout, bytes: Int) -> [EventID: UInt64] {
        guard let data = try? FileSystem.readFile(layout.indexIDs) else { return [:] }
        let usable = min(bytes, data.count) / entrySize * entrySize
        var table: [EventID: UInt64] = [:]
        table.reserveCapacity(usable / entrySize)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < usable {
                let high = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
                let low = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian
                let seq = raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self).littleEndian
                table[EventID(high: high, low: low)] = seq
                offset += entrySize
            }
        }
        return table
    }

    /// Appends entries after truncating the file to `validBytes`; returns the new valid size.
    static func append(_ entries: [(EventID, UInt64)], to layout: LedgerLayout, validBytes: Int) throws -> Int {
        try FileSystem.makeDirectory(layout.index)
        let fd = open(layout.indexIDs, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerError(.io, "cannot open \(layout.indexIDs): \(FileSystem.errorText())") }
        defer { close(fd) }
        let size = FileSystem.fileSize(layout.indexIDs) ?? 0
        let start = min(validBytes, size) / entrySize * entrySize
        if size != start { ftruncate(fd, off_t(start)) }
        lseek(fd, off_t(start), SEEK_SET)
        let bytes = encode(entries)
        try bytes.withUnsafeBytes { try FileSystem.writeAll(fd, $0, path: layout.indexIDs) }
        return start + bytes.count
    }
}
