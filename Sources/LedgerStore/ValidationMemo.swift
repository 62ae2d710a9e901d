import CXXHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte strings a validator has accepted recently, so that a repeated one is not walked again:
/// a small direct-mapped cache, one per validating thread (not thread-safe).
///
/// Provenance blocks repeat in bursts (a run of events reported from one article): on the
/// reference workload 79% of `meta` blocks equal one of the last 256 seen. Only acceptances are
/// kept, each as its exact bytes, so a hit is a byte-for-byte equal input whose verdict cannot
/// differ (validation is a function of the bytes and the catalogue, which a memo never outlives:
/// it belongs to one batch); a rejection is always decided, and explained, afresh.
public final class ValidationMemo {
    /// The longest byte string kept (longer ones are always validated): a memo holds at most
    /// `slotCount` × 512 bytes (512 KiB with the default 1,024 slots).
    public static let longestEntry = 512

    private var slots: [[UInt8]]
    private let mask: Int

    /// Room the validator may use while it validates one event on this memo's thread (the
    /// catalogue notes member spans there for its cross-field rules): allocated once per memo,
    /// where a temporary allocation of its size came from the heap for every event.
    package let scratch: UnsafeMutableRawBufferPointer = .allocate(byteCount: 8192, alignment: 16)

    /// Creates an empty memo.
    ///
    /// - Parameter slotCount: The number of entries, rounded up to a power of two.
    public init(slotCount: Int = 1024) {
        var count = 1
        while count < slotCount { count <<= 1 }
        slots = Array(repeating: [], count: count)
        mask = count - 1
    }

    deinit {
        scratch.deallocate()
    }

    /// Whether `bytes` were remembered (and not displaced since).
    public func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty, bytes.count <= Self.longestEntry else { return false }
        return slots.withUnsafeBufferPointer { all in
            all[Self.hash(bytes) & mask].withUnsafeBytes { entry in
                entry.count == bytes.count && memcmp(entry.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            }
        }
    }

    /// Remembers `bytes` as accepted (displacing whatever shared their slot).
    public func remember(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, bytes.count <= Self.longestEntry else { return }
        let slot = Self.hash(bytes) & mask
        slots[slot].removeAll(keepingCapacity: true)
        slots[slot].append(contentsOf: bytes)
    }

    /// A hash of every byte (the blocks differ anywhere: a date, a name): libxxhash's XXH3,
    /// several times faster on these 100-200 byte blocks than the multiply chain it replaced
    /// (which was ~1% of a bulk import).
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        Int(truncatingIfNeeded: XXH3_64bits(bytes.baseAddress, bytes.count))
    }
}
