import Testing

@testable import LedgerStore

/// The pointer-written chunk the bulk path assembles records in.
@Suite struct RecordChunkTests {
    @Test func decimalsAndLiteralsAreWrittenExactly() {
        let chunk = RecordChunk(capacity: 8)
        let values: [UInt64] = [0, 7, 9, 10, 99, 100, 123_456_789, 9_007_199_254_740_991, UInt64.max]
        for value in values {
            var cursor = ByteCursor(chunk.reserve(21))
            cursor.writeDecimal(value)
            cursor.write(",")
            chunk.commit(to: cursor.position)
        }
        #expect(String(decoding: chunk.bytes, as: UTF8.self) == values.map { "\($0)," }.joined())
    }

    @Test func growingKeepsWhatWasWritten() {
        let chunk = RecordChunk(capacity: 64)
        var expected: [UInt8] = []
        for round in 0..<200 {
            let piece = [UInt8](repeating: UInt8(round % 251), count: round * 3)
            var cursor = ByteCursor(chunk.reserve(piece.count))
            cursor.write(piece)
            chunk.commit(to: cursor.position)
            expected += piece
        }
        #expect(chunk.capacity >= expected.count)
        #expect(Array(chunk.bytes) == expected)
        chunk.removeAll()
        #expect(chunk.isEmpty)
        #expect(chunk.capacity >= expected.count)
    }
}
