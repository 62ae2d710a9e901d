import CanonicalJSON
import Catalogue
import LZ4Codec
import LedgerIntegrity
import LedgerStore
import Projections

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The per-record work of an audit that needs no context: decompress a frame, hash every line,
/// check JSON, canonical form, envelope fields and schema, and parse the event for projections.
///
/// One inspector per worker thread (it owns a decompression context and reusable buffers).
final class RecordInspector {
    /// What to check besides the envelope.
    struct Checks: Sendable {
        /// The catalogue to validate `data` and `meta` against (nil: skip schema validation).
        var catalogue: EventCatalogue?
        /// Whether to extract references for the streaming semantic pass.
        var semantic: Bool
        /// Whether to parse whole events for the projections' fold.
        var projections: Bool
    }

    private let decoder: LZ4FrameDecoder
    private let checks: Checks
    private var encoder = CanonicalEncoder()
    private var content: [UInt8] = []
    /// Value ranges of the record fields, in `fieldNames` order (reused for every line).
    private var fields = [Range<Int>?](repeating: nil, count: 10)
    private var lineCheck = CanonicalLineCheck()
    /// `meta` blocks that validated, by FNV-1a hash (compared byte for byte on a hit).
    /// Meta blocks known to be valid (this inspector's thread only): accepted by the fast path
    /// or by the tree path's validation.
    private let acceptedMetas = ValidationMemo()
    private static let emptyObject = JSONValue.object([:])
    /// Members of the `data` object being looked at (reused).
    private var dataMembers: [(key: Range<Int>, value: Range<Int>)] = []
    /// Type names seen, so the hot loop turns bytes into a `String` once per type.
    private var typeNames: [([UInt8], String)] = []

    /// The canonical order of the record fields.
    private static let fieldNames: [StaticString] = [
        "data", "effective_at", "id", "meta", "recorded_at", "schema", "seq", "stream", "type", "version",
    ]

