/// The last version seen of every stream, keyed by the stream name's bytes.
///
/// Workers hash the names (in parallel); this table only compares bytes on a hash hit, so the
/// sequential part of an audit builds no `String` per record.
struct StreamVersions {
    private struct Entry {
        var name: [UInt8]
        var version: UInt64
        var next: Int  // next entry with the same hash, or -1
    }

    private var heads: [UInt64: Int] = [:]
    private var entries: [Entry] = []

    /// Number of streams seen.
    var count: Int { entries.count }

    /// Records `version` for the stream and returns the version it had before (0 for a new stream).
    mutating func update(name: UnsafeRawBufferPointer, hash: UInt64, version: UInt64) -> UInt64 {
        var index = heads[hash] ?? -1
        while index >= 0 {
            if entries[index].name.elementsEqual(name) {
                let previous = entries[index].version
                entries[index].version = version
                return previous
            }
            index = entries[index].next
        }
        entries.append(Entry(name: Array(name), version: version, next: heads[hash] ?? -1))
        heads[hash] = entries.count - 1
        return 0
    }
}

/// An event id as a set member.
struct EventKey: Hashable {
    var high: UInt64
    var low: UInt64
}
