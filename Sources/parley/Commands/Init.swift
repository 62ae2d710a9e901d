import ArgumentParser
import LedgerStore

extension Parley {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a new, empty ledger directory.",
            discussion: """
                Refuses a directory that exists and is not empty.

                Example:
                  parley init ./zil --origin example.org/ledgers/zil
                """
        )

        @Argument(help: "The directory to create the ledger in.")
        var directory: String

        @Option(help: "The checkpoint origin line (default: parley.local/ledger/<ledger id>).")
        var origin: String?

        func run() throws {
            try reportingLedgerErrors {
                let manifest = try LedgerSetup.create(at: directory, origin: origin)
                Output.line("created ledger \(manifest.ledgerID) at \(directory) (origin \(manifest.origin))")
            }
        }
    }
}
