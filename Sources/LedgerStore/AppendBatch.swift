import CanonicalJSON
import LZ4Codec
import LedgerIntegrity

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of one appended (or already present) event.
public struct AppendResult: Sendable, Equatable {
    public var seq: UInt64
    public var id: String
    public var stream: String
    public var version: UInt64
    /// True when the id was already in the ledger with identical content (nothing appended).
    public var alreadyPresent: Bool
}

/// What a finished batch did.
public struct AppendSummary: Sendable {
    /// Number of new records committed.
    public var appended: Int
    /// Number of input events already present (same id, same content).
    public var alreadyPresent: Int
    /// Seq range of the new records, when any.
    public var seqRange: ClosedRange<UInt64>?
    /// Tree size and root after the commit.
    public var treeSize: UInt64
    public var root: Hash32
    /// Per-event results, when the batch was asked to collect them.
    public var results: [AppendResult]
}

/// One commit being built: input lines are validated and written while streamed; `finish()`
/// seals them with a commit marker and fsync, `abort()` (or any invalid line) leaves the
/// ledger exactly as it was.
///
/// Each input line is a JSON object `{"stream","type","effective_at","data","meta"?,"id"?,
/// "expected_version"?,"schema"?}`.
public final class AppendBatch {
    private static let allowedFields =
        "data, effective_at, expected_version, id, meta, schema, stream, type"
    private static let chunkLimit = 4 << 20

    private let writer: LedgerWriter
    private let largeFrames: Bool
    private let collectResults: Bool
    private var encoder = CanonicalEncoder()
    private var ids = EventIDGenerator()
    private let recordedAt: [UInt8]
    private let recordedAtTime: Timestamp

    private var update: LedgerIndex
    private var versions: [String: UInt64] = [:]
    private var batchIDs: [EventID: (seq: UInt64, key: [UInt8], result: AppendResult)] = [:]
    private var newIDs: [(EventID, UInt64)] = []
    private var results: [AppendResult] = []
    private var alreadyPresent = 0
    private var appended = 0

    /// Problems found so far, as `label: field: problem`; any problem means nothing is committed.
    public private(set) var problems: [String] = []
    private var conflict = false

    private var chunk: [UInt8] = []
    private var file: Int32 = -1
    private var segmentName = ""
    private var newSegment = false
    private var writtenEnd = 0

    init(writer: LedgerWriter, largeFrames: Bool, collectResults: Bool) {
        self.writer = writer
        self.largeFrames = largeFrames
        self.collectResults = collectResults
        update = writer.index
        let now = Timestamp.now()
        recordedAtTime = now > writer.index.lastRecordedAt ? now : writer.index.lastRecordedAt
        recordedAt = Array(recordedAtTime.description.utf8)
        chunk.reserveCapacity(largeFrames ? Self.chunkLimit + 65_536 : 4096)
    }

    deinit {
        if file >= 0 { abort() }
    }

    /// Number of problems found so far.
    public var hasProblems: Bool { !problems.isEmpty }

