import CanonicalJSON
import LedgerStore
import Testing

@testable import Projections

@Suite struct LedgerStateTests {
    static let negotiationID = "zil-faw-assembly"

    @Test func sampleParties() throws {
        let state = try ProjectionsFixture.sampleState()
        #expect(state.parties.ids == ["faw", "mac", "moscow-city", "prime-tass", "vedomosti", "zil"])
        let zil = try #require(state.parties.party("zil"))
        #expect(zil.kind == "manufacturer")
        #expect(zil.country == "RU")
        let owner = try #require(zil.owners.first { $0.relation == "owns" })
        #expect(owner.owner == "moscow-city")
        #expect(owner.sharePercent == "90")
        let manager = try #require(zil.owners.first { $0.relation == "manages" })
        #expect(manager.owner == "mac")
        #expect(manager.sharePercent == nil)
        let mac = try #require(state.parties.party("mac"))
        #expect(mac.kind == "management-company")
        #expect(mac.holdings.map(\.owned) == ["zil"])
        let laptev = try #require(mac.people.first)
        #expect(laptev.personName == "Konstantin Laptev")
        #expect(laptev.role == "director")
        #expect(laptev.personTitle == "director")
        #expect(state.parties.party("moscow-city")?.holdings.first?.sharePercent == "90")
        #expect(state.parties.party("faw")?.country == "CN")
        #expect(state.parties.displayName("mac") == "Moscow Automobile Company (MAC)")
    }

