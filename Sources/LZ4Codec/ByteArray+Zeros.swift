/// A zeroed block that `appendZeros` copies from. (It lives in the codec, the module every
/// reader of files depends on.)
private let zeroBlock = [UInt8](repeating: 0, count: 64 * 1024)

extension [UInt8] {
    /// Appends `count` zero bytes (room for a C function to write into).
    ///
    /// Copies from a zeroed block: as fast in a debug build as in a release one, where
    /// `append(contentsOf: repeatElement(0, count:))` runs element by element in debug builds
    /// (~2 ms for the 64 KiB a one-event frame reserves, which made every debug-built append
    /// that recovers a few commits take ~200 ms).
    ///
    /// - Parameter count: How many zero bytes to append.
    package mutating func appendZeros(_ count: Int) {
        // No `reserveCapacity` here: an exact reservation on every call would defeat the
        // array's geometric growth for callers that append frame after frame.
        var left = count
        zeroBlock.withUnsafeBufferPointer { zeros in
            while left > 0 {
                let piece = Swift.min(left, zeros.count)
                append(contentsOf: UnsafeBufferPointer(rebasing: zeros[..<piece]))
                left -= piece
            }
        }
    }
}
