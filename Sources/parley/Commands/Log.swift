import ArgumentParser
import CanonicalJSON
import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Parley {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Print committed records as canonical NDJSON, in seq order.",
            discussion: """
                Never takes the writer lock and never shows uncommitted bytes.

                Examples:
                  parley log --ledger ./zil --stream negotiation/zil-faw-assembly
                  parley log --ledger ./zil --type StatementReported --from-seq 10 --limit 5
                  parley log --ledger ./zil --follow
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "Only records of this stream.")
        var stream: String?

        @Option(help: "Only records of this event type.")
        var type: String?

        @Option(name: .customLong("from-seq"), help: "Start at this seq.")
        var fromSeq: UInt64 = 1

        @Option(help: "Print at most this many records.")
        var limit: Int?

        @Flag(help: "Keep waiting for new commits and print them as they arrive.")
        var follow = false

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be ≥ 0") }
            guard fromSeq >= 1 else { throw ValidationError("--from-seq must be ≥ 1") }
        }

        func run() throws {
            try reportingLedgerErrors {
                let reader = try LedgerReader(path: try ledger.path)
                var printed = 0
                var encoder = CanonicalEncoder()
                var position = LedgerReader.start(fromSeq: fromSeq)
                let filtered = stream != nil || type != nil
                let newline: [UInt8] = [0x0A]
                while true {
                    position = try reader.forEachRecord(from: position) { _, line in
                        if let limit, printed >= limit { return false }
                        if filtered {
                            let envelope = try RecordEnvelope(line: line, encoder: &encoder)
                            if let stream, envelope.stream != stream { return true }
                            if let type, envelope.type != type { return true }
                        }
                        Output.write(line)
                        newline.withUnsafeBytes { Output.write($0) }
                        printed += 1
                        return true
                    }
                    Output.flush()
                    if !follow || (limit.map { printed >= $0 } ?? false) { break }
                    usleep(200_000)
                }
            }
        }
    }
}
