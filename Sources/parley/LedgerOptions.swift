import ArgumentParser

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `--ledger` option shared by every command that works on an existing ledger.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger directory (default: $PARLEY_LEDGER).")
    var ledger: String?

    /// The ledger path, from the flag or the environment.
    var path: String {
        get throws {
            if let ledger { return ledger }
            if let fromEnvironment = ProcessInfo.processInfo.environment["PARLEY_LEDGER"], !fromEnvironment.isEmpty {
                return fromEnvironment
            }
            throw ValidationError("no ledger given: pass --ledger DIR or set PARLEY_LEDGER")
        }
    }
}

/// The `--wait` option of every command that takes the writer lock.
struct WaitOptions: ParsableArguments {
    @Option(help: "Seconds to wait for another writer before failing with 'ledger busy' (inf: as long as it takes).")
    var wait: Double = 10

    func validate() throws {
        guard wait >= 0 else { throw ValidationError("--wait must be a number of seconds ≥ 0 (or inf), not \(wait)") }
    }
}
