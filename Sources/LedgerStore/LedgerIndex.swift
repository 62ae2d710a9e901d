import CXXHash
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
    var streams = StreamVersions()
    /// The last segment, its committed end and where its last marker starts.
    var segment: String?
    var committedEnd = 0
    var markerStart = 0
    /// How many bytes of `ids.bin` belong to records 1…lastSeq.
    var idsBytes = 0

    /// Saves the index (not fsynced: it is derived and checked against the segments on load).
    ///
    /// `index/state.txt` is one canonical JSON line with the scalar fields and a checksum of
    /// the lines after it, then one line per stream, `<version> <stream>` (stream names hold no
    /// spaces or line breaks), in no particular order: it must be cheap to write and to read
    /// back (a writer reads only the lines of the streams it touches, see `StreamVersions`).
    /// The checksum, `streams_xxh3`, is XXH3-64 in hex: it catches a torn or foreign file, not
    /// an attacker (the index is derived and audit never trusts it), and on 20,000 streams it
    /// takes ~30 µs where SHA-256, used before, took ~300 µs of every append's load. Files with
    /// `streams_sha256` are still read.
    func save(to layout: LedgerLayout) throws {
        try FileSystem.makeDirectory(layout.index)
        let lines = streams.serialized()
        let header = JSONValue.object([
            "streams_xxh3": .string(Self.linesChecksum(lines[...])),
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
        out.reserveCapacity(out.count + 1 + lines.count)
        out.append(0x0A)
        out.append(contentsOf: lines)
        try FileSystem.writeAtomically(out, to: layout.indexState, durable: false)
    }

    /// The `streams_xxh3` of `lines`: XXH3-64 (seed 0), 16 lowercase hex digits.
    static func linesChecksum(_ lines: ArraySlice<UInt8>) -> String {
        let hash = lines.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count) }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
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
        // The lines are checked against the header's checksum and read lazily; a file written
        // before checksums existed is parsed and checked line by line.
        let lines = bytes[(headerEnd + 1)...]
        let checksumMatches: Bool? =
            if let digest = value["streams_xxh3"]?.stringValue {
                Self.linesChecksum(lines) == digest
            } else if let digest = value["streams_sha256"]?.stringValue {
                lines.withUnsafeBytes { ContentHash.sha256($0) }.hexString == digest
            } else {
                nil
            }
        if let checksumMatches {
            guard checksumMatches, let streams = StreamVersions(lines: lines, count: Int(streamCount)) else { return nil }
            index.streams = streams
        } else {
            guard let table = StreamVersions.parse(lines), table.count == streamCount else { return nil }
            index.streams = StreamVersions(parsed: table)
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
        // Stored word by word (a bulk import of 1M events writes 24 MB here before it returns).
        [UInt8](unsafeUninitializedCapacity: entries.count * entrySize) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            for (id, seq) in entries {
                raw.storeBytes(of: id.high.littleEndian, toByteOffset: offset, as: UInt64.self)
                raw.storeBytes(of: id.low.littleEndian, toByteOffset: offset + 8, as: UInt64.self)
                raw.storeBytes(of: seq.littleEndian, toByteOffset: offset + 16, as: UInt64.self)
                offset += entrySize
            }
            initialized = offset
        }
    }

    /// Loads the first `bytes` bytes of the table; nil when they cannot be read or are not one
    /// entry per record in seq order (seq 1, 2, 3, …), as every writer appends them: a
    /// zero-filled tail after a crash, or any other damage a known id could hide behind.
    static func load(_ layout: LedgerLayout, bytes: Int) -> [EventID: UInt64]? {
        guard bytes > 0 else { return [:] }
        guard bytes % entrySize == 0, let data = try? FileSystem.readFile(layout.indexIDs), data.count >= bytes else {
            return nil
        }
        var table: [EventID: UInt64] = [:]
        table.reserveCapacity(bytes / entrySize)
        let inOrder = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            var expected: UInt64 = 1
            while offset < bytes {
                let high = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
                let low = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian
                let seq = raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self).littleEndian
                guard seq == expected else { return false }
                table[EventID(high: high, low: low)] = seq
                offset += entrySize
                expected += 1
            }
            return true
        }
        return inOrder ? table : nil
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
        return try withEncoded(entries) { bytes in
            let end = start + bytes.count
            if !bytes.isEmpty && size >= end {
                var present = [UInt8](repeating: 0, count: bytes.count)
                let read = present.withUnsafeMutableBytes { pread(fd, $0.baseAddress, bytes.count, off_t(start)) }
                if read == bytes.count && present.elementsEqual(bytes) {
                    if size != end { ftruncate(fd, off_t(end)) }
                    return end
                }
            }
            if size != start { ftruncate(fd, off_t(start)) }
            lseek(fd, off_t(start), SEEK_SET)
            try FileSystem.writeAll(fd, bytes, path: layout.indexIDs)
            return end
        }
    }

    /// Calls `body` with the entries as the file stores them. On a little-endian machine an
    /// `(EventID, UInt64)` is already the entry (three 64-bit words: id high, id low, seq), so
    /// the array's own bytes are written: a bulk import of 1M events skips encoding 24 MB into
    /// fresh memory before its commit returns (`IDIndexTests` checks both forms agree).
    static func withEncoded<Result>(
        _ entries: [(EventID, UInt64)], _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        if storesEntriesAsIs { return try entries.withUnsafeBytes(body) }
        return try encode(entries).withUnsafeBytes(body)
    }

    /// Whether an `(EventID, UInt64)` in memory is laid out as a file entry.
    static let storesEntriesAsIs =
        MemoryLayout<(EventID, UInt64)>.stride == entrySize && MemoryLayout<(EventID, UInt64)>.offset(of: \.1) == 16
        && MemoryLayout<EventID>.offset(of: \.low) == 8 && UInt64(1).littleEndian == 1

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
