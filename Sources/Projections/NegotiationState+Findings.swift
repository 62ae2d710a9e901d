extension NegotiationState {
    /// Fields of negotiation events that name a party.
    static let partyFields = [
        "proposed_by", "quoted_by", "estimated_by", "speaker_party", "on_behalf_of", "assembler", "retracted_by",
    ]

    /// The findings derived from this negotiation.
    func findings(registeredParties: Set<String>) -> [Finding] {
        var found: [Finding] = []
        let items = allItems
        if !isOpened, let first = items.min(by: { $0.source.seq < $1.source.seq }) {
            found.append(Finding(.unknownNegotiation, first.source, "negotiation \(id) was never opened (no NegotiationOpened)"))
        }
        for extra in openings.dropFirst() {
            found.append(
                Finding(.duplicateOpening, extra.source, "negotiation \(id) is opened a second time; the first opening stands"))
        }
        for item in items {
            var named = Self.partyFields.compactMap { item.string($0) }
            named += (item.data["agreed_by"]?.arrayValue ?? []).compactMap(\.stringValue)
            named += (item.data["parties"]?.arrayValue ?? []).compactMap { $0["party"]?.stringValue }
            for party in named where !registeredParties.contains(party) {
                found.append(Finding(.unknownParty, item.source, "party \(party) is not a registered party"))
            }
        }
        for step in stageHistory {
            if !step.isLegal {
                found.append(
                    Finding(
                        .illegalStageTransition, step.record.source,
                        "stage change \(step.previousStage ?? "(not opened)") → \(step.stage) is not allowed in \(id)"))
            }
            if let declared = step.mismatchedPreviousStage {
                found.append(
                    Finding(
                        .previousStageMismatch, step.record.source,
                        "previous_stage is \(declared) but \(id) was at \(step.previousStage ?? "(not opened)")"))
            }
        }
        for (term, agreements) in termAgreements where termProposals[term]?.isEmpty ?? true {
            for agreement in agreements {
                found.append(Finding(.unknownTerm, agreement.source, "term \(term) was never proposed in \(id)"))
            }
        }
        for (plan, timeline) in planEvents {
            for item in timeline {
                guard item.source.type == "AssemblyPlanDrafted" else {
                    found.append(Finding(.unknownPlan, item.source, "plan \(plan) is revised before it was drafted"))
                    continue
                }
                break
            }
        }
        for retraction in orphanRetractions {
            found.append(
                Finding(
                    .unknownRetractionTarget, retraction.source,
                    "retracts \(retraction.string("retracts") ?? "?"), which is not a statement of \(id)"))
        }
        let statements = self.statements
        for statement in statements {
            guard let retraction = statement.retraction, let named = retraction.string("statement_id"),
                named != statement.statementID
            else { continue }
            found.append(
                Finding(
                    .retractionMismatch, retraction.source,
                    "statement_id \(named) does not match the retracted statement \(statement.statementID)"))
        }
        for topic in ContradictionDetector.detect(in: statements) where topic.openPairs > 0 {
            for pair in topic.listed where pair.isOpen {
                let later = pair.first.record.source.seq > pair.second.record.source.seq ? pair.first : pair.second
                found.append(
                    Finding(
                        .contradiction, later.record.source,
                        "\(id), \(topic.topic): \(pair.first.statementID) (seq \(pair.first.record.source.seq)) and "
                            + "\(pair.second.statementID) (seq \(pair.second.record.source.seq)) disagree: \(pair.explanation)"
                            + (topic.openPairs > 1 ? " (\(topic.openPairs) open pairs on this topic)" : "")))
            }
        }
        return found
    }
}
