/// The event ids seen so far: an open-addressing hash set of 128-bit UUIDs.
///
/// Ids are random (v4) or hash-derived (v5), so their low bits already spread well: no hashing,
/// no per-insert allocation, 16 bytes a slot.
struct EventIDSet {
    private var slots: [EventKey]
    private var mask: Int
    private(set) var count = 0
    /// All-zero ids cannot mark empty slots, so they are counted apart.
    private var hasZero = false

    init() {
        slots = Array(repeating: EventKey(high: 0, low: 0), count: 1 << 16)
        mask = (1 << 16) - 1
    }

    /// Inserts an id; false when it was already there.
    mutating func insert(_ key: EventKey) -> Bool {
        if key.high == 0 && key.low == 0 {
            defer { hasZero = true }
            return !hasZero
        }
        if (count + 1) * 4 > slots.count * 3 { grow() }
        var index = Int(truncatingIfNeeded: key.low ^ (key.high >> 7)) & mask
        while true {
            let slot = slots[index]
            if slot.high == 0 && slot.low == 0 {
                slots[index] = key
                count += 1
                return true
            }
            if slot == key { return false }
            index = (index + 1) & mask
        }
    }

    /// Whether the id is in the set.
    func contains(_ key: EventKey) -> Bool {
        if key.high == 0 && key.low == 0 { return hasZero }
        var index = Int(truncatingIfNeeded: key.low ^ (key.high >> 7)) & mask
        while true {
            let slot = slots[index]
            if slot.high == 0 && slot.low == 0 { return false }
            if slot == key { return true }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: EventKey(high: 0, low: 0), count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for key in old where key.high != 0 || key.low != 0 { _ = insert(key) }
    }
}
