/// An error a Parley user sees: a category that decides the exit code, and a message a person can act on.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    /// The category of a failure; each has its own documented exit code.
    public enum Code: Int32, Sendable {
        /// Bad event input: malformed JSON, schema violation, bad flag value. Exit 2.
        case invalidInput = 2
        /// Expected-version mismatch, or an event id reused with other content. Exit 3.
        case conflict = 3
        /// Another writer holds the ledger lock past `--wait`. Exit 4.
        case busy = 4
        /// The ledger's bytes do not verify (checksums, roots, sequence). Exit 5.
        case integrity = 5
        /// No ledger at the path, or it cannot be read or written. Exit 6.
        case notFound = 6
        /// An operating-system failure while reading or writing. Exit 7.
        case io = 7
    }

    /// The category.
    public let code: Code
    /// The message.
    public let message: String
    /// Individual problems (for example one per bad input line), each on its own line.
    public let problems: [String]

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The category.
    ///   - message: The summary.
    ///   - problems: Individual problems, if any.
    public init(_ code: Code, _ message: String, problems: [String] = []) {
        self.code = code
        self.message = message
        self.problems = problems
    }

    public var description: String {
        ([message] + problems).joined(separator: "\n")
    }
}
