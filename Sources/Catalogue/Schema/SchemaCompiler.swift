import CanonicalJSON

/// Turns schema documents into `SchemaValidator`s, checking that they stay inside the subset.
///
/// One compiler can compile many schemas; it keeps one compiled `PatternMatcher` per distinct
/// pattern text, so the catalogue's thirty copies of the slug pattern are compiled once.
struct SchemaCompiler {
    /// The keywords the subset implements. Anything else is an error at load time, so the
    /// subset cannot silently grow (a keyword we ignored would accept what it should reject).
    static let supportedKeywords: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "title", "description",
        "type", "required", "properties", "additionalProperties", "enum", "const",
        "pattern", "format", "minimum", "maximum", "minLength", "maxLength",
        "items", "minItems", "maxItems",
    ]
    /// Keywords allowed only at the root (`$ref` resolves against the root's `$defs`).
    static let rootOnlyKeywords: Set<String> = ["$schema", "$id", "$defs"]

    private var patterns: [String: PatternMatcher] = [:]
    /// Whether pattern automata are determinised (many events) or simulated (a few).
    var determinisesPatterns = true

    /// Compiles one schema document.
    ///
    /// - Parameters:
    ///   - schema: The schema (an object or a boolean).
    ///   - file: Its file name, for error messages.
    /// - Returns: The compiled schema.
    /// - Throws: `CatalogueError` (`unsupportedKeyword` or `invalidSchema`) naming the place in the schema.
    mutating func compile(_ schema: JSONValue, file: String) throws(CatalogueError) -> SchemaValidator {
        var unit = CompilationUnit(file: file)
        // Index 0 is the root; then one reserved index per $defs entry, so refs (even recursive
        // ones) resolve before their targets are compiled.
        unit.drafts.append(nil)
        var definitions: [(name: String, schema: JSONValue)] = []
        if case .object(let members) = schema, let defs = members["$defs"] {
            guard case .object(let entries) = defs else {
                throw unit.invalid("#/$defs", "must be an object of schemas")
            }
            for name in entries.keys.sorted() {
                unit.definitionIndex[name] = unit.drafts.count
                unit.drafts.append(nil)
                definitions.append((name, entries[name]!))
            }
        }
        let root = try compileNode(schema, at: "#", isRoot: true, unit: &unit)
        unit.drafts[0] = root
        for (name, definition) in definitions {
            let compiled = try compileNode(definition, at: "#/$defs/\(name)", isRoot: false, unit: &unit)
            unit.drafts[unit.definitionIndex[name]!] = compiled
        }
        let drafts = unit.drafts.map { $0! }
        try Self.rejectReferenceCycles(drafts, unit: unit)
        return SchemaValidator(nodes: drafts.map(SchemaNode.init(draft:)), root: 0)
    }

    /// Compiles `value` into a new node; returns its index.
    private mutating func compileChild(_ value: JSONValue, at path: String, unit: inout CompilationUnit)
        throws(CatalogueError) -> Int
    {
        let index = unit.drafts.count
        unit.drafts.append(nil)
        let compiled = try compileNode(value, at: path, isRoot: false, unit: &unit)
        unit.drafts[index] = compiled
        return index
    }

    private mutating func compileNode(_ value: JSONValue, at path: String, isRoot: Bool, unit: inout CompilationUnit)
        throws(CatalogueError) -> SchemaNodeDraft
    {
        var draft = SchemaNodeDraft()
        switch value {
        case .bool(let allows):
            draft.rejectsEverything = !allows
            return draft
        case .object:
            break
        default:
            throw unit.invalid(path, "a schema must be an object or a boolean, not \(value.typeName)")
        }
        let members = value.objectValue!
        for key in members.keys.sorted() {
            guard Self.supportedKeywords.contains(key) else {
                throw CatalogueError(
                    code: .unsupportedKeyword, file: unit.file,
                    message: "\(path): keyword \"\(key)\" is outside the supported subset ("
                        + Self.supportedKeywords.sorted().joined(separator: ", ") + ")")
            }
            if Self.rootOnlyKeywords.contains(key), !isRoot {
                throw unit.invalid("\(path)/\(key)", "\"\(key)\" is allowed at the schema root only")
            }
        }
        if let type = members["type"] {
            draft.types = try types(type, at: "\(path)/type", unit: unit)
        }
        if let reference = members["$ref"] {
            guard case .string(let text) = reference, text.hasPrefix("#/$defs/"),
                let target = unit.definitionIndex[String(text.dropFirst("#/$defs/".count))]
            else {
                throw unit.invalid("\(path)/$ref", "only local references to defined #/$defs/NAME entries are supported")
            }
            draft.reference = target
        }
        if let properties = members["properties"] {
            guard case .object(let entries) = properties else {
                throw unit.invalid("\(path)/properties", "must be an object of schemas")
            }
            for (name, schema) in entries {
                let child = try compileChild(schema, at: "\(path)/properties/\(name)", unit: &unit)
                draft.properties[name] = PropertyRule(schema: child, isRequired: false)
            }
        }
        if let required = members["required"] {
            guard case .array(let names) = required else {
                throw unit.invalid("\(path)/required", "must be an array of strings")
            }
            for name in names {
                guard case .string(let text) = name, !draft.required.contains(text) else {
                    throw unit.invalid("\(path)/required", "must be an array of distinct strings")
                }
                draft.required.append(text)
                draft.properties[text, default: PropertyRule(schema: nil, isRequired: true)].isRequired = true
            }
        }
        if let additional = members["additionalProperties"] {
            switch additional {
            case .bool(true): draft.additionalProperties = .allowed
            case .bool(false): draft.additionalProperties = .forbidden
            default:
                draft.additionalProperties = .schema(
                    try compileChild(additional, at: "\(path)/additionalProperties", unit: &unit))
            }
        }
        if let enumeration = members["enum"] {
            guard case .array(let values) = enumeration, !values.isEmpty else {
                throw unit.invalid("\(path)/enum", "must be a non-empty array")
            }
            draft.enumeration = values
        }
        draft.constant = members["const"]
        if let pattern = members["pattern"] {
            guard case .string(let text) = pattern else { throw unit.invalid("\(path)/pattern", "must be a string") }
            draft.pattern = try matcher(for: text, at: "\(path)/pattern", unit: unit)
        }
        if let format = members["format"] {
            guard case .string(let name) = format, let known = DateFormat(rawValue: name) else {
                throw unit.invalid(
                    "\(path)/format",
                    "only " + DateFormat.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " and ") + " are supported")
            }
            draft.format = known
        }
        draft.minimum = try integer(members["minimum"], at: "\(path)/minimum", unit: unit)
        draft.maximum = try integer(members["maximum"], at: "\(path)/maximum", unit: unit)
        draft.minLength = try count(members["minLength"], at: "\(path)/minLength", unit: unit)
        draft.maxLength = try count(members["maxLength"], at: "\(path)/maxLength", unit: unit)
        draft.minItems = try count(members["minItems"], at: "\(path)/minItems", unit: unit)
        draft.maxItems = try count(members["maxItems"], at: "\(path)/maxItems", unit: unit)
        if let items = members["items"] {
            draft.items = try compileChild(items, at: "\(path)/items", unit: &unit)
        }
        return draft
    }

    private func types(_ value: JSONValue, at path: String, unit: CompilationUnit) throws(CatalogueError) -> JSONTypeSet {
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let list) where !list.isEmpty: names = list
        default: throw unit.invalid(path, "must be a type name or a non-empty array of type names")
        }
        var set: JSONTypeSet = []
        for name in names {
            guard case .string(let text) = name, let type = JSONTypeSet(name: text) else {
                throw unit.invalid(
                    path, "\(name.canonicalString) is not one of null, boolean, integer, number, string, array, object")
            }
            set.formUnion(type)
        }
        return set
    }

    private mutating func matcher(for pattern: String, at path: String, unit: CompilationUnit) throws(CatalogueError)
        -> PatternMatcher
    {
        if let cached = patterns[pattern] { return cached }
        do {
            let compiled = try PatternMatcher(pattern, determinise: determinisesPatterns)
            patterns[pattern] = compiled
            return compiled
        } catch {
            throw unit.invalid(path, error.message)
        }
    }

    private func integer(_ value: JSONValue?, at path: String, unit: CompilationUnit) throws(CatalogueError) -> Int64? {
        guard let value else { return nil }
        guard case .integer(let number) = value else { throw unit.invalid(path, "must be an integer") }
        return number
    }

    private func count(_ value: JSONValue?, at path: String, unit: CompilationUnit) throws(CatalogueError) -> Int? {
        guard let value else { return nil }
        guard case .integer(let number) = value, number >= 0 else {
            throw unit.invalid(path, "must be a non-negative integer")
        }
        return Int(number)
    }

    /// A `$ref` chain that returns to where it started without descending into the document
    /// (`{"$ref": "#/$defs/a"}` inside `a`) would never finish validating.
    private static func rejectReferenceCycles(_ drafts: [SchemaNodeDraft], unit: CompilationUnit) throws(CatalogueError) {
        // A chain of more references than there are nodes has met a node twice, so it is in a
        // cycle, and so is the node it stands on: counting steps needs no set per node.
        for start in drafts.indices {
            var current = start
            var steps = 0
            while let next = drafts[current].reference {
                steps += 1
                guard steps <= drafts.count else {
                    let name = unit.definitionIndex.first { $0.value == next }?.key ?? "?"
                    throw unit.invalid("#/$defs/\(name)", "$ref cycle: the reference chain never reaches a real schema")
                }
                current = next
            }
        }
    }
}

