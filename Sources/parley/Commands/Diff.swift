import ArgumentParser
import LedgerStore
import Reports

extension Parley {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show what changed in the projected state between two points, and which events caused it.",
            discussion: """
                A POINT is a seq (1234; 0 is before the first record) or an RFC 3339 time or date.
                Times are transaction time (what the ledger knew then) unless --valid is given;
                with --valid both points are valid times (what was true in the world then, as
                the ledger knows it now) and must be times.

                Each change names the entity (a party, a negotiation's stage, a term, a plan, a
                statement, a contradiction, a financial fact, ...), its values before and after,
                and the events between the points that caused it (seq, type, source publication).

                Examples:
                  parley diff --ledger ./zil --from 21 --to 27
                  parley diff --ledger ./zil --from 2005-03-01 --to 2005-06-30 --valid
                  parley diff --ledger ./zil --from 10 --to 27 --negotiation zil-faw-assembly --format json
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case md, json
        }

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "The earlier point: a seq or an RFC 3339 time.")
        var from: String

        @Option(help: "The later point: a seq or an RFC 3339 time.")
        var to: String

        @Flag(help: "The points are valid times (effective_at), not transaction times.")
        var valid = false

        @Option(help: "Compare only this negotiation.")
        var negotiation: String?

        @Option(help: "Output format: md or json.")
        var format: Format = .md

        @Flag(name: .customLong("no-snapshots"), help: "Fold from the first record even when a snapshot could be used.")
        var noSnapshots = false

        func validate() throws {
            guard ReportPoint(parsing: from) != nil else {
                throw ValidationError("--from \(from) is neither a seq nor an RFC 3339 time or date")
            }
            guard ReportPoint(parsing: to) != nil else {
                throw ValidationError("--to \(to) is neither a seq nor an RFC 3339 time or date")
            }
            if let negotiation, negotiation.isEmpty { throw ValidationError("--negotiation must not be empty") }
        }

        func run() throws {
            try reportingLedgerErrors {
                let (diff, warnings) = try StateDiff.compute(
                    ledgerAt: try ledger.path, from: ReportPoint(parsing: from)!, to: ReportPoint(parsing: to)!,
                    validTime: valid, negotiation: negotiation, useSnapshots: !noSnapshots)
                for warning in warnings { Output.diagnostic("parley: warning: " + warning) }
                try Output.emit(format == .json ? DiffJSON.render(diff) : DiffMarkdown.render(diff), to: nil)
            }
        }
    }
}
