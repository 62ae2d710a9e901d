import CanonicalJSON
import Foundation
import Testing

@testable import Catalogue

@Suite struct SchemaValidatorTests {
    static let schemaFiles = Repository.jsonFiles(in: Repository.schemas)

    @Test func everySchemaHasACaseFile() {
        #expect(Self.schemaFiles.count >= 17)
        #expect(Repository.jsonFiles(in: Repository.cases) == Self.schemaFiles)
    }

    @Test("accept cases validate", arguments: schemaFiles)
    func acceptCasesValidate(file: String) throws {
        let validator = try Fixtures.validator(file)
        let cases = try Fixtures.cases(file)
        #expect(cases.accept.count >= 2)
        for (index, document) in cases.accept.enumerated() {
            let problems = validator.validate(document)
            #expect(problems.isEmpty, "\(file) accept[\(index)]: \(problems)")
            #expect(validator.isValid(document))
        }
    }

    /// Each reject case pins one rule (the python checker insists on exactly one jsonschema
    /// error), so Swift must find exactly one problem too: not zero, and not a second rule that
    /// would hide a broken first one.
    @Test("reject cases fail for exactly one reason", arguments: schemaFiles)
    func rejectCasesFail(file: String) throws {
        let validator = try Fixtures.validator(file)
        let cases = try Fixtures.cases(file)
        #expect(cases.reject.count >= 3)
        for (index, rejected) in cases.reject.enumerated() {
            switch rejected.data {
            case .success(let document):
                let problems = validator.validate(document)
                #expect(problems.count == 1, "\(file) reject[\(index)] (\(rejected.why)): \(problems)")
                #expect(!validator.isValid(document))
            case .failure(let error):
                // Refused by the ledger's JSON parser before any schema sees it.
                #expect(error.message.contains("is a fractional number"), "\(file) reject[\(index)]: \(error)")
            }
        }
    }

    // MARK: - messages

    static let money = """
        {"type": "object", "required": ["amount", "currency"], "additionalProperties": false,
         "properties": {"amount": {"type": "string", "pattern": "^-?(0|[1-9][0-9]*)(\\\\.[0-9]+)?$"},
                        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}}
        """

    struct MessageCase: Sendable, CustomStringConvertible {
        var schema: String
        var document: String
        var expected: [String]
        var description: String { document }
    }

