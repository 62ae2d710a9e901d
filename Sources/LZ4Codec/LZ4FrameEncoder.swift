import CLZ4

/// Compresses byte buffers into standard LZ4 frames (lz4frame format) with the content
/// checksum and content size recorded, so that stock `lz4 -dc` verifies every byte.
public enum LZ4FrameEncoder {
    /// Block size of the frames.
    public enum BlockSize: Sendable {
        /// 64 KiB blocks: small commits (single appends).
        case small
        /// 4 MiB blocks: bulk batches (the best ratio, as `lz4 -1` uses).
        case large
    }

    /// Appends one complete LZ4 frame holding `source` to `output`.
    ///
    /// - Parameters:
    ///   - source: The bytes to compress.
    ///   - blockSize: The frame's maximum block size.
    ///   - output: The buffer the frame is appended to.
    /// - Throws: `LZ4Error` when liblz4 reports a failure.
    public static func appendFrame(
        of source: UnsafeRawBufferPointer,
        blockSize: BlockSize,
        to output: inout [UInt8]
    ) throws(LZ4Error) {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = blockSize == .large ? LZ4F_max4MB : LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.contentSize = UInt64(source.count)
        preferences.compressionLevel = 1
        let bound = LZ4F_compressFrameBound(source.count, &preferences)
        let start = output.count
        output.reserveCapacity(start + bound)
        var written = 0
        output.appendZeros(bound)
        output.withUnsafeMutableBytes { destination in
            written = LZ4F_compressFrame(
                destination.baseAddress! + start, bound, source.baseAddress, source.count, &preferences)
        }
        if LZ4F_isError(written) != 0 {
            output.removeLast(bound)
            throw LZ4Error("lz4 compression failed: " + String(cString: LZ4F_getErrorName(written)))
        }
        output.removeLast(bound - written)
    }

    /// Compresses `source` into one complete LZ4 frame.
    ///
    /// - Parameters:
    ///   - source: The bytes to compress.
    ///   - blockSize: The frame's maximum block size.
    /// - Returns: The frame bytes.
    /// - Throws: `LZ4Error` when liblz4 reports a failure.
    public static func frame(of source: [UInt8], blockSize: BlockSize = .small) throws(LZ4Error) -> [UInt8] {
        var output = [UInt8]()
        let result: Result<Void, LZ4Error> = source.withUnsafeBytes { raw in
            do throws(LZ4Error) {
                try appendFrame(of: raw, blockSize: blockSize, to: &output)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return output
    }
}
