import CLZ4

/// Decompresses single LZ4 frames, verifying the content checksum.
///
/// Owns a liblz4 decompression context; reuse one decoder for many frames.
public final class LZ4FrameDecoder {
    private var context: OpaquePointer?

    /// Creates a decoder.
    ///
    /// - Throws: `LZ4Error` when liblz4 cannot allocate a context.
    public init() throws(LZ4Error) {
        var created: OpaquePointer?
        let code = LZ4F_createDecompressionContext(&created, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(code) == 0, let created else {
            throw LZ4Error("cannot create an lz4 decompression context")
        }
        context = created
    }

    deinit {
        if let context { LZ4F_freeDecompressionContext(context) }
    }

    /// Decompresses exactly one frame and appends its content to `output`.
    ///
    /// - Parameters:
    ///   - frame: The bytes of one complete LZ4 frame (nothing before or after it).
    ///   - expectedSize: The content size from the frame header, when known (sizes the output).
    ///   - output: The buffer the content is appended to.
    /// - Throws: `LZ4Error` on corrupt data, a checksum mismatch or a truncated frame.
    public func decompressFrame(
        _ frame: UnsafeRawBufferPointer,
        expectedSize: Int?,
        appendingTo output: inout [UInt8]
    ) throws(LZ4Error) {
        LZ4F_resetDecompressionContext(context)
        // A frame with a content checksum and no block checksums is verified here, with
        // libxxhash, instead of by liblz4 (see `FrameChecksum`); liblz4 still checks the header
        // checksum, the blocks and the frame's structure.
        let flags = frame.count > 4 ? frame[4] : 0
        let verifiesHere =
            frame.count >= 11 && flags & FrameScanner.contentChecksumFlag != 0
            && flags & FrameScanner.blockChecksumFlag == 0
        var options = LZ4F_decompressOptions_t()
        options.skipChecksums = verifiesHere ? 1 : 0
        let contentStart = output.count
        var consumedTotal = 0
        // LZ4 expands at most ~255:1, so a header may not make us reserve more than that bound
        // (a forged content size must not turn into a giant allocation).
        let bound = frame.count * 255 + 64 * 1024
        // Room for the content size the header gives (every frame Parley writes has one), so a
        // small frame zero-fills its own few kilobytes, not 64 KiB: a single append folds up to
        // 15 small commits when it opens the ledger, and reading a ledger of single appends
        // decompresses one such frame per commit. Without a size, or when the size was too small,
        // the room grows 64 KiB at a time.
        var chunk = expectedSize.map { min(max($0, 1), bound) } ?? 64 * 1024
        while true {
            let start = output.count
            output.appendZeros(chunk)
            var produced = 0
            var consumed = frame.count - consumedTotal
            var hint = 0
            output.withUnsafeMutableBytes { destination in
                produced = chunk
                hint = LZ4F_decompress(
                    context, destination.baseAddress! + start, &produced,
                    frame.baseAddress! + consumedTotal, &consumed, &options)
            }
            output.removeLast(chunk - (LZ4F_isError(hint) != 0 ? chunk : produced))
            if LZ4F_isError(hint) != 0 {
                throw LZ4Error(
                    "corrupt lz4 frame: " + String(cString: LZ4F_getErrorName(hint)), offset: consumedTotal)
            }
            consumedTotal += consumed
            if hint == 0 {
                guard consumedTotal == frame.count else {
                    throw LZ4Error("bytes after the end of an lz4 frame", offset: consumedTotal)
                }
                if verifiesHere {
                    let stored = UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: frame.count - 4, as: UInt32.self))
                    let computed = output.withUnsafeBytes {
                        FrameChecksum.xxh32(UnsafeRawBufferPointer(rebasing: $0[contentStart...]))
                    }
                    guard stored == computed else {
                        throw LZ4Error(
                            "corrupt lz4 frame: ERROR_contentChecksum_invalid", offset: frame.count - 4)
                    }
                }
                return
            }
            if consumed == 0 && produced == 0 {
                throw LZ4Error("lz4 frame is truncated", offset: consumedTotal)
            }
            if output.count > bound {
                throw LZ4Error("lz4 frame expands beyond any valid ratio", offset: consumedTotal)
            }
            chunk = max(chunk, 64 * 1024)
        }
    }
}