    static let messageCases: [MessageCase] = [
        MessageCase(
            schema: #"{"type": "object", "properties": {"low": \#(money)}, "required": [], "additionalProperties": false}"#,
            document: #"{"low": {"amount": "35,000", "currency": "USD"}}"#,
            expected: [#"low.amount: expected a decimal string matching ^-?(0|[1-9][0-9]*)(\.[0-9]+)?$, got "35,000""#]),
        MessageCase(
            schema: money, document: #"{"amount": 35000, "currency": "USD"}"#,
            expected: [#"amount: expected a decimal string, got 35000; write decimals as strings, e.g. "35000""#]),
        MessageCase(
            schema: #"{"properties": {"stance": {"type": "string", "enum": ["confirms", "denies", "no-comment", "qualifies"]}}}"#,
            document: #"{"stance": "maybe"}"#,
            expected: [#"stance: "maybe" is not one of confirms, denies, no-comment, qualifies"#]),
        MessageCase(
            schema:
                #"{"type": "object", "required": ["term_id", "kind"], "properties": {"term_id": {"type": "string"}, "kind": {}}}"#,
            document: #"{"kind": 1}"#,
            expected: ["term_id: missing (required)"]),
        MessageCase(
            schema: #"{"type": "object", "properties": {"name": {}, "colour_id": {}}, "additionalProperties": false}"#,
            document: #"{"name": "x", "colour": "red"}"#,
            expected: ["colour: unknown field (allowed: colour_id, name)"]),
        MessageCase(
            schema:
                #"{"type": "array", "items": {"type": "object", "properties": {"models": {"type": "integer", "minimum": 1}}}}"#,
            document: #"[{"models": 4}, {"models": 0}, {"models": "two"}]"#,
            expected: ["[1].models: expected at least 1, got 0", #"[2].models: expected an integer, got "two""#]),
        MessageCase(
            schema: #"{"type": "string", "format": "date"}"#, document: #""2005-02-29""#,
            expected: [#"expected a calendar date YYYY-MM-DD, got "2005-02-29""#]),
        MessageCase(
            schema: #"{"type": "string", "format": "date-time"}"#, document: #""2005-01-01 10:00:00Z""#,
            expected: [#"expected an RFC 3339 date-time such as 2005-01-01T00:00:00Z, got "2005-01-01 10:00:00Z""#]),
        MessageCase(
            schema: #"{"type": "string", "minLength": 1, "maxLength": 3}"#, document: #""""#,
            expected: ["expected at least 1 character, got an empty string"]),
        MessageCase(
            schema: #"{"type": "string", "maxLength": 3}"#, document: #""abcd""#,
            expected: ["expected at most 3 characters, got 4"]),
        MessageCase(
            schema: #"{"type": "array", "minItems": 1, "maxItems": 2}"#, document: "[]",
            expected: ["expected at least 1 item, got 0"]),
        MessageCase(
            schema: #"{"type": "array", "maxItems": 1}"#, document: "[1, 2]",
            expected: ["expected at most 1 item, got 2"]),
        MessageCase(
            schema: #"{"type": "integer", "maximum": 1000}"#, document: "1001",
            expected: ["expected at most 1000, got 1001"]),
        MessageCase(
            schema: #"{"const": "v1"}"#, document: #""v2""#,
            expected: [#"expected "v1", got "v2""#]),
        MessageCase(
            schema: #"{"type": ["string", "null"]}"#, document: "{}",
            expected: ["expected a string or null, got an empty object"]),
        MessageCase(
            schema: #"{"type": "object", "properties": {"flag": false}}"#, document: #"{"flag": true}"#,
            expected: ["flag: not allowed here"]),
        MessageCase(
            schema: #"{"type": "string", "pattern": "^[a-z]+$"}"#,
            document: #""\#(String(repeating: "Ab", count: 40))""#,
            expected: [#"expected a string matching ^[a-z]+$, got "\#(String(repeating: "Ab", count: 29))A…""#]),
    ]

    @Test("messages name the path, what was expected and what was found", arguments: messageCases)
    func messages(_ example: MessageCase) throws {
        let validator = try SchemaValidator(text: example.schema)
        let problems = validator.validate(try Fixtures.json(example.document)).map(\.description)
        #expect(problems == example.expected)
    }

    @Test func allProblemsAreReportedSortedByPath() throws {
        let validator = try Fixtures.validator("PriceQuoted.v1.json")
        let document = try Fixtures.json(
            #"{"product": "", "basis": "msrp", "low": {"amount": "1", "currency": "usd"}, "extra": 1}"#)
        let problems = validator.validate(document).map(\.description)
        #expect(
            problems == [
                "basis: \"msrp\" is not one of sticker, list, retail, wholesale, ex-works, contract, other",
                "extra: unknown field (allowed: basis, description, high, low, negotiation_id, product, quoted_by)",
                "high: missing (required)",
                "low.currency: expected a three-letter upper-case code matching ^[A-Z]{3}$, got \"usd\"",
                "product: expected at least 1 character, got an empty string",
            ])
    }

    // MARK: - keyword semantics

    @Test func lengthsCountCodePoints() throws {
        let validator = try SchemaValidator(text: #"{"type": "string", "minLength": 3, "maxLength": 3}"#)
        #expect(validator.isValid(.string("äöü")))  // 6 UTF-8 bytes, 3 code points
        #expect(validator.isValid(.string("👍🏽x")))  // 2 code points + 1 (one grapheme + 1)
        #expect(!validator.isValid(.string("👍🏽")))  // 2 code points, 8 bytes
        #expect(!validator.isValid(.string("abcd")))
        #expect(validator.validate(.string("日本")).map(\.message) == ["expected at least 3 characters, got 2"])
    }

    @Test func referencesApplyTogetherWithSiblings() throws {
        let validator = try SchemaValidator(
            text: #"""
                {"$defs": {"slug": {"type": "string", "pattern": "^[a-z]+$"}},
                 "$ref": "#/$defs/slug", "maxLength": 3}
                """#)
        #expect(validator.isValid(.string("abc")))
        #expect(validator.validate(.string("abcd")).map(\.message) == ["expected at most 3 characters, got 4"])
        #expect(validator.validate(.string("AB")).count == 1)
    }

    @Test func recursiveReferencesWork() throws {
        let validator = try SchemaValidator(
            text: #"""
                {"$defs": {"node": {"type": "object", "required": ["name"], "additionalProperties": false,
                  "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
                 "$ref": "#/$defs/node"}
                """#)
        let tree = try Fixtures.json(#"{"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}"#)
        #expect(validator.isValid(tree))
        let broken = try Fixtures.json(#"{"name": "a", "children": [{"name": "b", "children": [{}]}]}"#)
        #expect(validator.validate(broken).map(\.description) == ["children[0].children[0].name: missing (required)"])
    }

    @Test func typeListsAndIntegers() throws {
        let validator = try SchemaValidator(text: #"{"type": ["integer", "null"], "minimum": -5}"#)
        #expect(validator.isValid(.null))
        #expect(validator.isValid(.integer(-5)))
        #expect(!validator.isValid(.integer(-6)))
        #expect(!validator.isValid(.bool(true)))  // JSON Schema: booleans are not numbers
        #expect(!validator.isValid(.string("1")))
    }

    @Test func keywordsApplyOnlyToTheirOwnType() throws {
        // Without "type", string keywords ignore numbers and object keywords ignore strings.
        let validator = try SchemaValidator(
            text: #"{"pattern": "^a$", "minimum": 3, "required": ["x"], "minItems": 1}"#)
        for document in [JSONValue.integer(5), .string("a"), .object(["x": .null]), .array([.null]), .null] {
            #expect(validator.isValid(document), "\(document)")
        }
        #expect(!validator.isValid(.integer(2)))
        #expect(!validator.isValid(.string("b")))
        #expect(!validator.isValid(.object([:])))
        #expect(!validator.isValid(.array([])))
    }

    @Test func enumAndConstCompareValuesExactly() throws {
        let validator = try SchemaValidator(text: #"{"enum": [1, "1", {"a": [true]}, null]}"#)
        #expect(validator.isValid(.integer(1)))
        #expect(validator.isValid(.string("1")))
        #expect(validator.isValid(try Fixtures.json(#"{"a": [true]}"#)))
        #expect(validator.isValid(.null))
        #expect(!validator.isValid(.bool(true)))
        #expect(!validator.isValid(try Fixtures.json(#"{"a": [false]}"#)))
        #expect(validator.validate(.integer(2)).map(\.message) == [#"2 is not one of 1, 1, {"a":[true]}, null"#])
    }

    @Test func additionalPropertiesMayBeASchema() throws {
        let validator = try SchemaValidator(
            text: #"{"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": {"type": "integer"}}"#)
        #expect(validator.isValid(try Fixtures.json(#"{"id": "x", "a": 1, "b": 2}"#)))
        #expect(
            validator.validate(try Fixtures.json(#"{"id": "x", "a": "1"}"#)).map(\.description) == [
                #"a: expected an integer, got "1""#
            ])
    }

    @Test func requiredNamesNeedNotBeDeclared() throws {
        let validator = try SchemaValidator(text: #"{"required": ["a"], "additionalProperties": false}"#)
        #expect(validator.validate(try Fixtures.json("{}")).map(\.description) == ["a: missing (required)"])
        // Present but not declared: additionalProperties false still forbids it (as in JSON Schema).
        #expect(
            validator.validate(try Fixtures.json(#"{"a": 1}"#)).map(\.description) == [
                "a: unknown field (no fields are allowed here)"
            ])
    }

    // MARK: - what the compiler refuses

    struct BadSchema: Sendable, CustomStringConvertible {
        var schema: String
        var code: CatalogueError.Code
        var message: String
        var description: String { schema }
    }

    static let badSchemas: [BadSchema] = [
        BadSchema(
            schema: #"{"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}}"#,
            code: .unsupportedKeyword, message: "#/properties/a: keyword \"oneOf\" is outside the supported subset"),
        BadSchema(
            schema: #"{"exclusiveMinimum": 0}"#, code: .unsupportedKeyword,
            message: "#: keyword \"exclusiveMinimum\" is outside the supported subset"),
        BadSchema(
            schema: #"{"items": {"uniqueItems": true}}"#, code: .unsupportedKeyword,
            message: "#/items: keyword \"uniqueItems\" is outside the supported subset"),
        BadSchema(
            schema: ##"{"$ref": "#/$defs/missing"}"##, code: .invalidSchema,
            message: "#/$ref: only local references to defined #/$defs/NAME entries are supported"),
        BadSchema(
            schema: #"{"$ref": "https://example.com/schema.json"}"#, code: .invalidSchema,
            message: "#/$ref: only local references to defined #/$defs/NAME entries are supported"),
        BadSchema(
            schema: #"{"properties": {"a": {"$defs": {}}}}"#, code: .invalidSchema,
            message: "#/properties/a/$defs: \"$defs\" is allowed at the schema root only"),
        BadSchema(
            schema: #"{"type": "float"}"#, code: .invalidSchema,
            message: "#/type: \"float\" is not one of null, boolean, integer, number, string, array, object"),
        BadSchema(
            schema: #"{"format": "email"}"#, code: .invalidSchema,
            message: "#/format: only \"date\" and \"date-time\" are supported"),
        BadSchema(schema: #"{"enum": []}"#, code: .invalidSchema, message: "#/enum: must be a non-empty array"),
        BadSchema(
            schema: #"{"minLength": -1}"#, code: .invalidSchema, message: "#/minLength: must be a non-negative integer"),
        BadSchema(
            schema: #"{"required": ["a", "a"]}"#, code: .invalidSchema,
            message: "#/required: must be an array of distinct strings"),
        BadSchema(
            schema: ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##,
            code: .invalidSchema, message: "$ref cycle"),
        BadSchema(
            schema: ##"{"$defs": {"a": {"$ref": "#/$defs/a"}}, "properties": {"x": {"$ref": "#/$defs/a"}}}"##,
            code: .invalidSchema, message: "$ref cycle: the reference chain never reaches a real schema"),
        BadSchema(
            schema:
                ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/c"}, "c": {"$ref": "#/$defs/b"}}, "$ref": "#/$defs/a"}"##,
            code: .invalidSchema, message: "$ref cycle"),
        BadSchema(schema: #"{"pattern": "^(a$"}"#, code: .invalidSchema, message: "#/pattern: pattern ^(a$ does not compile"),
        BadSchema(
            schema: #"{"properties": {"a": 3}}"#, code: .invalidSchema,
            message: "#/properties/a: a schema must be an object or a boolean"),
    ]

    /// Wherever the root-only rule answers whether `{}` is valid, the compiled schema agrees; it
    /// declines (nil) for the keywords it cannot settle.
    @Test(
        arguments: [
            (#"true"#, true), (#"false"#, false), (#"{}"#, true), (#"{"type": "object"}"#, true),
            (#"{"type": "string"}"#, false), (#"{"type": ["string", "object"]}"#, true), (#"{"type": ["array"]}"#, false),
            (#"{"required": []}"#, true), (#"{"required": ["a"]}"#, false),
            (#"{"type": "object", "required": [], "properties": {"a": {"type": "string", "pattern": "^x$"}}}"#, true),
            (#"{"type": "object", "additionalProperties": false, "$defs": {"d": {"type": "integer"}}}"#, true),
            (#"{"title": "t", "description": "d", "$schema": "s", "$id": "i", "required": ["x", "y"]}"#, false),
        ] as [(String, Bool)])
    func emptyObjectRuleAgreesWithTheCompiledSchema(schema: String, expected: Bool) throws {
        let value = try JSONValue(parsing: schema)
        #expect(SchemaCompiler.acceptsEmptyObject(value) == expected)
        #expect(try SchemaValidator(schema: value).isValid(.object([:])) == expected)
    }

    @Test(arguments: [
        #"{"enum": [{}]}"#, #"{"const": {}}"#, ##"{"$defs": {"a": {"type": "object"}}, "$ref": "#/$defs/a"}"##,
        #"{"minLength": 1}"#, #"{"type": 5}"#, #"{"required": "a"}"#, #"[]"#,
    ])
    func emptyObjectRuleDeclinesWhatOnlyCompilingSettles(schema: String) throws {
        #expect(SchemaCompiler.acceptsEmptyObject(try JSONValue(parsing: schema)) == nil)
    }

    /// A long chain of references that ends in a real schema is no cycle, however long.
    @Test func aLongReferenceChainCompilesAndApplies() throws {
        var definitions = [##""d0": {"type": "integer", "minimum": 3}"##]
        for index in 1..<12 { definitions.append(##""d\##(index)": {"$ref": "#/$defs/d\##(index - 1)"}"##) }
        let text = ##"{"$defs": {"## + definitions.joined(separator: ", ") + ##"}, "$ref": "#/$defs/d11"}"##
        let validator = try SchemaValidator(text: text)
        #expect(validator.isValid(.integer(5)))
        #expect(!validator.isValid(.integer(2)))
        #expect(!validator.isValid(.string("5")))
    }

    @Test("the compiler rejects what the subset does not cover", arguments: badSchemas)
    func rejectsAtLoad(_ bad: BadSchema) throws {
        let error = try #require(throws: CatalogueError.self) { try SchemaValidator(text: bad.schema, file: "x.json") }
        #expect(error.code == bad.code)
        #expect(error.file == "x.json")
        #expect(error.message.contains(bad.message), "\(error.message)")
    }

    @Test func ignoredAnnotationsAreAccepted() throws {
        let validator = try SchemaValidator(
            text: #"""
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://x/y.json",
                 "title": "t", "description": "d", "type": "object",
                 "properties": {"a": {"title": "a", "description": "an a", "type": "string"}}}
                """#)
        #expect(validator.isValid(try Fixtures.json(#"{"a": "x"}"#)))
    }
}
