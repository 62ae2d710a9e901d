import Foundation
import LedgerIntegrity
import ParleyTestSupport
import Testing

/// Leaf and node hashes against Python's hashlib over the RFC 6962 prefixed bytes.
@Suite struct RFC6962HashTests {
    /// SHA-256 of each hex input, by python3.
    static func python(_ inputs: [[UInt8]]) throws -> [[UInt8]] {
        let script = "import hashlib, sys\nfor line in sys.stdin: print(hashlib.sha256(bytes.fromhex(line.strip())).hexdigest())"
        let result = try ProcessRunner.run(
            "python3", ["-c", script], input: Data(inputs.map { $0.hexString + "\n" }.joined().utf8))
        #expect(result.status == 0)
        return result.stdoutText.split(separator: "\n").map { line in
            stride(from: 0, to: line.count, by: 2).map { offset in
                let start = line.index(line.startIndex, offsetBy: offset)
                return UInt8(line[start..<line.index(start, offsetBy: 2)], radix: 16)!
            }
        }
    }

    @Test func leafAndNodeHashesAreSHA256OfThePrefixedBytes() throws {
        var random = SystemRandomNumberGenerator()
        let bytes = { (count: Int) in (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        let leaves = [0, 1, 55, 56, 63, 64, 65, 500].map(bytes)
        // 32-byte children take the stack path; other lengths (never made by Parley) the general one.
        let pairs = [(32, 32), (32, 32), (31, 32), (32, 33), (0, 0), (64, 1)].map { (bytes($0.0), bytes($0.1)) }
        let expected = try Self.python(leaves.map { [0x00] + $0 } + pairs.map { [0x01] + $0.0 + $0.1 })
        #expect(expected.count == leaves.count + pairs.count)
        for (index, leaf) in leaves.enumerated() {
            #expect(RFC6962.leafHash(leaf) == expected[index])
            #expect(leaf.withUnsafeBytes { RFC6962.leafHash($0) } == expected[index])
            #expect(([0x00] + leaf).withUnsafeBytes { RFC6962.leafHash(prefixed: $0) } == expected[index])
        }
        for (index, pair) in pairs.enumerated() {
            #expect(RFC6962.nodeHash(pair.0, pair.1) == expected[leaves.count + index])
        }
    }
}
