import ArgumentParser
import LedgerStore
import Reports

extension Parley {
    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snapshot",
            abstract: "Write projection snapshots under snapshots/ so that point-in-time reports start fast.",
            discussion: """
                A snapshot is taken at a commit boundary and tagged with its seq and the RFC 6962
                root there: snapshots/<20-digit seq>.snap.lz4, LZ4 frames holding a header line
                and the projection's input (the record lines since the previous snapshot, filed
                by negotiation, party and financial facts). Reports and diffs use the newest
                trusted snapshot at or before their point and fold the rest; a snapshot whose
                root does not match the ledger's commit marker at its seq, or whose checksums or
                header fail, is ignored with a warning and never trusted.

                Without --at-seq, writes the snapshots that are due: one at the first commit
                boundary at or after every --every records (default 10000) past the newest
                trusted snapshot. Reports never write snapshots; run this after bulk loads (or
                from cron). Snapshots are derived data: delete them at any time.

                --verify checks every snapshot against the ledger byte for byte and refolds
                the newest chain; exit 5 on a finding.

                Examples:
                  parley snapshot --ledger ./zil
                  parley snapshot --ledger ./zil --at-seq 21
                  parley snapshot --ledger ./zil --every 10000
                  parley snapshot --ledger ./zil --verify
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Option(name: .customLong("at-seq"), help: "Take one snapshot at seq N (the last record of a commit).")
        var atSeq: UInt64?

        @Option(help: "Records between scheduled snapshots.")
        var every: UInt64 = SnapshotStore.defaultEvery

        @Flag(help: "Check every snapshot instead of writing.")
        var verify = false

        func validate() throws {
            guard every >= 1 else { throw ValidationError("--every must be at least 1") }
            if verify && atSeq != nil { throw ValidationError("--verify takes no --at-seq") }
        }

        func run() throws {
            try reportingLedgerErrors {
                let store = SnapshotStore(ledgerPath: try ledger.path)
                if verify {
                    let findings = store.verify()
                    for finding in findings { Output.line(finding) }
                    if findings.isEmpty { Output.line("snapshots: all sound") }
                    Output.flush()
                    if !findings.isEmpty { throw ExitCode(LedgerError.Code.integrity.rawValue) }
                    return
                }
                let written = try store.write(atSeq: atSeq, every: every) { Output.diagnostic("parley: warning: " + $0) }
                if written.isEmpty { Output.line("snapshots: nothing to write (up to date)") }
                for snapshot in written {
                    Output.line(
                        "wrote \(snapshot.path): seq \(snapshot.previousSeq + 1)-\(snapshot.seq), root \(snapshot.root), \(snapshot.bytes) bytes"
                    )
                }
            }
        }
    }
}
