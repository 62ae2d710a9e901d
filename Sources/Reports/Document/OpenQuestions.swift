import Projections

/// What a negotiation's record leaves unsettled, in a fixed order: claims met with no comment,
/// open contradictions, claims retracted with nothing confirming in their place, terms (and
/// ranges) not agreed, a stage that rests on no sourced report or was an illegal move, and
/// financial facts of its parties whose reports differ.
enum OpenQuestions {
    /// Confidence levels that count as a sourced report.
    static let sourced: Set<String> = ["reported", "confirmed"]

    static func of(
        _ negotiation: NegotiationState, statements: [Statement], contradictions: [TopicContradictions], terms: [Term],
        parties: [String], names: PartyNames, facts: [String: [FinancialFact]], differing: [FinancialKey: Int]
    ) -> [Report.OpenQuestion] {
        var questions: [Report.OpenQuestion] = []
        func name(_ party: String?) -> String { party.map { names.shortName($0) } ?? "unknown party" }
        for statement in statements where statement.stance == "no-comment" && !statement.isRetracted {
            let source = statement.record.source
            var text = "\(statement.speaker) declined to comment on \(statement.topic) (\(ReportText.when(source))"
            if let publication = ReportText.publication(source.provenance) { text += ", \(publication)" }
            text += ")"
            questions.append(.init(kind: "no-comment", text: text, seqs: [source.seq]))
        }
        for topic in contradictions where topic.openPairs > 0 {
            let seqs = Set(topic.listed.filter(\.isOpen).flatMap { [$0.first.record.source.seq, $0.second.record.source.seq] })
            let first = topic.listed.first { $0.isOpen }
            questions.append(
                .init(
                    kind: "contradiction",
                    text: "\(topic.topic): \(topic.openPairs) open disagreement\(topic.openPairs == 1 ? "" : "s")"
                        + (first.map { " — \($0.explanation)" } ?? ""),
                    seqs: seqs.sorted()))
        }
        var topics: [String] = []
        var byTopic: [String: [Statement]] = [:]
        for statement in statements {
            if byTopic[statement.topic] == nil { topics.append(statement.topic) }
            byTopic[statement.topic, default: []].append(statement)
        }
        for topic in topics {
            let group = byTopic[topic]!
            let retracted = group.filter(\.isRetracted)
            guard !retracted.isEmpty, !group.contains(where: { $0.stance == "confirms" && !$0.isRetracted }) else { continue }
            for statement in retracted {
                guard let retraction = statement.retraction else { continue }
                var text =
                    "\(topic): “\(statement.claim)” (\(statement.speaker)) was retracted \(ReportText.when(retraction.source))"
                if let by = retraction.string("retracted_by") { text += " by \(name(by))" }
                text += "; no confirming claim stands on this subject"
                questions.append(
                    .init(kind: "retracted-claim", text: text, seqs: [statement.record.source.seq, retraction.source.seq]))
            }
        }
        for term in terms where term.agreement == nil {
            guard let proposal = term.proposal else { continue }
            let isRange = term.low != nil && term.high != nil && term.low != term.high
            var text = "\(term.kind ?? "term") \(term.termID): "
            text +=
                isRange || term.low != nil || term.high != nil
                ? ReportText.moneyRange(term.low, term.high) : (term.description ?? "")
            if let by = term.proposedBy { text += " proposed by \(name(by))" }
            text += isRange ? "; the range is not agreed" : "; not agreed"
            questions.append(
                .init(kind: isRange ? "range-not-agreed" : "term-not-agreed", text: text, seqs: [proposal.source.seq]))
        }
        if let step = negotiation.stageHistory.last {
            let provenance = step.record.source.provenance
            let confidence = provenance.confidence ?? "unstated"
            if provenance.isIllustrative || provenance.publication == nil || !sourced.contains(confidence) {
                var basis: [String] = []
                if provenance.isIllustrative { basis.append("illustrative") }
                if provenance.publication == nil { basis.append("no publication") }
                if !provenance.isIllustrative && !sourced.contains(confidence) { basis.append("confidence \(confidence)") }
                questions.append(
                    .init(
                        kind: "unconfirmed-stage",
                        text: "stage \(step.stage) (since \(ReportText.when(step.record.source))) has no sourced confirmation: "
                            + basis.joined(separator: ", "),
                        seqs: [step.record.source.seq]))
            }
        }
        for step in negotiation.stageHistory where !step.isLegal {
            questions.append(
                .init(
                    kind: "illegal-stage",
                    text: "stage move \(step.previousStage ?? "(not opened)") → \(step.stage) is not allowed",
                    seqs: [step.record.source.seq]))
        }
        for party in parties {
            for fact in facts[party] ?? [] {
                let differing = differing[fact.key] ?? 0
                guard differing > 0 else { continue }
                questions.append(
                    .init(
                        kind: "differing-reports",
                        text:
                            "\(name(party)) \(fact.key.metric) \(ReportText.period(fact.key.period)): \(differing) earlier report\(differing == 1 ? "" : "s") differ from the latest",
                        seqs: [fact.record.source.seq]))
            }
        }
        return questions
    }
}
