import CanonicalJSON

/// What a schema says about members that `properties` does not name.
enum AdditionalProperties: Sendable {
    case allowed
    case forbidden
    case schema(Int)
}

/// What a schema says about one member name: its schema (from `properties`) and whether it is required.
struct PropertyRule: Sendable {
    /// Index of the member's schema node, or nil when the name is only `required`.
    var schema: Int?
    var isRequired: Bool
}

/// One compiled schema object: every keyword decoded and checked once, at load time.
///
/// A final class so that the validator's hot loop retains one reference per node visited,
/// instead of copying a struct full of collections.
final class SchemaNode: Sendable {
    /// A boolean schema `false`, or a node that can never match.
    let rejectsEverything: Bool
    let types: JSONTypeSet
    /// The node `$ref` points to; it applies together with the sibling keywords.
    let reference: Int?
    let properties: NameTable<PropertyRule>
    /// `properties` names, sorted: the fields an "unknown field" message offers.
    let propertyNames: [String]
    /// `required`, in schema order.
    let required: [String]
    let additionalProperties: AdditionalProperties
    let enumeration: [JSONValue]?
    /// `enum` when every value is a string: compared as strings, without going through `JSONValue`.
    let stringEnumeration: [String]?
    let constant: JSONValue?
    let pattern: PatternMatcher?
    let format: DateFormat?
    let minimum: Int64?
    let maximum: Int64?
    let minLength: Int?
    let maxLength: Int?
    let items: Int?
    let minItems: Int?
    let maxItems: Int?
    /// Whether any keyword applies to strings beyond `type` (skips the work for plain strings).
    let hasStringKeywords: Bool
    /// Whether any keyword applies to integers.
    let hasIntegerKeywords: Bool
    /// `stringEnumeration` as UTF-8, for `ByteSchemaWalk` (which compares bytes, not `String`s).
    let stringEnumerationUTF8: [[UInt8]]?
    /// `enumeration` in canonical form: a canonical value is listed when its bytes are one of these.
    let enumerationCanonical: [[UInt8]]?
    /// `constant` in canonical form.
    let constantCanonical: [UInt8]?
    /// Whether `enum`, `const`, `enum` of strings only are present (flags, so the byte walk's hot
    /// path does not copy the optional arrays to find out).
    let hasEnumeration: Bool
    let hasConstant: Bool
    let hasStringEnumeration: Bool
    /// `required.count`.
    let requiredCount: Int
    /// Whether the node says nothing beyond its `$ref` (annotations aside), so that
    /// `ByteSchemaWalk` need not read the value a second time.
    let addsNothingToReference: Bool

    init(draft: SchemaNodeDraft) {
        rejectsEverything = draft.rejectsEverything
        types = draft.types
        reference = draft.reference
        properties = NameTable(draft.properties)
        propertyNames = draft.properties.filter { $0.value.schema != nil }.keys.sorted()
        required = draft.required
        additionalProperties = draft.additionalProperties
        enumeration = draft.enumeration
        let strings = draft.enumeration?.compactMap(\.stringValue)
        stringEnumeration = strings?.count == draft.enumeration?.count ? strings : nil
        constant = draft.constant
        pattern = draft.pattern
        format = draft.format
        minimum = draft.minimum
        maximum = draft.maximum
        minLength = draft.minLength
        maxLength = draft.maxLength
        items = draft.items
        minItems = draft.minItems
        maxItems = draft.maxItems
        hasStringKeywords = draft.pattern != nil || draft.format != nil || draft.minLength != nil || draft.maxLength != nil
        hasIntegerKeywords = draft.minimum != nil || draft.maximum != nil
        stringEnumerationUTF8 = stringEnumeration?.map { Array($0.utf8) }
        enumerationCanonical = draft.enumeration?.map(\.canonicalBytes)
        constantCanonical = draft.constant?.canonicalBytes
        hasEnumeration = draft.enumeration != nil
        hasConstant = draft.constant != nil
        hasStringEnumeration = stringEnumeration != nil
        requiredCount = draft.required.count
        addsNothingToReference =
            draft.reference != nil && !draft.rejectsEverything && draft.types == .all && draft.properties.isEmpty
            && draft.required.isEmpty && draft.enumeration == nil && draft.constant == nil && !hasStringKeywords
            && !hasIntegerKeywords && draft.items == nil && draft.minItems == nil && draft.maxItems == nil
            && { if case .allowed = draft.additionalProperties { return true } else { return false } }()
    }
}

/// The mutable form of `SchemaNode`, filled in by `SchemaCompiler`.
struct SchemaNodeDraft {
    var rejectsEverything = false
    var types: JSONTypeSet = .all
    var reference: Int?
    var properties: [String: PropertyRule] = [:]
    var required: [String] = []
    var additionalProperties: AdditionalProperties = .allowed
    var enumeration: [JSONValue]?
    var constant: JSONValue?
    var pattern: PatternMatcher?
    var format: DateFormat?
    var minimum: Int64?
    var maximum: Int64?
    var minLength: Int?
    var maxLength: Int?
    var items: Int?
    var minItems: Int?
    var maxItems: Int?
}
