import CanonicalJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed map from names to values for the lookups validation does on every event (member
/// names in object schemas, event type names): open addressing over the name's `NameHash`,
/// confirmed by string equality.
///
/// It does the job of a `Dictionary`, whose seeded SipHash costs several hundred instructions a
/// lookup on names like `"StatementReported"`; validation makes one lookup per member of every
/// event, so that cost would be a good part of the walk.
struct NameTable<Value: Sendable>: Sendable {
    private let slots: [Int32]
    private let names: [String]
    private let values: [Value]
    private let mask: Int
    /// The names' UTF-8, one after another: name `i` is `utf8[utf8Ends[i - 1]..<utf8Ends[i]]`.
    private let utf8: [UInt8]
    private let utf8Ends: [Int]
    /// Whether every name is ASCII. Byte equality is then `String` equality (which otherwise also
    /// equates canonically equivalent spellings, `"é"` and `"e\u{301}"`).
    private let namesAreASCII: Bool

    /// Builds the table.
    ///
    /// - Parameter entries: The names and their values.
    init(_ entries: [String: Value]) {
        var capacity = 4
        while capacity < entries.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        var names: [String] = []
        var values: [Value] = []
        for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
            var slot = Self.hash(name) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(names.count)
            names.append(name)
            values.append(value)
        }
        self.slots = slots
        self.names = names
        self.values = values
        mask = capacity - 1
        utf8 = names.flatMap(\.utf8)
        var end = 0
        utf8Ends = names.map { name in
            end += name.utf8.count
            return end
        }
        namesAreASCII = utf8.allSatisfy { $0 < 0x80 }
    }

    /// The value for the name whose UTF-8 is `bytes`, found as `self[name]` finds it.
    ///
    /// - Parameter bytes: The name's UTF-8 (valid UTF-8).
    /// - Returns: The value, if the table has the name.
    subscript(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        guard namesAreASCII, bytes.allSatisfy({ $0 < 0x80 }) else { return self[String(decoding: bytes, as: UTF8.self)] }
        var slot = Self.hash(bytes) & mask
        return utf8.withUnsafeBufferPointer { table in
            while true {
                let entry = Int(slots[slot])
                if entry < 0 { return nil }
                let start = entry == 0 ? 0 : utf8Ends[entry - 1]
                if utf8Ends[entry] - start == bytes.count
                    && (bytes.isEmpty || memcmp(table.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0)
                {
                    return values[entry]
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The value for `name`, if the table has it.
    subscript(name: String) -> Value? {
        var slot = Self.hash(name) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            if names[entry] == name { return values[entry] }
            slot = (slot + 1) & mask
        }
    }

    /// The names, sorted.
    var sortedNames: [String] { names }

    /// The name's `NameHash`.
    private static func hash(_ name: String) -> Int {
        if let hash = name.utf8.withContiguousStorageIfAvailable(hash) { return hash }
        return Array(name.utf8).withUnsafeBufferPointer(hash)
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        NameHash.of(UnsafeRawBufferPointer(bytes))
    }
}
