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
        let bound = frameBound(count: source.count, blockSize: blockSize)
        let start = output.count
        output.reserveCapacity(start + bound)
        output.appendZeros(bound)
        let written = output.withUnsafeMutableBytes { destination in
            Result { () throws(LZ4Error) in
                try writeFrame(
                    of: source, blockSize: blockSize,
                    into: UnsafeMutableRawBufferPointer(rebasing: destination[start...]))
            }
        }
        switch written {
        case .success(let count): output.removeLast(bound - count)
        case .failure(let error):
            output.removeLast(bound)
            throw error
        }
    }

    /// The most bytes a frame of `count` source bytes can take (room to give `writeFrame`).
    ///
    /// - Parameters:
    ///   - count: The number of bytes to compress.
    ///   - blockSize: The frame's maximum block size.
    /// - Returns: liblz4's bound for the frame.
    public static func frameBound(count: Int, blockSize: BlockSize) -> Int {
        var preferences = self.preferences(count: count, blockSize: blockSize)
        return LZ4F_compressFrameBound(count, &preferences)
    }

    /// Writes one complete LZ4 frame holding `source` into `destination`, which needs
    /// `frameBound(count: source.count, blockSize:)` bytes; a caller compressing frame after
    /// frame reuses one buffer this way (no zeroing, no fresh pages).
    ///
    /// - Parameters:
    ///   - source: The bytes to compress.
    ///   - blockSize: The frame's maximum block size.
    ///   - destination: Where the frame goes.
    /// - Returns: The frame's size.
    /// - Throws: `LZ4Error` when liblz4 reports a failure (a too small destination among them).
    public static func writeFrame(
        of source: UnsafeRawBufferPointer, blockSize: BlockSize, into destination: UnsafeMutableRawBufferPointer
    ) throws(LZ4Error) -> Int {
        // liblz4 writes the frame without its content checksum, which `FrameChecksum` adds
        // (liblz4's own XXH32 is the slow part otherwise); `frameBound` counts its four bytes.
        var preferences = self.preferences(count: source.count, blockSize: blockSize, contentChecksum: false)
        guard destination.count >= 4 else { throw LZ4Error("lz4 compression failed: no room for the frame") }
        let written = LZ4F_compressFrame(
            destination.baseAddress, destination.count - 4, source.baseAddress, source.count, &preferences)
        if LZ4F_isError(written) != 0 {
            throw LZ4Error("lz4 compression failed: " + String(cString: LZ4F_getErrorName(written)))
        }
        return FrameChecksum.addContentChecksum(to: destination.baseAddress!, count: written, content: source)
    }

    /// The frame liblz4 writes by itself, checksum and all: what `writeFrame` must equal (tests).
    static func libraryFrame(of source: UnsafeRawBufferPointer, blockSize: BlockSize) throws(LZ4Error) -> [UInt8] {
        var preferences = self.preferences(count: source.count, blockSize: blockSize)
        var frame = [UInt8](repeating: 0, count: LZ4F_compressFrameBound(source.count, &preferences))
        let written = frame.withUnsafeMutableBytes {
            LZ4F_compressFrame($0.baseAddress, $0.count, source.baseAddress, source.count, &preferences)
        }
        if LZ4F_isError(written) != 0 {
            throw LZ4Error("lz4 compression failed: " + String(cString: LZ4F_getErrorName(written)))
        }
        frame.removeLast(frame.count - written)
        return frame
    }

    private static func preferences(count: Int, blockSize: BlockSize, contentChecksum: Bool = true)
        -> LZ4F_preferences_t
    {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = blockSize == .large ? LZ4F_max4MB : LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = contentChecksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum
        preferences.frameInfo.contentSize = UInt64(count)
        preferences.compressionLevel = 1
        return preferences
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
