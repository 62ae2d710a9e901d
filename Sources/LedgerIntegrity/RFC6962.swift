import Crypto

/// A SHA-256 digest as 32 raw bytes.
public typealias Hash32 = [UInt8]

/// Hashing rules of RFC 6962 §2.1: domain-separated leaf and node hashes.
public enum RFC6962 {
    /// The root of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot: Hash32 = Array(SHA256.hash(data: [UInt8]()))

    /// Leaf hash: SHA-256(0x00 ‖ leaf).
    ///
    /// - Parameter leaf: The leaf bytes (a canonical record line without its newline).
    /// - Returns: The 32-byte leaf hash.
    public static func leafHash<Bytes: Collection>(_ leaf: Bytes) -> Hash32 where Bytes.Element == UInt8 {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        if let done = leaf.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            _ = done
        } else {
            hasher.update(data: Array(leaf))
        }
        return bytes(of: hasher.finalize())
    }

    /// Leaf hash of bytes in a raw buffer.
    ///
    /// - Parameter leaf: The leaf bytes.
    /// - Returns: The 32-byte leaf hash.
    public static func leafHash(_ leaf: UnsafeRawBufferPointer) -> Hash32 {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: leaf)
        return bytes(of: hasher.finalize())
    }

    /// Leaf hash of a leaf whose 0x00 prefix is already in memory before it: SHA-256 of
    /// `prefixed` in one update (the bulk writer's path, where the update call costs about as
    /// much as hashing a short record).
    ///
    /// - Parameter prefixed: The byte 0x00 followed by the leaf bytes.
    /// - Returns: The 32-byte leaf hash.
    public static func leafHash(prefixed: UnsafeRawBufferPointer) -> Hash32 {
        precondition(prefixed.first == 0x00, "a prefixed leaf starts with 0x00")
        var hasher = SHA256()
        hasher.update(bufferPointer: prefixed)
        return bytes(of: hasher.finalize())
    }

    /// Interior node hash: SHA-256(0x01 ‖ left ‖ right).
    ///
    /// - Parameters:
    ///   - left: The left child hash.
    ///   - right: The right child hash.
    /// - Returns: The 32-byte node hash.
    public static func nodeHash(_ left: Hash32, _ right: Hash32) -> Hash32 {
        var hasher = SHA256()
        guard left.count == 32, right.count == 32 else {
            hasher.update(data: [0x01] + left + right)
            return bytes(of: hasher.finalize())
        }
        // One update of the 65 bytes, from the stack: each update call costs about as much as
        // hashing a block.
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { input in
            input[0] = 0x01
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: input[1..<33]).copyMemory(from: $0) }
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: input[33..<65]).copyMemory(from: $0) }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(input))
        }
        return bytes(of: hasher.finalize())
    }

    /// A digest's 32 bytes (one copy; iterating the digest costs more than hashing a node).
    private static func bytes(of digest: SHA256Digest) -> Hash32 {
        digest.withUnsafeBytes { Array($0) }
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hexadecimal rendering of the bytes.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses lowercase or uppercase hexadecimal; nil when the text is not an even run of hex digits.
    ///
    /// - Parameter hex: The hexadecimal text.
    public init?(hexString hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        self = out
    }
}

extension RFC6962 {
    /// The split point k of RFC 6962 §2.1: the largest power of two strictly smaller than `n`.
    ///
    /// - Parameter n: A tree size of at least 2.
    /// - Returns: k with k < n ≤ 2k.
    package static func splitPoint(_ n: UInt64) -> UInt64 {
        precondition(n >= 2, "split point needs at least two leaves")
        return 1 << (UInt64.bitWidth - (n - 1).leadingZeroBitCount - 1)
    }

    /// True when `hash` has the length of a SHA-256 digest.
    package static func isHash(_ hash: Hash32) -> Bool { hash.count == 32 }
}