    @Test func sampleNegotiation() throws {
        let state = try ProjectionsFixture.sampleState()
        let negotiation = try #require(state.negotiations[Self.negotiationID])
        #expect(negotiation.title == "ZIL to assemble FAW trucks and buses")
        #expect(
            negotiation.parties
                == [
                    NegotiationParty(party: "zil", role: "assembler"), NegotiationParty(party: "faw", role: "licensor"),
                    NegotiationParty(party: "mac", role: "negotiator"),
                ])
        #expect(negotiation.stage == "talks")
        #expect(negotiation.stageHistory.map(\.stage) == ["exploratory", "talks"])
        #expect(negotiation.stageHistory.allSatisfy { $0.isLegal })
        let scope = try #require(negotiation.scope)
        #expect(scope.items.map(\.category) == ["truck", "bus"])
        #expect(scope.items.map(\.models) == [4, 2])
        #expect(scope.proposedBy == "mac")
        let price = try #require(negotiation.priceQuotes.first)
        #expect(price.low == Money(amount: "35000", currency: "USD"))
        #expect(price.high == Money(amount: "40000", currency: "USD"))
        #expect(price.basis == "sticker")
        #expect(price.quotedBy == "mac")
        let demand = try #require(negotiation.marketEstimates.first)
        #expect(demand.range == CountRange(low: 5000, high: 7000))
        #expect(demand.segment == "small buses")
        #expect(demand.market == "Moscow and St Petersburg")
        #expect(demand.period == "year")
        #expect(demand.unit == "vehicles")
        #expect(demand.record.source.provenance.confidence == "estimate")
    }

    @Test func sampleFinancials() throws {
        let state = try ProjectionsFixture.sampleState()
        let facts = state.financials.facts(about: "zil")
        #expect(facts.count == 3)
        let year = DatePeriod(from: "2004-01-01", to: "2004-12-31")
        let nineMonths = DatePeriod(from: "2004-01-01", to: "2004-09-30")
        let sold = try #require(state.financials.fact(FinancialKey(party: "zil", metric: "units-sold", period: year)))
        #expect(sold.value == .count(14778))
        #expect(sold.unit == "vehicles")
        let revenue = try #require(state.financials.fact(FinancialKey(party: "zil", metric: "revenue", period: nineMonths)))
        #expect(revenue.value == .money(Money(amount: "116000000", currency: "USD")))
        let loss = try #require(state.financials.fact(FinancialKey(party: "zil", metric: "net-loss", period: nineMonths)))
        #expect(loss.value == .money(Money(amount: "32800000", currency: "USD")))
        #expect(loss.record.source.provenance.publication == "Vedomosti")
    }

    @Test func sampleStatementsKeepProvenanceAndRetraction() throws {
        let state = try ProjectionsFixture.sampleState()
        let statements = try #require(state.negotiations[Self.negotiationID]).statements
        #expect(statements.count == 5)
        let laptev = try #require(statements.first { $0.statementID == "s-laptev-assembly-start" })
        #expect(laptev.isRetracted)
        #expect(laptev.retraction?.string("retracted_by") == "mac")
        #expect(laptev.speaker == "Konstantin Laptev")
        #expect(laptev.onBehalfOf == "mac")
        let source = try #require(statements.first { $0.statementID == "s-faw-source-early-stages" })
        #expect(source.speakerKind == "anonymous")
        #expect(source.side == "faw")
        #expect(source.record.source.provenance.publication == "Vedomosti")
        #expect(source.record.source.provenance.via == "Prime-Tass")
        #expect(source.record.source.provenance.confidence == "anonymous")
        #expect(!source.isRetracted)
    }

    @Test func sampleContradictionIsDetectedAndResolvedByTheRetraction() throws {
        let events = try ProjectionsFixture.sampleEvents()
        let before = LedgerState(folding: events.dropLast())
        let open = try #require(before.negotiations[Self.negotiationID]?.contradictions.first)
        #expect(open.topic == "assembly-start")
        #expect(open.openPairs == 1)
        #expect(open.resolvedPairs == 0)
        let pair = try #require(open.listed.first)
        #expect(pair.first.statementID == "s-laptev-assembly-start")
        #expect(pair.second.statementID == "s-faw-source-early-stages")
        #expect(pair.reason == .opposingStances)
        #expect(pair.isOpen)
        #expect(before.findings.filter { $0.kind == .contradiction }.count == 1)

        let after = LedgerState(folding: events)
        let resolved = try #require(after.negotiations[Self.negotiationID]?.contradictions.first)
        #expect(resolved.topic == "assembly-start")
        #expect(resolved.openPairs == 0)
        #expect(resolved.resolvedPairs == 1)
        #expect(resolved.listed.first?.isOpen == false)
        #expect(after.findings.isEmpty)
    }

    @Test func sampleCorrectionAppliesAndKeepsTheOriginal() throws {
        let state = try ProjectionsFixture.sampleState()
        let term = try #require(state.negotiations[Self.negotiationID]?.terms.first)
        #expect(term.termID == "t-licence-fee")
        #expect(term.low == Money(amount: "2000000", currency: "USD"))
        #expect(term.high == Money(amount: "2500000", currency: "USD"))
        #expect(term.status == "proposed")
        let proposal = try #require(term.proposal)
        #expect(proposal.original?["high"]?["amount"]?.stringValue == "25000000")
        #expect(proposal.corrections.map(\.source.seq) == [25])
        #expect(state.corrections.count == 1)
        #expect(state.isApplied(state.corrections[0]))
    }

    @Test func samplePlanRevision() throws {
        let state = try ProjectionsFixture.sampleState()
        let plan = try #require(state.negotiations[Self.negotiationID]?.plans.first)
        #expect(plan.planID == "plan-zil-faw-1")
        #expect(plan.startWindow == DatePeriod(from: "2006-01-01", to: "2006-06-30"))
        #expect(plan.annualVolume == CountRange(low: 1000, high: 2000))
        #expect(plan.products.map(\.models) == [4, 2])
        #expect(plan.assembler == "zil")
        #expect(plan.revisions.count == 1)
        #expect(plan.revisions[0].changedFields == ["start_window"])
        #expect(DatePeriod(plan.revisions[0].replaced["start_window"]) == DatePeriod(from: "2005-07-01", to: "2005-12-31"))
        #expect(plan.draft != nil)
    }

    @Test func roleAssignedV1IsReadThroughTheUpcaster() throws {
        let event = try ProjectedEvent(
            seq: 1, id: "00000000-0000-4000-8000-000000000001", stream: "party/mac", type: "RoleAssigned", schema: 1,
            recordedAt: "2026-01-01T00:00:00.000000Z", effectiveAt: "2005-01-01",
            data: .object(["party": .string("mac"), "role": .string("director"), "person": .string("Konstantin Laptev")]))
        #expect(event.schema == 2)
        #expect(event.recordedSchema == 1)
        var parties = PartiesState()
        parties.apply(event)
        #expect(parties.roles["mac"]?.first.map { RoleHolding(record: $0, earlier: []).personName } == "Konstantin Laptev")
    }

    @Test func correctionOfUnknownEventIsAFinding() throws {
        var events = try ProjectionsFixture.sampleEvents()
        let stray = try ProjectedEvent(
            seq: 28, id: "00000000-0000-4000-8000-000000000028", stream: "party/zil", type: "EventCorrected",
            recordedAt: "2026-02-01T00:00:00.000000Z", effectiveAt: "2005-01-01",
            data: .object([
                "corrects": .string("11111111-1111-4111-8111-111111111111"), "changes": .object([:]),
                "reason": .string("typo"),
            ]))
        events.append(stray)
        let state = LedgerState(folding: events)
        #expect(state.findings.map(\.kind) == [.unknownCorrectionTarget])
        #expect(state.findings.first?.seq == 28)
        #expect(!state.isApplied(state.corrections.last!))
    }

    @Test func correctionThatChangesTheKeyMovesTheItem() throws {
        var events = try ProjectionsFixture.sampleEvents()
        let revenueID = "d42ed43e-31f8-57b6-a611-da8f8b4f9fe5"
        events.append(
            try ProjectedEvent(
                seq: 28, id: "00000000-0000-4000-8000-000000000028", stream: "party/zil", type: "EventCorrected",
                recordedAt: "2026-02-01T00:00:00.000000Z", effectiveAt: "2005-01-01",
                data: .object([
                    "corrects": .string(revenueID), "changes": .object(["period": .object(["to": .string("2004-06-30")])]),
                    "reason": .string("the report covered the first half"),
                ])))
        events.append(
            try ProjectedEvent(
                seq: 29, id: "00000000-0000-4000-8000-000000000029", stream: "party/zil", type: "EventCorrected",
                recordedAt: "2026-02-01T00:00:00.000000Z", effectiveAt: "2005-01-01",
                data: .object([
                    "corrects": .string(revenueID), "changes": .object(["value": .object(["amount": .string("80000000")])]),
                    "reason": .string("half-year figure"),
                ])))
        let state = LedgerState(folding: events)
        let old = FinancialKey(party: "zil", metric: "revenue", period: DatePeriod(from: "2004-01-01", to: "2004-09-30"))
        let new = FinancialKey(party: "zil", metric: "revenue", period: DatePeriod(from: "2004-01-01", to: "2004-06-30"))
        #expect(state.financials.fact(old) == nil)
        let fact = try #require(state.financials.fact(new))
        #expect(fact.value == .money(Money(amount: "80000000", currency: "USD")))
        #expect(fact.record.original?["period"]?["to"]?.stringValue == "2004-09-30")
        #expect(fact.record.corrections.count == 2)
        #expect(state.findings.isEmpty)
    }

    @Test func semanticProblemsAreFindingsNotErrors() throws {
        let lines = [
            ProjectionsFixture.line(
                stream: "negotiation/x", type: "NegotiationOpened", effectiveAt: "2005-01-01",
                data: .object([
                    "negotiation_id": .string("x"), "title": .string("X"),
                    "parties": .array([.object(["party": .string("ghost"), "role": .string("buyer")])]),
                ])),
            ProjectionsFixture.line(
                stream: "negotiation/x", type: "NegotiationStageChanged", effectiveAt: "2005-02-01",
                data: .object(["stage": .string("signed"), "previous_stage": .string("talks")])),
            ProjectionsFixture.line(
                stream: "negotiation/x", type: "TermAgreed", effectiveAt: "2005-02-01",
                data: .object(["term_id": .string("t-1"), "agreed_by": .array([])])),
            ProjectionsFixture.line(
                stream: "negotiation/x", type: "AssemblyPlanRevised", effectiveAt: "2005-02-01",
                data: .object(["plan_id": .string("p-1"), "reason": .string("r")])),
            ProjectionsFixture.line(
                stream: "negotiation/x", type: "ClaimRetracted", effectiveAt: "2005-02-01",
                data: .object(["retracts": .string("11111111-1111-4111-8111-111111111111"), "reason": .string("r")])),
            ProjectionsFixture.line(
                stream: "negotiation/y", type: "PriceQuoted", effectiveAt: "2005-02-01",
                data: .object(["product": .string("bus"), "basis": .string("list")])),
            ProjectionsFixture.line(stream: "misc/z", type: "ScopeProposed", effectiveAt: "2005-02-01", data: .object([:])),
            ProjectionsFixture.line(stream: "misc/z", type: "Rumour", effectiveAt: "2005-02-01", data: .object([:])),
        ]
        let state = LedgerState(folding: try ProjectionsFixture.events(fromInput: lines))
        let kinds = Set(state.findings.map(\.kind))
        #expect(
            kinds
                == [
                    .unknownParty, .illegalStageTransition, .previousStageMismatch, .unknownTerm, .unknownPlan,
                    .unknownRetractionTarget, .unknownNegotiation, .missingNegotiation, .unknownEventType,
                ])
        #expect(state.negotiations["x"]?.stage == "signed")
        #expect(state.findings.map(\.seq) == state.findings.map(\.seq).sorted())
    }

    @Test func lateStageChangeTakesItsPlaceInValidTime() throws {
        let open = ProjectionsFixture.line(
            stream: "negotiation/x", type: "NegotiationOpened", effectiveAt: "2005-01-01",
            data: .object(["negotiation_id": .string("x"), "title": .string("X"), "parties": .array([])]))
        let talks = ProjectionsFixture.line(
            stream: "negotiation/x", type: "NegotiationStageChanged", effectiveAt: "2005-03-01",
            data: .object(["stage": .string("talks")]))
        let stalledLate = ProjectionsFixture.line(
            stream: "negotiation/x", type: "NegotiationStageChanged", effectiveAt: "2005-02-01",
            data: .object(["stage": .string("stalled")]))
        let state = LedgerState(folding: try ProjectionsFixture.events(fromInput: [open, talks, stalledLate]))
        let negotiation = try #require(state.negotiations["x"])
        #expect(negotiation.stageHistory.map(\.stage) == ["exploratory", "stalled", "talks"])
        #expect(negotiation.stageHistory.allSatisfy { $0.isLegal })
        #expect(negotiation.stage == "talks")
    }

    @Test func restrictionToANegotiationKeepsItsPartiesAndFacts() throws {
        let state = try ProjectionsFixture.sampleState().restricted(toStream: "negotiation/zil-faw-assembly")
        #expect(state.negotiations.all.map(\.id) == ["zil-faw-assembly"])
        #expect(state.parties.ids == ["faw", "mac", "zil"])
        #expect(state.financials.all.count == 3)
        #expect(state.corrections.count == 1)
        let party = try ProjectionsFixture.sampleState().restricted(toStream: "party/moscow-city")
        #expect(party.parties.ids == ["moscow-city", "zil"])
        #expect(party.negotiations.all.isEmpty)
        #expect(party.financials.all.isEmpty)
    }
}
