import LZ4Codec

/// Reads the structure of one frame of a segment (lz4frame format) without decompressing it,
/// checking what FORMAT.md pins: standard data frames with content checksum and content size,
/// and skippable frames.
enum FrameWalker {
    /// What starts at an offset.
    enum Step: Equatable {
        /// A standard LZ4 data frame.
        case data(DataFrame)
        /// A skippable frame (commit markers are skippable frames with `CommitMarker.magic`).
        case skippable(end: Int, magic: UInt32, payload: Range<Int>)
        /// The bytes end before the frame does: read more, or at the end of the file a truncation.
        case needMore
        /// The bytes are not a frame.
        case damaged(offset: Int, reason: String)
    }

    /// A data frame's extent and header flags.
    struct DataFrame: Equatable {
        var start: Int
        var end: Int
        var contentSize: Int?
        var contentChecksum: Bool
        var blockChecksum: Bool
    }

    /// Reads the frame at `offset` of `bytes`.
    static func step(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Step {
        let end = bytes.count
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        guard offset + 4 <= end else { return .needMore }
        let magic = u32(offset)
        if FrameScanner.skippableMagicRange.contains(magic) {
            guard offset + 8 <= end else { return .needMore }
            let size = Int(u32(offset + 4))
            guard offset + 8 + size <= end else { return .needMore }
            return .skippable(end: offset + 8 + size, magic: magic, payload: (offset + 8)..<(offset + 8 + size))
        }
        guard magic == FrameScanner.dataMagic else {
            return .damaged(offset: offset, reason: "not an LZ4 frame (magic 0x\(String(magic, radix: 16)))")
        }
        guard offset + 7 <= end else { return .needMore }
        let flags = bytes[offset + 4]
        let descriptor = bytes[offset + 5]
        guard flags >> 6 == 0b01 else {
            return .damaged(offset: offset + 4, reason: "LZ4 frame version \(flags >> 6) is not 01")
        }
        guard flags & 0x02 == 0, descriptor & 0x8F == 0 else {
            return .damaged(offset: offset + 4, reason: "LZ4 frame descriptor has reserved bits set")
        }
        let sizeCode = Int(descriptor >> 4) & 7
        guard sizeCode >= 4 else {
            return .damaged(offset: offset + 5, reason: "invalid LZ4 block maximum size code \(sizeCode)")
        }
        guard flags & 0x01 == 0 else {
            return .damaged(offset: offset + 4, reason: "LZ4 frame names a dictionary (stock lz4 cannot decode it)")
        }
        let maximumBlock = 1 << (2 * sizeCode + 8)
        let blockChecksum = flags & 0x10 != 0
        let hasContentSize = flags & 0x08 != 0
        let contentChecksum = flags & 0x04 != 0
        var cursor = offset + 6
        var contentSize: Int?
        if hasContentSize {
            guard cursor + 8 <= end else { return .needMore }
            var size: UInt64 = 0
            for index in 0..<8 { size |= UInt64(bytes[cursor + index]) << (8 * UInt64(index)) }
            guard size <= UInt64(Int32.max) else {
                return .damaged(offset: cursor, reason: "LZ4 frame content size \(size) is absurd")
            }
            contentSize = Int(size)
            cursor += 8
        }
        cursor += 1  // header checksum (liblz4 checks it when decoding)
        while true {
            guard cursor + 4 <= end else { return .needMore }
            let word = u32(cursor)
            if word == 0 {
                cursor += 4
                break
            }
            let size = Int(word & 0x7FFF_FFFF)
            guard size <= maximumBlock else {
                return .damaged(
                    offset: cursor, reason: "LZ4 block of \(size) bytes exceeds the frame's maximum of \(maximumBlock)")
            }
            cursor += 4 + size + (blockChecksum ? 4 : 0)
            guard cursor <= end else { return .needMore }
        }
        if contentChecksum { cursor += 4 }
        guard cursor <= end else { return .needMore }
        return .data(
            DataFrame(
                start: offset, end: cursor, contentSize: contentSize, contentChecksum: contentChecksum,
                blockChecksum: blockChecksum))
    }

    /// The offset of the first plausible commit marker at or after `start`: its magic, a small
    /// size that fits, and a payload that parses as a marker. Used to tell damaged committed
    /// data (a marker follows) from a torn tail (none does).
    static func nextMarker(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let magic = CommitMarkerPayload.magicBytes
        var index = start
        while index + 8 <= bytes.count {
            if bytes[index] == magic[0] && bytes[index + 1] == magic[1] && bytes[index + 2] == magic[2]
                && bytes[index + 3] == magic[3]
            {
                let size =
                    Int(bytes[index + 4]) | Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]) << 16
                    | Int(bytes[index + 7]) << 24
                if size < 4096, index + 8 + size <= bytes.count,
                    CommitMarkerPayload.parse(UnsafeRawBufferPointer(rebasing: bytes[(index + 8)..<(index + 8 + size)]))
                        .marker != nil
                {
                    return index
                }
            }
            index += 1
        }
        return nil
    }
}
