import ArgumentParser
import LedgerStore
import Projections
import Reports

extension Parley {
    struct State: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state",
            abstract: "Show the projected state: parties, negotiations, financial facts, contradictions.",
            discussion: """
                --as-of is transaction time: only records with recorded_at ≤ TIME (what the
                ledger knew then); --as-of-seq N cuts at a seq instead. --valid-at is valid
                time: among those, only records with effective_at ≤ TIME (what was true in the
                world then, as known at as-of). TIME is RFC 3339 or a date (midnight UTC).

                Points out of range are errors (exit 2), never clamped: --as-of in the future or
                before the first record, --as-of-seq 0 or beyond the last record, --valid-at
                before the earliest effective_at known. A --stream with no records exits 6.

                --stream negotiation/<id> shows that negotiation with its parties and their
                financial facts; --stream party/<id> shows that party, its owners and holdings,
                its negotiations and its financial facts.

                A negotiation's state without --valid-at starts from the newest trusted
                snapshot at or before the point (see `parley snapshot`), as reports do; the
                result is the same as folding every record (--no-snapshots does that).

                Examples:
                  parley state --ledger ./zil
                  parley state --ledger ./zil --valid-at 2005-05-25 --format json
                  parley state --ledger ./zil --as-of-seq 26 --stream negotiation/zil-faw-assembly
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case md
            case json
        }

        @OptionGroup var ledger: LedgerOptions

        @Option(name: .customLong("as-of"), help: "Transaction time: what the ledger knew at TIME.")
        var asOf: String?

        @Option(name: .customLong("as-of-seq"), help: "Transaction time as a position: records up to seq N.")
        var asOfSeq: UInt64?

        @Option(name: .customLong("valid-at"), help: "Valid time: what was true in the world at TIME.")
        var validAt: String?

        @Option(help: "Show only the aggregate of this stream, e.g. negotiation/zil-faw-assembly.")
        var stream: String?

        @Option(help: "Output format: md (a briefing) or json (canonical JSON).")
        var format: Format = .md

        @Flag(name: .customLong("no-snapshots"), help: "Fold from the first record even when a snapshot could be used.")
        var noSnapshots = false

        func validate() throws {
            if asOf != nil && asOfSeq != nil {
                throw ValidationError("give --as-of or --as-of-seq, not both")
            }
            if let asOf, Timestamp(dateOrDateTime: asOf) == nil {
                throw ValidationError(
                    "--as-of \(asOf) is not an RFC 3339 date-time (2005-03-15T10:00:00Z) or a date (2005-03-15)")
            }
            if let validAt, Timestamp(dateOrDateTime: validAt) == nil {
                throw ValidationError(
                    "--valid-at \(validAt) is not an RFC 3339 date-time (2005-03-15T10:00:00Z) or a date (2005-03-15)")
            }
            if let stream, stream.isEmpty { throw ValidationError("--stream must not be empty") }
        }

        func run() throws {
            try reportingLedgerErrors {
                let query = StateQuery(
                    asOf: asOf.flatMap { Timestamp(dateOrDateTime: $0) }, asOfSeq: asOfSeq,
                    validAt: validAt.flatMap { Timestamp(dateOrDateTime: $0) }, stream: stream)
                let projected = try project(query, path: try ledger.path)
                switch format {
                case .json:
                    StateJSON.write(projected) { piece in piece.withUnsafeBytes { Output.write($0) } }
                    Output.line("")
                case .md: Output.line(String(StateMarkdown.render(projected).dropLast()))
                }
                Output.keepUntilExit(projected)
            }
        }

        /// The projected state: from snapshots for one negotiation without a valid-time cut
        /// (its selection then counts every record through the cut as known and folded, as the
        /// full fold does), else by folding every record.
        private func project(_ query: StateQuery, path: String) throws -> ProjectedState {
            let prefix = "negotiation/"
            guard !noSnapshots, query.validAt == nil, let stream = query.stream, stream.hasPrefix(prefix) else {
                return try LedgerProjection.project(ledgerAt: path, query: query)
            }
            let view = try LedgerViews.load(
                ledgerAt: path,
                query: ReportQuery(asOf: query.asOf, asOfSeq: query.asOfSeq, negotiation: String(stream.dropFirst(prefix.count))))
            for warning in view.warnings { Output.diagnostic("parley: warning: \(warning)") }
            let selection = StateSelection(
                query: query, knownRecords: Int(view.throughSeq), foldedRecords: Int(view.throughSeq),
                throughSeq: view.throughSeq, throughRecordedAt: view.throughRecordedAt, ledgerID: view.ledgerID)
            return ProjectedState(state: view.state, selection: selection)
        }
    }
}
