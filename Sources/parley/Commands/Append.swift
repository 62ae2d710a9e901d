import ArgumentParser
import CanonicalJSON
import Catalogue
import LedgerIntegrity
import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Parley {
    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "append",
            // Only read when `EntryPoint` parses `append` on its own: skips the completion probe there.
            _superCommandName: "parley",
            abstract: "Append one event (from flags) or a batch (NDJSON file or stdin) as one atomic commit.",
            discussion: """
                A batch is validated completely while it streams; if any line is bad nothing is
                appended and every problem is listed as `line N: field: problem`.
                Each NDJSON line: {"stream","type","effective_at","data","meta"?,"id"?,"expected_version"?,"schema"?}

                Examples:
                  parley append --ledger ./zil --stream party/zil --type PartyRegistered \\
                    --data '{"party_id":"zil","name":"ZIL","kind":"manufacturer","country":"RU","aliases":[]}'
                  parley append --ledger ./zil --file Events/samples/zil-faw.ndjson
                  python3 Tools/gen_events.py 1000 | parley append --ledger ./zil --file -
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "The stream (aggregate), e.g. negotiation/zil-faw-assembly.")
        var stream: String?

        @Option(help: "The event type, e.g. StatementReported.")
        var type: String?

        @Option(help: "The event body as a JSON object.")
        var data: String?

        @Option(help: "Provenance as a JSON object (source, via, attributed_to, confidence, ...).")
        var meta: String?

        @Option(name: .customLong("effective-at"), help: "When it happened or became true (RFC 3339; default: now).")
        var effectiveAt: String?

        @Option(help: "Client-chosen event id (UUID) for idempotent retries.")
        var id: String?

        @Option(help: "The event's schema version (default: the latest).")
        var schema: Int?

        @Option(name: .customLong("expected-version"), help: "any | no-stream | exists | N.")
        var expectedVersion: String?

        @Option(help: "Read an NDJSON batch from this file ('-' for stdin).")
        var file: String?

        @Flag(help: "Print the result as JSON.")
        var json = false

        @OptionGroup var waiting: WaitOptions

        @Flag(name: .customLong("no-sync"), help: "Do not fsync (bulk loads only: a crash may lose the commit).")
        var noSync = false

        @Flag(name: .customLong("no-validate"), help: "Check the envelope only, not the event catalogue.")
        var noValidate = false

        func validate() throws {
            if file != nil {
                guard stream == nil, type == nil, data == nil, meta == nil, effectiveAt == nil, id == nil,
                    expectedVersion == nil, schema == nil
                else { throw ValidationError("--file cannot be combined with single-event flags") }
            } else {
                guard stream != nil, type != nil, data != nil else {
                    throw ValidationError("give --stream, --type and --data for one event, or --file for a batch")
                }
            }
            if let expectedVersion, ExpectedVersion(expectedVersion) == nil {
                throw ValidationError("--expected-version must be any, no-stream, exists or a number")
            }
        }

        func run() throws {
            try reportingLedgerErrors {
                var options = LedgerWriter.Options()
                options.wait = waiting.wait
                options.sync = !noSync
                if !noValidate {
                    // A single event needs only its own type's schemas (compiling all is ~2 ms).
                    if file == nil, let type {
                        // Without --meta the record's meta is `{}`: the meta schema need not compile.
                        options.validator = try EventCatalogue.loadDefault(compiling: [type], compilingMeta: meta != nil)
                    } else {
                        options.validator = try EventCatalogue.loadDefault()
                    }
                }
                // A single event saves the derived index every 16 commits, not after each one (see
                // `LedgerWriter.indexSaveInterval`): the next writer folds the few commits after it.
                if file == nil { options.indexSaveInterval = 16 }
                if noSync { Output.diagnostic("parley: --no-sync: commits are not fsynced; a crash may lose them") }
                let writer = try LedgerWriter(path: try ledger.path, options: options)
                for note in writer.recoveryNotes { Output.diagnostic("parley: recovery: " + note) }
                let notesAtOpen = writer.recoveryNotes.count
                defer {
                    // Repairs made on the way (the id table rebuilt when first needed).
                    for note in writer.recoveryNotes.dropFirst(notesAtOpen) { Output.diagnostic("parley: recovery: " + note) }
                }
                if let file {
                    try appendBatch(writer: writer, file: file)
                } else {
                    try appendOne(writer: writer)
                }
                // The commit is durable and acknowledged; only the derived index lags behind.
                if let failure = writer.indexFailure { Output.diagnostic("parley: warning: " + failure) }
            }
        }

        private func appendOne(writer: LedgerWriter) throws {
            var members: [String: JSONValue] = [:]
            func parseObject(_ text: String, flag: String) throws -> JSONValue {
                do {
                    let value = try JSONValue(parsing: text)
                    guard case .object = value else { throw LedgerError(.invalidInput, "\(flag): expected a JSON object") }
                    return value
                } catch let error as JSONInputError {
                    let field = flag == "--data" ? "data" : "meta"
                    throw LedgerError(.invalidInput, "\(flag): \(error.nested(under: field))")
                }
            }
            members["stream"] = .string(stream!)
            members["type"] = .string(type!)
            members["data"] = try parseObject(data!, flag: "--data")
            if let meta { members["meta"] = try parseObject(meta, flag: "--meta") }
            members["effective_at"] = .string(effectiveAt ?? Timestamp.now().description)
            if let id { members["id"] = .string(id) }
            if let expectedVersion { members["expected_version"] = .string(expectedVersion) }
            if let schema { members["schema"] = .integer(Int64(schema)) }
            let batch = writer.batch(largeFrames: false, collectResults: true)
            batch.add(JSONValue.object(members).canonicalBytes, label: "event")
            let summary = try batch.finish()
            guard let result = summary.results.first else {
                throw LedgerError(.invalidInput, "no event appended")
            }
            if json {
                Output.line(
                    JSONValue.object([
                        "seq": .integer(Int64(result.seq)), "id": .string(result.id), "stream": .string(result.stream),
                        "version": .integer(Int64(result.version)), "already_present": .bool(result.alreadyPresent),
                    ]).canonicalString)
            } else {
                Output.line(String(result.seq))
                if result.alreadyPresent {
                    Output.diagnostic("parley: id \(result.id) was already appended as seq \(result.seq); nothing new appended")
                }
            }
        }

        private func appendBatch(writer: LedgerWriter, file: String) throws {
            let fd: Int32 = file == "-" ? 0 : open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code: LedgerError.Code = errno == ENOENT ? .notFound : .invalidInput
                throw LedgerError(code, "cannot open \(file): \(String(cString: strerror(errno)))")
            }
            defer { if fd != 0 { close(fd) } }
            var status = stat()
            if fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
                throw LedgerError(.invalidInput, "cannot read \(file): it is a directory")
            }
            let batch = writer.batch(largeFrames: true, collectResults: false)
            let progress = ProgressLine(enabled: Output.stderrIsTerminal, label: "validating and writing")
            var lineNumber = 0
            try LineReader.forEachBlock(fd: fd, path: file, settle: batch.awaitValidation) { lines in
                batch.add(lines: lines, firstLineNumber: lineNumber + 1)
                lineNumber += lines.count
                progress.tick(lineNumber)
            }
            progress.finish()
            let summary = try batch.finish()
            // Blank lines are skipped: a file of only those holds no events either.
            if summary.appended == 0 && summary.alreadyPresent == 0 {
                throw LedgerError(.invalidInput, "\(file) holds no events")
            }
            if json {
                var members: [String: JSONValue] = [
                    "appended": .integer(Int64(summary.appended)), "already_present": .integer(Int64(summary.alreadyPresent)),
                    "tree_size": .integer(Int64(summary.treeSize)), "root": .string(summary.root.hexString),
                ]
                if let range = summary.seqRange {
                    members["first_seq"] = .integer(Int64(range.lowerBound))
                    members["last_seq"] = .integer(Int64(range.upperBound))
                }
                Output.line(JSONValue.object(members).canonicalString)
            } else if let range = summary.seqRange {
                Output.line(
                    "appended \(summary.appended) events, seq \(range.lowerBound)-\(range.upperBound)"
                        + (summary.alreadyPresent > 0 ? " (\(summary.alreadyPresent) already present)" : ""))
            } else {
                Output.line("appended 0 events (\(summary.alreadyPresent) already present)")
            }
        }
    }
}
