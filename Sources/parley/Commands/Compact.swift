import ArgumentParser
import LedgerIntegrity
import LedgerStore

extension Parley {
    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compact",
            abstract: "Rewrite sealed segments made of small commits into large frames (same records, same roots).",
            discussion: """
                Each rewritten segment ends with one merged commit marker carrying the root at its
                last seq; the replacement is atomic (temporary file, fsync, rename). Takes the writer lock.

                Example:
                  parley compact --ledger ./zil --include-active
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Flag(name: .customLong("include-active"), help: "Also rewrite the segment new commits go to.")
        var includeActive = false

        @OptionGroup var waiting: WaitOptions

        func run() throws {
            try reportingLedgerErrors {
                var options = LedgerWriter.Options()
                options.wait = waiting.wait
                let writer = try LedgerWriter(path: try ledger.path, options: options)
                for note in writer.recoveryNotes { Output.diagnostic("parley: recovery: " + note) }
                let results = try writer.compact(includeActive: includeActive)
                if results.isEmpty { Output.line("nothing to compact") }
                for result in results {
                    Output.line(
                        "\(result.segment): \(result.commitsBefore) commits, \(result.bytesBefore) → \(result.bytesAfter) bytes")
                }
                Output.line("tree size \(writer.lastSeq), root \(writer.root.hexString) (unchanged)")
            }
        }
    }
}
