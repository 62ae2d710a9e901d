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
    ///
    /// `index/state.txt` is one canonical JSON line with the scalar fields, then one line per
    /// stream, `<version> <stream>` (stream names hold no spaces or line breaks), in no particular
    /// order: a single append rewrites it, so it must be cheap to write and to read back.
    func save(to layout: LedgerLayout) throws {
        try FileSystem.makeDirectory(layout.index)
        let header = JSONValue.object([
            "last_seq": .integer(Int64(lastSeq)),
            "root": .string(frontier.root.hexString),
            "frontier": .array(frontier.nodes.map { .string($0.hexString) }),
            "last_recorded_at": .integer(lastRecordedAt.microseconds),
            "stream_count": .integer(Int64(streams.count)),
            "segment": segment.map { .string($0) } ?? .null,
            "committed_end": .integer(Int64(committedEnd)),
            "marker_start": .integer(Int64(markerStart)),
            "ids_bytes": .integer(Int64(idsBytes)),
        ])
        var out = header.canonicalBytes
        out.reserveCapacity(out.count + streams.count * 32)
        out.append(0x0A)
        for (name, version) in streams {
            AppendBatch.appendDecimal(version, to: &out)
            out.append(0x20)
            out.append(contentsOf: name.utf8)
            out.append(0x0A)
        }
        try FileSystem.writeAtomically(out, to: layout.indexState, durable: false)
    }

    /// Loads a saved index; nil when absent, unreadable or incomplete.
    static func load(from layout: LedgerLayout) -> LedgerIndex? {
        guard let bytes = try? FileSystem.readFile(layout.indexState),
            let headerEnd = bytes.firstIndex(of: 0x0A),
            let value = try? JSONValue(parsing: bytes[..<headerEnd]),
            let last = value["last_seq"]?.integerValue, let nodes = value["frontier"]?.arrayValue,
            let recorded = value["last_recorded_at"]?.integerValue, let streamCount = value["stream_count"]?.integerValue,
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
        guard let streams = parseStreams(bytes[(headerEnd + 1)...]), streams.count == streamCount else { return nil }
        index.streams = streams
        index.segment = value["segment"]?.stringValue
        index.committedEnd = Int(end)
        index.markerStart = Int(markerStart)
        index.idsBytes = Int(idsBytes)
        return index
    }

    /// Parses `<version> <stream>` lines; nil on anything else (a torn or foreign file).
    private static func parseStreams(_ bytes: ArraySlice<UInt8>) -> [String: UInt64]? {
        var streams: [String: UInt64] = [:]
        let parsed: Bool = bytes.withUnsafeBytes { raw in
            var cursor = 0
            while cursor < raw.count {
                var version: UInt64 = 0
                var digits = 0
                while cursor < raw.count, raw[cursor] >= 0x30, raw[cursor] <= 0x39, digits < 19 {
                    version = version * 10 + UInt64(raw[cursor] - 0x30)
                    cursor += 1
                    digits += 1
                }
                guard digits > 0, cursor < raw.count, raw[cursor] == 0x20 else { return false }
                cursor += 1
                let nameStart = cursor
                while cursor < raw.count, raw[cursor] != 0x0A { cursor += 1 }
                guard cursor < raw.count, cursor > nameStart else { return false }
                let name = UnsafeRawBufferPointer(rebasing: raw[nameStart..<cursor])
                guard AppendBatch.isStreamName(name) else { return false }
                streams[String(decoding: name, as: UTF8.self)] = version
                cursor += 1
            }
            return true
        }
        return parsed ? streams : nil
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
    ///
    /// Entries already in the file just past `validBytes` (written by writers that did not save
    /// `state.txt`, see `LedgerWriter.indexSaveInterval`) are kept as they are, not rewritten.
    static func append(_ entries: [(EventID, UInt64)], to layout: LedgerLayout, validBytes: Int) throws -> Int {
        try FileSystem.makeDirectory(layout.index)
        let fd = open(layout.indexIDs, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerError(.io, "cannot open \(layout.indexIDs): \(FileSystem.errorText())") }
        defer { close(fd) }
        let size = FileSystem.fileSize(layout.indexIDs) ?? 0
        let start = min(validBytes, size) / entrySize * entrySize
        let bytes = encode(entries)
        let end = start + bytes.count
        if !bytes.isEmpty && size >= end {
            var present = [UInt8](repeating: 0, count: bytes.count)
            let read = present.withUnsafeMutableBytes { pread(fd, $0.baseAddress, bytes.count, off_t(start)) }
            if read == bytes.count && present == bytes {
                if size != end { ftruncate(fd, off_t(end)) }
                return end
            }
        }
        if size != start { ftruncate(fd, off_t(start)) }
        lseek(fd, off_t(start), SEEK_SET)
        try bytes.withUnsafeBytes { try FileSystem.writeAll(fd, $0, path: layout.indexIDs) }
        return end
    }

    /// The seq of the file's last whole entry: the last record a writer acknowledged (entries
    /// are written after the commit's fsync), whether or not `state.txt` was saved after it.
    static func lastSeq(in layout: LedgerLayout) -> UInt64? {
        guard let size = FileSystem.fileSize(layout.indexIDs), size >= entrySize else { return nil }
        let start = size / entrySize * entrySize - entrySize
        guard let entry = try? FileSystem.readRange(layout.indexIDs, offset: start, count: entrySize),
            entry.count == entrySize
        else { return nil }
        return entry.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian }
    }
}
