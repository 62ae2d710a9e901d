import Foundation
import ParleyTestSupport
import Testing

/// 100,000 generator events pass both verifiers with identical roots.
///
/// Runs when `PARLEY_LONG_TESTS=1`.
@Suite struct LongAuditTests {
    static var enabled: Bool { ProcessInfo.processInfo.environment["PARLEY_LONG_TESTS"] == "1" }

    @Test(.enabled(if: LongAuditTests.enabled, "set PARLEY_LONG_TESTS=1"))
    func hundredThousandEventsPassBothVerifiers() throws {
        try TemporaryDirectory.with { directory in
            let ledger = directory + "/big"
            let events = directory + "/events.ndjson"
            try LedgerFixture.expectSuccess(
                ProcessRunner.shell("python3 '\(PackagePaths.file("Tools/gen_events.py"))' 100000 > '\(events)'"))
            try LedgerFixture.expectSuccess(CLI.parley(["init", ledger]))
            // Two batches and a few single appends: several commits, one with 4 MiB frames.
            let head = directory + "/head.ndjson"
            let tail = directory + "/tail.ndjson"
            try LedgerFixture.expectSuccess(
                ProcessRunner.shell("head -n 60000 '\(events)' > '\(head)'; tail -n +60001 '\(events)' > '\(tail)'"))
            try LedgerFixture.expectSuccess(CLI.parley(["append", "--ledger", ledger, "--file", head, "--no-sync"]))
            try LedgerFixture.expectSuccess(CLI.parley(["append", "--ledger", ledger, "--file", tail, "--no-sync"]))
            let audit = try CLI.audit(ledger)
            #expect(audit.status == 0, "\(audit.report.summary)")
            #expect(audit.report.treeSize == 100_000)
            let python = try CLI.pythonVerify(ledger, ["--json"])
            #expect(python.status == 0, "\(python.stdoutText)")
            let object = try #require(try JSONSerialization.jsonObject(with: python.stdout) as? [String: Any])
            #expect(object["tree_size"] as? Int == 100_000)
            #expect(object["root"] as? String == audit.report.root)
        }
    }
}
