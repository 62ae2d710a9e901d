import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@Suite struct ConcurrencyTests {
    /// 4 appender processes × 500 events on shared streams: every event once, versions contiguous.
    @Test func fourConcurrentAppenders() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/l"
            try Parley.initLedger(ledger)
            let writers = 4
            let perWriter = 500
            let script = """
                set -e
                for i in $(seq 1 \(perWriter)); do
                  "$PARLEY" append --ledger "$LEDGER" --no-validate --wait 60 --stream "party/shared-$((i % 3))" \\
                    --type Noted --data "{\\"writer\\":$W,\\"i\\":$i}" --effective-at 2005-01-01T00:00:00Z > /dev/null
                done
                """
            var processes: [Process] = []
            for writer in 0..<writers {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/bash")
                process.arguments = ["-c", script]
                process.environment = [
                    "PARLEY": PackagePaths.parley, "LEDGER": ledger, "W": String(writer), "PATH": "/usr/bin:/bin",
                ]
                try process.run()
                processes.append(process)
            }
            for process in processes {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
            }
            let log = try Parley.run(["log", "--ledger", ledger])
            var seen = Set<String>()
            var versions: [String: UInt64] = [:]
            var seq: UInt64 = 0
            for line in log.stdout.split(separator: 0x0A) {
                let record = try RecordEnvelope(line: Array(line))
                seq += 1
                #expect(record.seq == seq)
                versions[record.stream, default: 0] += 1
                #expect(record.version == versions[record.stream])
                let data = try JSONValue(parsing: record.data)
                let key = "\(data["writer"]!.integerValue!)-\(data["i"]!.integerValue!)"
                #expect(seen.insert(key).inserted, "duplicate \(key)")
            }
            #expect(seen.count == writers * perWriter)
        }
    }
}
