import LZ4Codec
import LedgerStore

/// One snapshot file, mapped: its header, and its sections decoded on demand.
///
/// The file is a concatenation of standard LZ4 frames (content checksums on): the header line,
/// the section table, then one frame per section holding that aggregate's record lines in seq
/// order, so `lz4 -dcm snapshots/<seq>.snap.lz4` prints the header line, the table, then the records.
final class SnapshotFile {
    /// The file name, e.g. `00000000000000100000.snap.lz4`.
    let name: String
    /// The header.
    let header: SnapshotHeader
    private let file: MappedFile
    private let bodyStart: Int

    /// The suffix of snapshot file names.
    static let suffix = ".snap.lz4"

    /// The file name of the snapshot at `seq`: the seq in 20 digits, then `.snap.lz4`.
    static func name(seq: UInt64) -> String {
        let digits = String(seq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// The seq a snapshot file name encodes; nil for other names.
    static func seq(ofName name: String) -> UInt64? {
        guard name.hasSuffix(suffix) else { return nil }
        let digits = name.dropLast(suffix.count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// Opens and checks the header of the snapshot at `path`.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - decoder: A reusable LZ4 decoder.
    /// - Throws: `SnapshotProblem` when the file is unreadable, its header frame fails its checksum,
    ///   the header does not parse, or it does not match the file name.
    init(path: String, decoder: LZ4FrameDecoder) throws(SnapshotProblem) {
        name = String(path.split(separator: "/").last ?? "")
        do { file = try MappedFile(path: path) } catch { throw SnapshotProblem("cannot read it: \(error)") }
        let headerRange = try Self.frame(in: file.bytes, at: 0, name: "header")
        var header = try SnapshotHeader(parsing: try Self.decode(file.bytes, headerRange, decoder: decoder, name: "header"))
        let tableRange = try Self.frame(in: file.bytes, at: headerRange.upperBound, name: "section table")
        header.sections = try SnapshotHeader.sections(
            parsing: try Self.decode(file.bytes, tableRange, decoder: decoder, name: "section table"))
        guard header.sections.count == header.sectionCount else {
            throw SnapshotProblem(
                "the section table has \(header.sections.count) sections; the header says \(header.sectionCount)")
        }
        self.header = header
        bodyStart = tableRange.upperBound
        guard Self.seq(ofName: name) == header.seq else {
            throw SnapshotProblem("the header says seq \(header.seq) but the file name says otherwise")
        }
        var expected = 0
        for section in header.sections {
            guard section.offset == expected, section.length > 0 else {
                throw SnapshotProblem("the section table is inconsistent")
            }
            expected += section.length
        }
        guard bodyStart + expected == file.bytes.count else {
            throw SnapshotProblem("the file is \(file.bytes.count) bytes; its header accounts for \(bodyStart + expected)")
        }
    }

    /// The data frame at `offset`.
    private static func frame(in bytes: UnsafeRawBufferPointer, at offset: Int, name: String) throws(SnapshotProblem) -> Range<
        Int
    > {
        let frame: FrameLayout
        do { frame = try FrameScanner.frame(in: bytes, at: offset) } catch {
            throw SnapshotProblem("the \(name) is not an LZ4 frame (\(error.message))")
        }
        guard case .data(let range, _) = frame else { throw SnapshotProblem("the \(name) is not a data frame") }
        return range
    }

    /// Decompresses one frame, checking its content checksum.
    private static func decode(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, decoder: LZ4FrameDecoder, name: String)
        throws(SnapshotProblem) -> [UInt8]
    {
        var content: [UInt8] = []
        do {
            try decoder.decompressFrame(UnsafeRawBufferPointer(rebasing: bytes[range]), expectedSize: nil, appendingTo: &content)
        } catch {
            throw SnapshotProblem("the \(name) frame is corrupt (\(error.message))")
        }
        return content
    }

    /// A decoder for snapshot frames.
    static func makeDecoder() throws -> LZ4FrameDecoder {
        do { return try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
    }

    /// The record lines of every section, by key (each line ends with a newline).
    func allSections(decoder: LZ4FrameDecoder) throws -> [AggregateKey: [UInt8]] {
        var sections: [AggregateKey: [UInt8]] = [:]
        for section in header.sections {
            var content: [UInt8] = []
            try forEachLine(in: section, decoder: decoder) { line in
                content.append(contentsOf: line)
                content.append(0x0A)
            }
            sections[section.key] = content
        }
        return sections
    }

    /// The section for `key`, if the snapshot has one.
    func section(_ key: AggregateKey) -> SnapshotHeader.Section? {
        var low = 0
        var high = header.sections.count
        while low < high {
            let middle = (low + high) / 2
            if header.sections[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < header.sections.count && header.sections[low].key == key ? header.sections[low] : nil
    }

    /// The decompressed record lines of a section (each ending with a newline).
    ///
    /// - Throws: `SnapshotProblem` on a bad frame or checksum, or a record count that does not match.
    func content(of section: SnapshotHeader.Section, decoder: LZ4FrameDecoder) throws(SnapshotProblem) -> [UInt8] {
        var content: [UInt8] = []
        try appendContent(of: section, decoder: decoder, to: &content)
        return content
    }

    /// Appends the decompressed record lines of a section to `content`, checked as
    /// `content(of:decoder:)` checks them (on failure `content` holds a partial section).
    ///
    /// - Throws: `SnapshotProblem` on a bad frame or checksum, or a record count that does not match.
    func appendContent(of section: SnapshotHeader.Section, decoder: LZ4FrameDecoder, to content: inout [UInt8])
        throws(SnapshotProblem)
    {
        let start = bodyStart + section.offset
        let frame: FrameLayout
        do { frame = try FrameScanner.frame(in: file.bytes, at: start) } catch {
            throw SnapshotProblem("section \(section.key.text) is not an LZ4 frame (\(error.message))")
        }
        guard case .data(let range, let size) = frame, range.count == section.length else {
            throw SnapshotProblem("section \(section.key.text) does not match the section table")
        }
        let before = content.count
        do {
            try decoder.decompressFrame(
                UnsafeRawBufferPointer(rebasing: file.bytes[range]), expectedSize: size, appendingTo: &content)
        } catch {
            throw SnapshotProblem("section \(section.key.text) is corrupt (\(error.message))")
        }
        guard content.count > before, content.last == 0x0A else {
            throw SnapshotProblem("section \(section.key.text) does not end with a whole line")
        }
        let count = content.withUnsafeBytes { raw in RecordLine.lineCount(UnsafeRawBufferPointer(rebasing: raw[before...])) }
        guard count == section.records else {
            throw SnapshotProblem("section \(section.key.text) holds \(count) records; the header says \(section.records)")
        }
    }

    /// Decodes a section and calls `body` with each of its record lines.
    ///
    /// - Parameters:
    ///   - section: A section of this file.
    ///   - decoder: A reusable LZ4 decoder.
    ///   - body: Receives each line (no newline).
    /// - Throws: `SnapshotProblem` on a bad frame or checksum, or a record count that does not match.
    func forEachLine(
        in section: SnapshotHeader.Section, decoder: LZ4FrameDecoder, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let content = try content(of: section, decoder: decoder)
        try content.withUnsafeBytes { raw in
            for range in ParallelParse.lineRanges(content) { try body(UnsafeRawBufferPointer(rebasing: raw[range])) }
        }
    }
}
