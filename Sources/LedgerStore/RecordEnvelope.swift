import CanonicalJSON

/// The envelope fields of one committed record line, pulled out by one validating pass that
/// also tells whether the line is in canonical form.
public struct RecordEnvelope: Sendable {
    public var seq: UInt64
    public var id: String
    public var stream: String
    public var version: UInt64
    public var type: String
    public var schema: Int64
    public var recordedAt: String
    public var effectiveAt: String
    /// Canonical bytes of `data` and `meta`.
    public var data: [UInt8]
    public var meta: [UInt8]
    /// Whether the line is byte-for-byte its own canonical form.
    public var isCanonical: Bool

    /// The fields every record has.
    public static let fieldNames: Set<String> = Set(orderedFieldNames.map { "\($0)" })

    /// The same, in canonical (sorted) order: `Field`'s order.
    static let orderedFieldNames: [StaticString] = [
        "data", "effective_at", "id", "meta", "recorded_at", "schema", "seq", "stream", "type", "version",
    ]

    /// A field's position in a record, where canonical order puts it.
    enum Field: Int {
        case data, effectiveAt, id, meta, recordedAt, schema, seq, stream, type, version
    }

    /// Parses a record line.
    ///
    /// - Parameters:
    ///   - line: The line without its newline.
    ///   - encoder: A reusable encoder.
    /// - Throws: `LedgerError(.integrity)` describing the first problem.
    public init(line: UnsafeRawBufferPointer, encoder: inout CanonicalEncoder) throws {
        do { try encoder.encode(line) } catch {
            throw LedgerError(.integrity, "record is not valid JSON: \(error)")
        }
        isCanonical = encoder.output.elementsEqual(line)
        // The encoder puts members in canonical order, which for these ASCII names is sorted
        // order: a record has exactly `orderedFieldNames`, one by one (no dictionary per record;
        // a writer opening a ledger folds every record committed since its index was saved).
        let members = encoder.topLevel
        guard encoder.topLevelKeys(are: Self.orderedFieldNames) else {
            let names = members.indices.map { encoder.topLevelKey($0) }
            throw LedgerError(
                .integrity,
                "record fields are \(names.sorted().joined(separator: ",")); expected \(Self.fieldNames.sorted().joined(separator: ","))"
            )
        }
        let output = encoder.output
        func field(_ name: Field) -> ArraySlice<UInt8> { output[members[name.rawValue].value] }
        func integer(_ name: Field) throws -> Int64 {
            guard let value = encoder.topLevelInteger(name.rawValue) else {
                throw LedgerError(.integrity, "record field \(Self.orderedFieldNames[name.rawValue]) is not an integer")
            }
            return value
        }
        func string(_ name: Field) throws -> String {
            // Ids, streams, types and times have no escapes: their text is taken as it is.
            guard let text = encoder.topLevelText(name.rawValue) else {
                throw LedgerError(.integrity, "record field \(Self.orderedFieldNames[name.rawValue]) is not a string")
            }
            return text
        }
        let seq = try integer(.seq)
        let version = try integer(.version)
        guard seq >= 1, version >= 1 else { throw LedgerError(.integrity, "record seq and version must be ≥ 1") }
        self.seq = UInt64(seq)
        self.version = UInt64(version)
        schema = try integer(.schema)
        id = try string(.id)
        stream = try string(.stream)
        type = try string(.type)
        recordedAt = try string(.recordedAt)
        effectiveAt = try string(.effectiveAt)
        data = Array(field(.data))
        meta = Array(field(.meta))
        guard data.first == UInt8(ascii: "{"), meta.first == UInt8(ascii: "{") else {
            throw LedgerError(.integrity, "record data and meta must be objects")
        }
    }

    /// Parses a record line given as bytes.
    ///
    /// - Parameter line: The line without its newline.
    /// - Throws: `LedgerError(.integrity)`.
    public init(line: [UInt8]) throws {
        var encoder = CanonicalEncoder()
        self = try line.withUnsafeBytes { raw in try RecordEnvelope(line: raw, encoder: &encoder) }
    }

    /// The bytes that decide whether a re-appended id carries the same event.
    var contentKey: [UInt8] {
        Self.contentKey(
            stream: Array(stream.utf8), type: Array(type.utf8), schema: schema, effectiveAt: Array(effectiveAt.utf8),
            data: data, meta: meta)
    }

    static func contentKey(
        stream: [UInt8], type: [UInt8], schema: Int64, effectiveAt: [UInt8], data: [UInt8], meta: [UInt8]
    ) -> [UInt8] {
        var key = stream + [0] + type + [0] + Array(String(schema).utf8) + [0] + effectiveAt + [0]
        key += data + [0] + meta
        return key
    }
}
