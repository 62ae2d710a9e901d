import Testing

@testable import LedgerStore

@Suite struct EventIDTests {
    /// The textual form spelled out digit by digit, the slow way, for comparison.
    static func reference(_ id: EventID) -> String {
        func hex(_ word: UInt64) -> String {
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        let text = Array(hex(id.high) + hex(id.low))
        return String(text[0..<8]) + "-" + String(text[8..<12]) + "-" + String(text[12..<16]) + "-"
            + String(text[16..<20]) + "-" + String(text[20..<32])
    }

    @Test func knownIDsAreWrittenLowercaseEightFourFourFourTwelve() {
        #expect(
            EventID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210).description
                == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(EventID(high: 0, low: 0).description == "00000000-0000-0000-0000-000000000000")
        #expect(EventID(high: .max, low: .max).description == "ffffffff-ffff-ffff-ffff-ffffffffffff")
        #expect(
            EventID(high: 0x9A9A_9A9A_A9A9_A9A9, low: 0x0F0F_F0F0_1234_5678).description == "9a9a9a9a-a9a9-a9a9-0f0f-f0f012345678"
        )
    }

    /// Every nibble value in every position, and random ids: the text matches the slow form,
    /// the cursor writes the same 36 bytes (and nothing beyond them), and parsing gives the id back.
    @Test func textMatchesTheReferenceAndParsesBack() {
        var ids: [EventID] = []
        for nibble in 0..<16 {
            let word = UInt64(nibble) &* 0x1111_1111_1111_1111
            ids.append(EventID(high: word, low: ~word))
            for shift in stride(from: 0, to: 64, by: 4) {
                ids.append(EventID(high: UInt64(nibble) << shift, low: UInt64(15 - nibble) << shift))
            }
        }
        var generator = EventIDGenerator()
        for _ in 0..<500 { ids.append(generator.make()) }
        let room = UnsafeMutablePointer<UInt8>.allocate(capacity: 40)
        defer { room.deallocate() }
        for id in ids {
            let text = id.description
            #expect(text == Self.reference(id))
            room.initialize(repeating: 0xEE, count: 40)
            var cursor = ByteCursor(room)
            id.write(to: &cursor)
            #expect(room.distance(to: cursor.position) == 36)
            #expect(String(decoding: UnsafeBufferPointer(start: room, count: 36), as: UTF8.self) == text)
            #expect(Array(UnsafeBufferPointer(start: room + 36, count: 4)) == [0xEE, 0xEE, 0xEE, 0xEE])
            #expect(EventID(text) == id)
            #expect(EventID(text.uppercased()) == id)
        }
    }

    @Test func generatedIDsAreVersionFourVariantOne() {
        var generator = EventIDGenerator()
        for _ in 0..<100 {
            let text = Array(generator.make().description)
            #expect(text[14] == "4")
            #expect("89ab".contains(text[19]))
        }
    }
}
