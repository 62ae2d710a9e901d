import CanonicalJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The versions a batch has given its streams so far, found by the stream name's bytes.
///
/// A bulk append looks up the stream of every event here. Keyed by `String`, each look-up first
/// built a string of the name (an allocation for names over 15 bytes, such as
/// `negotiation/zil-faw-assembly`) and hashed it with SipHash; here it is a `NameHash` of the
/// bytes in place and one `memcmp`. A stream's `String` is made once, when the batch first
/// meets it.
struct BatchStreamVersions {
    /// Entry index + 1 for each slot (0: empty); the count is a power of two, at most half full.
    private var slots = [Int32](repeating: 0, count: 64)
    private(set) var names: [String] = []
    /// Entry `i`'s version (set it as the batch gives the stream more events).
    var versions: [UInt64] = []
    /// The names' bytes, one after another: entry `i` is `nameBytes[nameEnds[i - 1]..<nameEnds[i]]`.
    private var nameBytes: [UInt8] = []
    private var nameEnds: [Int] = []

    /// The entry of the stream whose name is `name`, if the batch has met it.
    ///
    /// `mutating` though it changes nothing: the batch keeps the table in a stored property of
    /// a class, where a non-mutating call works on a copy, retaining and releasing the five
    /// arrays on every event; a mutating one works in place.
    mutating func entry(_ name: UnsafeRawBufferPointer) -> Int? {
        let mask = slots.count - 1
        var slot = NameHash.of(name) & mask
        return nameBytes.withUnsafeBytes { stored in
            while true {
                let entry = Int(slots[slot]) - 1
                if entry < 0 { return nil }
                let start = entry == 0 ? 0 : nameEnds[entry - 1]
                if nameEnds[entry] - start == name.count
                    && (name.isEmpty || memcmp(stored.baseAddress! + start, name.baseAddress!, name.count) == 0)
                {
                    return entry
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Adds a stream the batch has not met (`entry(name)` is nil).
    ///
    /// - Returns: Its entry.
    mutating func add(_ name: UnsafeRawBufferPointer, version: UInt64) -> Int {
        let entry = names.count
        names.append(String(decoding: name, as: UTF8.self))
        versions.append(version)
        nameBytes.append(contentsOf: name)
        nameEnds.append(nameBytes.count)
        if 2 * names.count > slots.count {
            rehash(capacity: 2 * slots.count)
        } else {
            place(entry)
        }
        return entry
    }

    private mutating func place(_ entry: Int) {
        let mask = slots.count - 1
        let start = entry == 0 ? 0 : nameEnds[entry - 1]
        var slot = nameBytes.withUnsafeBytes { NameHash.of(UnsafeRawBufferPointer(rebasing: $0[start..<nameEnds[entry]])) } & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    private mutating func rehash(capacity: Int) {
        slots = [Int32](repeating: 0, count: capacity)
        for entry in names.indices { place(entry) }
    }
}
