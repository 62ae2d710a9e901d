import CanonicalJSON
import LedgerStore
import ParleyTestSupport
import Testing

@testable import Projections

@Suite struct ContradictionDetectorTests {
    /// A statement in negotiation x.
    static func statement(
        _ seq: Int, stance: String, subject: String? = "start", side: String? = nil, claim: String = "claim",
        retracted: Bool = false
    ) throws -> Statement {
        var data: [String: JSONValue] = [
            "statement_id": .string("s\(seq)"), "speaker": .string("speaker \(seq)"), "claim": .string(claim),
            "stance": .string(stance),
        ]
        if let subject { data["subject"] = .string(subject) }
        if let side { data["on_behalf_of"] = .string(side) }
        let event = try ProjectedEvent(
            seq: UInt64(seq), id: "id-\(seq)", stream: "negotiation/x", type: "StatementReported",
            recordedAt: "2026-01-01T00:00:00Z", effectiveAt: "2005-01-01", data: .object(data))
        var retraction: SourcedData?
        if retracted {
            retraction = SourcedData(
                try ProjectedEvent(
                    seq: UInt64(seq + 1000), id: "r-\(seq)", stream: "negotiation/x", type: "ClaimRetracted",
                    recordedAt: "2026-01-01T00:00:00Z", effectiveAt: "2005-01-01",
                    data: .object(["retracts": .string("id-\(seq)"), "reason": .string("r")])))
        }
        return Statement(record: SourcedData(event), retraction: retraction)
    }

    @Test func confirmsAgainstDeniesOrQualifiesContradicts() throws {
        let topics = ContradictionDetector.detect(in: [
            try Self.statement(1, stance: "confirms"), try Self.statement(2, stance: "no-comment"),
            try Self.statement(3, stance: "qualifies"), try Self.statement(4, stance: "denies"),
        ])
        #expect(topics.count == 1)
        #expect(topics[0].openPairs == 2)
        #expect(topics[0].listed.map { [$0.first.statementID, $0.second.statementID] } == [["s1", "s3"], ["s1", "s4"]])
        #expect(topics[0].listed.allSatisfy { $0.reason == .opposingStances })
    }

    @Test func differentSubjectsDoNotContradict() throws {
        let topics = ContradictionDetector.detect(in: [
            try Self.statement(1, stance: "confirms", subject: "a"), try Self.statement(2, stance: "denies", subject: "b"),
        ])
        #expect(topics.isEmpty)
    }

    @Test func withoutSubjectTheNormalisedClaimIsTheTopic() throws {
        let topics = ContradictionDetector.detect(in: [
            try Self.statement(1, stance: "confirms", subject: nil, claim: "Talks are  early."),
            try Self.statement(2, stance: "denies", subject: nil, claim: "talks are early"),
            try Self.statement(3, stance: "denies", subject: nil, claim: "Something else"),
        ])
        #expect(topics.map(\.topic) == ["claim: talks are early"])
        #expect(topics[0].openPairs == 1)
    }

    @Test func differingClaimsFromDifferentPartiesContradict() throws {
        let topics = ContradictionDetector.detect(in: [
            try Self.statement(1, stance: "confirms", side: "zil", claim: "start in 2005"),
            try Self.statement(2, stance: "confirms", side: "faw", claim: "start in 2007"),
            try Self.statement(3, stance: "confirms", side: "zil", claim: "start in 2006"),
            try Self.statement(4, stance: "confirms", side: "faw", claim: "start in 2005"),
        ])
        // zil/2005–faw/2007, faw/2007–zil/2006, zil/2006–faw/2005 (same claim and same side pairs do not count).
        #expect(topics.first?.openPairs == 3)
        #expect(topics.first?.listed.count == 3)
        #expect(topics.first?.listed.allSatisfy { $0.reason == .differingClaims } == true)
    }

    @Test func retractionResolvesButKeepsThePair() throws {
        let topics = ContradictionDetector.detect(in: [
            try Self.statement(1, stance: "confirms", retracted: true), try Self.statement(2, stance: "qualifies"),
        ])
        #expect(topics.first?.openPairs == 0)
        #expect(topics.first?.resolvedPairs == 1)
        #expect(topics.first?.listed.first?.isOpen == false)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func pairCountMatchesBruteForce(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let stances = ["confirms", "denies", "no-comment", "qualifies"]
        let sides: [String?] = ["a", "b", "c", nil]
        let claims = ["one", "two", "three"]
        var group: [Statement] = []
        for index in 0..<Int.random(in: 2...40, using: &random) {
            group.append(
                try Self.statement(
                    index + 1, stance: stances.randomElement(using: &random)!, side: sides.randomElement(using: &random)!,
                    claim: claims.randomElement(using: &random)!, retracted: Int.random(in: 0..<5, using: &random) == 0))
        }
        var all = 0
        var open = 0
        for i in group.indices {
            for j in group.indices where j > i && ContradictionDetector.conflict(group[i], group[j]) != nil {
                all += 1
                if !group[i].isRetracted && !group[j].isRetracted { open += 1 }
            }
        }
        let topic = ContradictionDetector.detect(in: group).first
        #expect((topic?.openPairs ?? 0) == open)
        #expect((topic?.resolvedPairs ?? 0) == all - open)
        #expect((topic?.listed.count ?? 0) == min(all, ContradictionDetector.listLimit))
        for pair in topic?.listed ?? [] {
            #expect(ContradictionDetector.conflict(pair.first, pair.second) == pair.reason)
        }
    }

    @Test func largeTopicIsNotQuadratic() throws {
        var group: [Statement] = []
        for index in 0..<20_000 {
            group.append(
                try Self.statement(
                    index + 1, stance: index % 2 == 0 ? "confirms" : "denies", side: index % 3 == 0 ? "a" : "b",
                    claim: "the same claim"))
        }
        let clock = ContinuousClock()
        let started = clock.now
        let topics = ContradictionDetector.detect(in: group)
        #expect(clock.now - started < .seconds(10))
        #expect(topics.first?.openPairs == 10_000 * 10_000)
        #expect(topics.first?.listed.count == ContradictionDetector.listLimit)
    }
}
