import ArgumentParser
import Audit
import LedgerIntegrity

extension Parley {
    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prove",
            abstract: "Print an RFC 6962 inclusion or consistency proof as JSON.",
            discussion: """
                Inclusion (--seq): {"leaf_hash","leaf_index","path","root","tree_size"}; leaf_index
                is seq − 1. Consistency (--from-size): {"from_root","from_size","path","to_root",
                "to_size"}. Hashes are lowercase hex. Sizes default to the committed ledger's size;
                sizes outside the ledger are invalid input (exit 2). Check a proof offline with
                `parley verify-proof`.

                Example:
                  parley prove --ledger ./zil --seq 12 --size 27 > proof.json
                  parley prove --ledger ./zil --from-size 20 --to-size 27
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "Prove that the record with this seq is in the tree.")
        var seq: UInt64?

        @Option(help: "The tree size of an inclusion proof (default: the whole ledger).")
        var size: UInt64?

        @Option(name: .customLong("from-size"), help: "Prove that the tree of this size is a prefix of the newer one.")
        var fromSize: UInt64?

        @Option(name: .customLong("to-size"), help: "The newer tree size of a consistency proof (default: the whole ledger).")
        var toSize: UInt64?

        func validate() throws {
            switch (seq, fromSize) {
            case (nil, nil): throw ValidationError("give --seq N (inclusion) or --from-size M (consistency)")
            case (.some, .some): throw ValidationError("give --seq or --from-size, not both")
            case (.some, nil) where toSize != nil: throw ValidationError("--to-size goes with --from-size; use --size with --seq")
            case (nil, .some) where size != nil: throw ValidationError("--size goes with --seq; use --to-size with --from-size")
            default: break
            }
        }

        func run() throws {
            try reportingLedgerErrors {
                let path = try ledger.path
                let document: ProofDocument
                if let seq {
                    document = try LedgerProofs.inclusion(ledgerAt: path, seq: seq, size: size)
                } else {
                    document = try LedgerProofs.consistency(ledgerAt: path, fromSize: fromSize ?? 0, toSize: toSize)
                }
                Output.line(document.json)
            }
        }
    }
}
