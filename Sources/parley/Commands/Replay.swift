import ArgumentParser
import Audit
import LedgerStore

extension Parley {
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Print the ledger's history, one readable line per event.",
            discussion: """
                Each line: seq, recorded_at (when the ledger learned it), effective_at (when it
                was true in the world), stream, type, and what the event changed.

                Example:
                  parley replay --ledger ./zil --stream negotiation/zil-faw-assembly
                  parley replay --ledger ./zil --until 2026-03-01
                  parley replay --ledger ./zil --until-seq 20
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Option(name: .customLong("until-seq"), help: "Stop after this seq.")
        var untilSeq: UInt64?

        @Option(help: "Stop at what the ledger knew at this time (RFC 3339 or YYYY-MM-DD; transaction time).")
        var until: String?

        @Option(help: "Only events of this stream.")
        var stream: String?

        func validate() throws {
            if untilSeq != nil && until != nil { throw ValidationError("give --until-seq or --until, not both") }
            if let until, Timestamp(dateOrDateTime: until) == nil {
                throw ValidationError("--until \(until) is not an RFC 3339 date-time or a date YYYY-MM-DD")
            }
        }

        func run() throws {
            try reportingLedgerErrors {
                let filter = HistoryReplay.Filter(
                    untilSeq: untilSeq, until: until.flatMap { Timestamp(dateOrDateTime: $0) }, stream: stream)
                try HistoryReplay(ledgerAt: try ledger.path).run(filter) { Output.line($0) }
            }
        }
    }
}
