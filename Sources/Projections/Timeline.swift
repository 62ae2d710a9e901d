import LedgerStore

/// Items in valid-time order: by `effective_at`, ties broken by seq.
///
/// Events usually arrive in that order, so inserting is an append; a late-arriving event (earlier
/// `effective_at` than one already held) is placed where it belongs, so "latest" always means
/// latest in the world, whatever order the ledger learned things in.
public struct Timeline: Sendable, Equatable, RandomAccessCollection {
    /// The items, oldest first.
    public private(set) var items: [SourcedData] = []

    /// An empty timeline.
    public init() {}

    /// The first index.
    public var startIndex: Int { items.startIndex }
    /// One past the last index.
    public var endIndex: Int { items.endIndex }
    /// The item at `position`.
    public subscript(position: Int) -> SourcedData { items[position] }

    /// The latest item in valid time.
    public var latest: SourcedData? { items.last }

    /// Inserts an item at its place in valid time.
    mutating func insert(_ item: SourcedData) {
        if let last = items.last, item.source.precedes(last.source) {
            items.insert(item, at: insertionIndex(effectiveAt: item.source.effectiveAt, seq: item.source.seq))
        } else {
            items.append(item)
        }
    }

    /// Removes and returns the item from record `seq` with valid time `effectiveAt`.
    mutating func remove(seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        let index = insertionIndex(effectiveAt: effectiveAt, seq: seq)
        guard index < items.count, items[index].source.seq == seq else { return nil }
        return items.remove(at: index)
    }

    /// The item from record `seq` with valid time `effectiveAt`.
    func item(seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        let index = insertionIndex(effectiveAt: effectiveAt, seq: seq)
        guard index < items.count, items[index].source.seq == seq else { return nil }
        return items[index]
    }

    /// Replaces the item from record `seq` (same valid time) in place.
    mutating func replace(_ item: SourcedData) -> Bool {
        let index = insertionIndex(effectiveAt: item.source.effectiveAt, seq: item.source.seq)
        guard index < items.count, items[index].source.seq == item.source.seq else { return false }
        items[index] = item
        return true
    }

    /// The first index whose item does not precede (effectiveAt, seq).
    private func insertionIndex(effectiveAt: Timestamp, seq: UInt64) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            let source = items[middle].source
            if source.effectiveAt < effectiveAt || (source.effectiveAt == effectiveAt && source.seq < seq) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// Keeps only the items `isIncluded` accepts.
    func filtered(_ isIncluded: (SourcedData) -> Bool) -> Timeline {
        var copy = Timeline()
        copy.items = items.filter(isIncluded)
        return copy
    }
}

extension Timeline {
    /// Groups the items by `key`: per key, the latest item and the earlier ones (oldest first),
    /// keys in order of their first item.
    ///
    /// - Parameter key: The grouping key of an item.
    /// - Returns: One entry per key.
    func groupedLatest<Key: Hashable>(by key: (SourcedData) -> Key) -> [(latest: SourcedData, earlier: [SourcedData])] {
        var order: [Key] = []
        var groups: [Key: [SourcedData]] = [:]
        for item in items {
            let itemKey = key(item)
            if groups[itemKey] == nil { order.append(itemKey) }
            groups[itemKey, default: []].append(item)
        }
        return order.map { itemKey in
            let group = groups[itemKey]!
            return (group[group.count - 1], Array(group.dropLast()))
        }
    }
}
