import ArgumentParser
import CanonicalJSON
import LedgerIntegrity
import LedgerStore

extension Parley {
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Show the size and shape of a ledger.",
            discussion: """
                Example:
                  parley stats --ledger ./zil --json
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Flag(help: "Print as JSON.")
        var json = false

        func run() throws {
            try reportingLedgerErrors {
                let reader = try LedgerReader(path: try ledger.path)
                var encoder = CanonicalEncoder()
                var frontier = MerkleFrontier()
                var streams = Set<String>()
                var types: [String: Int] = [:]
                var rawBytes = 0
                try reader.forEachRecord(from: LedgerReader.start(fromSeq: 1)) { _, line in
                    let envelope = try RecordEnvelope(line: line, encoder: &encoder)
                    streams.insert(envelope.stream)
                    types[envelope.type, default: 0] += 1
                    rawBytes += line.count + 1
                    frontier.append(leafHash: RFC6962.leafHash(line))
                    return true
                }
                let segments = reader.segmentNames()
                let compressed = segments.reduce(0) { $0 + (FileSystem.fileSize(reader.layout.segmentPath($1)) ?? 0) }
                let ratio = compressed > 0 ? Double(rawBytes) / Double(compressed) : 0
                if json {
                    Output.line(
                        JSONValue.object([
                            "ledger_id": .string(reader.manifest.ledgerID), "origin": .string(reader.manifest.origin),
                            "events": .integer(Int64(frontier.size)), "streams": .integer(Int64(streams.count)),
                            "segments": .integer(Int64(segments.count)), "bytes_raw": .integer(Int64(rawBytes)),
                            "bytes_compressed": .integer(Int64(compressed)),
                            "ratio_permille": .integer(Int64((ratio * 1000).rounded())),
                            "tree_size": .integer(Int64(frontier.size)), "root": .string(frontier.root.hexString),
                            "types": .object(types.mapValues { .integer(Int64($0)) }),
                        ]).canonicalString)
                } else {
                    Output.line("ledger      \(reader.manifest.ledgerID)")
                    Output.line("origin      \(reader.manifest.origin)")
                    Output.line("events      \(frontier.size)")
                    Output.line("streams     \(streams.count)")
                    Output.line("segments    \(segments.count)")
                    Output.line("bytes raw   \(rawBytes)")
                    Output.line("compressed  \(compressed)")
                    Output.line("ratio       \(hundredths(ratio)):1")
                    Output.line("tree size   \(frontier.size)")
                    Output.line("root        \(frontier.root.hexString)")
                    for (type, count) in types.sorted(by: { $0.key < $1.key }) {
                        Output.line("  \(type)\(String(repeating: " ", count: max(0, 26 - type.count))) \(count)")
                    }
                }
            }
        }
    }

}

/// `value` with two decimals (`5.14`), rounded half away from zero.
private func hundredths(_ value: Double) -> String {
    let scaled = Int((value * 100).rounded())
    let fraction = scaled % 100
    return "\(scaled / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
