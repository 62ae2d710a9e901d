/// Optimistic-concurrency condition on a stream's current version.
public enum ExpectedVersion: Sendable, Equatable, CustomStringConvertible {
    /// No condition.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must already exist.
    case exists
    /// The stream's current version must be exactly this.
    case exactly(UInt64)

    /// Parses `any`, `no-stream`, `exists` or a non-negative integer in plain decimal digits, as
    /// JSON writes it (0 = no stream; no sign, no leading zero: `UInt64("+1")` and `"01"` would
    /// pass).
    ///
    /// - Parameter text: The text.
    public init?(_ text: String) {
        switch text {
        case "any": self = .any
        case "no-stream": self = .noStream
        case "exists": self = .exists
        default:
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                text == "0" || !text.hasPrefix("0"), let number = UInt64(text)
            else { return nil }
            self = number == 0 ? .noStream : .exactly(number)
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no-stream"
        case .exists: return "exists"
        case .exactly(let version): return String(version)
        }
    }

    /// Whether a stream at `current` version (0 = absent) satisfies the condition.
    ///
    /// - Parameter current: The stream's current version.
    public func isSatisfied(by current: UInt64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return current == 0
        case .exists: return current > 0
        case .exactly(let version): return current == version
        }
    }
}
