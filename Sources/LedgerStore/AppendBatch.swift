import CanonicalJSON
import Dispatch
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
    /// What `finish(deferringSync: true)` left to make durable (nil when nothing was written or
    /// the commit was synced).
    public var pendingSync: PendingSync? = nil
}

/// The fsync a commit still needs: its segment's data and, for a new segment, the directory entry.
public struct PendingSync: Sendable, Equatable {
    /// The segment file written.
    public var segmentPath: String
    /// The segments directory, when the commit created the segment.
    public var directory: String?

    /// Makes the commit durable (from any thread: fsync of another descriptor of the same file
    /// flushes the file).
    ///
    /// - Throws: `LedgerError(.io)` when the file or directory cannot be synced.
    public func perform() throws {
        let fd = open(segmentPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LedgerError(.io, "cannot open \(segmentPath) to fsync it: \(FileSystem.errorText())") }
        defer { close(fd) }
        try perform(descriptor: fd)
    }

    /// Makes the commit durable through `fd`, an open descriptor of the segment.
    func perform(descriptor fd: Int32) throws {
        try FileSystem.syncData(fd, path: segmentPath)
        if let directory { try FileSystem.syncDirectory(directory) }
    }
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
    private static let emptyObject: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "}")]
    /// The bytes of a record's member names and punctuation, its newline and its 36-byte id:
    /// everything but the other values.
    private static let recordLiteralBytes =
        #"{"data":,"effective_at":,"id":"","meta":,"recorded_at":"","schema":,"seq":,"stream":,"type":,"version":}"#
        .utf8.count + 1 + 36

    private let writer: LedgerWriter
    private let largeFrames: Bool
    private let collectResults: Bool
    private var encoder = CanonicalEncoder()
    /// This thread's memo for `add(_:label:)` (the workers' are in `encoders`).
    private let memo = ValidationMemo()
    private let recordedAt: [UInt8]
    private let recordedAtTime: Timestamp

    private var update: LedgerIndex
    private var versions = BatchStreamVersions()
    private var batchIDs: [EventID: (seq: UInt64, key: [UInt8], result: AppendResult)] = [:]
    private var newIDs: [(EventID, UInt64)] = []
    private var results: [AppendResult] = []
    private var alreadyPresent = 0
    private var appended = 0

    /// Problems found so far, as `label: field: problem`; any problem means nothing is committed.
    public private(set) var problems: [String] = []
    private var conflict = false

    /// How many threads validate beside this one: one core fewer than the machine has (this
    /// thread validates too), at most three, at least one. The frames' compression and hashing
    /// run on a thread of their own as well (`ChunkPipeline`), so on two cores this is one:
    /// a second worker only added switching (2-5% more wall time on 300k and 1M events,
    /// interleaved runs, 2026-12-03).
    static let workerCount = max(1, min(3, sysconf(Int32(_SC_NPROCESSORS_ONLN)) - 1))
    /// The encoders of the workers and of this thread (the last one), kept across blocks.
    private let encoders = EncoderSet(count: AppendBatch.workerCount + 1)
    /// The threads that validate blocks (started by the first `add(lines:)`).
    private var workers: [WorkerThread] = []
    /// The block validated by the last `add(lines:)`, still to be committed.
    private var pending: (PreparedResults, Int)?
    /// The block the workers may still be validating (the last `add(lines:)` returns once this
    /// thread runs out of lines, not once the workers do).
    private var running: (ValidationJob, Int)?

    private var chunk: RecordChunk
    private var pipeline: ChunkPipeline?
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
        chunk = RecordChunk(capacity: largeFrames ? Self.chunkLimit + 65_536 : 4096)
    }

    deinit {
        awaitValidation()
        if file >= 0 { abort() }
        for worker in workers { worker.stop() }
    }

    /// Number of problems found so far.
    public var hasProblems: Bool {
        commitPending()
        return !problems.isEmpty
    }

    /// Validates one input line and, while the batch is still clean, writes it.
    ///
    /// - Parameters:
    ///   - line: The JSON object (no newline needed; surrounding whitespace is ignored).
    ///   - label: Where it came from, for messages (`line 12`).
    ///   - memo: The calling thread's memo of provenance blocks the validator accepted.
    ///   - storage: Where the canonical bytes of a valid event are kept for `commit` (a chunk of
    ///     lines shares one, so that the bytes are not one allocation each, freed on another thread).
    static func prepare(
        _ line: UnsafeRawBufferPointer, encoder: inout CanonicalEncoder, validator: any EventValidator,
        memo: ValidationMemo, storage: RecordChunk
    ) -> Prepared {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return .blank }
        // The record's bytes go straight to the chunk; they count as written only once valid.
        let destination = storage.reserve(line.count)
        let out: UnsafeRawBufferPointer
        do {
            // The envelope is taken apart by name below and rebuilt by `commit`: its members
            // need no sorting (repeats are caught below).
            out = UnsafeRawBufferPointer(
                start: destination, count: try encoder.encode(line, into: destination, topLevelAsRead: true))
        } catch {
            return .invalid(["\(error)"])
        }
        guard out.first == UInt8(ascii: "{") else {
            return .invalid(["an event must be a JSON object"])
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
        encoder.keyBytes.withUnsafeBytes { keys in
            for (index, member) in encoder.topLevel.enumerated() {
                /// Fills `slot`, unless an earlier member of the same name did.
                func take(_ slot: inout Range<Int>?) {
                    if slot != nil { lineProblems.append("\(encoder.topLevelKey(index)): duplicate key") }
                    slot = member.value
                }
                switch EnvelopeField(UnsafeRawBufferPointer(rebasing: keys[member.key])) {
                case .data: take(&data)
                case .effectiveAt: take(&effective)
                case .expectedVersion: take(&expectedText)
                case .id: take(&idText)
                case .meta: take(&meta)
                case .schema: take(&schemaText)
                case .stream: take(&stream)
                case .type: take(&type)
                case nil:
                    lineProblems.append("\(encoder.topLevelKey(index)): unknown field (allowed: \(Self.allowedFields))")
                }
            }
        }
        /// Whether the value at `range` is a string (canonical: a string value starts with its quote).
        func isString(_ range: Range<Int>) -> Bool { out[range.lowerBound] == UInt8(ascii: "\"") }
        /// Whether the value at `range` is a string without escapes.
        func isPlainString(_ range: Range<Int>) -> Bool {
            CanonicalString.plainContent(UnsafeRawBufferPointer(rebasing: out[range])) != nil
        }
        /// The content of a string value without escapes (nil, with a problem noted, otherwise).
        func plainContent(_ range: Range<Int>?, _ field: String) -> Range<Int>? {
            guard let range else {
                lineProblems.append("\(field): missing (required)")
                return nil
            }
            guard isPlainString(range) else {
                let shown = String(decoding: out[range].prefix(40), as: UTF8.self)
                lineProblems.append(
                    isString(range)
                        ? "\(field): \(shown) holds a quote, backslash or control character, which no \(field) may"
                        : "\(field): expected a string, got \(shown)")
                return nil
            }
            return (range.lowerBound + 1)..<(range.upperBound - 1)
        }
        func plainString(_ range: Range<Int>?, _ field: String) -> String? {
            plainContent(range, field).map { String(decoding: out[$0], as: UTF8.self) }
        }
        let streamContent = plainContent(stream, "stream")
        if let streamContent, !Self.isStreamName(UnsafeRawBufferPointer(rebasing: out[streamContent])) {
            let streamName = String(decoding: out[streamContent], as: UTF8.self)
            lineProblems.append("stream: \"\(streamName)\" is not of the form kind/name (e.g. negotiation/zil-faw-assembly)")
        }
        let typeContent = plainContent(type, "type")
        let typeName = typeContent.map { String(decoding: out[$0], as: UTF8.self) }
        if let typeName, let typeContent, !Self.isTypeName(UnsafeRawBufferPointer(rebasing: out[typeContent])) {
            lineProblems.append("type: \"\(typeName)\" is not an UpperCamelCase event type name")
        }
        // A string with escapes is no RFC 3339 date-time either: its raw bytes fail the parse below.
        if let effective, !isString(effective) {
            lineProblems.append("effective_at: expected an RFC 3339 date-time string")
        } else if let effective,
            Timestamp(
                rfc3339Bytes: UnsafeRawBufferPointer(rebasing: out[(effective.lowerBound + 1)..<(effective.upperBound - 1)]))
                == nil
        {
            let effectiveAt = String(decoding: out[effective].dropFirst().dropLast(), as: UTF8.self)
            lineProblems.append("effective_at: \"\(effectiveAt)\" is not an RFC 3339 date-time (e.g. 2005-03-15T00:00:00Z)")
        }
        if let data, out[data.lowerBound] != UInt8(ascii: "{") {
            lineProblems.append("data: expected an object")
        } else if data == nil {
            lineProblems.append("data: missing (required)")
        }
        if effective == nil { lineProblems.append("effective_at: missing (required)") }
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
        guard lineProblems.isEmpty, streamContent != nil, let typeName, let data, let effective, let stream, let type else {
            return .invalid(lineProblems)
        }
        // An absent meta is recorded as `{}`, so it is validated as `{}`.
        let verdict: Result<Int64, ValidationProblems> = emptyObject.withUnsafeBytes { empty in
            validator.validate(
                type: typeName, schema: schema, data: UnsafeRawBufferPointer(rebasing: out[data]),
                meta: meta.map { UnsafeRawBufferPointer(rebasing: out[$0]) } ?? empty, memo: memo)
        }
        switch verdict {
        case .success(let version):
            let offset = storage.count
            storage.commit(to: destination + out.count)
            return .valid(
                PreparedEvent(
                    storage: storage, offset: offset, count: out.count, data: data, meta: meta, effective: effective,
                    stream: stream, type: type, schema: version, clientID: clientID, expected: expected))
        case .failure(let found):
            return .invalid(found.problems.map { "\($0)" })
        }
    }

    /// Validates one input line and, while the batch is still clean, writes it.
    ///
    /// - Parameters:
    ///   - line: The JSON object (no newline needed; surrounding whitespace is ignored).
    ///   - label: Where it came from, for messages (`line 12`).
    public func add(_ line: UnsafeRawBufferPointer, label: String) {
        commitPending()
        let storage = RecordChunk(capacity: line.count)
        withExtendedLifetime(storage) {
            commit(
                Self.prepare(line, encoder: &encoder, validator: writer.options.validator, memo: memo, storage: storage),
                label: label)
        }
    }

    /// Validates many lines on both cores, then commits them in order.
    ///
    /// The block is validated by the workers while this thread commits the block before it, so
    /// validation and record assembly overlap; once done committing, this thread validates too
    /// (all take chunks of lines from the block, so no core idles while lines are left).
    /// The last block is committed by `finish()` (or by any other call that adds or looks at
    /// problems).
    ///
    /// The call returns once this thread finds no lines left to take, while the workers may
    /// still be on their last ones: the caller can read the next block meanwhile. So the lines
    /// must stay valid until the next `add(lines:firstLineNumber:)` has returned, or until
    /// `awaitValidation()`, `finish()` or any other call of the batch (each waits first).
    ///
    /// - Parameters:
    ///   - lines: The input lines, in order.
    ///   - firstLineNumber: The line number of `lines[0]`, for messages.
    public func add(lines: [UnsafeRawBufferPointer], firstLineNumber: Int) {
        awaitValidation()
        let job = ValidationJob(lines: lines, encoders: encoders, validator: writer.options.validator)
        if workers.isEmpty { workers = (0..<Self.workerCount).map { _ in WorkerThread() } }
        for (part, worker) in workers.enumerated() { worker.run { job.run(part: part) } }
        commitPending()
        job.run(part: workers.count)
        running = (job, firstLineNumber)
    }

    /// Waits for the workers to finish the block of the last `add(lines:firstLineNumber:)`;
    /// after it, that call's lines are no longer read.
    public func awaitValidation() {
        guard let (job, firstLineNumber) = running else { return }
        running = nil
        for worker in workers { worker.wait() }
        pending = (job.results, firstLineNumber)
    }

    /// Commits the block validated by the last `add(lines:firstLineNumber:)`, if any.
    private func commitPending() {
        awaitValidation()
        guard let (box, firstLineNumber) = pending else { return }
        pending = nil
        for offset in 0..<box.count {
            commit(box.take(offset), label: "line \(firstLineNumber + offset)")
        }
        encoders.recycle(box.releaseStorages())
    }

    /// Adds one event unless it has a problem of its own; a rejected event leaves the batch as it was
    /// (used by group commit, where one caller's bad event must not fail the others).
    ///
    /// - Parameter line: The event as a JSON object.
    /// - Returns: Its result (seq, id, version), or its problems as a `LedgerError`.
    public func tryAdd(_ line: [UInt8]) -> Result<AppendResult, LedgerError> {
        let problemCount = problems.count
        let resultCount = results.count
        let wasConflict = conflict
        line.withUnsafeBytes { add($0, label: "event") }
        if problems.count > problemCount {
            let found = Array(problems[problemCount...])
            problems.removeSubrange(problemCount...)
            let isConflict = conflict && !wasConflict
            conflict = wasConflict
            return .failure(LedgerError(isConflict ? .conflict : .invalidInput, found.joined(separator: "; ")))
        }
        guard collectResults, results.count > resultCount, let result = results.last else {
            return .failure(LedgerError(.invalidInput, "event: blank input"))
        }
        return .success(result)
    }

    /// Records one prepared event: identity, concurrency checks, then the record bytes.
    private func commit(_ prepared: consuming Prepared, label makeLabel: @autoclosure () -> String) {
        let event: PreparedEvent
        switch prepared {
        case .blank: return
        case .invalid(let found):
            let label = makeLabel()
            problems.append(contentsOf: found.map { "\(label): \($0)" })
            return
        case .valid(let valid): event = valid
        }
        // The bytes live in `event.storage`, which the caller keeps alive (see `PreparedEvent`).
        let out = event.bytes
        let data = event.data
        let meta = event.meta
        let effective = event.effective
        let streamBytes = UnsafeRawBufferPointer(rebasing: out[event.stream.dropFirst().dropLast()])
        // One look-up of the stream's bytes for a stream this batch has seen (the common case).
        let known = versions.entry(streamBytes)
        var streamName: String { known.map { versions.names[$0] } ?? String(decoding: streamBytes, as: UTF8.self) }
        func typeBytes() -> [UInt8] { Array(out[event.type.dropFirst().dropLast()]) }
        let clientID = event.clientID
        let expected = event.expected
        let recordSchema = event.schema

        if let clientID {
            let key = RecordEnvelope.contentKey(
                stream: Array(streamBytes), type: typeBytes(), schema: recordSchema,
                effectiveAt: Array(out[(effective.lowerBound + 1)..<(effective.upperBound - 1)]),
                data: Array(out[data]), meta: meta.map { Array(out[$0]) } ?? Self.emptyObject)
            if let earlier = batchIDs[clientID] {
                if earlier.key == key {
                    alreadyPresent += 1
                    if collectResults { results.append(earlier.result) }
                } else {
                    conflict = true
                    problems.append("\(makeLabel()): id: \(clientID) appears earlier in this batch with other content")
                }
                return
            }
            let known: UInt64?
            do {
                known = try writer.knownSeq(of: clientID)
            } catch {
                problems.append("\(makeLabel()): id: cannot tell whether \(clientID) is already in the ledger: \(error)")
                return
            }
            if let seq = known {
                do {
                    guard let original = try LedgerReader(path: writer.layout.root).record(seq: seq) else {
                        problems.append("\(makeLabel()): id: \(clientID) is indexed at seq \(seq) but that record is missing")
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
                            "\(makeLabel()): id: \(clientID) already names seq \(seq) with other content (an id can be reused only for the identical event)"
                        )
                    }
                } catch {
                    problems.append("\(makeLabel()): id: cannot read seq \(seq) to compare: \(error)")
                }
                return
            }
        }

        let current = known.map { versions.versions[$0] } ?? update.streams[streamName] ?? 0
        guard expected.isSatisfied(by: current) else {
            conflict = true
            problems.append(
                "\(makeLabel()): expected_version: \(streamName) is at version \(current), expected \(expected)")
            return
        }
        let version = current + 1
        let entry: Int
        if let known {
            versions.versions[known] = version
            entry = known
        } else {
            entry = versions.add(streamBytes, version: version)
        }
        // The stream's name as a string only where one is kept (a copy out costs a retain).
        var stream: String { versions.names[entry] }
        let seq = update.lastSeq + UInt64(appended) + 1
        appended += 1
        let id = clientID ?? writer.ids.make()
        if clientID != nil {
            let key = RecordEnvelope.contentKey(
                stream: Array(streamBytes), type: typeBytes(), schema: recordSchema,
                effectiveAt: Array(out[(effective.lowerBound + 1)..<(effective.upperBound - 1)]),
                data: Array(out[data]), meta: meta.map { Array(out[$0]) } ?? Self.emptyObject)
            batchIDs[id] = (
                seq, key, AppendResult(seq: seq, id: id.description, stream: stream, version: version, alreadyPresent: true)
            )
        }
        newIDs.append((id, seq))
        if collectResults {
            results.append(
                AppendResult(seq: seq, id: id.description, stream: stream, version: version, alreadyPresent: false))
        }
        guard problems.isEmpty else { return }

        do {
            func field(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: out[range]) }
            // The record's size but for its three numbers (at most 20 digits each).
            let bound =
                Self.recordLiteralBytes + data.count + effective.count + (meta?.count ?? 2) + recordedAt.count
                + event.stream.count + event.type.count + 60
            var cursor = ByteCursor(chunk.reserve(bound))
            cursor.write(#"{"data":"#)
            cursor.write(field(data))
            cursor.write(#","effective_at":"#)
            cursor.write(field(effective))
            cursor.write(#","id":""#)
            id.write(to: &cursor)
            cursor.write(#"","meta":"#)
            if let meta { cursor.write(field(meta)) } else { cursor.write("{}") }
            cursor.write(#","recorded_at":""#)
            cursor.write(recordedAt)
            cursor.write(#"","schema":"#)
            cursor.writeDecimal(UInt64(recordSchema))
            cursor.write(#","seq":"#)
            cursor.writeDecimal(seq)
            cursor.write(#","stream":"#)
            cursor.write(field(event.stream))
            cursor.write(#","type":"#)
            cursor.write(field(event.type))
            cursor.write(#","version":"#)
            cursor.writeDecimal(version)
            cursor.write("}\n")
            chunk.commit(to: cursor.position)
        }
        if largeFrames && chunk.count >= Self.chunkLimit {
            do { try flushChunk() } catch { problems.append("\(makeLabel()): \(error)") }
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
        try finish(deferringSync: false)
    }

    /// Seals the batch as `finish()` does, but with `deferringSync` leaves the fsync to the
    /// caller: the commit is written and counted (the next batch follows it), and is durable only
    /// once `pendingSync.perform()` has returned, so nothing may be acknowledged before that; if
    /// it fails, the writer must not be used further (reopening the ledger recovers what reached
    /// the disk).
    ///
    /// - Parameter deferringSync: Whether to return without fsync.
    /// - Returns: The summary; its `pendingSync` says what to sync.
    /// - Throws: As `finish()`.
    public func finish(deferringSync: Bool) throws -> AppendSummary {
        commitPending()
        for worker in workers { worker.stop() }
        workers = []
        guard problems.isEmpty else {
            abort()
            let count = problems.count
            throw LedgerError(
                conflict && problems.allSatisfy({ $0.contains("expected_version") || $0.contains("id:") })
                    ? .conflict : .invalidInput,
                "nothing appended: \(count) problem\(count == 1 ? "" : "s") in the input", problems: problems)
        }
        if appended == 0 {
            return AppendSummary(
                appended: 0, alreadyPresent: alreadyPresent, seqRange: nil, treeSize: update.lastSeq,
                root: update.frontier.root, results: results)
        }
        do {
            try writer.checkCanCommit()
            try flushChunk(last: true)
            guard let pipeline else { throw LedgerError(.io, "internal: no frames were written") }
            (update.frontier, writtenEnd) = try pipeline.drain()
            let first = update.lastSeq + 1
            let last = update.lastSeq + UInt64(appended)
            let marker = CommitMarker(
                firstSeq: first, lastSeq: last, root: update.frontier.root,
                committedAt: String(decoding: recordedAt, as: UTF8.self))
            let frame = marker.frame
            let markerStart = writtenEnd
            try frame.withUnsafeBytes { try FileSystem.writeAll(file, $0, path: writer.layout.segmentPath(segmentName)) }
            writtenEnd += frame.count
            var pendingSync: PendingSync?
            if writer.options.sync {
                let sync = PendingSync(
                    segmentPath: writer.layout.segmentPath(segmentName), directory: newSegment ? writer.layout.segments : nil)
                if deferringSync { pendingSync = sync } else { try sync.perform(descriptor: file) }
            }
            close(file)
            file = -1
            update.lastSeq = last
            update.lastRecordedAt = recordedAtTime
            for (name, version) in zip(versions.names, versions.versions) { update.streams[name] = version }
            update.segment = segmentName
            update.committedEnd = writtenEnd
            update.markerStart = markerStart
            writer.didCommit(update, ids: newIDs)
            return AppendSummary(
                appended: appended, alreadyPresent: alreadyPresent, seqRange: first...last, treeSize: last,
                root: update.frontier.root, results: results, pendingSync: pendingSync)
        } catch {
            abort()
            throw error
        }
    }

    /// Drops everything written for this batch: the segment is truncated back (or a segment
    /// created for it removed), leaving the ledger byte-identical to before.
    public func abort() {
        awaitValidation()
        guard file >= 0 else { return }
        _ = try? pipeline?.drain()
        if newSegment {
            unlink(writer.layout.segmentPath(segmentName))
        } else {
            ftruncate(file, off_t(writer.index.committedEnd))
        }
        close(file)
        file = -1
    }

    /// Hands the pending lines to the pipeline (hash, compress, write on the other core); the
    /// last chunk of a commit that has only one is done on this thread (`last`).
    private func flushChunk(last: Bool = false) throws {
        guard !chunk.isEmpty else { return }
        let only = last && pipeline == nil
        if file < 0 {
            try openSegment()
            pipeline = ChunkPipeline(
                descriptor: file, path: writer.layout.segmentPath(segmentName), frontier: update.frontier,
                offset: writtenEnd)
        }
        if only {
            pipeline?.processHere(chunk)
            chunk.removeAll()
        } else if let pipeline {
            pipeline.submit(chunk)
            chunk = pipeline.spare() ?? RecordChunk(capacity: Self.chunkLimit + 65_536)
        }
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

    /// Whether `bytes` is `kind/name`: kind `[a-z][a-z0-9-]*`, name `[A-Za-z0-9][A-Za-z0-9._:-]*`, ≤ 200 bytes.
    static func isStreamName(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= 200, let first = bytes.first, first >= 97 && first <= 122 else { return false }
        var index = 1
        while index < bytes.count && bytes[index] != UInt8(ascii: "/") {
            let c = bytes[index]
            guard (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == UInt8(ascii: "-") else { return false }
            index += 1
        }
        index += 1
        guard index < bytes.count, bytes[index] != UInt8(ascii: ".") else { return false }
        while index < bytes.count {
            let c = bytes[index]
            guard
                (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == UInt8(ascii: "-")
                    || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
            else { return false }
            index += 1
        }
        return true
    }

    /// Appends the decimal digits of `value` (`ByteCursor.writeDecimal` into room on the stack).
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { room in
            let start = room.baseAddress.unsafelyUnwrapped
            var cursor = ByteCursor(start)
            cursor.writeDecimal(value)
            out.append(contentsOf: UnsafeBufferPointer(start: start, count: start.distance(to: cursor.position)))
        }
    }

    static func isTypeName(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first, first >= 65 && first <= 90, bytes.count <= 100 else { return false }
        return bytes.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }
}

/// One input line after validation: canonical bytes and where each envelope field sits in them.
///
/// `@unchecked Sendable`: the storage is written once, by the thread that prepared the event,
/// before the event is handed over, and only read after that.
struct PreparedEvent: @unchecked Sendable {
    /// Holds the canonical bytes at `offset..<offset + count`. Not retained: whoever prepares
    /// events keeps their storage alive until they are committed (`PreparedResults.keep`, or
    /// the caller's own reference for a single line). A retain here and its release on the
    /// committing thread were an atomic operation each on a count that the validating core had
    /// just written, for every event: ~5% of a bulk import's samples.
    unowned(unsafe) var storage: RecordChunk
    var offset: Int
    var count: Int
    var data: Range<Int>
    var meta: Range<Int>?
    var effective: Range<Int>
    var stream: Range<Int>
    var type: Range<Int>
    var schema: Int64
    var clientID: EventID?
    var expected: ExpectedVersion

    /// The canonical bytes; valid while `storage` is alive (see `storage`).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage.base + offset, count: count) }
}

/// The outcome of validating one input line.
enum Prepared: Sendable {
    case blank
    case invalid([String])
    case valid(PreparedEvent)
}

/// Results of a parallel validation pass; each slot is written by exactly one participant and
/// read only after every participant is done (the workers' `wait()`), which is why `@unchecked
/// Sendable` is safe. The slots live in manually allocated memory so that the participants
/// never access one Swift property at once.
final class PreparedResults: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Prepared>
    let count: Int
    /// The chunks holding the events' bytes, kept as long as the results (see `PreparedEvent`).
    private var storages: [RecordChunk] = []

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: .blank, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Keeps `storage` alive as long as these results; called under the job's lock.
    func keep(_ storage: RecordChunk) {
        storages.append(storage)
    }

    /// Hands over the chunks once every event has been taken and committed (their bytes are
    /// copied into the records by then), for the next blocks' lines.
    func releaseStorages() -> [RecordChunk] {
        defer { storages = [] }
        return storages
    }

    func store(_ prepared: Prepared, at index: Int) {
        slots[index] = prepared
    }

    /// Moves result `index` out (leaving `.blank`): the committer takes each result once, so its
    /// buffers change hands without reference-count traffic.
    func take(_ index: Int) -> Prepared {
        let prepared = (slots + index).move()
        (slots + index).initialize(to: .blank)
        return prepared
    }
}

/// One encoder per participant of a parallel validation pass; each moves its own out and back
/// in. Same single-owner discipline as `PreparedResults`; the storage chunks the participants
/// share go through a `RecordChunkPool`.
final class EncoderSet: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<CanonicalEncoder>
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: CanonicalEncoder(), count: count)
        memos = (0..<count).map { _ in ValidationMemo() }
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// One memo per participant, like the encoders (each used by one thread at a time; the
    /// array itself is only read after `init`).
    let memos: [ValidationMemo]

    /// Chunks of committed blocks, emptied, for the next blocks' lines. Recycled rather than
    /// freed: a chunk is filled on a validating thread and was freed on the committing one, and
    /// glibc's cross-thread frees contended for the filling thread's arena lock (`perf` of the
    /// sleeps: most of the validating threads' lock waits). At most 64: more than two blocks'
    /// worth of 128-line chunks (a 1 MiB block holds ~2,700 lines).
    private let storages = RecordChunkPool(limit: 64)

    /// An empty chunk with room for at least `room` bytes: a recycled one when one is that large.
    func storage(room: Int) -> RecordChunk {
        if let recycled = storages.take(), recycled.capacity >= room { return recycled }
        return RecordChunk(capacity: room)
    }

    /// Takes back chunks whose bytes nobody reads any more.
    func recycle(_ chunks: [RecordChunk]) {
        for chunk in chunks { storages.give(chunk) }
    }

    func take(_ part: Int) -> CanonicalEncoder {
        (slots + part).move()
    }

    func give(_ encoder: CanonicalEncoder, _ part: Int) {
        (slots + part).initialize(to: encoder)
    }
}

/// One block of input lines validated by several participants, each taking the next chunk of
/// lines until none is left (the lines are only read; each result slot and each encoder has one
/// owner at a time, and a chunk is handed out once, under the lock).
final class ValidationJob: @unchecked Sendable {
    /// Lines per chunk: enough to make the lock's cost vanish, few enough to end together.
    static let chunk = 128
    let lines: [UnsafeRawBufferPointer]
    let encoders: EncoderSet
    let validator: any EventValidator
    let results: PreparedResults
    private let claim = ConditionLock()
    private var next = 0

    init(lines: [UnsafeRawBufferPointer], encoders: EncoderSet, validator: any EventValidator) {
        self.lines = lines
        self.encoders = encoders
        self.validator = validator
        results = PreparedResults(count: lines.count)
    }

    /// Validates chunks until the block is done, with encoder `part`.
    func run(part: Int) {
        var encoder = encoders.take(part)
        let memo = encoders.memos[part]
        while true {
            claim.lock()
            let start = next
            let end = min(start + Self.chunk, lines.count)
            next = end
            claim.unlock()
            guard start < end else { break }
            // Canonical text is never longer than its input: the chunk's lines fit as they are.
            var room = 0
            for index in start..<end { room += lines[index].count }
            let storage = encoders.storage(room: room)
            claim.lock()
            results.keep(storage)
            claim.unlock()
            for index in start..<end {
                results.store(
                    AppendBatch.prepare(
                        lines[index], encoder: &encoder, validator: validator, memo: memo, storage: storage),
                    at: index)
            }
        }
        encoders.give(encoder, part)
    }
}
