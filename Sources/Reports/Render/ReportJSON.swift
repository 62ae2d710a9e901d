import CanonicalJSON
import Projections

/// Renders a report as one canonical JSON object (RFC 8785: keys sorted, no whitespace), for
/// scripts. The shape (documented in docs/REPORTS.md; optional members are omitted when absent,
/// arrays keep the order stated):
/// ```
/// {
///   "format": "parley-report", "format_version": 1,
///   "receipt": {"ledger_id","origin","records":{"first","last","count"},"root","tree_size",
///               "through_recorded_at"?,"as_of"?,"as_of_seq"?,"valid_at"?,"negotiation"?,
///               "events_known","events_folded","catalogue_version","generated_at"?},
///   "parties": [{"id","name","kind"?,"country"?,"aliases":[..],"description"?,"record":RECORD,
///                "owners":[RELATION],"holdings":[RELATION],"people":[PERSON]}],          // by id
///   "negotiations": [{"id","title"?,"subject"?,"opened":RECORD?,"stage"?,
///       "stage_history":[{"stage","previous_stage"?,"legal","declared_previous_stage"?,"reason"?,"record"}],
///       "parties":[{"party","name","role"}],"named_parties":[ids],
///       "scope":SCOPE?,"scope_history":[SCOPE],"terms":[TERM],"plans":[PLAN],
///       "market_estimates":[ESTIMATE],"price_quotes":[QUOTE],
///       "statements":[{"topic","statements":[STATEMENT]}],                   // by first appearance
///       "contradictions":[{"topic","statement_count","open_pairs","resolved_pairs",
///                          "pairs":[{"reason","open","explanation","first":{"seq","statement_id"},"second":{..}}]}],
///       "open_questions":[{"kind","text","seqs":[..]}],
///       "since_last_stage_change":{"stage","since":RECORD,"events":[EVENT]}?}],        // by id
///   "financials": [FACT],                    // by party, period, metric
///   "corrections": [{"seq","event_id","corrects","corrects_seq"?,"applied","reason",
///                    "changes":[CHANGE],"record"}],
///   "findings": [{"kind","seq","event_id","stream","message"}],
///   "notes": [{"text","seqs":[..]}],
///   "events": [EVENT]                        // every event in view, by seq
/// }
/// RECORD  = {"seq","event_id","stream","type","effective_at","recorded_at",
///            "provenance":{"publication"?,"url"?,"published_at"?,"source_note"?,"via"?,"attributed_to"?,
///                          "confidence"?,"actor"?,"causation_id"?,"correlation_id"?,"time_precision"?,
///                          "time_note"?,"illustrative"}}
/// EVENT   = RECORD + {"summary","negotiation"?}
/// CHANGE  = {"field","before"?,"after"?}          // before/after absent = unset
/// CORRECTED = "corrections":[{"seq","event_id","reason","changes":[CHANGE]}], "original":{data as recorded}
///            (both only on corrected items)
/// MONEY   = {"amount":"decimal string","currency"}
/// RELATION = {"owner","owned","relation","share_percent"?,"from"?,"to"?,"note"?,"earlier_reports","record"} + CORRECTED
/// PERSON  = {"name","title"?,"role","from"?,"to"?,"earlier_reports","record"} + CORRECTED
/// SCOPE   = {"items":[{"category","models","model_names":[..]}],"proposed_by"?,"note"?,"record"} + CORRECTED
/// TERM    = {"term_id","kind"?,"status":"proposed|agreed","low":MONEY?,"high":MONEY?,"description"?,
///            "proposed_by"?,"agreed_by":[..],"agreed_value":MONEY?,"agreed_description"?,
///            "proposals":[{"low"?,"high"?,"proposed_by"?,"record"} + CORRECTED],
///            "agreements":[{"agreed_by","value"?,"description"?,"record"} + CORRECTED]}
/// PLAN    = {"plan_id","current":{plan fields},"draft":RECORD?,
///            "revisions":[{"changes":[CHANGE],"reason"?,"record"}]}
/// ESTIMATE = {"market","segment","period","low"?,"high"?,"unit","horizon"?,"estimated_by"?,"record"} + CORRECTED
/// QUOTE   = {"product","description"?,"basis","low":MONEY?,"high":MONEY?,"quoted_by"?,"record"} + CORRECTED
/// STATEMENT = {"statement_id","speaker","speaker_kind"?,"speaker_party"?,"speaker_title"?,"on_behalf_of"?,
///              "claim","stance","subject"?,"topic","retracted","retraction":{"retracted_by"?,"reason"?,"record"}?,
///              "record"} + CORRECTED
/// FACT    = {"party","metric","period":{"from","to"},"value":{"count"}|MONEY|null,"unit"?,"note"?,
///            "earlier_reports","differing_reports","record"} + CORRECTED
/// ```
public enum ReportJSON {
    /// The JSON tree of a report.
    ///
    /// - Parameter report: The report.
    /// - Returns: The tree.
    public static func value(_ report: Report) -> JSONValue {
        let state = report.state
        return .object([
            "format": .string("parley-report"), "format_version": .integer(1),
            "receipt": receipt(report.receipt),
            "parties": .array(state.parties.all.map { party($0) }),
            "negotiations": .array(report.negotiations.map { negotiation($0, report: report) }),
            "financials": .array(state.financials.all.map { fact($0) }),
            "corrections": .array(state.corrections.map { correction($0, report: report) }),
            "findings": .array(
                state.findings.map { finding in
                    .object([
                        "kind": .string(finding.kind.rawValue), "seq": int(finding.seq), "event_id": .string(finding.eventID),
                        "stream": .string(finding.stream), "message": .string(finding.message),
                    ])
                }),
            "notes": .array(report.notes.map { .object(["text": .string($0.text), "seqs": .array($0.seqs.map(int))]) }),
            "events": .array(report.events.map { event($0, report: report) }),
        ])
    }

