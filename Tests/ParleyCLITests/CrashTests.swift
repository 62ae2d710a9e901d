import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@Suite struct CrashTests {
    /// SIGKILL a bulk append at random moments: the ledger stays readable, every earlier
    /// (acknowledged) commit is intact, the killed commit is all-or-nothing, and appends go on.
    @Test func killDashNineMidAppend() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let input = dir + "/batch.ndjson"
            try Parley.generated(60_000).write(to: URL(fileURLWithPath: input))
            var acknowledged = 0
            var generator = SystemRandomNumberGenerator()
            for round in 0..<6 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: PackagePaths.parley)
                process.arguments = ["append", "--ledger", ledger, "--no-validate", "--file", input]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(UInt32.random(in: 20_000...900_000, using: &generator))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let killed = process.terminationReason == .uncaughtSignal
                let lines = try Parley.run(["log", "--ledger", ledger]).stdout.split(separator: 0x0A)
                // All-or-nothing: either the killed batch is wholly there or not at all.
                #expect(lines.count == acknowledged || lines.count == acknowledged + 60_000, "round \(round)")
                if !killed { #expect(lines.count == acknowledged + 60_000) }
                acknowledged = lines.count
                let after = try Parley.run([
                    "append", "--ledger", ledger, "--no-validate", "--stream", "party/after", "--type", "Noted", "--data",
                    #"{"round":\#(round)}"#,
                ])
                #expect(after.status == 0, "\(after.stderrText)")
                acknowledged += 1
                #expect(try Parley.run(["log", "--ledger", ledger]).stdout.split(separator: 0x0A).count == acknowledged)
            }
        }
    }
}