    /// Validates one input line and, while the batch is still clean, writes it.
    ///
    /// - Parameters:
    ///   - line: The JSON object (no newline needed; surrounding whitespace is ignored).
    ///   - label: Where it came from, for messages (`line 12`).
    public func add(_ line: UnsafeRawBufferPointer, label: String) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return }
        do {
            try encoder.encode(line)
        } catch {
            problems.append("\(label): \(error)")
            return
        }
        guard encoder.output.first == UInt8(ascii: "{") else {
            problems.append("\(label): an event must be a JSON object")
            return
        }
        var data: Range<Int>?
        var meta: Range<Int>?
        var effective: Range<Int>?
        var stream: Range<Int>?
        var type: Range<Int>?
        var idText: Range<Int>?
        var expectedText: Range<Int>?
        var schemaText: Range<Int>?
        var lineProblems: [String] = []
        for index in encoder.topLevel.indices {
            let value = encoder.topLevel[index].value
            if encoder.topLevelKey(index, is: "data") {
                data = value
            } else if encoder.topLevelKey(index, is: "effective_at") {
                effective = value
            } else if encoder.topLevelKey(index, is: "expected_version") {
                expectedText = value
            } else if encoder.topLevelKey(index, is: "id") {
                idText = value
            } else if encoder.topLevelKey(index, is: "meta") {
                meta = value
            } else if encoder.topLevelKey(index, is: "schema") {
                schemaText = value
            } else if encoder.topLevelKey(index, is: "stream") {
                stream = value
            } else if encoder.topLevelKey(index, is: "type") {
                type = value
            } else {
                lineProblems.append("\(encoder.topLevelKey(index)): unknown field (allowed: \(Self.allowedFields))")
            }
        }
        let out = encoder.output
        func plainString(_ range: Range<Int>?, _ field: String) -> String? {
            guard let range else {
                lineProblems.append("\(field): missing (required)")
                return nil
            }
            guard out[range.lowerBound] == UInt8(ascii: "\""), !out[range].contains(UInt8(ascii: "\\")) else {
                lineProblems.append("\(field): expected a string, got \(String(decoding: out[range].prefix(40), as: UTF8.self))")
                return nil
            }
            return String(decoding: out[(range.lowerBound + 1)..<(range.upperBound - 1)], as: UTF8.self)
        }
        let streamName = plainString(stream, "stream")
        if let streamName, !Self.isStreamName(streamName) {
            lineProblems.append("stream: \"\(streamName)\" is not of the form kind/name (e.g. negotiation/zil-faw-assembly)")
        }
        let typeName = plainString(type, "type")
        if let typeName, !Self.isTypeName(typeName) {
            lineProblems.append("type: \"\(typeName)\" is not an UpperCamelCase event type name")
        }
        if let effectiveAt = plainString(effective, "effective_at"), Timestamp(rfc3339: effectiveAt) == nil {
            lineProblems.append("effective_at: \"\(effectiveAt)\" is not an RFC 3339 date-time (e.g. 2005-03-15T00:00:00Z)")
        }
        if let data, out[data.lowerBound] != UInt8(ascii: "{") {
            lineProblems.append("data: expected an object")
        } else if data == nil {
            lineProblems.append("data: missing (required)")
        }
        if let meta, out[meta.lowerBound] != UInt8(ascii: "{") { lineProblems.append("meta: expected an object") }
        var clientID: EventID?
        if let idText {
            if let text = plainString(idText, "id") {
                clientID = EventID(text)
                if clientID == nil { lineProblems.append("id: \"\(text)\" is not a UUID") }
            }
        }
        var expected = ExpectedVersion.any
        if let expectedText {
            let text = String(decoding: out[expectedText], as: UTF8.self)
            let unquoted = text.hasPrefix("\"") ? String(text.dropFirst().dropLast()) : text
            if let parsed = ExpectedVersion(unquoted) {
                expected = parsed
            } else {
                lineProblems.append("expected_version: \(text) is not any, no-stream, exists or a version number")
            }
        }
        var schema: Int64?
        if let schemaText {
            if let number = Int64(String(decoding: out[schemaText], as: UTF8.self)), number >= 1 {
                schema = number
            } else {
                lineProblems.append("schema: expected a positive integer")
            }
        }
        guard lineProblems.isEmpty, let streamName, let typeName, let data, let effective else {
            problems.append(contentsOf: lineProblems.map { "\(label): \($0)" })
            return
        }
        let metaBytes = meta.map { out[$0] } ?? out[0..<0]
        let emptyMeta: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "}")]
        let verdict: Result<Int64, ValidationProblems> = out.withUnsafeBytes { raw in
            let metaRaw =
                meta.map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
                ?? emptyMeta.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: 0) }
            return writer.options.validator.validate(
                type: typeName, schema: schema, data: UnsafeRawBufferPointer(rebasing: raw[data]),
                meta: meta == nil ? UnsafeRawBufferPointer(start: nil, count: 0) : metaRaw)
        }
        let recordSchema: Int64
        switch verdict {
        case .success(let version): recordSchema = version
        case .failure(let found):
            problems.append(contentsOf: found.problems.map { "\(label): \($0)" })
            return
        }
        let metaCanonical = meta == nil ? emptyMeta : Array(metaBytes)

        if let clientID {
            let key = RecordEnvelope.contentKey(
                stream: Array(streamName.utf8), type: Array(typeName.utf8), schema: recordSchema,
                effectiveAt: Array(out[(effective.lowerBound + 1)..<(effective.upperBound - 1)]),
                data: Array(out[data]), meta: metaCanonical)
            if let earlier = batchIDs[clientID] {
                if earlier.key == key {
                    alreadyPresent += 1
                    if collectResults { results.append(earlier.result) }
                } else {
                    conflict = true
                    problems.append("\(label): id: \(clientID) appears earlier in this batch with other content")
                }
                return
            }
            if let seq = writer.knownSeq(of: clientID) {
                do {
                    guard let original = try LedgerReader(path: writer.layout.root).record(seq: seq) else {
                        problems.append("\(label): id: \(clientID) is indexed at seq \(seq) but that record is missing")
                        return
                    }
                    let envelope = try RecordEnvelope(line: original)
                    if envelope.contentKey == key {
                        alreadyPresent += 1
                        if collectResults {
                            results.append(
                                AppendResult(
                                    seq: seq, id: envelope.id, stream: envelope.stream, version: envelope.version,
                                    alreadyPresent: true))
                        }
                    } else {
                        conflict = true
                        problems.append(
                            "\(label): id: \(clientID) already names seq \(seq) with other content (an id can be reused only for the identical event)"
                        )
                    }
                } catch {
                    problems.append("\(label): id: cannot read seq \(seq) to compare: \(error)")
                }
                return
            }
        }

        let current = versions[streamName] ?? update.streams[streamName] ?? 0
        guard expected.isSatisfied(by: current) else {
            conflict = true
            problems.append(
                "\(label): expected_version: \(streamName) is at version \(current), expected \(expected)")
            return
        }
        let version = current + 1
        versions[streamName] = version
        let seq = update.lastSeq + UInt64(appended) + 1
        appended += 1
        let id = clientID ?? ids.make()
        if clientID != nil {
            let key = RecordEnvelope.contentKey(
                stream: Array(streamName.utf8), type: Array(typeName.utf8), schema: recordSchema,
                effectiveAt: Array(out[(effective.lowerBound + 1)..<(effective.upperBound - 1)]),
                data: Array(out[data]), meta: metaCanonical)
            batchIDs[id] = (seq, key, AppendResult(seq: seq, id: id.description, stream: streamName, version: version, alreadyPresent: true))
        }
        newIDs.append((id, seq))
        if collectResults {
            results.append(AppendResult(seq: seq, id: id.description, stream: streamName, version: version, alreadyPresent: false))
        }
        guard problems.isEmpty else { return }

        let lineStart = chunk.count
        chunk.append(contentsOf: #"{"data":"#.utf8)
        chunk.append(contentsOf: out[data])
        chunk.append(contentsOf: #","effective_at":"#.utf8)
        chunk.append(contentsOf: out[effective])
        chunk.append(contentsOf: #","id":""#.utf8)
        chunk.append(contentsOf: id.description.utf8)
        chunk.append(contentsOf: #"","meta":"#.utf8)
        chunk.append(contentsOf: metaCanonical)
        chunk.append(contentsOf: #","recorded_at":""#.utf8)
        chunk.append(contentsOf: recordedAt)
        chunk.append(contentsOf: #"","schema":"#.utf8)
        chunk.append(contentsOf: String(recordSchema).utf8)
        chunk.append(contentsOf: #","seq":"#.utf8)
        chunk.append(contentsOf: String(seq).utf8)
        chunk.append(contentsOf: #","stream":"#.utf8)
        chunk.append(contentsOf: out[stream!])
        chunk.append(contentsOf: #","type":"#.utf8)
        chunk.append(contentsOf: out[type!])
        chunk.append(contentsOf: #","version":"#.utf8)
        chunk.append(contentsOf: String(version).utf8)
        chunk.append(UInt8(ascii: "}"))
        let lineEnd = chunk.count
        chunk.append(0x0A)
        chunk.withUnsafeBytes { raw in
            update.frontier.append(leafHash: RFC6962.leafHash(UnsafeRawBufferPointer(rebasing: raw[lineStart..<lineEnd])))
        }
        if largeFrames && chunk.count >= Self.chunkLimit {
            do { try flushChunk() } catch { problems.append("\(label): \(error)") }
        }
    }

    /// Validates and adds one event given as a JSON object.
    ///
    /// - Parameters:
    ///   - line: The JSON text.
    ///   - label: Where it came from.
    public func add(_ line: [UInt8], label: String) {
        line.withUnsafeBytes { add($0, label: label) }
    }

    /// Seals the batch as one commit: frames, marker, fsync, index.
    ///
    /// - Returns: What was committed.
    /// - Throws: `LedgerError(.invalidInput)` or `.conflict` listing every problem (nothing is
    ///   written then); `.io` on write failures (the partial commit is truncated away).
    public func finish() throws -> AppendSummary {
        guard problems.isEmpty else {
            abort()
            let count = problems.count
            throw LedgerError(
                conflict && problems.allSatisfy({ $0.contains("expected_version") || $0.contains("id:") }) ? .conflict : .invalidInput,
                "nothing appended: \(count) problem\(count == 1 ? "" : "s") in the input", problems: problems)
        }
        if appended == 0 {
            return AppendSummary(
                appended: 0, alreadyPresent: alreadyPresent, seqRange: nil, treeSize: update.lastSeq,
                root: update.frontier.root, results: results)
        }
        do {
            try flushChunk()
            let first = update.lastSeq + 1
            let last = update.lastSeq + UInt64(appended)
            let marker = CommitMarker(
                firstSeq: first, lastSeq: last, root: update.frontier.root, committedAt: String(decoding: recordedAt, as: UTF8.self))
            let frame = marker.frame
            let markerStart = writtenEnd
            try frame.withUnsafeBytes { try FileSystem.writeAll(file, $0, path: segmentName) }
            writtenEnd += frame.count
            if writer.options.sync {
                try FileSystem.sync(file, path: writer.layout.segmentPath(segmentName))
                if newSegment { try FileSystem.syncDirectory(writer.layout.segments) }
            }
            close(file)
            file = -1
            update.lastSeq = last
            update.lastRecordedAt = recordedAtTime
            for (name, version) in versions { update.streams[name] = version }
            update.segment = segmentName
            update.committedEnd = writtenEnd
            update.markerStart = markerStart
            try writer.didCommit(update, ids: newIDs)
            return AppendSummary(
                appended: appended, alreadyPresent: alreadyPresent, seqRange: first...last, treeSize: last,
                root: update.frontier.root, results: results)
        } catch {
            abort()
            throw error
        }
    }

    /// Drops everything written for this batch: the segment is truncated back (or a segment
    /// created for it removed), leaving the ledger byte-identical to before.
    public func abort() {
        guard file >= 0 else { return }
        if newSegment {
            unlink(writer.layout.segmentPath(segmentName))
        } else {
            ftruncate(file, off_t(writer.index.committedEnd))
        }
        close(file)
        file = -1
    }

    /// Compresses the pending lines into one frame and writes it after the committed bytes.
    private func flushChunk() throws {
        guard !chunk.isEmpty else { return }
        if file < 0 { try openSegment() }
        var frame = [UInt8]()
        do {
            try chunk.withUnsafeBytes { raw in
                try LZ4FrameEncoder.appendFrame(of: raw, blockSize: chunk.count > 65_536 ? .large : .small, to: &frame)
            }
        } catch {
            throw LedgerError(.io, "\(error)")
        }
        try frame.withUnsafeBytes { try FileSystem.writeAll(file, $0, path: segmentName) }
        writtenEnd += frame.count
        chunk.removeAll(keepingCapacity: true)
    }

    /// Opens the segment this commit goes into: the current one, or a new one past the threshold.
    private func openSegment() throws {
        try FileSystem.makeDirectory(writer.layout.segments)
        let current = writer.index.segment
        if let current, writer.index.committedEnd < writer.options.segmentBytes {
            segmentName = current
            newSegment = false
            let path = writer.layout.segmentPath(current)
            file = open(path, O_WRONLY | O_CLOEXEC)
            guard file >= 0 else { throw LedgerError(.io, "cannot open \(path): \(FileSystem.errorText())") }
            guard ftruncate(file, off_t(writer.index.committedEnd)) == 0,
                lseek(file, off_t(writer.index.committedEnd), SEEK_SET) >= 0
            else { throw LedgerError(.io, "cannot position \(path): \(FileSystem.errorText())") }
            writtenEnd = writer.index.committedEnd
        } else {
            segmentName = LedgerLayout.segmentName(firstSeq: writer.index.lastSeq + 1)
            newSegment = true
            let path = writer.layout.segmentPath(segmentName)
            file = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard file >= 0 else { throw LedgerError(.io, "cannot create \(path): \(FileSystem.errorText())") }
            writtenEnd = 0
        }
    }

    static func isStreamName(_ name: String) -> Bool {
        let parts = name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, name.utf8.count <= 200, let kind = parts.first, let rest = parts.last,
            let kindFirst = kind.first, let restFirst = rest.first
        else { return false }
        func lowerOrDigit(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard kindFirst >= 97 && kindFirst <= 122, kind.allSatisfy({ lowerOrDigit($0) || $0 == UInt8(ascii: "-") }) else {
            return false
        }
        func nameByte(_ c: UInt8) -> Bool {
            lowerOrDigit(c) || (c >= 65 && c <= 90) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
        }
        return nameByte(restFirst) && restFirst != UInt8(ascii: ".") && rest.allSatisfy(nameByte)
    }

    static func isTypeName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first >= 65 && first <= 90, bytes.count <= 100 else { return false }
        return bytes.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }
}
