import ParleyTestSupport
import Testing

@testable import LedgerStore

@Suite struct IDIndexTests {
    /// The array's own bytes, written as they are on a little-endian machine, are exactly the
    /// entries spelled out word by word (id high, id low, seq; little-endian).
    @Test func entriesAreWrittenAsTheFileStoresThem() throws {
        var entries: [(EventID, UInt64)] = []
        for index in 0..<100 {
            let word = UInt64(index)
            let id = EventID(high: 0x0123_4567_89AB_CDEF &* (word + 1), low: ~word << 7)
            entries.append((id, word * 977 + 1))
        }
        let written = try IDIndex.withEncoded(entries) { Array($0) }
        #expect(written == IDIndex.encode(entries))
        var spelled: [UInt8] = []
        for (id, seq) in entries {
            for word in [id.high, id.low, seq] { withUnsafeBytes(of: word.littleEndian) { spelled.append(contentsOf: $0) } }
        }
        #expect(written == spelled)
        #if _endian(little)
            #expect(IDIndex.storesEntriesAsIs)
        #endif
    }

    /// A table appended in two commits loads back entry for entry.
    @Test func appendedEntriesLoadBack() throws {
        try TemporaryDirectory.with { dir in
            let layout = LedgerLayout(root: dir)
            let first: [(EventID, UInt64)] = [(EventID(high: 1, low: 2), 1), (EventID(high: 3, low: 4), 2)]
            let second: [(EventID, UInt64)] = [(EventID(high: .max, low: 0), 3)]
            let middle = try IDIndex.append(first, to: layout, validBytes: 0)
            let end = try IDIndex.append(second, to: layout, validBytes: middle)
            #expect(middle == 48 && end == 72)
            let table = try #require(IDIndex.load(layout, bytes: end))
            #expect(table.count == 3)
            for (id, seq) in first + second { #expect(table[id] == seq) }
            #expect(IDIndex.lastSeq(in: layout) == 3)
        }
    }
}
