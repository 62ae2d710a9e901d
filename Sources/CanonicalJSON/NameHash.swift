/// A cheap hash of a short name's UTF-8 bytes (member names, event types, stream names) for the
/// open-addressing tables that validation and the bulk append probe on every event.
///
/// It mixes the length with the first and last eight bytes (all of them for names of up to
/// sixteen bytes), so it costs a few instructions where `Hasher`'s seeded SipHash costs several
/// hundred. It is not seeded: the tables that use it hold names the catalogue or the batch
/// chose, and a collision costs only a probe.
package enum NameHash {
    /// The hash of `bytes` (inlinable: it is called across modules, once per member name).
    @inlinable @inline(__always)
    package static func of(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if count >= 8, let base = bytes.baseAddress {
            head = base.loadUnaligned(as: UInt64.self)
            tail = (base + (count - 8)).loadUnaligned(as: UInt64.self)
        } else {
            for byte in bytes { head = head << 8 | UInt64(byte) }
        }
        var hash = (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
        hash ^= hash >> 29
        hash &*= 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
