/// A problem with the event catalogue itself (`Events/catalogue.json` or a schema file), found
/// when it is loaded, before any event is validated.
public struct CatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// A file could not be read.
        case unreadable
        /// A file is not valid JSON.
        case invalidJSON
        /// `catalogue.json` is malformed or disagrees with the schema files.
        case invalidCatalogue
        /// A schema is malformed (wrong keyword value, bad `$ref`, pattern that does not compile).
        case invalidSchema
        /// A schema uses a keyword outside the supported subset.
        case unsupportedKeyword
    }

    /// The kind of problem.
    public var code: Code
    /// The file the problem is in (a file name such as `RoleAssigned.v2.json`).
    public var file: String
    /// What is wrong, naming the place in the file.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - file: The file it is in.
    ///   - message: What is wrong.
    public init(code: Code, file: String, message: String) {
        self.code = code
        self.file = file
        self.message = message
    }

    public var description: String {
        file.isEmpty ? message : "\(file): \(message)"
    }
}
