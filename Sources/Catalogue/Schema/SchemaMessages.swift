import CanonicalJSON

/// The wording of validation problems: what was expected, and what was found.
///
/// Only called once a problem is found, so valid documents never pay for string formatting.
enum SchemaMessages {
    /// Names for the patterns Parley's catalogue uses, so a message can say "a decimal string"
    /// rather than only quoting the regular expression.
    static let patternNames: [String: String] = [
        #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"#: "a decimal string",
        #"^[a-z0-9][a-z0-9-]*$"#: "a lowercase slug",
        #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#: "an identifier",
        #"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#: "a lowercase UUID",
        #"^[A-Z]{3}$"#: "a three-letter upper-case code",
        #"^[A-Z]{2}$"#: "a two-letter upper-case code",
        #"^((0|[1-9][0-9]?)(\.[0-9]+)?|100(\.0+)?)$"#: "a percentage string from 0 to 100",
        #"^https?://[^ ]+$"#: "an http(s) URL",
    ]
    static let decimalPattern = #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"#
    /// Longer strings are shortened in messages.
    static let quoteLimit = 60

    static func notAllowed() -> String { "not allowed here" }

    static func missing() -> String { "missing (required)" }

    static func unknownField(_ node: SchemaNode) -> String {
        node.propertyNames.isEmpty
            ? "unknown field (no fields are allowed here)"
            : "unknown field (allowed: \(node.propertyNames.joined(separator: ", ")))"
    }

    static func typeMismatch(_ node: SchemaNode, _ value: JSONValue) -> String {
        var message = "expected \(expectation(node)), got \(describe(value))"
        if node.types == .string, node.pattern?.source == decimalPattern, case .integer(let number) = value {
            message += "; write decimals as strings, e.g. \"\(number)\""
        }
        return message
    }

    static func notInEnumeration(_ value: JSONValue, _ options: [JSONValue]) -> String {
        let listed = options.map { option in option.stringValue ?? option.canonicalString }
        return "\(describe(value)) is not one of \(listed.joined(separator: ", "))"
    }

    static func notConstant(_ value: JSONValue, _ constant: JSONValue) -> String {
        "expected \(constant.canonicalString), got \(describe(value))"
    }

    static func patternMismatch(_ node: SchemaNode, _ pattern: PatternMatcher, _ text: String) -> String {
        let noun = patternNames[pattern.source] ?? "a string"
        return "expected \(noun) matching \(pattern.source), got \(describe(.string(text)))"
    }

    static func formatMismatch(_ format: DateFormat, _ text: String) -> String {
        "expected \(format.expectation), got \(describe(.string(text)))"
    }

    static func tooLong(_ limit: Int, _ length: Int) -> String {
        "expected at most \(limit) \(plural(limit, "character")), got \(length)"
    }

    static func tooShort(_ limit: Int, _ length: Int) -> String {
        length == 0
            ? "expected at least \(limit) \(plural(limit, "character")), got an empty string"
            : "expected at least \(limit) \(plural(limit, "character")), got \(length)"
    }

    static func belowMinimum(_ limit: Int64, _ number: Int64) -> String {
        "expected at least \(limit), got \(number)"
    }

    static func aboveMaximum(_ limit: Int64, _ number: Int64) -> String {
        "expected at most \(limit), got \(number)"
    }

    static func tooFewItems(_ limit: Int, _ count: Int) -> String {
        "expected at least \(limit) \(plural(limit, "item")), got \(count)"
    }

    static func tooManyItems(_ limit: Int, _ count: Int) -> String {
        "expected at most \(limit) \(plural(limit, "item")), got \(count)"
    }

    /// What the node wants, e.g. "a decimal string", "an integer", "a string or null".
    static func expectation(_ node: SchemaNode) -> String {
        if node.types == .string {
            if let pattern = node.pattern, let name = patternNames[pattern.source] { return name }
            if let format = node.format { return format.expectation }
        }
        var names: [String] = []
        if node.types.contains(.object) { names.append("an object") }
        if node.types.contains(.array) { names.append("an array") }
        if node.types.contains(.string) { names.append("a string") }
        if node.types.contains(.integer) { names.append("an integer") }
        if node.types.contains(.boolean) { names.append("true or false") }
        if node.types.contains(.null) { names.append("null") }
        return names.joined(separator: " or ")
    }

    /// A found value as a message shows it: strings quoted (and shortened), numbers and literals
    /// as written, containers by kind.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text):
            let scalars = text.unicodeScalars
            guard scalars.count > quoteLimit else { return value.canonicalString }
            var shortened = String.UnicodeScalarView()
            shortened.append(contentsOf: scalars.prefix(quoteLimit - 1))
            let quoted = JSONValue.string(String(shortened)).canonicalString
            return String(quoted.dropLast()) + "…\""
        case .integer(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array(let elements): return elements.isEmpty ? "an empty array" : "an array"
        case .object(let members): return members.isEmpty ? "an empty object" : "an object"
        }
    }

    private static func plural(_ count: some BinaryInteger, _ noun: String) -> String {
        count == 1 ? noun : noun + "s"
    }
}
