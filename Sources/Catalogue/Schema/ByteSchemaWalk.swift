import CanonicalJSON

/// The accept/reject check of canonical JSON bytes against the compiled nodes, without building a
/// `JSONValue` tree: the fast path of validation.
///
/// It answers only "valid" or "not known to be valid"; a caller that gets false runs `SchemaWalk`
/// on the parsed tree, which is the reference and says what is wrong. So the walk must never
/// accept what the tree walk rejects, and should accept what it accepts whenever the input is
/// canonical (RFC 8785, as `CanonicalEncoder` writes it). It reads the same JSON the tree parser
/// reads (strict UTF-8, integers below 2^53, no duplicate keys, at most `JSONLimits.maxDepth`
/// levels) and returns false on anything outside canonical form that would need more care:
/// whitespace, members out of canonical order, and member names that are not ASCII (which
/// `String` equality may equate with other spellings) or have escapes.
///
/// Plain strings are checked on the input bytes; strings with escapes are decoded first.
struct ByteSchemaWalk {
    /// The node index that stands for "any value" (additional members that are allowed).
    static let anything = -1

    /// The compiled nodes, unretained: the validator's array keeps them alive for the walk, and
    /// `_withUnsafeGuaranteedRef` hands each one out without the retain and release per visit
    /// (~45 pairs an event on the reference workload) that loading a class reference costs.
    let nodes: UnsafeBufferPointer<Unmanaged<SchemaNode>>
    let input: UnsafeRawBufferPointer
    private(set) var position = 0
    /// The decoded text of the last string read that had escapes.
    private var decoded: [UInt8] = []
    /// Where each member read is noted, when the caller asked (see `MemberSpans`).
    var spans: MemberSpans?

    init(nodes: UnsafeBufferPointer<Unmanaged<SchemaNode>>, input: UnsafeRawBufferPointer) {
        self.nodes = nodes
        self.input = input
    }

    /// Whether the whole input is one value that node `root` accepts.
    ///
    /// - Parameter root: The index of the schema's root node.
    /// - Returns: True when the document is valid; false when it is not, or when this walk
    ///   cannot tell (see the type's documentation).
    mutating func accepts(root: Int) -> Bool {
        position = 0
        return value(root, depth: 0) && position == input.count
    }

    // MARK: - Values

    /// Reads the value at the cursor and checks it against node `index` (or `anything`).
    private mutating func value(_ index: Int, depth: Int) -> Bool {
        guard position < input.count, depth < JSONLimits.maxDepth else { return false }
        guard index >= 0 else { return anyValue(depth: depth) }
        return nodes[index]._withUnsafeGuaranteedRef { node in value(node, depth: depth) }
    }

    /// Reads the value at the cursor and checks it against `node`.
    private mutating func value(_ node: SchemaNode, depth: Int) -> Bool {
        if node.rejectsEverything { return false }
        if let reference = node.reference {
            let start = position
            guard value(reference, depth: depth) else { return false }
            if node.addsNothingToReference { return true }
            position = start
        }
        let start = position
        switch input[position] {
        case UInt8(ascii: "\""):
            guard node.types.contains(.string) else { return false }
            return string(node)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard node.types.contains(.integer), let number = integer() else { return false }
            if let minimum = node.minimum, number < minimum { return false }
            if let maximum = node.maximum, number > maximum { return false }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            guard node.types.contains(.boolean), literal() else { return false }
        case UInt8(ascii: "n"):
            guard node.types.contains(.null), literal() else { return false }
        case UInt8(ascii: "["):
            guard node.types.contains(.array), array(node, depth: depth) else { return false }
        case UInt8(ascii: "{"):
            guard node.types.contains(.object), members(node, depth: depth) else { return false }
        default:
            return false
        }
        return isListed(node, start..<position)
    }

    /// Reads any value at the cursor, checking only that it is JSON the tree parser reads.
    private mutating func anyValue(depth: Int) -> Bool {
        switch input[position] {
        case UInt8(ascii: "\""):
            return scanString() != nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return integer() != nil
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return literal()
        case UInt8(ascii: "["):
            return elements(Self.anything, depth: depth) != nil
        case UInt8(ascii: "{"):
            return members(nil, depth: depth)
        default:
            return false
        }
    }

