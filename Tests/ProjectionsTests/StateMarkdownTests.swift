import Testing

@testable import Projections

@Suite struct StateMarkdownTests {
    static func briefing(_ query: StateQuery = StateQuery()) throws -> String {
        let now = ProjectionsFixture.now
        return StateMarkdown.render(try LedgerProjection.project(try ProjectionsFixture.sampleEvents(), query: query, now: now))
    }

    @Test func sampleBriefingReadsLikeABriefing() throws {
        let text = try Self.briefing()
        for expected in [
            "# Parley briefing",
            "## Negotiation: ZIL to assemble FAW trucks and buses",
            "**Stage: talks** (since 2005-02-14)",
            "Parties: ZIL — assembler; First Automotive Works (FAW) — licensor; Moscow Automobile Company (MAC) — negotiator",
            "### Contradictions (resolved)",
            "4 truck models, 2 bus models, proposed by MAC",
            "USD 2,000,000–2,500,000",
            "corrected by seq 25 (2005-03-15): `high` was USD 25,000,000",
            "`start_window` 2005-07-01 – 2005-12-31 → 2006-01-01 – 2006-06-30",
            "small buses, Moscow and St Petersburg: 5,000–7,000 vehicles a year, estimated by ZIL",
            "USD 35,000–40,000, sticker price, quoted by MAC",
            "Vedomosti via Prime-Tass",
            "**retracted** 2005-05-20 by MAC",
            "Owned 90% by Moscow city government",
            "Managed by Moscow Automobile Company (MAC)",
            "Konstantin Laptev — director",
            "| units-sold | 2004 (2004-01-01 – 2004-12-31) | 14,778 vehicles |",
            "| revenue | Jan–Sep 2004 (2004-01-01 – 2004-09-30) | USD 116,000,000 |",
            "| net-loss | Jan–Sep 2004 (2004-01-01 – 2004-09-30) | USD 32,800,000 |",
            "## Corrections",
            "## Findings",
            "*illustrative, not sourced*",
            "## Notes on sources and dates",
            "- seq 1–21: Article date not given in the source",
        ] {
            #expect(text.contains(expected), "missing: \(expected)")
        }
    }

    @Test func openContradictionIsFlaggedBeforeTheRetractionIsKnown() throws {
        let text = try Self.briefing(StateQuery(asOfSeq: 26))
        #expect(text.contains("### ⚠ Contradictions"))
        #expect(text.contains("- **⚠ Contradictions:** 1 open"))
        #expect(text.contains("**assembly-start** (1 open)"))
        #expect(!text.contains("**retracted**"))
    }
}
