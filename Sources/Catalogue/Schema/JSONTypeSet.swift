import CanonicalJSON

/// The JSON types a schema allows, as a bit set (JSON Schema's `type`).
struct JSONTypeSet: OptionSet, Sendable {
    let rawValue: UInt8

    static let null = JSONTypeSet(rawValue: 1 << 0)
    static let boolean = JSONTypeSet(rawValue: 1 << 1)
    static let integer = JSONTypeSet(rawValue: 1 << 2)
    static let string = JSONTypeSet(rawValue: 1 << 3)
    static let array = JSONTypeSet(rawValue: 1 << 4)
    static let object = JSONTypeSet(rawValue: 1 << 5)
    static let all: JSONTypeSet = [.null, .boolean, .integer, .string, .array, .object]

    /// The set for one `type` name; `number` is `integer`, as Parley's JSON holds integers only.
    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer", "number": self = .integer
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The type of `value`.
    init(of value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .boolean
        case .integer: self = .integer
        case .string: self = .string
        case .array: self = .array
        case .object: self = .object
        }
    }
}
