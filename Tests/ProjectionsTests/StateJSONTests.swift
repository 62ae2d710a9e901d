import CanonicalJSON
import Testing

@testable import Projections

@Suite struct StateJSONTests {
    @Test func sampleShape() throws {
        let projected = try LedgerProjection.project(
            try ProjectionsFixture.sampleEvents(), query: StateQuery(), now: ProjectionsFixture.now)
        let text = StateJSON.render(projected)
        let json = try JSONValue(parsing: text)
        #expect(json.canonicalString == text)
        #expect(json["selection"]?["through_seq"]?.integerValue == 27)
        #expect(json["selection"]?["as_of"] == .null)
        let zil = try #require(json["parties"]?.arrayValue?.first { $0["id"]?.stringValue == "zil" })
        #expect(zil["owners"]?.arrayValue?.first?["share_percent"]?.stringValue == "90")
        #expect(zil["owners"]?.arrayValue?.first?["record"]?["seq"]?.integerValue == 7)
        let negotiation = try #require(json["negotiations"]?.arrayValue?.first)
        #expect(negotiation["stage"]?.stringValue == "talks")
        #expect(negotiation["stage_history"]?.arrayValue?.count == 2)
        #expect(negotiation["price_quotes"]?.arrayValue?.first?["low"]?["amount"]?.stringValue == "35000")
        let term = try #require(negotiation["terms"]?.arrayValue?.first)
        #expect(term["high"]?["amount"]?.stringValue == "2500000")
        #expect(term["proposals"]?.arrayValue?.first?["original"]?["high"]?["amount"]?.stringValue == "25000000")
        let contradiction = try #require(negotiation["contradictions"]?.arrayValue?.first)
        #expect(contradiction["topic"]?.stringValue == "assembly-start")
        #expect(contradiction["resolved_pairs"]?.integerValue == 1)
        let retracted = negotiation["statements"]?.arrayValue?.filter { $0["retracted"]?.boolValue == true }
        #expect(retracted?.count == 1)
        #expect(retracted?.first?["record"]?["meta"]?["source"]?["publication"]?.stringValue == "Vedomosti")
        #expect(json["financials"]?.arrayValue?.count == 3)
        #expect(json["corrections"]?.arrayValue?.first?["applied"]?.boolValue == true)
        #expect(json["findings"]?.arrayValue?.isEmpty == true)
    }

    @Test func streamedTextIsTheCanonicalTextOfTheTree() throws {
        var lines = try ProjectionsFixture.sampleLines()
        lines.append(
            ProjectionsFixture.line(
                stream: "party/zil", type: "EventCorrected", effectiveAt: "2005-01-01",
                data: .object([
                    "corrects": .string("ffffffff-ffff-4fff-8fff-ffffffffffff"), "changes": .object([:]),
                    "reason": .string("stray"),
                ])))
        for seq in [UInt64(20), 26, 28] {
            let projected = try LedgerProjection.project(
                try ProjectionsFixture.events(fromInput: lines), query: StateQuery(asOfSeq: seq), now: ProjectionsFixture.now)
            #expect(StateJSON.render(projected) == StateJSON.value(projected).canonicalString)
        }
    }
}
