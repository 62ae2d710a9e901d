import Testing

@testable import CanonicalJSON

@Suite struct ShortCopyTests {
    /// Every length from 0 to 80, at every alignment within a word: exactly the bytes asked for
    /// arrive, and the bytes around the destination stay as they were.
    @Test func copiesExactlyTheBytesAskedFor() {
        var generator = SystemRandomNumberGenerator()
        let source = (0..<96).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for count in 0...80 {
            for offset in 0..<8 {
                var destination = [UInt8](repeating: 0xA5, count: 104)
                source.withUnsafeBytes { from in
                    destination.withUnsafeMutableBytes { to in
                        ShortCopy.copy(to.baseAddress! + 8 + offset, from.baseAddress! + offset, count)
                    }
                }
                #expect(Array(destination[(8 + offset)..<(8 + offset + count)]) == Array(source[offset..<(offset + count)]))
                #expect(destination[..<(8 + offset)].allSatisfy { $0 == 0xA5 }, "count \(count)")
                #expect(destination[(8 + offset + count)...].allSatisfy { $0 == 0xA5 }, "count \(count)")
            }
        }
    }
}
