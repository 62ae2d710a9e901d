import ArgumentParser
import Audit

extension Parley {
    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Manage checkpoint signing keys (Ed25519, C2SP signed-note encoding).",
            discussion: """
                Example:
                  parley key generate --name example.org/zil --out zil.key > zil.vkey
                """,
            subcommands: [Generate.self]
        )

        struct Generate: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "generate",
                abstract: "Create a key pair: the private key goes to --out (mode 0600), the verifier key to stdout.",
                discussion: """
                    The private key file holds PRIVATE+KEY+<name>+<key id>+<base64 seed>; an existing
                    file is never overwritten. The verifier key <name>+<key id>+<base64 public key>
                    is what auditors need (--vkey).

                    Example:
                      parley key generate --name example.org/zil --out zil.key > zil.vkey
                    """
            )

            @Option(help: "The key name signature lines carry (e.g. the ledger's origin).")
            var name: String

            @Option(help: "The private key file to create.")
            var out: String

            func run() throws {
                try reportingLedgerErrors {
                    let signer = try KeyMaterial.generate(name: name, writingTo: out)
                    Output.line(signer.verifier.verifierKey)
                }
            }
        }
    }
}
