import CanonicalJSON

/// A compiled JSON Schema (draft 2020-12), limited to the keywords Parley's catalogue uses.
///
/// Supported: `type` (a name or a list), `required`, `properties`, `additionalProperties`
/// (boolean or schema), `enum`, `const`, `pattern`, `format` (`date`, `date-time`), `minimum`,
/// `maximum`, `minLength`, `maxLength` (in Unicode code points), `items`, `minItems`,
/// `maxItems`, root `$defs` with local `#/$defs/NAME` references (applied together with their
/// sibling keywords); `title`, `description`, `$schema` and `$id` are ignored. Any other
/// keyword is an error when the schema is compiled, so the subset cannot silently grow.
///
/// Compile once, validate many times: patterns are compiled to automata up front, and
/// validating a valid document formats no strings and allocates nothing beyond the walk.
public struct SchemaValidator: Sendable {
    let nodes: [SchemaNode]
    let root: Int

    init(nodes: [SchemaNode], root: Int) {
        self.nodes = nodes
        self.root = root
    }

    /// Compiles a schema.
    ///
    /// - Parameters:
    ///   - schema: The schema document.
    ///   - file: A name for the schema in error messages (its file name).
    /// - Throws: `CatalogueError` when the schema is malformed or leaves the subset.
    public init(schema: JSONValue, file: String = "schema") throws(CatalogueError) {
        var compiler = SchemaCompiler()
        self = try compiler.compile(schema, file: file)
    }

    /// Parses and compiles a schema.
    ///
    /// - Parameters:
    ///   - text: The schema document's JSON text.
    ///   - file: A name for the schema in error messages (its file name).
    /// - Throws: `CatalogueError` when the text is not JSON or the schema is malformed.
    public init(text: String, file: String = "schema") throws(CatalogueError) {
        let schema: JSONValue
        do {
            schema = try JSONValue(parsing: text)
        } catch {
            throw CatalogueError(code: .invalidJSON, file: file, message: error.description)
        }
        try self.init(schema: schema, file: file)
    }

    /// Validates a document.
    ///
    /// - Parameter value: The document.
    /// - Returns: Every problem found, sorted by path (empty when the document is valid). Paths
    ///   are relative to the document: empty for the document itself, `low.amount`,
    ///   `products[1].models`; re-root them with `JSONInputError.nested(under:)`.
    public func validate(_ value: JSONValue) -> [JSONInputError] {
        let violations = nodes.withUnsafeBufferPointer { buffer in
            var walk = SchemaWalk(nodes: buffer)
            walk.check(root, value)
            return walk.violations
        }
        if violations.isEmpty { return [] }
        var seen = Set<String>()
        var problems: [JSONInputError] = []
        for violation in violations {
            let problem = JSONInputError(path: violation.path, message: violation.message)
            if seen.insert(problem.description).inserted { problems.append(problem) }
        }
        return problems.sorted { ($0.path, $0.message) < ($1.path, $1.message) }
    }

    /// Whether a document is valid.
    ///
    /// - Parameter value: The document.
    /// - Returns: True when `validate(_:)` finds no problem.
    public func isValid(_ value: JSONValue) -> Bool {
        nodes.withUnsafeBufferPointer { buffer in
            var walk = SchemaWalk(nodes: buffer)
            walk.check(root, value)
            return walk.violations.isEmpty
        }
    }

    /// Whether canonical JSON bytes are a valid document, decided on the bytes without building
    /// a tree (the fast path of `EventCatalogue`'s validation).
    ///
    /// - Parameter canonical: The document's canonical JSON (RFC 8785).
    /// - Returns: True when the document is valid. False when it is not, and also for input the
    ///   byte walk declines (not canonical, or with member names that are not ASCII): the
    ///   caller then parses it and runs `validate(_:)`, which decides and says why.
    func accepts(canonical: UnsafeRawBufferPointer) -> Bool {
        var none: MemberSpans? = nil
        return accepts(canonical: canonical, recording: &none)
    }

    /// Decides as `accepts(canonical:)` does, noting in `spans` (when not nil) every member of
    /// every object read, for the cross-field rules.
    ///
    /// - Parameters:
    ///   - canonical: The document's canonical JSON (RFC 8785).
    ///   - spans: Where to note the members (emptied first), or nil.
    /// - Returns: As `accepts(canonical:)`; the notes are meaningful only when it is true.
    func accepts(canonical: UnsafeRawBufferPointer, recording spans: inout MemberSpans?) -> Bool {
        spans?.reset()
        return nodes.withUnsafeBufferPointer { buffer in
            // A class reference and `Unmanaged` of it have the same layout.
            buffer.withMemoryRebound(to: Unmanaged<SchemaNode>.self) { unretained in
                var walk = ByteSchemaWalk(nodes: unretained, input: canonical)
                walk.spans = spans
                defer { spans = walk.spans }
                return walk.accepts(root: root)
            }
        }
    }
}
