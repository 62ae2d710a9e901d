import LedgerStore

/// One negotiation as its events describe it: parties and roles, stage and its history, scope,
/// terms, assembly plans, statements (with retractions), market estimates and price quotes.
///
/// It stores timelines of event bodies (valid-time order); everything public is a view computed
/// from them, so a correction or a late-arriving event changes every view consistently.
public struct NegotiationState: Sendable, Equatable {
    /// The negotiation id, e.g. `zil-faw-assembly`.
    public let id: String
    var openings = Timeline()
    var stageChanges = Timeline()
    var scopeProposals = Timeline()
    var termProposals: [String: Timeline] = [:]
    var termAgreements: [String: Timeline] = [:]
    var planEvents: [String: Timeline] = [:]
    var statementTimeline = Timeline()
    /// `ClaimRetracted` bodies by the retracted event's id.
    var retractions: [String: Timeline] = [:]
    var estimateTimeline = Timeline()
    var priceTimeline = Timeline()

    /// An empty negotiation.
    ///
    /// - Parameter id: The negotiation id.
    public init(id: String) {
        self.id = id
    }

    /// The event types this concern folds.
    static let types: Set<String> = [
        "NegotiationOpened", "NegotiationStageChanged", "ScopeProposed", "TermProposed", "TermAgreed",
        "AssemblyPlanDrafted", "AssemblyPlanRevised", "StatementReported", "ClaimRetracted", "DemandEstimated",
        "PriceQuoted",
    ]

    /// Places an item; nil when its type is not a negotiation type.
    mutating func insert(_ item: SourcedData) -> NegotiationSlot? {
        func place(_ timeline: inout Timeline, _ slot: NegotiationSlot) -> NegotiationSlot {
            timeline.insert(item)
            return slot
        }
        switch item.source.type {
        case "NegotiationOpened": return place(&openings, .opening)
        case "NegotiationStageChanged": return place(&stageChanges, .stage)
        case "ScopeProposed": return place(&scopeProposals, .scope)
        case "TermProposed":
            let term = item.string("term_id") ?? ""
            return place(&termProposals[term, default: Timeline()], .termProposal(term))
        case "TermAgreed":
            let term = item.string("term_id") ?? ""
            return place(&termAgreements[term, default: Timeline()], .termAgreement(term))
        case "AssemblyPlanDrafted", "AssemblyPlanRevised":
            let plan = item.string("plan_id") ?? ""
            return place(&planEvents[plan, default: Timeline()], .plan(plan))
        case "StatementReported": return place(&statementTimeline, .statement)
        case "ClaimRetracted":
            let target = item.string("retracts") ?? ""
            return place(&retractions[target, default: Timeline()], .retraction(target: target))
        case "DemandEstimated": return place(&estimateTimeline, .estimate)
        case "PriceQuoted": return place(&priceTimeline, .price)
        default: return nil
        }
    }

    /// Removes the item from record `seq` held at `slot`.
    mutating func remove(at slot: NegotiationSlot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        func take(_ timeline: inout Timeline) -> SourcedData? { timeline.remove(seq: seq, effectiveAt: effectiveAt) }
        func take(_ timelines: inout [String: Timeline], _ key: String) -> SourcedData? {
            let removed = timelines[key]?.remove(seq: seq, effectiveAt: effectiveAt)
            if timelines[key]?.isEmpty == true { timelines[key] = nil }
            return removed
        }
        switch slot {
        case .opening: return take(&openings)
        case .stage: return take(&stageChanges)
        case .scope: return take(&scopeProposals)
        case .termProposal(let term): return take(&termProposals, term)
        case .termAgreement(let term): return take(&termAgreements, term)
        case .plan(let plan): return take(&planEvents, plan)
        case .statement: return take(&statementTimeline)
        case .retraction(let target): return take(&retractions, target)
        case .estimate: return take(&estimateTimeline)
        case .price: return take(&priceTimeline)
        }
    }

    /// The item from record `seq` held at `slot`.
    func item(at slot: NegotiationSlot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        func find(_ timeline: Timeline?) -> SourcedData? { timeline?.item(seq: seq, effectiveAt: effectiveAt) }
        switch slot {
        case .opening: return find(openings)
        case .stage: return find(stageChanges)
        case .scope: return find(scopeProposals)
        case .termProposal(let term): return find(termProposals[term])
        case .termAgreement(let term): return find(termAgreements[term])
        case .plan(let plan): return find(planEvents[plan])
        case .statement: return find(statementTimeline)
        case .retraction(let target): return find(retractions[target])
        case .estimate: return find(estimateTimeline)
        case .price: return find(priceTimeline)
        }
    }

