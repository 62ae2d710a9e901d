import Crypto

/// Plain SHA-256 of some bytes (not a tree hash), for checks on Parley's own derived files.
package enum ContentHash {
    /// SHA-256 of `bytes`.
    package static func sha256(_ bytes: UnsafeRawBufferPointer) -> Hash32 {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }
}
