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