    /// `enum` and `const` for a value read from `span`. Canonical bytes equal to a listed value's
    /// canonical bytes settle it; otherwise (rare: the document is usually invalid then) the
    /// value is parsed and compared as the tree walk compares it.
    ///
    /// - Parameter enumeration: False when the caller checks `enum` itself (strings against a
    ///   string enumeration).
    @inline(__always) private func isListed(_ node: SchemaNode, _ span: Range<Int>, enumeration: Bool = true) -> Bool {
        guard (enumeration && node.hasEnumeration) || node.hasConstant else { return true }
        let bytes = UnsafeRawBufferPointer(rebasing: input[span])
        var parsed: JSONValue?
        func exact() -> JSONValue? {
            if parsed == nil { parsed = try? JSONValue(parsing: bytes) }
            return parsed
        }
        if enumeration, let listed = node.enumerationCanonical, !listed.contains(where: { ByteOrder.equal($0, bytes) }) {
            guard let value = exact(), node.enumeration?.contains(value) == true else { return false }
        }
        if let constant = node.constantCanonical, !ByteOrder.equal(constant, bytes) {
            guard let value = exact(), value == node.constant else { return false }
        }
        return true
    }

    // MARK: - Strings

    /// A string: its type is checked; the other string keywords are checked here.
    @inline(__always) private mutating func string(_ node: SchemaNode) -> Bool {
        let start = position
        guard let (content, escaped) = scanString(),
            isListed(node, start..<position, enumeration: !node.hasStringEnumeration)
        else { return false }
        guard node.hasStringKeywords || node.hasStringEnumeration else { return true }
        if escaped {
            return decoded.withUnsafeBufferPointer { text in checkText(node, text) }
        }
        let text = UnsafeRawBufferPointer(rebasing: input[content]).assumingMemoryBound(to: UInt8.self)
        return checkText(node, text)
    }

    /// The string keywords but `const` (and `enum`, unless it lists only strings), on the decoded text.
    @inline(__always) private func checkText(_ node: SchemaNode, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        // Optional chaining, not `if let`: binding the arrays or the matcher would retain and
        // release them for every string.
        if node.stringEnumerationUTF8?.contains(where: { ByteOrder.equal($0, UnsafeRawBufferPointer(text)) }) == false,
            let listed = node.stringEnumerationUTF8
        {
            // `String` equality also equates canonically equivalent spellings.
            let isASCII = text.allSatisfy { $0 < 0x80 } && listed.allSatisfy { $0.allSatisfy { $0 < 0x80 } }
            guard !isASCII, let strings = node.stringEnumeration,
                strings.contains(String(decoding: text, as: UTF8.self))
            else { return false }
        }
        if node.pattern?.matches(utf8: text) == false { return false }
        if let format = node.format, !format.accepts(bytes: text) { return false }
        if node.minLength != nil || node.maxLength != nil {
            // Code points: every byte that is not a UTF-8 continuation byte starts one.
            var length = 0
            for byte in text where byte & 0xC0 != 0x80 { length += 1 }
            if let maxLength = node.maxLength, length > maxLength { return false }
            if let minLength = node.minLength, length < minLength { return false }
        }
        return true
    }

    /// Reads a string whose opening quote is at the cursor, as the tree parser would. Returns the
    /// range of its raw content and whether it had escapes (its decoded text is then in
    /// `decoded`), or nil when the tree parser would refuse it.
    private mutating func scanString() -> (content: Range<Int>, escaped: Bool)? {
        // The parser's own string scanner: the same UTF-8, control-character and escape rules.
        var lexer = JSONLexer(input)
        lexer.position = position
        if !decoded.isEmpty { decoded.removeAll(keepingCapacity: true) }
        guard let (content, escaped) = try? lexer.scanString(decoded: &decoded) else { return nil }
        position = lexer.position
        return (content, escaped)
    }

