/// A failure of the LZ4 frame codec, with the byte offset where it was found.
public struct LZ4Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in words a person can act on.
    public let message: String
    /// Offset of the problem within the buffer handed to the codec, when known.
    public let offset: Int?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - message: What went wrong.
    ///   - offset: Where, when known.
    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(message) (at byte \(offset))" }
        return message
    }
}
