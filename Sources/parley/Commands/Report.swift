import ArgumentParser
import LedgerStore
import Reports

extension Parley {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write a point-in-time report: receipt, parties, negotiations, statements with provenance.",
            discussion: """
                The report starts with a receipt: the ledger id and origin, the records it is
                derived from (1..N), the RFC 6962 root at N, the as-of and valid-at points and
                the event catalogue version. The same inputs always give byte-identical output;
                the wall clock is printed only with --generated-at.

                --as-of is transaction time (what the ledger knew at TIME), --as-of-seq N cuts at
                a seq; --valid-at is valid time (what was true in the world at TIME, as known at
                as-of). TIME is RFC 3339 or a date (midnight UTC). Points out of range are errors
                (exit 2), never clamped. --negotiation shows one negotiation with its parties and
                their financial facts (exit 6 when it has no records).

                Formats: md (Markdown), json (canonical JSON; shape in docs/REPORTS.md), csv
                (RFC 4180, one --table: events, statements, financials or terms) and html (one
                self-contained, print-friendly file with an SVG timeline per negotiation).

                A negotiation report starts from the newest trusted snapshot at or before the
                point (see `parley snapshot`); the output is the same without one.

                Examples:
                  parley report --ledger ./zil
                  parley report --ledger ./zil --negotiation zil-faw-assembly --valid-at 2005-05-25
                  parley report --ledger ./zil --as-of-seq 21 --format html --out zil.html
                  parley report --ledger ./zil --format csv --table statements > statements.csv
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case md, json, csv, html
        }

        enum Table: String, ExpressibleByArgument, CaseIterable {
            case events, statements, financials, terms
        }

        @OptionGroup var ledger: LedgerOptions

        @Option(name: .customLong("as-of"), help: "Transaction time: what the ledger knew at TIME.")
        var asOf: String?

        @Option(name: .customLong("as-of-seq"), help: "Transaction time as a position: records up to seq N.")
        var asOfSeq: UInt64?

        @Option(name: .customLong("valid-at"), help: "Valid time: what was true in the world at TIME.")
        var validAt: String?

        @Option(help: "Show only this negotiation (its id, e.g. zil-faw-assembly).")
        var negotiation: String?

        @Option(help: "Output format: md, json, csv or html.")
        var format: Format = .md

        @Option(help: "The table for --format csv: events, statements, financials or terms.")
        var table: Table?

        @Option(help: "Write the report to FILE (atomically) instead of standard output.")
        var out: String?

        @Flag(name: .customLong("generated-at"), help: "Print the generation time in the receipt (makes output vary).")
        var generatedAt = false

        @Flag(name: .customLong("no-snapshots"), help: "Fold from the first record even when a snapshot could be used.")
        var noSnapshots = false

        func validate() throws {
            if asOf != nil && asOfSeq != nil { throw ValidationError("give --as-of or --as-of-seq, not both") }
            if let asOf, Timestamp(dateOrDateTime: asOf) == nil {
                throw ValidationError(
                    "--as-of \(asOf) is not an RFC 3339 date-time (2005-03-15T10:00:00Z) or a date (2005-03-15)")
            }
            if let validAt, Timestamp(dateOrDateTime: validAt) == nil {
                throw ValidationError(
                    "--valid-at \(validAt) is not an RFC 3339 date-time (2005-03-15T10:00:00Z) or a date (2005-03-15)")
            }
            if let negotiation, negotiation.isEmpty { throw ValidationError("--negotiation must not be empty") }
            if table != nil && format != .csv { throw ValidationError("--table goes with --format csv") }
        }

        func run() throws {
            try reportingLedgerErrors {
                let query = ReportQuery(
                    asOf: asOf.flatMap { Timestamp(dateOrDateTime: $0) }, asOfSeq: asOfSeq,
                    validAt: validAt.flatMap { Timestamp(dateOrDateTime: $0) }, negotiation: negotiation,
                    useSnapshots: !noSnapshots)
                let view = try LedgerViews.load(ledgerAt: try ledger.path, query: query)
                for warning in view.warnings { Output.diagnostic("parley: warning: " + warning) }
                let report = Reports.Report(view: view, generatedAt: generatedAt ? Timestamp.now().description : nil)
                let text: String
                switch format {
                case .md: text = ReportMarkdown.render(report)
                case .json: text = ReportJSON.render(report)
                case .html: text = ReportHTML.render(report)
                case .csv:
                    let chosen = ReportCSV.Table(rawValue: (table ?? .events).rawValue) ?? .events
                    text = ReportCSV.render(report, table: chosen)
                }
                try Output.emit(text, to: out)
                Output.keepUntilExit((view, report))
            }
        }
    }
}

extension Output {
    /// Writes `text` to `path` atomically, or to stdout when `path` is nil.
    static func emit(_ text: String, to path: String?) throws {
        guard let path else {
            var copy = text
            copy.withUTF8 { write(UnsafeRawBufferPointer($0)) }
            return
        }
        try FileSystem.writeAtomically(Array(text.utf8), to: path, durable: false)
    }
}
