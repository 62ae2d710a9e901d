/// Copies of a few bytes without a call: the encoder copies every string, name and number it
/// passes (about thirty per event, mostly under 32 bytes), and a `memmove` call per copy was
/// ~2% of a bulk import. Up to 32 bytes move as two or four overlapping words, each read before
/// any is written (so overlap between source and destination is harmless too) and none beyond
/// either range; longer copies go to `memmove`.
package enum ShortCopy {
    /// Copies `count` bytes from `source` to `destination`.
    @inline(__always)
    package static func copy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
        if count >= 8 && count <= 16 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            destination.storeBytes(of: head, as: UInt64.self)
            destination.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        } else if count > 16 && count <= 32 {
            let a = source.loadUnaligned(as: UInt64.self)
            let b = source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = source.loadUnaligned(fromByteOffset: count &- 16, as: UInt64.self)
            let d = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            destination.storeBytes(of: a, as: UInt64.self)
            destination.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            destination.storeBytes(of: c, toByteOffset: count &- 16, as: UInt64.self)
            destination.storeBytes(of: d, toByteOffset: count &- 8, as: UInt64.self)
        } else if count >= 4 && count < 8 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            destination.storeBytes(of: head, as: UInt32.self)
            destination.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
        } else if count > 32 {
            destination.copyMemory(from: source, byteCount: count)
        } else {
            for index in 0..<count {
                destination.storeBytes(
                    of: source.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index, as: UInt8.self)
            }
        }
    }
}
