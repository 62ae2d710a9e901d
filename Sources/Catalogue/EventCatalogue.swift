import CanonicalJSON
import LedgerStore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Parley's event catalogue: the event types, their schema versions, and the validator that
/// checks every appended event against them.
///
/// Built from `Events/catalogue.json` and `Events/schemas/<Type>.v<N>.json`; the binary carries
/// a copy (`loadDefault()`), so it validates the same way wherever it runs. Every schema is
/// compiled once, at load (`loadDefault(compiling:)` compiles only the types it names, for a
/// single append).
public struct EventCatalogue: Sendable {
    /// The catalogue's `catalogue_version`.
    public let catalogueVersion: String
    /// The event types, sorted by name.
    public let types: [String]

    private let entries: NameTable<TypeEntry>
    /// Nil in a catalogue loaded without it (`loadDefault(compiling:compilingMeta:)`), which may
    /// only validate `{}` meta blocks.
    private let metaValidator: SchemaValidator?
    /// Whether the meta schema accepts `{}` (it requires nothing), so empty blocks skip parsing.
    let metaAcceptsEmpty: Bool
    /// Schema file texts, keyed by file name.
    private let schemaTexts: [String: String]

    /// The schema file that `meta` is validated against.
    static let metaSchemaFile = "meta.v1.json"

    /// One event type: its schemas by version (index 0 is version 1) and its cross-field rules.
    /// `schemas` is nil for a type left out of `loadDefault(compiling:)`: asking it for a schema
    /// is a programming error.
    struct TypeEntry: Sendable {
        var latest: Int64
        var schemas: [SchemaValidator]?
        var rules: [CrossFieldRule]

        func schema(version: Int64) -> SchemaValidator? {
            guard version >= 1 && version <= latest else { return nil }
            guard let schemas else {
                preconditionFailure("EventCatalogue: this type's schemas were not compiled (see loadDefault(compiling:))")
            }
            return schemas[Int(version - 1)]
        }
    }

    /// The catalogue built into this binary (generated from `Events/` by
    /// `Tools/embed-catalogue.py`). Compiled on first use, then shared.
    ///
    /// - Returns: The catalogue.
    /// - Throws: `CatalogueError` if the embedded files are broken (a build problem: tests catch it).
    public static func loadDefault() throws(CatalogueError) -> EventCatalogue {
        try embedded.get()
    }

    private static let embedded: Result<EventCatalogue, CatalogueError> = Result {
        () throws(CatalogueError) -> EventCatalogue in
        try EventCatalogue(catalogueText: EmbeddedCatalogue.catalogueJSON, schemaTexts: EmbeddedCatalogue.schemas)
    }

    /// The built-in catalogue with only some types' schemas compiled (and the meta schema), for a
    /// process that validates events of those types only: compiling every schema is ~2 ms, a
    /// large share of a single `parley append`; their patterns' automata are simulated, not
    /// determinised (see `PatternDFA.init`). Validating an event of another type is a
    /// programming error (it traps); every type is still listed, with its versions.
    ///
    /// A single append without `--meta` records `{}` and needs only to know that the meta schema
    /// accepts it: with `compilingMeta` false the meta schema is compiled only when its root does
    /// not settle that (`SchemaCompiler.acceptsEmptyObject`), which saves ~6% of such an append.
    /// Validating a non-empty meta block with a catalogue loaded so is a programming error (it
    /// traps).
    ///
    /// - Parameters:
    ///   - types: The types whose schemas to compile.
    ///   - compilingMeta: Whether events with a non-empty meta block will be validated.
    /// - Returns: The catalogue.
    /// - Throws: `CatalogueError` if the embedded files are broken.
    public static func loadDefault(compiling types: [String], compilingMeta: Bool = true) throws(CatalogueError)
        -> EventCatalogue
    {
        try EventCatalogue(
            catalogueText: EmbeddedCatalogue.catalogueJSON, schemaTexts: EmbeddedCatalogue.schemas, compiling: types,
            compilingMeta: compilingMeta)
    }

