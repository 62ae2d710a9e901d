/// An error from the integrity layer: a failed proof, a bad signature, or malformed input.
///
/// `code` tells callers what kind of failure it is (the CLI maps codes to exit codes);
/// `message` says what went wrong in words a person can act on.
public struct IntegrityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// A size or index is outside the tree, or sizes are in the wrong order.
        case outOfRange = "out-of-range"
        /// A hash is not 32 bytes, or a proof has the wrong shape for its sizes.
        case malformedProof = "malformed-proof"
        /// A well-formed proof does not lead to the expected root(s): the data does not match.
        case verificationFailed = "verification-failed"
        /// A proof JSON document cannot be read.
        case malformedProofDocument = "malformed-proof-document"
        /// A checkpoint body does not follow C2SP tlog-checkpoint.
        case malformedCheckpoint = "malformed-checkpoint"
        /// A checkpoint's origin is not the one the caller expects.
        case originMismatch = "origin-mismatch"
        /// A signer or verifier key (or key name) is malformed.
        case malformedKey = "malformed-key"
        /// A signed note does not follow C2SP signed-note.
        case malformedNote = "malformed-note"
        /// No signature in the note comes from any of the given keys.
        case noMatchingSignature = "no-matching-signature"
        /// A signature from a known key does not verify: the note was altered or forged.
        case invalidSignature = "invalid-signature"
        /// The cryptography library failed (should not happen with valid keys).
        case cryptoFailure = "crypto-failure"
    }

    /// The kind of failure.
    public let code: Code
    /// A readable explanation.
    public let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: A readable explanation.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// True for failures that mean the data does not match what was committed or signed
    /// (as opposed to input that could not be read at all).
    public var isIntegrityFailure: Bool {
        switch code {
        case .verificationFailed, .invalidSignature, .noMatchingSignature, .originMismatch: return true
        default: return false
        }
    }

    /// The message, prefixed by nothing: it is written to be shown as is.
    public var description: String { message }
}
