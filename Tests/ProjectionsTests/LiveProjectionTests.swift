import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@testable import Projections

/// Property: folding a ledger at once equals folding it incrementally after each append, for
/// generator workloads with corrections, retractions and late-arriving events mixed in, cut
/// into random commits.
@Suite struct LiveProjectionTests {
    /// Generator lines plus corrections, retractions, late arrivals and a stray correction.
    static func workload(count: Int, seed: Int) throws -> [String] {
        var random = SplitMix64(seed: UInt64(seed))
        var lines: [String] = []
        var earlier: [(id: String, stream: String, type: String, effectiveAt: String)] = []
        for (index, text) in try ProjectionsFixture.generatorLines(count: count, seed: seed).enumerated() {
            var input = try JSONValue(parsing: text)
            guard case .object(var members) = input, let id = members["id"]?.stringValue,
                let stream = members["stream"]?.stringValue, let type = members["type"]?.stringValue,
                var effectiveAt = members["effective_at"]?.stringValue
            else { continue }
            if index > 20 && Int.random(in: 0..<40, using: &random) == 0 {
                effectiveAt = "2003-12-\(10 + Int.random(in: 0..<20, using: &random))T00:00:00Z"
                members["effective_at"] = .string(effectiveAt)
                input = .object(members)
            }
            lines.append(input.canonicalString)
            earlier.append((id, stream, type, effectiveAt))
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 4, let target = earlier.randomElement(using: &random), target.type != "EventCorrected" {
                let changes: JSONValue
                switch target.type {
                case "StatementReported":
                    changes = .object(["stance": .string(["confirms", "denies", "qualifies"].randomElement(using: &random)!)])
                case "FinancialFactReported":
                    changes = .object(["period": .object(["to": .string("2004-06-30")])])
                case "TermProposed": changes = .object(["high": .object(["amount": .string("99900")])])
                case "NegotiationOpened": changes = .object(["title": .string("Corrected title")])
                default: changes = .object(["note": .string("corrected")])
                }
                lines.append(
                    ProjectionsFixture.line(
                        id: UUID().uuidString.lowercased(), stream: target.stream, type: "EventCorrected",
                        effectiveAt: target.effectiveAt,
                        data: .object(["corrects": .string(target.id), "changes": changes, "reason": .string("test")])))
            } else if roll < 7,
                let target = earlier.filter({ $0.type == "StatementReported" }).randomElement(using: &random)
            {
                lines.append(
                    ProjectionsFixture.line(
                        id: UUID().uuidString.lowercased(), stream: target.stream, type: "ClaimRetracted",
                        effectiveAt: "2005-06-01T00:00:00Z",
                        data: .object(["retracts": .string(target.id), "reason": .string("withdrawn")])))
            } else if roll == 7 {
                lines.append(
                    ProjectionsFixture.line(
                        stream: stream, type: "EventCorrected", effectiveAt: effectiveAt,
                        data: .object([
                            "corrects": .string("ffffffff-ffff-4fff-8fff-ffffffffffff"), "changes": .object([:]),
                            "reason": .string("stray"),
                        ])))
            }
        }
        return lines
    }

    @Test(arguments: [(3000, 11), (1500, 5)])
    func incrementalEqualsReplay(count: Int, seed: Int) throws {
        let lines = try Self.workload(count: count, seed: seed)
        var random = SplitMix64(seed: UInt64(seed) &* 31)
        try ProjectionsFixture.withTemporaryDirectory { directory in
            let (path, writer) = try ProjectionsFixture.makeLedger(in: directory)
            let reader = try LedgerReader(path: path)
            var live = LiveProjection()
            var offset = 0
            var appends = 0
            while offset < lines.count {
                let size = min(lines.count - offset, Int.random(in: 1...(appends % 3 == 0 ? 5 : 600), using: &random))
                try ProjectionsFixture.append(Array(lines[offset..<(offset + size)]), with: writer)
                offset += size
                appends += 1
                let folded = try live.catchUp(with: reader)
                #expect(folded == size)
                let replay = try LedgerProjection.project(ledgerAt: path).state
                #expect(live.state == replay)
                #expect(ProjectionsFixture.json(live.state) == ProjectionsFixture.json(replay))
            }
            #expect(appends > 3)
            #expect(live.state.eventCount == lines.count)
            #expect(live.state.corrections.count > 0)
            #expect(live.state.findings.contains { $0.kind == .unknownCorrectionTarget })
            let retracted = live.state.negotiations.all.flatMap(\.statements).filter(\.isRetracted)
            #expect(!retracted.isEmpty)
        }
    }

    @Test func inMemoryFoldOfEveryPrefixMatchesTheStepwiseFold() throws {
        let events = try ProjectionsFixture.events(fromInput: try Self.workload(count: 400, seed: 3))
        var stepwise = LedgerState()
        for (index, event) in events.enumerated() {
            stepwise.apply(event)
            if index % 37 == 0 || index == events.count - 1 {
                #expect(stepwise == LedgerState(folding: events[...index]))
            }
        }
    }
}
