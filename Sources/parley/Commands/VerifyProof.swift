import ArgumentParser
import Audit
import LedgerStore

extension Parley {
    struct VerifyProof: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-proof",
            abstract: "Verify a proof offline against a signed checkpoint (no ledger needed).",
            discussion: """
                The checkpoint's signature must verify with --vkey. An inclusion proof must lead
                to the checkpoint's root, so its tree_size must be the checkpoint's size; with
                --record, the record line's leaf hash must be the proof's leaf_hash.
                A consistency proof must have the checkpoint at one end: to_size/to_root = the
                checkpoint proves that the older tree from_size/from_root is a prefix of the signed
                tree; failing that, from_size/from_root = the checkpoint proves that the newer tree
                extends the signed one. Prints "OK …" and exits 0, or exits 5 when anything does not
                verify (2 for unreadable input).

                Example:
                  parley prove --ledger ./zil --seq 12 --size 27 > proof.json
                  parley log --ledger ./zil --from-seq 12 --limit 1 > record.json
                  parley verify-proof --proof proof.json --checkpoint 27.ckpt --vkey zil.vkey --record record.json
                """
        )

        @Option(help: "The proof document (from parley prove).")
        var proof: String

        @Option(help: "The signed checkpoint to verify against.")
        var checkpoint: String

        @Option(name: .customLong("vkey"), help: "The trusted verifier key, or a file holding it (repeatable).")
        var verifierKeys: [String] = []

        @Option(help: "A file holding the record line an inclusion proof is about.")
        var record: String?

        func validate() throws {
            if verifierKeys.isEmpty { throw ValidationError("give --vkey: the key the checkpoint must be signed with") }
        }

        func run() throws {
            try reportingLedgerErrors {
                let message = try ProofCheck.verify(
                    proof: try KeyMaterial.readFile(proof, what: "proof"),
                    checkpoint: try KeyMaterial.readFile(checkpoint, what: "checkpoint"),
                    verifiers: try verifierKeys.map(KeyMaterial.verifier),
                    record: try record.map { try KeyMaterial.readFile($0, what: "record") })
                Output.line(message)
            }
        }
    }
}