/// The state of compiling one schema document.
private struct CompilationUnit {
    var file: String
    var drafts: [SchemaNodeDraft?] = []
    var definitionIndex: [String: Int] = [:]

    init(file: String) {
        self.file = file
    }

    func invalid(_ path: String, _ message: String) -> CatalogueError {
        CatalogueError(code: .invalidSchema, file: file, message: "\(path): \(message)")
    }
}

extension SchemaCompiler {
    /// Whether a schema accepts the empty object, when its root alone settles it; nil otherwise.
    ///
    /// Of the subset's keywords only `type`, `required`, `enum`, `const` and `$ref` can reject
    /// `{}`: `properties` and `additionalProperties` constrain members it does not have, and the
    /// string, number and array keywords do not apply to objects. So a root made of `type`
    /// (including `object`), `required`, `properties`, `additionalProperties`, `$defs` and the
    /// annotations settles it; a root with `enum`, `const`, `$ref` or any other keyword does not
    /// (the compiled schema decides, and reports a keyword outside the subset). The answer
    /// assumes the schema compiles: the catalogue tests compile every embedded schema.
    ///
    /// - Parameter schema: The schema document.
    /// - Returns: Whether `{}` is valid, or nil when compiling must tell.
    static func acceptsEmptyObject(_ schema: JSONValue) -> Bool? {
        if case .bool(let accepts) = schema { return accepts }
        guard case .object(let keywords) = schema else { return nil }
        // An array, not a set: this runs on a single append's path (see `EventCatalogue.init`).
        let settled = [
            "$schema", "$id", "title", "description", "type", "required", "properties", "additionalProperties", "$defs",
        ]
        guard keywords.keys.allSatisfy(settled.contains) else { return nil }
        if let type = keywords["type"] {
            switch type {
            case .string(let name): if name != "object" { return false }
            case .array(let names): if !names.contains(.string("object")) { return false }
            default: return nil
            }
        }
        if let required = keywords["required"] {
            guard case .array(let names) = required else { return nil }
            return names.isEmpty
        }
        return true
    }
}
