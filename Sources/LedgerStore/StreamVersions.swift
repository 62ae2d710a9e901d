#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The current version of every stream, as the writer's index holds them.
///
/// Loaded from `index/state.txt`, the `<version> <stream>` lines stay as bytes: a stream is
/// looked up in them (a scan from space to space) and changes go to a small dictionary, until
/// something needs every stream (saving the index) or look-ups become many. A single append to a
/// ledger of 20,000 streams then reads one line instead of building 20,000 strings. The loader
/// has checked the lines against the SHA-256 the file's header gives for them.
struct StreamVersions {
    /// Every stream once materialised; before that, only the streams looked up or changed.
    private var table: [String: UInt64] = [:]
    /// The unparsed lines, each `<version> <stream>\n` (nil once materialised); a slice of the
    /// file's bytes, not a copy.
    private var lines: ArraySlice<UInt8>?
    private var lineCount = 0
    /// Streams looked up in `lines` and not found there (the value is unused): a new stream is
    /// asked for more than once before its first version is set, and each miss reads every
    /// line. The same dictionary type as `table`, so no other generic type's metadata is needed.
    private var absent: [String: UInt64] = [:]
    /// Look-ups in `lines` so far; past `lookupLimit` the lines are parsed once instead.
    private var lookups = 0
    private static let lookupLimit = 8

    /// No streams.
    init() {}

    /// The streams of `table`, already parsed.
    init(parsed table: [String: UInt64]) {
        self.table = table
    }

    /// Streams from `state.txt` lines, left unparsed; nil unless they have the expected shape
    /// (`count` lines, each ending in a newline).
    init?(lines: ArraySlice<UInt8>, count: Int) {
        guard lines.isEmpty || lines.last == 0x0A else { return nil }
        let newlines = lines.withUnsafeBytes { raw -> Int in
            var found = 0
            var cursor = 0
            while cursor < raw.count, let hit = memchr(raw.baseAddress! + cursor, 0x0A, raw.count - cursor) {
                found += 1
                cursor = raw.baseAddress!.distance(to: UnsafeRawPointer(hit)) + 1
            }
            return found
        }
        guard newlines == count else { return nil }
        self.lines = count > 0 ? lines : nil
        lineCount = count
    }

    /// A stream's version, nil when the stream has no events yet; set to record a new version.
    subscript(name: String) -> UInt64? {
        mutating get {
            if let version = table[name] { return version }
            guard let lines, absent[name] == nil else { return nil }
            lookups += 1
            if lookups > Self.lookupLimit {
                materialise()
                return table[name]
            }
            let found = Self.find(name, in: lines)
            if let found { table[name] = found } else { absent[name] = 0 }
            return found
        }
        set {
            precondition(newValue != nil, "a stream's version is never removed")
            table[name] = newValue
        }
    }

    /// Number of streams.
    var count: Int {
        guard let lines else { return table.count }
        return lineCount + table.keys.count(where: { Self.find($0, in: lines) == nil })
    }

    /// Every stream and its version (parses the lines when still unparsed).
    mutating func all() -> [String: UInt64] {
        materialise()
        return table
    }

    /// Parses the unparsed lines into `table`, keeping the versions already recorded there.
    private mutating func materialise() {
        guard let pending = lines else { return }
        lines = nil
        absent = [:]
        // The lines matched the SHA-256 the writer stored beside them: they are its own output.
        guard var merged = Self.parse(pending) else {
            preconditionFailure("index/state.txt: stream lines that match their SHA-256 do not parse")
        }
        merged.reserveCapacity(merged.count + table.count)
        for (name, version) in table { merged[name] = version }
        table = merged
    }

    /// Parses `<version> <stream>` lines; nil on anything else (a torn or foreign file).
    static func parse(_ bytes: ArraySlice<UInt8>) -> [String: UInt64]? {
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

    /// The version on the line that ends in ` <name>\n`. Each line is found by its newline
    /// (`memchr`); a line is the stream's own when the byte `name`'s length before the newline
    /// is a space and `name` follows it: a stream name holds no space or newline and a line has
    /// one space, so no other line can match. (Before, each line's space was found too: two
    /// `memchr` calls a line, ~110 instructions a stream on a ledger of 20,000 streams.)
    private static func find(_ name: String, in lines: ArraySlice<UInt8>) -> UInt64? {
        let wanted = Array(name.utf8)
        return lines.withUnsafeBytes { raw -> UInt64? in
            wanted.withUnsafeBytes { wanted -> UInt64? in
                guard let base = raw.baseAddress, let name = wanted.baseAddress else { return nil }
                var lineStart = 0
                while lineStart < raw.count {
                    guard let hit = memchr(base + lineStart, 0x0A, raw.count - lineStart) else { return nil }
                    let end = base.distance(to: UnsafeRawPointer(hit))
                    let space = end - wanted.count - 1
                    if space > lineStart && raw[space] == 0x20 && memcmp(base + space + 1, name, wanted.count) == 0 {
                        var version: UInt64 = 0
                        for index in lineStart..<space {
                            let digit = raw[index]
                            guard digit >= 0x30, digit <= 0x39 else { return nil }
                            version = version &* 10 &+ UInt64(digit - 0x30)
                        }
                        return version
                    }
                    lineStart = end + 1
                }
                return nil
            }
        }
    }
}
