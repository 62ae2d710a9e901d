/// A JSON document as a value tree (integers only, as Parley's records are).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object; nil for absent members and non-objects.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer, when this is an integer.
    public var integerValue: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The Boolean, when this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members, when this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The JSON type name, as JSON Schema spells it.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue {
    /// Parses JSON text into a value tree, with the same rules as `CanonicalEncoder`.
    ///
    /// - Parameter bytes: The JSON text.
    /// - Throws: `JSONInputError` naming the field and the problem.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONInputError) {
        let array = Array(bytes)
        self = try array.withUnsafeBytes { raw in Self.parse(raw) }.get()
    }

    /// Parses JSON text in place (no copy of the bytes).
    ///
    /// - Parameter bytes: The JSON text.
    /// - Throws: `JSONInputError` naming the field and the problem.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONInputError) {
        self = try Self.parse(bytes).get()
    }

    private static func parse(_ raw: UnsafeRawBufferPointer) -> Result<JSONValue, JSONInputError> {
        var parser = TreeParser(lexer: JSONLexer(raw))
        do throws(JSONLexer.Failure) {
            parser.lexer.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.lexer.skipWhitespace()
            if !parser.lexer.atEnd {
                throw JSONLexer.Failure(
                    message: "unexpected \(parser.lexer.found) after the JSON value", offset: parser.lexer.position)
            }
            return .success(value)
        } catch {
            return .failure(JSONInputError(path: parser.pathString(), message: error.message, offset: error.offset))
        }
    }

    /// The member values of `bytes` when it is exactly a JSON object whose members are `names`,
    /// in that order, written without whitespace (as canonical form writes a record line); nil
    /// for anything else, including any parse error — the caller then parses it in full, which
    /// gives the same values (or names the error). Spares building and searching a dictionary
    /// for a document whose shape is known.
    ///
    /// - Parameters:
    ///   - bytes: The JSON text.
    ///   - names: The member names, in order (plain ASCII, no escapes).
    /// - Returns: One value per name, or nil.
    package static func members(of bytes: UnsafeRawBufferPointer, named names: [[UInt8]]) -> [JSONValue]? {
        var parser = TreeParser(lexer: JSONLexer(bytes))
        guard !names.isEmpty, !bytes.isEmpty, bytes[0] == UInt8(ascii: "{") else { return nil }
        parser.lexer.position = 1
        var values: [JSONValue] = []
        values.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            let start = parser.lexer.position
            let end = start + name.count + 3
            guard end <= bytes.count, bytes[start] == UInt8(ascii: "\""), bytes[end - 2] == UInt8(ascii: "\""),
                bytes[end - 1] == UInt8(ascii: ":"),
                name.indices.allSatisfy({ bytes[start + 1 + $0] == name[$0] })
            else { return nil }
            parser.lexer.position = end
            guard parser.lexer.position < bytes.count, let value = try? parser.value(depth: 1),
                parser.lexer.position < bytes.count
            else { return nil }
            values.append(value)
            let separator = bytes[parser.lexer.position]
            parser.lexer.position += 1
            guard separator == (index == names.count - 1 ? UInt8(ascii: "}") : UInt8(ascii: ",")) else { return nil }
        }
        return parser.lexer.position == bytes.count ? values : nil
    }

    /// Parses JSON text given as a string.
    ///
    /// - Parameter text: The JSON text.
    /// - Throws: `JSONInputError` naming the field and the problem.
    public init(parsing text: String) throws(JSONInputError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The RFC 8785 canonical bytes of this value.
    public var canonicalBytes: [UInt8] {
        var out = [UInt8]()
        appendCanonical(to: &out)
        return out
    }

    /// The RFC 8785 canonical text of this value.
    public var canonicalString: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// Appends the canonical bytes of this value to `out`.
    ///
    /// - Parameter out: The buffer to append to.
    public func appendCanonical(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let flag): out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .integer(let number): out.append(contentsOf: Array(String(number).utf8))
        case .string(var text):
            text.withUTF8 { JSONLexer.appendCanonicalString(UnsafeRawBufferPointer($0), to: &out) }
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.appendCanonical(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in CanonicalOrder.sorted(members.keys).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                var name = key
                name.withUTF8 { JSONLexer.appendCanonicalString(UnsafeRawBufferPointer($0), to: &out) }
                out.append(UInt8(ascii: ":"))
                members[key]!.appendCanonical(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

/// Recursive-descent builder of `JSONValue` trees over `JSONLexer`.
private struct TreeParser {
    var lexer: JSONLexer
    /// Where a failure happened, outermost first: filled in only while a failure unwinds, so a
    /// successful parse never builds path components.
    var path: [String] = []
    var decoded: [UInt8] = []
    /// Objects with more members than this are gathered in a dictionary.
    static let listedMembers = 32

    /// One member of an object being parsed (a struct, not a tuple: tuple arrays are not
    /// specialised and cost a metadata lookup per element).
    struct Member {
        var key: String
        var value: JSONValue
    }

    func pathString() -> String {
        var text = ""
        for component in path {
            if component.hasPrefix("[") {
                text += component
            } else {
                text += text.isEmpty ? component : "." + component
            }
        }
        return text
    }

    mutating func string() throws(JSONLexer.Failure) -> String {
        decoded.removeAll(keepingCapacity: true)
        let (raw, escaped) = try lexer.scanString(decoded: &decoded)
        if escaped { return String(decoding: decoded, as: UTF8.self) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: lexer.input[raw]), as: UTF8.self)
    }

    mutating func value(depth: Int) throws(JSONLexer.Failure) -> JSONValue {
        guard !lexer.atEnd else { throw JSONLexer.Failure(message: "missing value", offset: lexer.position) }
        guard depth < JSONLimits.maxDepth else {
            throw JSONLexer.Failure(message: "nested deeper than \(JSONLimits.maxDepth) levels", offset: lexer.position)
        }
        switch lexer.current {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try lexer.scanInteger().value)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return try lexer.scanLiteral()
        case UInt8(ascii: "["):
            lexer.position += 1
            var elements: [JSONValue] = []
            lexer.skipWhitespace()
            if !lexer.atEnd && lexer.current == UInt8(ascii: "]") {
                lexer.position += 1
                return .array(elements)
            }
            while true {
                lexer.skipWhitespace()
                do throws(JSONLexer.Failure) {
                    elements.append(try value(depth: depth + 1))
                } catch {
                    path.insert("[\(elements.count)]", at: 0)
                    throw error
                }
                lexer.skipWhitespace()
                guard !lexer.atEnd else { throw JSONLexer.Failure(message: "unterminated array", offset: lexer.position) }
                if lexer.current == UInt8(ascii: ",") {
                    lexer.position += 1
                    continue
                }
                guard lexer.current == UInt8(ascii: "]") else {
                    throw JSONLexer.Failure(message: "expected ',' or ']' but found \(lexer.found)", offset: lexer.position)
                }
                lexer.position += 1
                return .array(elements)
            }
        case UInt8(ascii: "{"):
            lexer.position += 1
            // A small object's members are gathered in a list (duplicates found by a scan) so its
            // dictionary is allocated once, at its final size; a big one goes to a dictionary.
            var members: [Member] = []
            var large: [String: JSONValue]?
            lexer.skipWhitespace()
            if !lexer.atEnd && lexer.current == UInt8(ascii: "}") {
                lexer.position += 1
                return .object([:])
            }
            while true {
                lexer.skipWhitespace()
                guard !lexer.atEnd, lexer.current == UInt8(ascii: "\"") else {
                    throw JSONLexer.Failure(message: "expected a member name but found \(lexer.found)", offset: lexer.position)
                }
                let key = try string()
                do throws(JSONLexer.Failure) {
                    lexer.skipWhitespace()
                    guard !lexer.atEnd, lexer.current == UInt8(ascii: ":") else {
                        throw JSONLexer.Failure(message: "expected ':' but found \(lexer.found)", offset: lexer.position)
                    }
                    lexer.position += 1
                    lexer.skipWhitespace()
                    let member = try value(depth: depth + 1)
                    let duplicate: Bool
                    if large != nil {
                        duplicate = large!.updateValue(member, forKey: key) != nil
                    } else {
                        duplicate = members.contains { $0.key == key }
                        members.append(Member(key: key, value: member))
                        if members.count == Self.listedMembers {
                            large = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                            members = []
                        }
                    }
                    if duplicate { throw JSONLexer.Failure(message: "duplicate key", offset: lexer.position) }
                } catch {
                    path.insert(key, at: 0)
                    throw error
                }
                lexer.skipWhitespace()
                guard !lexer.atEnd else { throw JSONLexer.Failure(message: "unterminated object", offset: lexer.position) }
                if lexer.current == UInt8(ascii: ",") {
                    lexer.position += 1
                    continue
                }
                guard lexer.current == UInt8(ascii: "}") else {
                    throw JSONLexer.Failure(message: "expected ',' or '}' but found \(lexer.found)", offset: lexer.position)
                }
                lexer.position += 1
                if let large { return .object(large) }
                var object = [String: JSONValue](minimumCapacity: members.count)
                for member in members { object[member.key] = member.value }
                return .object(object)
            }
        default:
            throw JSONLexer.Failure(message: "unexpected \(lexer.found)", offset: lexer.position)
        }
    }
}
