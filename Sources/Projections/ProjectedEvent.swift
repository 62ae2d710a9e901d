import CanonicalJSON
import Catalogue
import LedgerStore

/// One committed record as projections see it: envelope fields parsed once, both times as
/// `Timestamp`s (with their original text), and the body upcast to its type's latest schema.
public struct ProjectedEvent: Sendable, Equatable {
    /// Global position in the ledger.
    public var seq: UInt64
    /// The event id (lowercase UUID).
    public var id: String
    /// The aggregate, e.g. `negotiation/zil-faw-assembly`.
    public var stream: String
    /// Position within the stream.
    public var version: UInt64
    /// The event type, e.g. `StatementReported`.
    public var type: String
    /// The schema version of `data` after upcasting (the type's latest).
    public var schema: Int64
    /// The schema version the record was written with.
    public var recordedSchema: Int64
    /// Transaction time: when the ledger accepted the record.
    public var recordedAt: Timestamp
    /// `recorded_at` exactly as recorded.
    public var recordedAtText: String
    /// Valid time: when it happened or became true in the world.
    public var effectiveAt: Timestamp
    /// `effective_at` exactly as recorded.
    public var effectiveAtText: String
    /// The body, upcast to the latest schema version.
    public var data: JSONValue
    /// The provenance block (`{}` when none was given).
    public var meta: JSONValue

    /// Creates an event from its parts, upcasting `data`.
    ///
    /// - Parameters:
    ///   - seq: Global position.
    ///   - id: Event id.
    ///   - stream: The stream.
    ///   - version: Position within the stream.
    ///   - type: Event type.
    ///   - schema: The schema version `data` is written in.
    ///   - recordedAt: RFC 3339 transaction time.
    ///   - effectiveAt: RFC 3339 date-time or date: valid time.
    ///   - data: The body.
    ///   - meta: The provenance block.
    /// - Throws: `LedgerError(.integrity)` when a time does not parse.
    public init(
        seq: UInt64, id: String, stream: String, version: UInt64 = 1, type: String, schema: Int64 = 1,
        recordedAt: String, effectiveAt: String, data: JSONValue, meta: JSONValue = .object([:])
    ) throws {
        guard let recorded = Timestamp(rfc3339: recordedAt) else {
            throw LedgerError(.integrity, "seq \(seq): recorded_at \(recordedAt) is not an RFC 3339 date-time")
        }
        guard let effective = Timestamp(dateOrDateTime: effectiveAt) else {
            throw LedgerError(.integrity, "seq \(seq): effective_at \(effectiveAt) is not an RFC 3339 date-time or date")
        }
        let upcast = Upcasters.upcast(type: type, schema: schema, data: data)
        self.seq = seq
        self.id = id
        self.stream = stream
        self.version = version
        self.type = type
        self.schema = upcast.schema
        self.recordedSchema = schema
        self.recordedAt = recorded
        self.recordedAtText = recordedAt
        self.effectiveAt = effective
        self.effectiveAtText = effectiveAt
        self.data = upcast.data
        self.meta = meta
    }

    /// Parses a committed record line (one JSON parse per line).
    ///
    /// - Parameter line: The line without its newline.
    /// - Throws: `LedgerError(.integrity)` naming the missing or malformed field.
    public init(line: UnsafeRawBufferPointer) throws {
        // A canonical record line has its ten fields in this order: read them without building
        // the record's dictionary; anything else takes the general path (same result or error).
        if let values = JSONValue.members(of: line, named: RecordFields.names) {
            try self.init(fields: RecordFields(canonicalOrder: values))
            return
        }
        let value: JSONValue
        do { value = try JSONValue(parsing: line) } catch {
            throw LedgerError(.integrity, "record is not valid JSON: \(error)")
        }
        try self.init(record: value)
    }

    /// Parses a committed record line given as bytes.
    ///
    /// - Parameter line: The line without its newline.
    /// - Throws: `LedgerError(.integrity)`.
    public init(line: [UInt8]) throws {
        self = try line.withUnsafeBytes { try ProjectedEvent(line: $0) }
    }

    /// Builds an event from a parsed envelope.
    ///
    /// - Parameter envelope: The record's envelope.
    /// - Throws: `LedgerError(.integrity)` when a time or body does not parse.
    public init(envelope: RecordEnvelope) throws {
        let data: JSONValue
        let meta: JSONValue
        do {
            data = try JSONValue(parsing: envelope.data)
            meta = try JSONValue(parsing: envelope.meta)
        } catch {
            throw LedgerError(.integrity, "seq \(envelope.seq): record body is not valid JSON: \(error)")
        }
        try self.init(
            seq: envelope.seq, id: envelope.id, stream: envelope.stream, version: envelope.version,
            type: envelope.type, schema: envelope.schema, recordedAt: envelope.recordedAt,
            effectiveAt: envelope.effectiveAt, data: data, meta: meta)
    }

    /// Builds an event from a whole record parsed as a JSON object.
    ///
    /// - Parameter record: The record object.
    /// - Throws: `LedgerError(.integrity)` naming the missing or malformed field.
    public init(record: JSONValue) throws {
        guard case .object(let fields) = record else { throw LedgerError(.integrity, "record is not a JSON object") }
        try self.init(fields: RecordFields(fields))
    }

    /// Builds an event from a record's fields.
    private init(fields: RecordFields) throws {
        let seqHint = fields["seq"]?.integerValue.map { "seq \($0): " } ?? ""
        func integer(_ name: String) throws -> Int64 {
            guard let value = fields[name]?.integerValue else {
                throw LedgerError(.integrity, "\(seqHint)record field \(name) is missing or not an integer")
            }
            return value
        }
        func string(_ name: String) throws -> String {
            guard let value = fields[name]?.stringValue else {
                throw LedgerError(.integrity, "\(seqHint)record field \(name) is missing or not a string")
            }
            return value
        }
        let seq = try integer("seq")
        let version = try integer("version")
        guard seq >= 1, version >= 1 else { throw LedgerError(.integrity, "\(seqHint)record seq and version must be ≥ 1") }
        guard let data = fields["data"], case .object = data, let meta = fields["meta"], case .object = meta else {
            throw LedgerError(.integrity, "\(seqHint)record data and meta must be objects")
        }
        try self.init(
            seq: UInt64(seq), id: try string("id"), stream: try string("stream"), version: UInt64(version),
            type: try string("type"), schema: try integer("schema"), recordedAt: try string("recorded_at"),
            effectiveAt: try string("effective_at"), data: data, meta: meta)
    }
}

/// The fields of a record, each present or not: read from a parsed object, or straight from a
/// canonical line whose ten fields come in canonical order.
private struct RecordFields {
    /// The field names in canonical (sorted) order (`RecordEnvelope.fieldNames`).
    static let order = RecordEnvelope.fieldNames.sorted()
    /// The same, as bytes.
    static let names: [[UInt8]] = order.map { Array($0.utf8) }

    private var values: [JSONValue?]

    init(_ object: [String: JSONValue]) {
        values = Self.order.map { object[$0] }
    }

    /// - Parameter values: One value per name of `order`, in that order.
    init(canonicalOrder values: [JSONValue]) {
        self.values = values
    }

    /// The field `name` (a short scan: cheaper than hashing the name).
    subscript(name: String) -> JSONValue? {
        Self.order.firstIndex(of: name).flatMap { values[$0] }
    }
}
