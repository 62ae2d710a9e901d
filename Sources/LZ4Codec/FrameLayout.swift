/// One frame found in a concatenation of LZ4 frames.
public enum FrameLayout: Sendable, Equatable {
    /// A standard LZ4 data frame spanning `range`; `contentSize` from its header when present.
    case data(range: Range<Int>, contentSize: Int?)
    /// A skippable frame spanning `range`, with its magic number and payload range.
    case skippable(range: Range<Int>, magic: UInt32, payload: Range<Int>)

    /// The bytes the whole frame occupies.
    public var range: Range<Int> {
        switch self {
        case .data(let range, _): return range
        case .skippable(let range, _, _): return range
        }
    }
}

/// Walks the frame structure of an lz4frame stream without decompressing it.
///
/// Knows the header, block and checksum layout of the lz4frame format so that a reader can find
/// frame boundaries (and the skippable commit markers between them) in O(frames + blocks).
public enum FrameScanner {
    /// Magic number of a standard LZ4 frame.
    public static let dataMagic: UInt32 = 0x184D_2204
    /// Skippable frames use magics 0x184D2A50 … 0x184D2A5F.
    public static let skippableMagicRange: ClosedRange<UInt32> = 0x184D_2A50...0x184D_2A5F
    /// Bits of a data frame header's FLG byte.
    static let blockChecksumFlag: UInt8 = 0x10
    static let contentSizeFlag: UInt8 = 0x08
    static let contentChecksumFlag: UInt8 = 0x04
    static let dictionaryFlag: UInt8 = 0x01

    /// The length of the frame descriptor (FLG to the last optional field, before the header
    /// checksum) of a frame whose FLG byte is `flags`.
    static func descriptorLength(flags: UInt8) -> Int {
        2 + (flags & contentSizeFlag != 0 ? 8 : 0) + (flags & dictionaryFlag != 0 ? 4 : 0)
    }

    /// Reads the frame that starts at `offset`.
    ///
    /// - Parameters:
    ///   - bytes: The stream.
    ///   - offset: Where the frame starts.
    /// - Returns: The frame's layout.
    /// - Throws: `LZ4Error` with the offset when the bytes there are not a complete frame.
    public static func frame(in bytes: UnsafeRawBufferPointer, at offset: Int) throws(LZ4Error) -> FrameLayout {
        let end = bytes.count
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        guard offset + 4 <= end else { throw LZ4Error("truncated frame magic", offset: offset) }
        let magic = u32(offset)
        if skippableMagicRange.contains(magic) {
            guard offset + 8 <= end else { throw LZ4Error("truncated skippable frame header", offset: offset) }
            let size = Int(u32(offset + 4))
            guard offset + 8 + size <= end else { throw LZ4Error("truncated skippable frame", offset: offset) }
            return .skippable(range: offset..<(offset + 8 + size), magic: magic, payload: (offset + 8)..<(offset + 8 + size))
        }
        guard magic == dataMagic else {
            throw LZ4Error(
                "not an lz4 frame (magic 0x" + String(magic, radix: 16) + ")", offset: offset)
        }
        guard offset + 7 <= end else { throw LZ4Error("truncated lz4 frame header", offset: offset) }
        let flags = bytes[offset + 4]
        guard flags >> 6 == 0b01 else { throw LZ4Error("unsupported lz4 frame version", offset: offset + 4) }
        let blockChecksum = flags & blockChecksumFlag != 0
        let hasContentSize = flags & contentSizeFlag != 0
        let contentChecksum = flags & contentChecksumFlag != 0
        let hasDictionary = flags & dictionaryFlag != 0
        var cursor = offset + 6
        var contentSize: Int?
        if hasContentSize {
            guard cursor + 8 <= end else { throw LZ4Error("truncated lz4 frame header", offset: offset) }
            var size: UInt64 = 0
            for index in 0..<8 { size |= UInt64(bytes[cursor + index]) << (8 * UInt64(index)) }
            guard size <= UInt64(Int.max) else { throw LZ4Error("absurd lz4 content size", offset: cursor) }
            contentSize = Int(size)
            cursor += 8
        }
        if hasDictionary { cursor += 4 }
        cursor += 1  // header checksum
        while true {
            guard cursor + 4 <= end else { throw LZ4Error("truncated lz4 block header", offset: cursor) }
            let word = u32(cursor)
            cursor += 4
            if word == 0 { break }
            let size = Int(word & 0x7FFF_FFFF)
            cursor += size + (blockChecksum ? 4 : 0)
            guard cursor <= end else { throw LZ4Error("truncated lz4 block", offset: cursor - size) }
        }
        if contentChecksum { cursor += 4 }
        guard cursor <= end else { throw LZ4Error("truncated lz4 content checksum", offset: end) }
        return .data(range: offset..<cursor, contentSize: contentSize)
    }

    /// Builds a skippable frame around `payload`.
    ///
    /// - Parameters:
    ///   - magic: The skippable magic (0x184D2A50 … 0x184D2A5F).
    ///   - payload: The payload bytes.
    /// - Returns: The frame bytes.
    public static func skippableFrame(magic: UInt32, payload: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(payload.count + 8)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: magic >> UInt32(shift))) }
        let size = UInt32(payload.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        out.append(contentsOf: payload)
        return out
    }
}
