import ArgumentParser

/// The `parley` command: an append-only, LZ4-compressed, tamper-evident negotiation ledger.
///
/// `EntryPoint` starts it.
struct Parley: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: an append-only, tamper-evident ledger of negotiation events.",
        discussion: """
            Example:
              parley init ./zil
              parley append --ledger ./zil --file Events/samples/zil-faw.ndjson
              parley log --ledger ./zil --stream negotiation/zil-faw-assembly

            Every command but init takes --ledger DIR (default: $PARLEY_LEDGER).

            Exit codes: 0 success; 2 invalid input; 3 conflict (expected version, id reused
            with other content); 4 ledger busy; 5 integrity failure; 6 no ledger / not found;
            7 I/O error; 64 command-line usage error.
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Append.self, Log.self, Stats.self, Recover.self, Compact.self, State.self, Audit.self, Replay.self,
            Prove.self, VerifyProof.self, Checkpoint.self, Key.self, Report.self, Diff.self, Snapshot.self,
        ]
    )
}
