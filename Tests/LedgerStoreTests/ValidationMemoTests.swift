import LedgerStore
import Testing

@Suite struct ValidationMemoTests {
    static func remember(_ memo: ValidationMemo, _ text: String) {
        Array(text.utf8).withUnsafeBytes { memo.remember($0) }
    }

    static func contains(_ memo: ValidationMemo, _ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { memo.contains($0) }
    }

    /// Only the exact bytes remembered are found: not another block of the same length, not a
    /// prefix or an extension, not the empty string.
    @Test(arguments: [1, 1024])
    func findsOnlyTheExactBytes(slots: Int) {
        let memo = ValidationMemo(slotCount: slots)
        let block = #"{"confidence":"reported","source":{"publication":"Vedomosti"},"via":"Interfax"}"#
        #expect(!Self.contains(memo, block))
        Self.remember(memo, block)
        #expect(Self.contains(memo, block))
        #expect(!Self.contains(memo, #"{"confidence":"reported","source":{"publication":"Vedomosti"},"via":"Interfay"}"#))
        #expect(!Self.contains(memo, String(block.dropLast())))
        #expect(!Self.contains(memo, block + " "))
        Self.remember(memo, "")
        #expect(!Self.contains(memo, ""))
    }

    /// With one slot every new block displaces the last; a displaced block is simply validated again.
    @Test func aNewBlockDisplacesTheOneInItsSlot() {
        let memo = ValidationMemo(slotCount: 1)
        Self.remember(memo, #"{"via":"a"}"#)
        #expect(Self.contains(memo, #"{"via":"a"}"#))
        Self.remember(memo, #"{"via":"b"}"#)
        #expect(Self.contains(memo, #"{"via":"b"}"#))
        #expect(!Self.contains(memo, #"{"via":"a"}"#))
    }

    /// Blocks longer than `longestEntry` are never kept.
    @Test func longBlocksAreNotKept() {
        let memo = ValidationMemo()
        let long = #"{"via":""# + String(repeating: "x", count: ValidationMemo.longestEntry) + #""}"#
        Self.remember(memo, long)
        #expect(!Self.contains(memo, long))
        let longest = String(repeating: "y", count: ValidationMemo.longestEntry)
        Self.remember(memo, longest)
        #expect(Self.contains(memo, longest))
    }
}