    /// Loads a catalogue from an `Events/` directory (`catalogue.json` and `schemas/`).
    ///
    /// - Parameter directory: The `Events/` directory.
    /// - Returns: The catalogue.
    /// - Throws: `CatalogueError` when a file is unreadable, not JSON, or not a valid catalogue.
    public static func load(directory: URL) throws(CatalogueError) -> EventCatalogue {
        let catalogueURL = directory.appendingPathComponent("catalogue.json")
        let schemaDirectory = directory.appendingPathComponent("schemas")
        let catalogueText = try readText(catalogueURL)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: schemaDirectory.path)
        } catch {
            throw CatalogueError(
                code: .unreadable, file: schemaDirectory.path, message: "cannot list the schema directory: \(error)")
        }
        var texts: [String: String] = [:]
        for name in names where name.hasSuffix(".json") {
            texts[name] = try readText(schemaDirectory.appendingPathComponent(name))
        }
        return try EventCatalogue(catalogueText: catalogueText, schemaTexts: texts)
    }

    private static func readText(_ url: URL) throws(CatalogueError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(url.path)
        } catch {
            throw CatalogueError(code: .unreadable, file: url.path, message: "cannot read: \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CatalogueError(code: .unreadable, file: url.lastPathComponent, message: "not UTF-8 text")
        }
        return text
    }

    /// Builds a catalogue from file texts.
    ///
    /// - Parameters:
    ///   - catalogueText: The text of `catalogue.json`.
    ///   - schemaTexts: The text of every schema file, keyed by file name (`RoleAssigned.v2.json`).
    ///   - compiling: The types whose schemas are compiled; nil (the default) for all. A type
    ///     left out is listed but cannot validate (see `loadDefault(compiling:)`).
    /// - Throws: `CatalogueError` when the catalogue or a schema is invalid, a listed schema is
    ///   missing, or a schema file is not listed.
    init(
        catalogueText: String, schemaTexts: [String: String], compiling: [String]? = nil, compilingMeta: Bool = true
    ) throws(CatalogueError) {
        let file = "catalogue.json"
        let catalogue: JSONValue
        do {
            catalogue = try JSONValue(parsing: catalogueText)
        } catch {
            throw CatalogueError(code: .invalidJSON, file: file, message: error.description)
        }
        guard case .string(let version)? = catalogue["catalogue_version"], case .object(let listed)? = catalogue["types"]
        else {
            throw CatalogueError(
                code: .invalidCatalogue, file: file,
                message: #"must be {"catalogue_version": "…", "types": {"<Type>": {"latest": N, "versions": [1, …, N]}}}"#)
        }
        var compiler = SchemaCompiler()
        // A catalogue compiled for a few types serves one process's few events: its patterns are
        // simulated rather than determinised (same answers, no set-up cost).
        compiler.determinisesPatterns = compiling == nil
        // Arrays, not sets, on this path: a single append loads a catalogue for one type, and a
        // process's first `Set<String>` costs a cold generic-metadata look-up (~0.25M instructions).
        var expectedFiles: [String] = [Self.metaSchemaFile]
        var entries: [String: TypeEntry] = [:]
        for type in listed.keys.sorted() {
            let versions = listed[type]?["versions"]?.arrayValue?.compactMap(\.integerValue) ?? []
            let count = listed[type]?["versions"]?.arrayValue?.count ?? -1
            guard !versions.isEmpty, versions.count == count, versions == Array(1...Int64(versions.count)) else {
                throw CatalogueError(
                    code: .invalidCatalogue, file: file, message: "types.\(type).versions: must be [1, 2, …, N]")
            }
            guard listed[type]?["latest"] == .integer(versions.last!) else {
                throw CatalogueError(
                    code: .invalidCatalogue, file: file, message: "types.\(type).latest: must be \(versions.last!)")
            }
            let compiles = compiling?.contains(type) ?? true
            var schemas: [SchemaValidator] = []
            for version in versions {
                let name = "\(type).v\(version).json"
                expectedFiles.append(name)
                guard let text = schemaTexts[name] else {
                    throw CatalogueError(
                        code: .invalidCatalogue, file: file,
                        message: "types.\(type) lists version \(version), but there is no schema file \(name)")
                }
                if compiles { schemas.append(try Self.compile(text, file: name, compiler: &compiler)) }
            }
            entries[type] = TypeEntry(
                latest: versions.last!, schemas: compiles ? schemas : nil, rules: CrossFieldRule.rules(for: type))
        }
        guard let metaText = schemaTexts[Self.metaSchemaFile] else {
            throw CatalogueError(code: .invalidCatalogue, file: Self.metaSchemaFile, message: "the meta schema is missing")
        }
        // Every expected file is there and the names are distinct, so equal counts mean no others.
        if schemaTexts.count != expectedFiles.count,
            let unlisted = schemaTexts.keys.sorted().first(where: { !expectedFiles.contains($0) })
        {
            throw CatalogueError(
                code: .invalidCatalogue, file: unlisted, message: "this schema file is not listed in catalogue.json")
        }
        if !compilingMeta, (try? JSONValue(parsing: metaText)).flatMap(SchemaCompiler.acceptsEmptyObject) == true {
            metaValidator = nil
            metaAcceptsEmpty = true
        } else {
            let validator = try Self.compile(metaText, file: Self.metaSchemaFile, compiler: &compiler)
            metaValidator = validator
            metaAcceptsEmpty = validator.isValid(.object([:]))
        }
        catalogueVersion = version
        types = entries.keys.sorted()
        self.entries = NameTable(entries)
        self.schemaTexts = schemaTexts
    }

    private static func compile(_ text: String, file: String, compiler: inout SchemaCompiler) throws(CatalogueError)
        -> SchemaValidator
    {
        let schema: JSONValue
        do {
            schema = try JSONValue(parsing: text)
        } catch {
            throw CatalogueError(code: .invalidJSON, file: file, message: error.description)
        }
        return try compiler.compile(schema, file: file)
    }

    /// The newest schema version of an event type.
    ///
    /// - Parameter type: The event type.
    /// - Returns: Its latest version, or nil for an unknown type.
    public func latestVersion(of type: String) -> Int64? {
        entries[type]?.latest
    }

    /// The text of a schema file, exactly as in the catalogue.
    ///
    /// - Parameters:
    ///   - type: The event type, or `meta` for the provenance schema.
    ///   - version: The schema version.
    /// - Returns: The JSON Schema text, or nil when there is no such schema.
    public func schemaText(type: String, version: Int64) -> String? {
        schemaTexts["\(type).v\(version).json"]
    }

    /// Validates an event body and provenance block given as value trees.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - schema: The schema version the input names, or nil for the latest.
    ///   - data: The event body.
    ///   - meta: The provenance block (`{}` when none was given).
    /// - Returns: The schema version to record, or every problem found, with paths rooted at
    ///   `type`, `schema`, `data` or `meta` (for example `data.low.amount`).
    public func validate(type: String, schema: Int64?, data: JSONValue, meta: JSONValue)
        -> Result<Int64, ValidationProblems>
    {
        var problems: [JSONInputError] = []
        let version = checkData(type: type, schema: schema, problems: &problems) { data }
        checkMeta(problems: &problems) { meta }
        guard problems.isEmpty, let version else { return .failure(ValidationProblems(problems)) }
        return .success(version)
    }

    /// The fast path of validating raw bytes: decides on the canonical bytes, without building
    /// trees, whether the event is valid.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - schema: The schema version the input names, or nil for the latest.
    ///   - canonicalData: Canonical JSON of the event body.
    ///   - canonicalMeta: Canonical JSON of the provenance block.
    ///   - memo: Provenance blocks accepted before (a hit skips the meta walk; an accepted block
    ///     is added), or nil.
    /// - Returns: The schema version to record when the event is valid; nil when it is not, or
    ///   when the bytes alone do not settle it. Then the tree path decides, and says what is wrong.
    package func acceptedVersion(
        type: String, schema: Int64?, canonicalData: UnsafeRawBufferPointer, canonicalMeta: UnsafeRawBufferPointer,
        memo: ValidationMemo? = nil
    ) -> Int64? {
        guard let entry = entries[type] else { return nil }
        let version = schema ?? entry.latest
        guard let validator = entry.schema(version: version) else { return nil }
        if entry.rules.isEmpty {
            guard validator.accepts(canonical: canonicalData) else { return nil }
        } else {
            // The walk notes the body's members for the rules (room for far more than any
            // catalogued body has; a larger one makes the rules scan the bytes instead).
            let holds = withSpanRoom(memo) { room in
                var spans: MemberSpans? = MemberSpans(room)
                guard validator.accepts(canonical: canonicalData, recording: &spans) else { return false }
                let table = spans?.table
                return entry.rules.allSatisfy { $0.holds(canonical: canonicalData, members: table) }
            }
            guard holds else { return nil }
        }
        guard acceptsMeta(canonicalMeta, memo: memo) else { return nil }
        return version
    }

    /// Room for the member spans of one walk: the memo's scratch (this thread's, reused), or a
    /// temporary allocation without a memo (its 5 KiB came from the heap: one allocation and
    /// one free per event, and lock waits on glibc's arena when another thread freed there).
    private func withSpanRoom<Result>(
        _ memo: ValidationMemo?, _ body: (UnsafeMutableBufferPointer<MemberSpan>) -> Result
    ) -> Result {
        let capacity = Self.spanRoomCapacity
        if let scratch = memo?.scratch, scratch.count >= capacity * MemoryLayout<MemberSpan>.stride {
            let room = scratch.bindMemory(to: MemberSpan.self)
            return body(UnsafeMutableBufferPointer(rebasing: room[..<capacity]))
        }
        return withUnsafeTemporaryAllocation(of: MemberSpan.self, capacity: capacity, body)
    }

    /// How many member spans one walk may note (see `withSpanRoom`; a memo's scratch must hold
    /// that many, or every event falls back to a temporary allocation).
    static let spanRoomCapacity = 256

    /// Whether the provenance block is valid on its bytes (the fast path of `acceptedVersion`).
    private func acceptsMeta(_ canonicalMeta: UnsafeRawBufferPointer, memo: ValidationMemo?) -> Bool {
        let metaIsEmpty =
            canonicalMeta.count == 2 && canonicalMeta[0] == UInt8(ascii: "{") && canonicalMeta[1] == UInt8(ascii: "}")
        if metaIsEmpty { return metaAcceptsEmpty }
        if memo?.contains(canonicalMeta) != true {
            guard compiledMeta.accepts(canonical: canonicalMeta) else { return false }
            memo?.remember(canonicalMeta)
        }
        return true
    }

    /// Finds the schema, then validates the body (parsed on demand, so that an unknown type or
    /// version does not pay for parsing). Returns the version when the type and version exist.
    func checkData(
        type: String, schema: Int64?, problems: inout [JSONInputError],
        data: () throws(JSONInputError) -> JSONValue
    ) -> Int64? {
        guard let entry = entries[type] else {
            problems.append(
                JSONInputError(
                    path: "type", message: "unknown event type \"\(type)\"; known: \(types.joined(separator: ", "))"))
            return nil
        }
        let version = schema ?? entry.latest
        guard let validator = entry.schema(version: version) else {
            let known = (1...entry.latest).map(String.init).joined(separator: ", ")
            problems.append(
                JSONInputError(
                    path: "schema", message: "\(type) has no schema version \(version); known versions: \(known)"))
            return nil
        }
        let body: JSONValue
        do {
            body = try data()
        } catch {
            problems.append(error.nested(under: "data"))
            return version
        }
        // (Appending only when there is something to append: `append(contentsOf: [])` allocates.)
        let found = validator.validate(body)
        if found.isEmpty {
            var ruleProblems: [JSONInputError] = []
            for rule in entry.rules { rule.check(body, into: &ruleProblems) }
            if !ruleProblems.isEmpty { problems.append(contentsOf: ruleProblems.map { $0.nested(under: "data") }) }
        } else {
            problems.append(contentsOf: found.map { $0.nested(under: "data") })
        }
        return version
    }

    /// The meta validator; a catalogue loaded without it validates only `{}` meta blocks.
    private var compiledMeta: SchemaValidator {
        guard let metaValidator else {
            preconditionFailure("EventCatalogue: the meta schema was not compiled (see loadDefault(compiling:compilingMeta:))")
        }
        return metaValidator
    }

    func checkMeta(problems: inout [JSONInputError], meta: () throws(JSONInputError) -> JSONValue) {
        do {
            let found = compiledMeta.validate(try meta())
            if !found.isEmpty { problems.append(contentsOf: found.map { $0.nested(under: "meta") }) }
        } catch {
            problems.append(error.nested(under: "meta"))
        }
    }
}