    // MARK: - Numbers and literals

    /// An integer as the parser reads it (its own scanner): no fraction, no exponent, magnitude
    /// below 2^53.
    private mutating func integer() -> Int64? {
        var lexer = JSONLexer(input)
        lexer.position = position
        guard let (value, _) = try? lexer.scanInteger() else { return nil }
        position = lexer.position
        return value
    }

    /// `true`, `false` or `null`.
    private mutating func literal() -> Bool {
        for word in [ByteSchemaWalk.trueBytes, ByteSchemaWalk.falseBytes, ByteSchemaWalk.nullBytes] {
            if position + word.count <= input.count,
                word.indices.allSatisfy({ input[position + $0] == word[$0] })
            {
                position += word.count
                return true
            }
        }
        return false
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    // MARK: - Containers

    private mutating func array(_ node: SchemaNode, depth: Int) -> Bool {
        guard let count = elements(node.items ?? Self.anything, depth: depth) else { return false }
        if let minItems = node.minItems, count < minItems { return false }
        if let maxItems = node.maxItems, count > maxItems { return false }
        return true
    }

    /// Reads an array at the cursor, each element checked against node `items`; returns the count.
    private mutating func elements(_ items: Int, depth: Int) -> Int? {
        position += 1
        guard position < input.count else { return nil }
        if input[position] == UInt8(ascii: "]") {
            position += 1
            return 0
        }
        var count = 0
        while true {
            guard value(items, depth: depth + 1), position < input.count else { return nil }
            count += 1
            let byte = input[position]
            position += 1
            if byte == UInt8(ascii: "]") { return count }
            guard byte == UInt8(ascii: ",") else { return nil }
        }
    }

    /// Reads an object at the cursor, checking its members against `node` (nil: any members).
    ///
    /// Member names must be ASCII without escapes and in strictly increasing order, as canonical
    /// form writes them; that also rules out duplicates without remembering the names.
    private mutating func members(_ node: SchemaNode?, depth: Int) -> Bool {
        let objectStart = position
        position += 1
        guard position < input.count else { return false }
        var requiredSeen = 0
        let additional = node?.additionalProperties
        if input[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            var previous: Range<Int>?
            while true {
                guard position < input.count, input[position] == UInt8(ascii: "\""), let content = plainName()
                else { return false }
                let name = UnsafeRawBufferPointer(rebasing: input[content]).assumingMemoryBound(to: UInt8.self)
                if let previous {
                    let before = UnsafeRawBufferPointer(rebasing: input[previous])
                    guard ByteOrder.compare(before, UnsafeRawBufferPointer(name)) < 0 else { return false }
                }
                var child = Self.anything
                // Optional chaining, not `if let node`: binding copies the reference (a retain
                // and a release per member).
                if let additional {
                    let rule = node?.properties[utf8: name]
                    if let rule, rule.isRequired { requiredSeen += 1 }
                    if let schema = rule?.schema {
                        child = schema
                    } else {
                        switch additional {
                        case .allowed: break
                        case .forbidden: return false
                        case .schema(let schema): child = schema
                        }
                    }
                }
                previous = content
                guard position < input.count, input[position] == UInt8(ascii: ":") else { return false }
                position += 1
                let valueStart = position
                guard value(child, depth: depth + 1), position < input.count else { return false }
                spans?.record(object: objectStart, name: content, value: valueStart..<position)
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: "}") { break }
                guard byte == UInt8(ascii: ",") else { return false }
            }
        }
        return node.map { requiredSeen == $0.requiredCount } ?? true
    }

    /// Reads a member name at the cursor; returns its content, or nil unless it is printable
    /// ASCII without escapes (canonical form escapes only control characters, `"` and `\\`, which
    /// no schema's property names use).
    private mutating func plainName() -> Range<Int>? {
        position += 1
        let start = position
        let (end, nonASCII) = JSONLexer.plainRun(input, from: start)
        guard !nonASCII, end < input.count, input[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        return start..<end
    }
}
