import ArgumentParser
import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts `parley`: the whole command tree, with one shortcut for the hottest command.
///
/// A single `parley append` is a short process whose start-up is a large part of its latency, and
/// parsing through the root command walks the whole tree and first tries the arguments as a
/// `--generate-completion-script` request: Swift runtime reflection on a cold process, which
/// this shortcut saves (0.4–0.95 ms, 9–11% of a durable single append, in BENCHMARKS.md). So an invocation that starts with `append` is first
/// parsed as `Parley.Append` alone; `Append`'s `_superCommandName` marks it as a subcommand of
/// `parley`, which skips the completion probe. Parsing has no side effects, so whenever that
/// fails (bad or missing flags, `--help`, `--version`, a completion request) the arguments go
/// through `Parley.main()` unchanged, which prints exactly the messages and exit codes of the full
/// tree. Errors from running the command are reported by `Parley`, as `Parley.main()` does.
@main
enum EntryPoint {
    static func main() {
        refuseInvalidUTF8Arguments()
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.first == "append",
            var command = try? Parley.Append.parseAsRoot(Array(arguments.dropFirst())),
            command is Parley.Append  // not the help or version request that parsing can also return
        else {
            Parley.main()
            return
        }
        do {
            try command.run()
        } catch {
            Parley.exit(withError: error)
        }
    }

    /// Exits with status 2 (invalid input) when an argument is not valid UTF-8.
    ///
    /// `CommandLine.arguments` repairs invalid UTF-8 (each bad sequence becomes U+FFFD), so
    /// `--data` would record text the user never gave where `--file` rejects the same bytes.
    static func refuseInvalidUTF8Arguments() {
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[index], String(validatingCString: argument) == nil else { continue }
            let previous = index > 1 ? CommandLine.unsafeArgv[index - 1].map { String(cString: $0) } : nil
            let which = previous.map { $0.hasPrefix("-") ? "the value of \($0)" : "argument \(index)" } ?? "argument \(index)"
            Output.diagnostic("parley: error: \(which) is not valid UTF-8")
            exit(LedgerError.Code.invalidInput.rawValue)
        }
    }
}
