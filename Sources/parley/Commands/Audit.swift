import ArgumentParser
import Audit
import LedgerIntegrity
import LedgerStore

extension Parley {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Replay the whole ledger read-only and verify every byte.",
            discussion: """
                Checks LZ4 frame structure and content checksums, commit markers, seq and
                per-stream version contiguity, recorded_at order and format, canonical form,
                segment names, the RFC 6962 root at every commit marker, event schemas, and
                semantic rules (unknown parties and negotiations, illegal stage moves, corrections
                and retractions of unknown events). --projections folds the full projected state
                instead and adds its other findings. Semantic findings are warnings (the bytes,
                roots and sequence still verify); --strict makes them fail the audit
                (contradictions stay warnings).
                With --checkpoint and --vkey it also proves that the ledger extends each signed
                checkpoint; with --vkey alone it verifies the ledger's own checkpoints/.

                Never writes to the ledger and never takes the writer lock. Bytes after the last
                commit marker of the last segment (a torn write) are a warning, not a failure.
                Exit status: 0 verified (warnings allowed), 5 any error finding, 6 no ledger.

                Example:
                  parley audit --ledger ./zil
                  parley audit --ledger ./zil --checkpoint old/120.ckpt --vkey zil.vkey --json
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Option(name: .customLong("checkpoint"), help: "A signed checkpoint the ledger must extend (repeatable; needs --vkey).")
        var checkpoints: [String] = []

        @Option(name: .customLong("vkey"), help: "A trusted verifier key, or a file holding one (repeatable).")
        var verifierKeys: [String] = []

        @Flag(help: "Print the report as one JSON object.")
        var json = false

        @Flag(name: .customLong("no-schema"), help: "Skip validating event bodies against the catalogue.")
        var noSchema = false

        @Flag(name: .customLong("no-semantic"), help: "Skip the semantic checks.")
        var noSemantic = false

        @Flag(
            help:
                "Fold the full projected state for the semantic checks (adds contradictions and unknown plans/terms; slower, memory grows with the ledger)."
        )
        var projections = false

        @Flag(help: "Semantic findings (unknown references, illegal stage moves) fail the audit too.")
        var strict = false

        @Option(name: .customLong("max-per-kind"), help: "List at most N findings of each kind (0: all).")
        var maximumPerKind = 20

        @Option(help: "Worker threads (default: 2).")
        var workers = 2

        func validate() throws {
            if !checkpoints.isEmpty && verifierKeys.isEmpty {
                throw ValidationError("--checkpoint needs --vkey: the verifier key that must have signed it")
            }
            guard maximumPerKind >= 0 else { throw ValidationError("--max-per-kind must be ≥ 0") }
            guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64") }
        }

        func run() throws {
            let report = try reportingLedgerErrors { () throws -> AuditReport in
                var options = AuditOptions()
                options.verifierKeys = try verifierKeys.map(KeyMaterial.verifier)
                options.checkpoints = try checkpoints.map { path in
                    CheckpointInput(label: path, bytes: try KeyMaterial.readFile(path, what: "checkpoint"))
                }
                options.checkSchema = !noSchema
                options.semantic = !noSemantic
                options.projections = projections && !noSemantic
                options.strict = strict
                options.maximumPerKind = maximumPerKind
                options.workers = workers
                let showProgress = Output.stderrIsTerminal
                var lastShown: Int64 = 0
                let report = try LedgerAuditor(path: try ledger.path, options: options).run { progress in
                    guard showProgress else { return }
                    let now = Timestamp.now().microseconds
                    guard now - lastShown > 250_000 else { return }
                    lastShown = now
                    Output.progress("\raudit: \(progress.records) records, \(progress.commits) commits (\(progress.segment))")
                }
                if showProgress && lastShown > 0 { Output.progress("\n") }
                if json {
                    Output.line(report.json)
                } else {
                    for line in report.lines { Output.line(line) }
                }
                return report
            }
            if !report.ok { throw ExitCode(LedgerError.Code.integrity.rawValue) }
        }
    }
}