    /// Whether a `NegotiationOpened` is held.
    public var isOpened: Bool { !openings.isEmpty }

    /// The opening (the earliest `NegotiationOpened` in valid time).
    public var opening: SourcedData? { openings.first }

    /// Short title.
    public var title: String? { opening?.string("title") }

    /// What is being negotiated.
    public var subject: String? { opening?.string("subject") }

    /// The parties and their roles, as opened.
    public var parties: [NegotiationParty] {
        (opening?.data["parties"]?.arrayValue ?? []).compactMap { entry in
            guard let party = entry["party"]?.stringValue else { return nil }
            return NegotiationParty(party: party, role: entry["role"]?.stringValue ?? "")
        }
    }

    /// The current stage (nil when neither opened nor moved).
    public var stage: String? { stageHistory.last?.stage }

    /// The opening (stage exploratory) and every stage change, in valid time, each checked
    /// against `NegotiationStage`.
    public var stageHistory: [StageStep] {
        var steps: [StageStep] = []
        var current: String?
        if let opening {
            steps.append(StageStep(stage: "exploratory", previousStage: nil, record: opening, isLegal: true))
            current = "exploratory"
        }
        for change in stageChanges {
            let next = change.string("stage") ?? ""
            let legal: Bool
            if let to = NegotiationStage(rawValue: next) {
                legal = NegotiationStage.isLegal(from: current.flatMap(NegotiationStage.init(rawValue:)), to: to)
            } else {
                legal = false
            }
            let declared = change.string("previous_stage")
            steps.append(
                StageStep(
                    stage: next, previousStage: current, record: change, isLegal: legal,
                    mismatchedPreviousStage: declared != nil && declared != current ? declared : nil))
            current = next
        }
        return steps
    }

    /// The latest scope proposal.
    public var scope: ScopeProposal? { scopeProposals.latest.map(ScopeProposal.init(record:)) }

    /// Every scope proposal, in valid time.
    public var scopeHistory: [ScopeProposal] { scopeProposals.map(ScopeProposal.init(record:)) }

    /// The terms, in order of their first proposal (or agreement) in valid time.
    public var terms: [Term] {
        let ids = Set(termProposals.keys).union(termAgreements.keys)
        let terms = ids.map { id in
            Term(
                termID: id, proposals: Array(termProposals[id] ?? Timeline()),
                agreements: Array(termAgreements[id] ?? Timeline()))
        }
        return terms.sorted { lhs, rhs in
            let a = (lhs.proposals.first ?? lhs.agreements.first)!.source
            let b = (rhs.proposals.first ?? rhs.agreements.first)!.source
            return a.precedes(b)
        }
    }

    /// The assembly plans, in order of their first event in valid time.
    public var plans: [AssemblyPlan] {
        planEvents.sorted { lhs, rhs in lhs.value[0].source.precedes(rhs.value[0].source) }
            .map { AssemblyPlan(planID: $0.key, timeline: $0.value) }
    }

    /// Every statement in valid time, with its retraction (retracted ones stay listed).
    public var statements: [Statement] {
        statementTimeline.map { Statement(record: $0, retraction: retractions[$0.source.id]?.latest) }
    }

    /// Every market estimate, in valid time.
    public var marketEstimates: [MarketEstimate] { estimateTimeline.map(MarketEstimate.init(record:)) }

    /// Every price quote, in valid time.
    public var priceQuotes: [PriceQuote] { priceTimeline.map(PriceQuote.init(record:)) }

    /// Claims about the same topic that disagree (see `ContradictionDetector` for the rule).
    public var contradictions: [TopicContradictions] { ContradictionDetector.detect(in: statements) }

    /// The retractions whose target is not a statement of this negotiation.
    var orphanRetractions: [SourcedData] {
        let statementIDs = Set(statementTimeline.map(\.source.id))
        return retractions.filter { !statementIDs.contains($0.key) }.values.flatMap { Array($0) }
    }

    /// Whether no item is held.
    var isEmpty: Bool { allItems.isEmpty }

    /// Every item held, in no particular order.
    var allItems: [SourcedData] {
        var items = Array(openings) + Array(stageChanges) + Array(scopeProposals)
        for timeline in termProposals.values { items += timeline }
        for timeline in termAgreements.values { items += timeline }
        for timeline in planEvents.values { items += timeline }
        items += statementTimeline
        for timeline in retractions.values { items += timeline }
        items += estimateTimeline
        items += priceTimeline
        return items
    }
}
