import Crypto

/// A SHA-256 digest held inline as four words: what the Merkle frontier keeps and hashes, so
/// that appending a leaf allocates nothing on the heap (a `Hash32` is an array: one allocation
/// and one release per hash, two million of them for a million leaves).
public struct Digest32: Sendable, Equatable {
    /// The 32 bytes in memory order (not numeric words: compare and copy only).
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// Copies 32 bytes.
    ///
    /// - Parameter bytes: Exactly 32 bytes.
    public init(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32, "a digest is 32 bytes")
        words = (
            bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
            bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
            bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        )
    }

    /// Copies a `Hash32`.
    ///
    /// - Parameter hash: Exactly 32 bytes.
    public init(_ hash: Hash32) {
        self = hash.withUnsafeBytes { Digest32($0) }
    }

    init(_ digest: SHA256Digest) {
        self = digest.withUnsafeBytes { Digest32($0) }
    }

    /// The bytes as a `Hash32`.
    public var hash: Hash32 {
        Swift.withUnsafeBytes(of: words) { Array($0) }
    }

    /// Calls `body` with the 32 bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    public static func == (left: Digest32, right: Digest32) -> Bool {
        left.words.0 == right.words.0 && left.words.1 == right.words.1 && left.words.2 == right.words.2
            && left.words.3 == right.words.3
    }
}

extension RFC6962 {
    /// Leaf hash of `prefixed` (0x00 then the leaf bytes), as `leafHash(prefixed:)`, inline.
    ///
    /// - Parameter prefixed: The byte 0x00 followed by the leaf bytes.
    /// - Returns: The leaf hash.
    public static func leafDigest(prefixed: UnsafeRawBufferPointer) -> Digest32 {
        precondition(prefixed.first == 0x00, "a prefixed leaf starts with 0x00")
        var hasher = SHA256()
        hasher.update(bufferPointer: prefixed)
        return Digest32(hasher.finalize())
    }

    /// Interior node hash SHA-256(0x01 ‖ left ‖ right), as `nodeHash(_:_:)`, inline.
    ///
    /// - Parameters:
    ///   - left: The left child hash.
    ///   - right: The right child hash.
    /// - Returns: The node hash.
    public static func nodeDigest(_ left: Digest32, _ right: Digest32) -> Digest32 {
        var hasher = SHA256()
        // One update of the 65 bytes, from the stack: each update call costs about as much as
        // hashing a block.
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { input in
            input[0] = 0x01
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: input[1..<33]).copyMemory(from: $0) }
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: input[33..<65]).copyMemory(from: $0) }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(input))
        }
        return Digest32(hasher.finalize())
    }
}
