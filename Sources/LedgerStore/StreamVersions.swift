import CByteSearch

/// The current version of every stream, as the writer's index holds them.
///
/// Loaded from `index/state.txt`, the `<version> <stream>` lines stay as bytes: a stream is
/// looked up in them (one `memmem` for ` <stream>\n`) and its version then lives in a small
/// dictionary, its line marked superseded; saving writes the dictionary's streams and then the
/// lines that are not superseded, so it never parses the lines either. A single append to a
/// ledger of 20,000 streams reads one line instead of building 20,000 strings. Only when
/// look-ups become many (a batch touching many streams) are the lines parsed once. The loader
/// has checked the lines against the checksum the file's header gives for them.
struct StreamVersions {
    /// Every stream once materialised; before that, the streams looked up or changed.
    private var table: [String: UInt64] = [:]
    /// The unparsed lines, each `<version> <stream>\n` (nil once materialised); a slice of the
    /// file's bytes, not a copy.
    private var lines: ArraySlice<UInt8>?
    private var lineCount = 0
    /// The lines (offsets from the start of `lines`) whose stream `table` holds: every stream
    /// found in `lines` has exactly one, so `table` and the other lines never both hold a stream.
    private var superseded: [Range<Int>] = []
    /// Streams looked up in `lines` and not found there (the value is unused): a new stream is
    /// asked for more than once before its first version is set, and each miss reads every
    /// line. The same dictionary type as `table`, so no other generic type's metadata is needed.
    private var absent: [String: UInt64] = [:]
    /// Look-ups in `lines` so far; past `lookupLimit` the lines are parsed once instead. A
    /// look-up reads every line up to the stream's (~45 µs for a miss on 20,000 streams, 636 KB),
    /// parsing them all takes ~2 ms: 32 look-ups cost about as much as parsing.
    private var lookups = 0
    private static let lookupLimit = 32

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
        // Eight bytes at a time: a byte of `word ^ 0x0A…` is zero exactly where a newline is,
        // and `(x & 0x7F…) + 0x7F…` sets each byte's high bit unless that byte is zero (exact,
        // no carry between bytes). ~50 µs for 636 KB, where a `memchr` a line took ~100 µs and a
        // byte loop ~270 µs.
        let newlines = lines.withUnsafeBytes { raw -> Int in
            let words = raw.count / 8
            var found = 0
            for index in 0..<words {
                let x = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                let high = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
                found &+= (~high & 0x8080_8080_8080_8080).nonzeroBitCount
            }
            for index in (words * 8)..<raw.count where raw[index] == 0x0A { found += 1 }
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
            guard let (version, line) = Self.find(name, in: lines) else {
                absent[name] = 0
                return nil
            }
            table[name] = version
            superseded.append(line)
            return version
        }
        set {
            precondition(newValue != nil, "a stream's version is never removed")
            // A stream not looked up yet may have a line: look it up, so that it is superseded.
            if lines != nil, table[name] == nil, absent[name] == nil { _ = self[name] }
            table[name] = newValue
        }
    }

    /// Number of streams.
    var count: Int {
        lines == nil ? table.count : lineCount - superseded.count + table.count
    }

    /// Every stream and its version (parses the lines when still unparsed).
    mutating func all() -> [String: UInt64] {
        materialise()
        return table
    }

    /// Every stream as `<version> <stream>\n` lines, in no particular order: the streams of
    /// `table` first (those just written to are the likeliest to be written to next, and a
    /// look-up reads the lines from the start), then the lines not superseded, copied as they
    /// are. Nothing is parsed.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((lines?.count ?? 0) + table.count * 32)
        for (name, version) in table {
            AppendBatch.appendDecimal(version, to: &out)
            out.append(0x20)
            out.append(contentsOf: name.utf8)
            out.append(0x0A)
        }
        lines?.withUnsafeBytes { raw in
            var next = 0
            for line in superseded.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                out.append(contentsOf: raw[next..<line.lowerBound])
                next = line.upperBound
            }
            out.append(contentsOf: raw[next...])
        }
        return out
    }

    /// Parses the unparsed lines into `table`, keeping the versions already recorded there.
    private mutating func materialise() {
        guard let pending = lines else { return }
        lines = nil
        absent = [:]
        superseded = []
        // The lines matched the checksum the writer stored beside them: they are its own output.
        guard var merged = Self.parse(pending) else {
            preconditionFailure("index/state.txt: stream lines that match their checksum do not parse")
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

    /// The version on the line that ends in ` <name>\n`, and that line's offsets in `lines`.
    /// The line is found with one `memmem` for those bytes: a stream name holds no space or
    /// newline and a line has one space, so they can only match from a line's space to its end.
    /// (Before, each line was found by its newline with a `memchr` and compared: ~100 µs on
    /// 20,000 streams against ~45 µs for a miss with `memmem`.)
    private static func find(_ name: String, in lines: ArraySlice<UInt8>) -> (UInt64, Range<Int>)? {
        var needle: [UInt8] = [0x20]
        needle.append(contentsOf: name.utf8)
        needle.append(0x0A)
        return lines.withUnsafeBytes { raw -> (UInt64, Range<Int>)? in
            needle.withUnsafeBytes { needle -> (UInt64, Range<Int>)? in
                guard let base = raw.baseAddress,
                    let hit = parley_memmem(base, raw.count, needle.baseAddress!, needle.count)
                else { return nil }
                let space = base.distance(to: UnsafeRawPointer(hit))
                var lineStart = space
                while lineStart > 0, raw[lineStart - 1] != 0x0A { lineStart -= 1 }
                guard lineStart < space, space - lineStart <= 19 else { return nil }
                var version: UInt64 = 0
                for index in lineStart..<space {
                    let digit = raw[index]
                    guard digit >= 0x30, digit <= 0x39 else { return nil }
                    version = version * 10 + UInt64(digit - 0x30)
                }
                return (version, lineStart..<(space + needle.count))
            }
        }
    }
}
