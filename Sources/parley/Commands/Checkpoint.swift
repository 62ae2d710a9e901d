import ArgumentParser
import Audit

extension Parley {
    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Sign the committed ledger's tree head as checkpoints/<size>.ckpt and print it.",
            discussion: """
                The checkpoint (C2SP tlog-checkpoint: origin, tree size, base64 root) is signed as a
                C2SP signed note. Size and root are recomputed from every committed record and
                checked against every commit marker first, so a damaged ledger is never signed.
                Keep a copy: `parley audit --checkpoint` later proves the ledger still extends it.

                Example:
                  parley key generate --name example.org/zil --out zil.key > zil.vkey
                  parley checkpoint --ledger ./zil --key zil.key > zil-now.ckpt
                """
        )

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "The private key file (from parley key generate).")
        var key: String

        func run() throws {
            try reportingLedgerErrors {
                let signer = try KeyMaterial.signer(path: key)
                let written = try CheckpointWriter.write(ledgerAt: try ledger.path, signer: signer)
                var note = written.note
                note.withUTF8 { Output.write(UnsafeRawBufferPointer($0)) }
                Output.diagnostic("wrote \(written.file)")
            }
        }
    }
}
