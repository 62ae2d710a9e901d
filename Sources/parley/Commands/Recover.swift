import ArgumentParser
import LedgerIntegrity
import LedgerStore

extension Parley {
    struct Recover: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recover",
            abstract: "Take the writer lock and repair a torn tail (also done by the next writer).",
            discussion: """
                Bytes after the last commit marker (a write interrupted by a crash) move to
                quarantine/ and the segment is truncated; nothing is deleted.

                Example:
                  parley recover --ledger ./zil
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @OptionGroup var waiting: WaitOptions

        func run() throws {
            try reportingLedgerErrors {
                var options = LedgerWriter.Options()
                options.wait = waiting.wait
                let writer = try LedgerWriter(path: try ledger.path, options: options)
                // Leaves the derived index current (single appends save it only every 16 commits).
                if writer.indexIsBehind { try writer.saveIndex() }
                if writer.recoveryNotes.isEmpty {
                    Output.line("nothing to recover: \(writer.lastSeq) committed events, root \(writer.root.hexString)")
                } else {
                    for note in writer.recoveryNotes { Output.line(note) }
                    Output.line("recovered: \(writer.lastSeq) committed events, root \(writer.root.hexString)")
                }
            }
        }
    }
}