    init(checks: Checks) throws {
        do { decoder = try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
        self.checks = checks
        content.reserveCapacity(4 << 20 + 65_536)
    }

    /// Inspects every data frame of a chunk.
    ///
    /// - Returns: One outcome per item (nil for items that are not data frames).
    func inspect(_ chunk: AuditChunk) -> [FrameOutcome?] {
        chunk.items.map { item in
            guard case .data(_, let range, let contentSize, _, _) = item else { return nil }
            return chunk.bytes.withUnsafeBytes { raw in
                inspectFrame(UnsafeRawBufferPointer(rebasing: raw[range]), contentSize: contentSize)
            }
        }
    }

    private func inspectFrame(_ frame: UnsafeRawBufferPointer, contentSize: Int?) -> FrameOutcome {
        var outcome = FrameOutcome()
        content.removeAll(keepingCapacity: true)
        do {
            try decoder.decompressFrame(frame, expectedSize: contentSize, appendingTo: &content)
        } catch {
            outcome.decodeFailure = error.description
            return outcome
        }
        if let contentSize, contentSize != content.count {
            outcome.frameProblems.append("frame decodes to \(content.count) bytes but its header says \(contentSize)")
        }
        if let last = content.last, last != 0x0A {
            outcome.frameProblems.append("frame does not end with a whole record line (no final newline)")
        }
        content.withUnsafeBytes { raw in
            var start = 0
            var index = 0
            let count = raw.count
            let estimate = count / 300 + 1
            outcome.leafHashes.reserveCapacity(estimate * 32)
            outcome.facts.reserveCapacity(estimate)
            while start < count {
                guard let newline = memchrIndex(raw, from: start) else {
                    index = count
                    inspectLine(UnsafeRawBufferPointer(rebasing: raw[start..<count]), into: &outcome)
                    break
                }
                index = newline
                inspectLine(UnsafeRawBufferPointer(rebasing: raw[start..<index]), into: &outcome)
                start = index + 1
            }
        }
        return outcome
    }

    private func memchrIndex(_ raw: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = raw.baseAddress, start < raw.count else { return nil }
        guard let found = memchr(base + start, 0x0A, raw.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    private func inspectLine(_ line: UnsafeRawBufferPointer, into outcome: inout FrameOutcome) {
        let index = outcome.recordCount
        outcome.recordCount += 1
        RFC6962.leafHash(line).withUnsafeBytes { outcome.leafHashes.append(contentsOf: $0) }
        var facts = RecordFacts()
        defer {
            outcome.facts.append(facts)
            if checks.projections && outcome.events.count < outcome.recordCount { outcome.events.append(nil) }
        }
        func problem(_ kind: AuditFinding.Kind, _ message: String) {
            outcome.problems.append(RecordProblem(index: index, kind: kind, message: message))
        }
        for position in fields.indices { fields[position] = nil }
        if lineCheck.isCanonical(line) {
            // The common case: the line is its own canonical form; read the fields in place.
            let members = lineCheck.members
            if members.count == Self.fieldNames.count
                && members.indices.allSatisfy({ Self.key(line, members[$0].key, is: Self.fieldNames[$0]) })
            {
                for position in members.indices { fields[position] = members[position].value }
                inspectFields(of: line, index: index, facts: &facts, into: &outcome)
                return
            }
        }
        do { try encoder.encode(line) } catch {
            problem(.json, "record is not valid JSON: \(error)")
            return
        }
        let canonical = encoder.output.withUnsafeBytes { output in
            output.count == line.count && (line.isEmpty || memcmp(output.baseAddress!, line.baseAddress!, line.count) == 0)
        }
        if !canonical {
            problem(
                .canonical, "record is not in canonical form (RFC 8785 as pinned by FORMAT.md)" + difference(encoder.output, line)
            )
        }
        let members = encoder.topLevel
        if encoder.topLevelKeys(are: Self.fieldNames) {
            for position in members.indices { fields[position] = members[position].value }
        } else {
            var unexpected: [String] = []
            for position in members.indices {
                if let known = Self.fieldNames.firstIndex(where: { encoder.topLevelKey(position, is: $0) }) {
                    fields[known] = members[position].value
                } else {
                    unexpected.append(encoder.topLevelKey(position))
                }
            }
            let missing = Self.fieldNames.indices.filter { fields[$0] == nil }.map { "\(Self.fieldNames[$0])" }
            if members.isEmpty {
                problem(.field, "record is not a JSON object")
            } else {
                problem(
                    .field,
                    "record fields: " + (missing.isEmpty ? "" : "missing \(missing.joined(separator: ","))")
                        + (missing.isEmpty || unexpected.isEmpty ? "" : "; ")
                        + (unexpected.isEmpty ? "" : "unexpected \(unexpected.joined(separator: ","))"))
            }
        }
        let output = encoder.output
        output.withUnsafeBytes { out in inspectFields(of: out, index: index, facts: &facts, into: &outcome) }
    }

    /// Whether the raw key bytes at `range` of `line` are `name`.
    private static func key(_ line: UnsafeRawBufferPointer, _ range: Range<Int>, is name: StaticString) -> Bool {
        range.count == name.utf8CodeUnitCount
            && memcmp(line.baseAddress! + range.lowerBound, name.utf8Start, range.count) == 0
    }

    /// Checks and extracts the field values found in `fields`, which index into `out`.
    private func inspectFields(
        of out: UnsafeRawBufferPointer, index: Int, facts: inout RecordFacts, into outcome: inout FrameOutcome
    ) {
        func problem(_ kind: AuditFinding.Kind, _ message: String) {
            outcome.problems.append(RecordProblem(index: index, kind: kind, message: message))
        }
        do {

            func value(_ field: Int) -> UnsafeRawBufferPointer? {
                fields[field].map { UnsafeRawBufferPointer(rebasing: out[$0]) }
            }
            // A string's bytes: a view into the output when it has no escape (the common case),
            // else its decoded text in a buffer freed when this record is done.
            var decoded: [UnsafeMutableRawBufferPointer] = []
            defer { for buffer in decoded { buffer.deallocate() } }
            func string(_ field: Int) -> UnsafeRawBufferPointer? {
                guard let bytes = value(field), bytes.first == 0x22 else { return nil }
                if let plain = CanonicalString.plainContent(bytes) { return plain }
                guard case .string(let text)? = try? JSONValue(parsing: bytes) else { return nil }
                let utf8 = Array(text.utf8)
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, utf8.count), alignment: 1)
                utf8.withUnsafeBytes { buffer.copyMemory(from: $0) }
                decoded.append(buffer)
                return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<utf8.count])
            }
            if let bytes = value(6) {
                if let seq = ByteFields.unsignedInteger(bytes), seq >= 1 {
                    facts.seq = seq
                } else {
                    problem(.field, "record seq is not a positive integer")
                }
            }
            if let bytes = value(9) {
                if let version = ByteFields.unsignedInteger(bytes), version >= 1 {
                    facts.version = version
                } else {
                    problem(.field, "record version is not a positive integer")
                }
            }
            var schema: Int64?
            if let bytes = value(5) {
                if let number = ByteFields.unsignedInteger(bytes), number >= 1 {
                    schema = Int64(number)
                } else {
                    problem(.field, "record schema is not a positive integer")
                }
            }
            if fields[2] != nil {
                if let id = string(2), let halves = ByteFields.uuid(id) {
                    facts.idHigh = halves.0
                    facts.idLow = halves.1
                    facts.hasID = true
                } else {
                    problem(.field, "record id is not a lowercase UUID")
                }
            }
            var stream: UnsafeRawBufferPointer?
            if fields[7] != nil {
                if let text = string(7), let slash = text.firstIndex(of: 0x2F), slash > 0, slash < text.count - 1 {
                    stream = text
                    let start = outcome.streamBytes.count
                    outcome.streamBytes.append(contentsOf: text)
                    facts.stream = start..<outcome.streamBytes.count
                    facts.streamHash = ByteFields.hash(text)
                } else {
                    problem(.field, "record stream is not a string \"kind/name\"")
                }
            }
            var typeName: String?
            if fields[8] != nil {
                if let type = string(8), let first = type.first, (65...90).contains(first),
                    type.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
                {
                    typeName = name(of: type)
                } else {
                    problem(.field, "record type is not an UpperCamel name")
                }
            }
            if fields[4] != nil {
                if let text = string(4), let micros = ByteFields.recordedAt(text) {
                    facts.recordedAt = micros
                } else {
                    problem(.recordedAt, "record recorded_at is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
                }
            }
            let effectiveAt = string(1)
            if fields[1] != nil && effectiveAt.map(ByteFields.isDateOrDateTime) != true {
                problem(.field, "record effective_at is not an RFC 3339 date-time or date")
            }
            let data = value(0)
            let meta = value(3)
            if fields[0] != nil && data?.first != UInt8(ascii: "{") { problem(.field, "record data is not an object") }
            if fields[3] != nil && meta?.first != UInt8(ascii: "{") { problem(.field, "record meta is not an object") }
            guard let typeName, let data, data.first == UInt8(ascii: "{") else { return }

            if checks.semantic, let stream, let effectiveAt {
                SemanticExtractor.extract(
                    index: index, type: typeName, stream: stream, effectiveAt: effectiveAt, data: data,
                    members: &dataMembers, into: &outcome.semanticRefs)
            }
            // The fast path: the canonical bytes validate as they are (no trees). Anything else,
            // including every invalid record, takes the tree path below, which says what is wrong.
            if let catalogue = checks.catalogue, !checks.projections, let schema, let meta, meta.first == UInt8(ascii: "{"),
                catalogue.acceptedVersion(
                    type: typeName, schema: schema, canonicalData: data, canonicalMeta: meta, memo: acceptedMetas)
                    == schema
            {
                return
            }
            guard checks.catalogue != nil || checks.projections, let schema, let meta, meta.first == UInt8(ascii: "{"),
                let dataValue = try? JSONValue(parsing: data)
            else { return }
            // `meta` is validated against one schema whatever the type, and the same blocks recur:
            // a block that validated once is not parsed and validated again.
            let metaKnownValid = acceptedMetas.contains(meta)
            var metaValue: JSONValue?
            if !metaKnownValid || checks.projections {
                guard let parsed = try? JSONValue(parsing: meta) else {
                    problem(.field, "record meta is not valid JSON")
                    return
                }
                metaValue = parsed
            }
            if let catalogue = checks.catalogue {
                let result = catalogue.validate(
                    type: typeName, schema: schema, data: dataValue,
                    meta: metaKnownValid ? Self.emptyObject : metaValue ?? Self.emptyObject)
                switch result {
                case .success(let recorded) where recorded != schema:
                    problem(.schema, "\(typeName) v\(schema) validates as schema v\(recorded)")
                case .success:
                    break
                case .failure(let problems):
                    problem(
                        .schema,
                        "\(typeName) v\(schema) does not validate: "
                            + problems.problems.prefix(5).map(\.description).joined(separator: "; ")
                            + (problems.problems.count > 5 ? "; …" : ""))
                }
                let metaFailed: Bool
                if case .failure(let problems) = result {
                    metaFailed = problems.problems.contains {
                        $0.path == "meta" || $0.path.hasPrefix("meta.") || $0.path.hasPrefix("meta[")
                    }
                } else {
                    metaFailed = false
                }
                if !metaKnownValid && !metaFailed { acceptedMetas.remember(meta) }
            }
            if checks.projections, let metaValue, facts.seq > 0, facts.version > 0, let id = string(2), let stream,
                let recordedAt = string(4), let effectiveAt
            {
                outcome.events.append(
                    try? ProjectedEvent(
                        seq: facts.seq, id: String(decoding: id, as: UTF8.self),
                        stream: String(decoding: stream, as: UTF8.self), version: facts.version, type: typeName,
                        schema: schema, recordedAt: String(decoding: recordedAt, as: UTF8.self),
                        effectiveAt: String(decoding: effectiveAt, as: UTF8.self), data: dataValue, meta: metaValue))
            }
        }
    }

    private func name(of type: UnsafeRawBufferPointer) -> String {
        for (bytes, name) in typeNames where bytes.elementsEqual(type) { return name }
        let name = String(decoding: type, as: UTF8.self)
        if typeNames.count < 64 { typeNames.append((Array(type), name)) }
        return name
    }

    /// Where a line first differs from its canonical form, for the finding's message.
    private func difference(_ canonical: [UInt8], _ line: UnsafeRawBufferPointer) -> String {
        var index = 0
        while index < canonical.count && index < line.count && canonical[index] == line[index] { index += 1 }
        let around = line[max(0, index - 20)..<min(line.count, index + 20)]
        return "; first difference at byte \(index), near \"\(String(decoding: around, as: UTF8.self))\""
    }
}
