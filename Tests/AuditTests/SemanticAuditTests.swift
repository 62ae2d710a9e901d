import Foundation
import ParleyTestSupport
import Testing

@Suite struct SemanticAuditTests {
    static let events = [
        #"{"stream":"party/zil","type":"PartyRegistered","effective_at":"2005-01-01T00:00:00Z","data":{"party_id":"zil","name":"ZIL","kind":"manufacturer","country":"RU","aliases":[]},"meta":{}}"#,
        #"{"stream":"party/faw","type":"PartyRegistered","effective_at":"2005-01-01T00:00:00Z","data":{"party_id":"faw","name":"FAW","kind":"manufacturer","country":"CN","aliases":[]},"meta":{}}"#,
        #"{"stream":"negotiation/n1","type":"NegotiationOpened","effective_at":"2005-01-02T00:00:00Z","data":{"negotiation_id":"n1","title":"ZIL to assemble FAW trucks","parties":[{"party":"zil","role":"assembler"},{"party":"ghost","role":"licensor"}]},"meta":{}}"#,
        #"{"stream":"negotiation/n1","type":"NegotiationStageChanged","effective_at":"2005-01-03T00:00:00Z","data":{"stage":"signed"},"meta":{}}"#,
        #"{"stream":"negotiation/n2","type":"StatementReported","effective_at":"2005-01-04T00:00:00Z","data":{"statement_id":"s1","speaker":"a source","claim":"Talks are early.","stance":"qualifies"},"meta":{}}"#,
        #"{"stream":"negotiation/n1","type":"EventCorrected","effective_at":"2005-01-05T00:00:00Z","data":{"corrects":"00000000-0000-4000-8000-000000000001","changes":{"title":"x"},"reason":"typo"},"meta":{}}"#,
        #"{"stream":"negotiation/n1","type":"ClaimRetracted","effective_at":"2005-01-06T00:00:00Z","data":{"retracts":"00000000-0000-4000-8000-000000000002","reason":"withdrawn"},"meta":{}}"#,
    ]

    @Test func semanticProblemsAreFindingsThatNameTheirRecord() throws {
        try TemporaryDirectory.with { directory in
            let ledger = directory + "/l"
            try LedgerFixture.expectSuccess(CLI.parley(["init", ledger]))
            let input = Data((Self.events.joined(separator: "\n") + "\n").utf8)
            try LedgerFixture.expectSuccess(CLI.parley(["append", "--ledger", ledger, "--file", "-"], input: input))
            // By default semantic findings are warnings: the ledger itself verifies.
            let audit = try CLI.audit(ledger)
            #expect(audit.status == 0, "\(audit.report.summary)")
            #expect(audit.report.findings.isEmpty, "\(audit.report.summary)")
            let strict = try CLI.audit(ledger, ["--strict"])
            #expect(strict.status == 5)
            let expected: [(String, Int)] = [
                ("unknown-party", 3), ("illegal-stage-transition", 4), ("unknown-negotiation", 5),
                ("unknown-correction-target", 6), ("unknown-retraction-target", 7),
            ]
            for (kind, seq) in expected {
                for finding in [audit.report.warnings(kind).first, strict.report.errors(kind).first] {
                    #expect(finding?.seq == seq, "\(kind): \(audit.report.summary)")
                    #expect(finding?.segment == "00000000000000000001.ndjson.lz4")
                    #expect(finding?.offset == 0)
                }
            }
            #expect(Set(strict.report.findings.map(\.kind)) == Set(expected.map(\.0)), "\(strict.report.summary)")
            // The full projection fold finds the same problems.
            let projections = try CLI.audit(ledger, ["--projections", "--strict"])
            #expect(projections.status == 5)
            #expect(Set(projections.report.findings.map(\.kind)) == Set(expected.map(\.0)), "\(projections.report.summary)")
            #expect(try CLI.audit(ledger, ["--projections"]).status == 0)
            // Bytes and chain are fine: the independent verifier (no semantics) and --no-semantic pass.
            #expect(try CLI.audit(ledger, ["--no-semantic"]).status == 0)
            #expect(try CLI.pythonVerify(ledger).status == 0)
        }
    }

    @Test func theSampleScenarioIsSemanticallyClean() throws {
        try TemporaryDirectory.with { directory in
            let ledger = directory + "/zil"
            try LedgerFixture.expectSuccess(CLI.parley(["init", ledger]))
            try LedgerFixture.expectSuccess(
                CLI.parley(["append", "--ledger", ledger, "--file", PackagePaths.file("Events/samples/zil-faw.ndjson")]))
            for extra in [[], ["--projections"]] {
                let audit = try CLI.audit(ledger, extra + ["--strict"])
                #expect(audit.status == 0, "\(extra): \(audit.report.summary)")
                #expect(audit.report.warnings.allSatisfy { $0.kind == "contradiction" }, "\(extra): \(audit.report.summary)")
            }
        }
    }
}
