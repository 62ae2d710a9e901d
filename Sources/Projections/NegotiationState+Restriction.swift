extension NegotiationState {
    /// Every party the negotiation's events name.
    var namedParties: Set<String> {
        var named = Set(parties.map(\.party))
        for item in allItems {
            for field in Self.partyFields { if let party = item.string(field) { named.insert(party) } }
            for party in item.data["agreed_by"]?.arrayValue ?? [] { if let party = party.stringValue { named.insert(party) } }
        }
        return named
    }

    /// Only the items `isIncluded` accepts.
    func filtered(_ isIncluded: (SourcedData) -> Bool) -> NegotiationState {
        func filter(_ timelines: [String: Timeline]) -> [String: Timeline] {
            timelines.mapValues { $0.filtered(isIncluded) }.filter { !$0.value.isEmpty }
        }
        var kept = NegotiationState(id: id)
        kept.openings = openings.filtered(isIncluded)
        kept.stageChanges = stageChanges.filtered(isIncluded)
        kept.scopeProposals = scopeProposals.filtered(isIncluded)
        kept.termProposals = filter(termProposals)
        kept.termAgreements = filter(termAgreements)
        kept.planEvents = filter(planEvents)
        kept.statementTimeline = statementTimeline.filtered(isIncluded)
        kept.retractions = filter(retractions)
        kept.estimateTimeline = estimateTimeline.filtered(isIncluded)
        kept.priceTimeline = priceTimeline.filtered(isIncluded)
        return kept
    }
}