    /// The canonical JSON text of a report, with a trailing newline.
    ///
    /// - Parameter report: The report.
    /// - Returns: The text.
    public static func render(_ report: Report) -> String {
        value(report).canonicalString + "\n"
    }

    static func int(_ value: UInt64) -> JSONValue { .integer(Int64(value)) }
    static func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }

    static func receipt(_ receipt: Report.Receipt) -> JSONValue {
        var members: [String: JSONValue] = [
            "ledger_id": .string(receipt.ledgerID), "origin": .string(receipt.origin),
            "records": .object([
                "first": int(receipt.throughSeq == 0 ? 0 : 1), "last": int(receipt.throughSeq), "count": int(receipt.throughSeq),
            ]),
            "root": .string(receipt.root), "tree_size": int(receipt.throughSeq),
            "events_known": int(receipt.eventsKnown), "events_folded": int(receipt.eventsFolded),
            "catalogue_version": .string(receipt.catalogueVersion),
        ]
        members["through_recorded_at"] = receipt.throughRecordedAt.map(JSONValue.string)
        members["as_of"] = receipt.asOf.map(JSONValue.string)
        members["as_of_seq"] = receipt.asOfSeq.map(int)
        members["valid_at"] = receipt.validAt.map(JSONValue.string)
        members["negotiation"] = receipt.negotiation.map(JSONValue.string)
        members["generated_at"] = receipt.generatedAt.map(JSONValue.string)
        return .object(members)
    }

    /// RECORD.
    static func record(_ source: EventSource) -> JSONValue {
        let provenance = source.provenance
        var fields: [String: JSONValue] = ["illustrative": .bool(provenance.isIllustrative)]
        let optional: [(String, String?)] = [
            ("publication", provenance.publication), ("url", provenance.url), ("published_at", provenance.publishedAt),
            ("source_note", provenance.sourceNote), ("via", provenance.via), ("attributed_to", provenance.attributedTo),
            ("confidence", provenance.confidence), ("actor", provenance.actor), ("causation_id", provenance.causationID),
            ("correlation_id", provenance.correlationID), ("time_precision", provenance.timePrecision),
            ("time_note", provenance.timeNote),
        ]
        for (key, value) in optional { fields[key] = value.map(JSONValue.string) }
        return .object([
            "seq": int(source.seq), "event_id": .string(source.id), "stream": .string(source.stream),
            "type": .string(source.type), "effective_at": .string(source.effectiveAtText),
            "recorded_at": .string(source.recordedAtText), "provenance": .object(fields),
        ])
    }

    /// EVENT.
    static func event(_ event: ProjectedEvent, report: Report) -> JSONValue {
        guard case .object(var members) = record(EventSource(event)) else { return .null }
        members["summary"] = .string(EventSummary.text(event, in: report))
        members["negotiation"] = report.negotiationID(of: event).map(JSONValue.string)
        return .object(members)
    }

    /// CHANGE entries of one correction applied to an item.
    static func changes(_ before: JSONValue, _ patch: JSONValue) -> [JSONValue] {
        let after = before.mergePatched(with: patch)
        return (patch.objectValue ?? [:]).keys.sorted().map { key in
            var change: [String: JSONValue] = ["field": .string(key)]
            change["before"] = before[key]
            change["after"] = after[key]
            return .object(change)
        }
    }

    /// An item's members with "record", and "original"/"corrections" once corrected.
    static func item(_ item: SourcedData, _ members: [String: JSONValue]) -> JSONValue {
        var members = members
        members["record"] = record(item.source)
        if let original = item.original {
            members["original"] = original
            var before = original
            members["corrections"] = .array(
                item.corrections.map { note in
                    defer { before = before.mergePatched(with: note.changes) }
                    return .object([
                        "seq": int(note.source.seq), "event_id": .string(note.source.id), "reason": .string(note.reason),
                        "changes": .array(changes(before, note.changes)),
                    ])
                })
        }
        return .object(members)
    }

    /// The members of `data` named in `keys` that are present.
    static func pick(_ data: JSONValue, _ keys: [String]) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        for key in keys { members[key] = data[key] }
        return members
    }

    static func party(_ party: Party) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(party.id), "name": .string(party.name), "aliases": .array(party.aliases.map(JSONValue.string)),
            "owners": .array(party.owners.map { relation($0) }), "holdings": .array(party.holdings.map { relation($0) }),
            "people": .array(
                party.people.map { person in
                    var fields: [String: JSONValue] = [
                        "name": .string(person.personName), "role": .string(person.role),
                        "earlier_reports": int(person.earlier.count),
                    ]
                    fields["title"] = person.personTitle.map(JSONValue.string)
                    fields["from"] = person.from.map(JSONValue.string)
                    fields["to"] = person.to.map(JSONValue.string)
                    return item(person.record, fields)
                }),
        ]
        members["kind"] = party.kind.map(JSONValue.string)
        members["country"] = party.country.map(JSONValue.string)
        members["description"] = party.description.map(JSONValue.string)
        return item(party.registration, members)
    }

    static func relation(_ relation: OwnershipRelation) -> JSONValue {
        var members: [String: JSONValue] = [
            "owner": .string(relation.owner), "owned": .string(relation.owned), "relation": .string(relation.relation),
            "earlier_reports": int(relation.earlier.count),
        ]
        members["share_percent"] = relation.sharePercent.map(JSONValue.string)
        members["from"] = relation.from.map(JSONValue.string)
        members["to"] = relation.to.map(JSONValue.string)
        members["note"] = relation.note.map(JSONValue.string)
        return item(relation.record, members)
    }

    static func negotiation(_ section: Report.NegotiationSection, report: Report) -> JSONValue {
        let negotiation = section.negotiation
        var members: [String: JSONValue] = [
            "id": .string(negotiation.id),
            "stage_history": .array(
                negotiation.stageHistory.map { step in
                    var fields: [String: JSONValue] = [
                        "stage": .string(step.stage), "legal": .bool(step.isLegal), "record": record(step.record.source),
                    ]
                    fields["previous_stage"] = step.previousStage.map(JSONValue.string)
                    fields["declared_previous_stage"] = step.mismatchedPreviousStage.map(JSONValue.string)
                    fields["reason"] = step.reason.map(JSONValue.string)
                    return .object(fields)
                }),
            "parties": .array(
                negotiation.parties.map {
                    .object([
                        "party": .string($0.party), "name": .string(report.names.displayName($0.party)), "role": .string($0.role),
                    ])
                }),
            "named_parties": .array(section.namedParties.map(JSONValue.string)),
            "scope_history": .array(negotiation.scopeHistory.map { scope($0) }),
            "terms": .array(section.terms.map { term($0) }),
            "plans": .array(negotiation.plans.map { plan($0) }),
            "market_estimates": .array(
                negotiation.marketEstimates.map { estimate in
                    var fields = pick(
                        estimate.record.data, ["market", "segment", "period", "low", "high", "unit", "horizon", "estimated_by"])
                    fields["market"] = .string(estimate.market)
                    fields["segment"] = .string(estimate.segment)
                    fields["period"] = .string(estimate.period)
                    fields["unit"] = .string(estimate.unit)
                    return item(estimate.record, fields)
                }),
            "price_quotes": .array(
                negotiation.priceQuotes.map { quote in
                    var fields = pick(quote.record.data, ["product", "description", "basis", "low", "high", "quoted_by"])
                    fields["product"] = .string(quote.product)
                    fields["basis"] = .string(quote.basis)
                    return item(quote.record, fields)
                }),
            "statements": .array(
                StatementGroups.of(section.statements).map { group in
                    .object(["topic": .string(group.topic), "statements": .array(group.statements.map { statement($0) })])
                }),
            "contradictions": .array(section.contradictions.map { contradictions($0) }),
            "open_questions": .array(
                section.openQuestions.map {
                    .object(["kind": .string($0.kind), "text": .string($0.text), "seqs": .array($0.seqs.map(int))])
                }),
        ]
        members["title"] = negotiation.title.map(JSONValue.string)
        members["subject"] = negotiation.subject.map(JSONValue.string)
        members["opened"] = negotiation.opening.map { record($0.source) }
        members["stage"] = negotiation.stage.map(JSONValue.string)
        members["scope"] = negotiation.scope.map { scope($0) }
        if let step = section.lastStageStep {
            members["since_last_stage_change"] = .object([
                "stage": .string(step.stage), "since": record(step.record.source),
                "events": .array(section.sinceLastStageStep.map { event($0, report: report) }),
            ])
        }
        return .object(members)
    }

    static func scope(_ scope: ScopeProposal) -> JSONValue {
        var fields: [String: JSONValue] = [
            "items": .array(
                scope.items.map {
                    .object([
                        "category": .string($0.category), "models": .integer($0.models),
                        "model_names": .array($0.modelNames.map(JSONValue.string)),
                    ])
                })
        ]
        fields["proposed_by"] = scope.proposedBy.map(JSONValue.string)
        fields["note"] = scope.note.map(JSONValue.string)
        return item(scope.record, fields)
    }

    static func term(_ term: Term) -> JSONValue {
        var members: [String: JSONValue] = [
            "term_id": .string(term.termID), "status": .string(term.status),
            "agreed_by": .array(term.agreedBy.map(JSONValue.string)),
            "proposals": .array(term.proposals.map { item($0, pick($0.data, ["low", "high", "proposed_by"])) }),
            "agreements": .array(
                term.agreements.map { agreement in
                    var fields = pick(agreement.data, ["value", "description"])
                    fields["agreed_by"] = agreement.data["agreed_by"] ?? .array([])
                    return item(agreement, fields)
                }),
        ]
        members["kind"] = term.kind.map(JSONValue.string)
        members["low"] = term.proposal?.data["low"]
        members["high"] = term.proposal?.data["high"]
        members["description"] = term.description.map(JSONValue.string)
        members["proposed_by"] = term.proposedBy.map(JSONValue.string)
        members["agreed_value"] = term.agreement?.data["value"]
        members["agreed_description"] = term.agreedDescription.map(JSONValue.string)
        return .object(members)
    }

    static func plan(_ plan: AssemblyPlan) -> JSONValue {
        var members: [String: JSONValue] = [
            "plan_id": .string(plan.planID), "current": .object(plan.fields),
            "revisions": .array(
                plan.revisions.map { revision in
                    var fields: [String: JSONValue] = [
                        "changes": .array(
                            revision.changedFields.map { field in
                                var change: [String: JSONValue] = ["field": .string(field)]
                                if let before = revision.replaced[field], before != .null { change["before"] = before }
                                change["after"] = revision.record.data[field]
                                return .object(change)
                            })
                    ]
                    fields["reason"] = revision.reason.map(JSONValue.string)
                    return item(revision.record, fields)
                }),
        ]
        members["draft"] = plan.draft.map { item($0, [:]) }
        return .object(members)
    }

    static func statement(_ statement: Statement) -> JSONValue {
        var fields: [String: JSONValue] = [
            "statement_id": .string(statement.statementID), "speaker": .string(statement.speaker),
            "claim": .string(statement.claim), "stance": .string(statement.stance), "topic": .string(statement.topic),
            "retracted": .bool(statement.isRetracted),
        ]
        fields["speaker_kind"] = statement.speakerKind.map(JSONValue.string)
        fields["speaker_party"] = statement.speakerParty.map(JSONValue.string)
        fields["speaker_title"] = statement.speakerTitle.map(JSONValue.string)
        fields["on_behalf_of"] = statement.onBehalfOf.map(JSONValue.string)
        fields["subject"] = statement.subject.map(JSONValue.string)
        if let retraction = statement.retraction {
            fields["retraction"] = item(retraction, pick(retraction.data, ["retracted_by", "reason"]))
        }
        return item(statement.record, fields)
    }

    static func contradictions(_ topic: TopicContradictions) -> JSONValue {
        func side(_ statement: Statement) -> JSONValue {
            .object(["seq": int(statement.record.source.seq), "statement_id": .string(statement.statementID)])
        }
        return .object([
            "topic": .string(topic.topic), "statement_count": int(topic.statementCount),
            "open_pairs": int(topic.openPairs), "resolved_pairs": int(topic.resolvedPairs),
            "pairs": .array(
                topic.listed.map { pair in
                    .object([
                        "reason": .string(pair.reason.rawValue), "open": .bool(pair.isOpen),
                        "explanation": .string(pair.explanation), "first": side(pair.first), "second": side(pair.second),
                    ])
                }),
        ])
    }

    static func fact(_ fact: FinancialFact) -> JSONValue {
        var fields: [String: JSONValue] = [
            "party": .string(fact.key.party), "metric": .string(fact.key.metric),
            "period": .object(["from": .string(fact.key.period.from), "to": .string(fact.key.period.to)]),
            "earlier_reports": int(fact.earlier.count), "differing_reports": .bool(fact.hasDifferingReports),
        ]
        switch fact.value {
        case .count(let count): fields["value"] = .object(["count": .integer(count)])
        case .money(let money): fields["value"] = .object(["amount": .string(money.amount), "currency": .string(money.currency)])
        case .missing: fields["value"] = .null
        }
        fields["unit"] = fact.unit.map(JSONValue.string)
        fields["note"] = fact.note.map(JSONValue.string)
        return item(fact.record, fields)
    }

    static func correction(_ note: CorrectionNote, report: Report) -> JSONValue {
        let corrections = report.corrections
        var members: [String: JSONValue] = [
            "seq": int(note.source.seq), "event_id": .string(note.source.id), "corrects": .string(note.corrects),
            "applied": .bool(corrections.isApplied(note.source.id)), "reason": .string(note.reason),
            "record": record(note.source),
        ]
        var changeList: [JSONValue] = []
        if let target = corrections.targets[note.corrects],
            let (before, _) = corrections.dataAround(correction: note.source.id, of: target)
        {
            members["corrects_seq"] = int(target.seq)
            changeList = changes(before, note.changes)
        } else {
            changeList = (note.changes.objectValue ?? [:]).keys.sorted().map { key in
                var change: [String: JSONValue] = ["field": .string(key)]
                change["after"] = note.changes[key]
                return .object(change)
            }
        }
        members["changes"] = .array(changeList)
        return .object(members)
    }
}

/// Statements grouped by topic (subject, or normalised claim), topics in order of first appearance.
enum StatementGroups {
    static func of(_ statements: [Statement]) -> [(topic: String, statements: [Statement])] {
        var order: [String] = []
        var groups: [String: [Statement]] = [:]
        for statement in statements {
            if groups[statement.topic] == nil { order.append(statement.topic) }
            groups[statement.topic, default: []].append(statement)
        }
        return order.map { ($0, groups[$0]!) }
    }
}
