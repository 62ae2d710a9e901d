/// A problem with JSON input, naming the field it was found in.
///
/// `path` uses dots for object members and `[n]` for array elements, relative to the
/// document root (for example `data.low.amount` or `data.items[1].models`).
public struct JSONInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is: a dotted field path, or empty for the document itself.
    public var path: String
    /// What is wrong and, where possible, how to fix it.
    public var message: String
    /// Byte offset in the input where the problem was found.
    public var offset: Int

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - path: The dotted field path.
    ///   - message: What is wrong.
    ///   - offset: The byte offset in the input.
    public init(path: String, message: String, offset: Int = 0) {
        self.path = path
        self.message = message
        self.offset = offset
    }

    public var description: String {
        path.isEmpty ? message : "\(path): \(message)"
    }

    /// The same error with `prefix` put in front of its path (`prefix.path`).
    ///
    /// - Parameter prefix: The enclosing field name.
    /// - Returns: The re-rooted error.
    public func nested(under prefix: String) -> JSONInputError {
        var copy = self
        copy.path = path.isEmpty ? prefix : (path.hasPrefix("[") ? prefix + path : prefix + "." + path)
        return copy
    }
}
