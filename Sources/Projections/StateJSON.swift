import CanonicalJSON

/// Renders a projected state as one canonical JSON object (RFC 8785: keys sorted, no whitespace).
///
/// Shape (optional members are omitted when absent; arrays are in the order stated):
/// ```
/// {
///   "selection": {"as_of","as_of_seq","valid_at","stream" (null when not given),
///                 "known_records","folded_records","through_seq","through_recorded_at","ledger_id"},
///   "parties": [{                                   // by id
///     "id","name","kind","country"?,"aliases":[..],"description"?,"record":RECORD,
///     "people":  [ITEM of RoleAssigned],            // latest per (role, person)
///     "owners":  [ITEM of OwnershipRecorded + "earlier_reports":N],
///     "holdings":[ITEM of OwnershipRecorded + "earlier_reports":N]}],
///   "negotiations": [{                              // by id
///     "id","title"?,"subject"?,"opened":bool,"parties":[{"party","role"}],
///     "stage"?,"stage_history":[{"stage","previous_stage"?,"legal":bool,
///                                 "declared_previous_stage"?,"reason"?,"record":RECORD}],
///     "scope":ITEM?,"scope_history":[ITEM],        // ScopeProposed, valid-time order
///     "terms":[{"term_id","status":"proposed|agreed","kind"?,"low"?,"high"?,"description"?,
///               "proposed_by"?,"agreed_by":[..],"agreed_value"?,"proposals":[ITEM],"agreements":[ITEM]}],
///     "plans":[{"plan_id","current":{plan fields},"draft":ITEM?,
///               "revisions":[ITEM + "replaced":{field: value before}]}],
///     "statements":[ITEM of StatementReported + "topic","retracted":bool,"retraction":ITEM?],
///     "market_estimates":[ITEM],"price_quotes":[ITEM],
///     "contradictions":[{"topic","statement_count","open_pairs","resolved_pairs",
///                        "pairs":[{"reason","open":bool,"explanation",
///                                  "first":{"event_id","seq","statement_id"},"second":{..}}]}]}],
///   "financials": [ITEM of FinancialFactReported + "differing_reports":bool,"earlier":[ITEM]],
///   "corrections": [{"event_id","seq","corrects","reason","changes","applied":bool,"record":RECORD}],
///   "findings": [{"kind","seq","event_id","stream","message"}]
/// }
/// ITEM   = the event's data members as corrected (field names as in Events/schemas), plus
///          "record":RECORD, and once corrected "original":{data as recorded} and
///          "corrections":[{"event_id","seq","reason","changes"}].
/// RECORD = {"seq","event_id","stream","type","recorded_at","effective_at","meta"}.
/// ```
public enum StateJSON {
    /// The JSON tree of a projected state.
    ///
    /// - Parameter projected: The state and its selection.
    /// - Returns: The tree.
    public static func value(_ projected: ProjectedState) -> JSONValue {
        let state = projected.state
        return .object([
            "selection": selection(projected.selection),
            "parties": .array(state.parties.all.map(party)),
            "negotiations": .array(state.negotiations.all.map(negotiation)),
            "financials": .array(state.financials.all.map(financialFact)),
            "corrections": .array(state.corrections.map { correction($0, in: state) }),
            "findings": .array(state.findings.map(finding)),
        ])
    }

    /// The canonical JSON text of a projected state (no trailing newline).
    ///
    /// - Parameter projected: The state and its selection.
    /// - Returns: The text.
    public static func render(_ projected: ProjectedState) -> String {
        var bytes: [UInt8] = []
        write(projected) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the canonical JSON text of a projected state in pieces, one party, negotiation,
    /// fact, correction or finding at a time, so a large state is never held twice in memory.
    /// The pieces concatenated are exactly `value(projected).canonicalString`.
    ///
    /// - Parameters:
    ///   - projected: The state and its selection.
    ///   - emit: Receives each piece of the text, in order.
    public static func write(_ projected: ProjectedState, to emit: ([UInt8]) -> Void) {
        let state = projected.state
        var first = true
        func member(_ name: String, _ elements: () -> Void) {
            emit(Array(((first ? "{" : ",") + "\"\(name)\":").utf8))
            first = false
            elements()
        }
        func array<Element>(_ items: [Element], _ transform: (Element) -> JSONValue) {
            var buffer: [UInt8] = [UInt8(ascii: "[")]
            for (index, item) in items.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                transform(item).appendCanonical(to: &buffer)
                if buffer.count >= 1 << 16 {
                    emit(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            buffer.append(UInt8(ascii: "]"))
            emit(buffer)
        }
        // Members in canonical (sorted) order.
        member("corrections") { array(state.corrections) { correction($0, in: state) } }
        member("financials") { array(state.financials.all, financialFact) }
        member("findings") { array(state.findings, finding) }
        member("negotiations") { array(state.negotiations.all, negotiation) }
        member("parties") { array(state.parties.all, party) }
        member("selection") { emit(selection(projected.selection).canonicalBytes) }
        emit([UInt8(ascii: "}")])
    }

    static func correction(_ note: CorrectionNote, in state: LedgerState) -> JSONValue {
        .object([
            "event_id": .string(note.source.id), "seq": int(note.source.seq), "corrects": .string(note.corrects),
            "reason": .string(note.reason), "changes": note.changes, "applied": .bool(state.isApplied(note)),
            "record": record(note.source),
        ])
    }

    static func finding(_ finding: Finding) -> JSONValue {
        .object([
            "kind": .string(finding.kind.rawValue), "seq": int(finding.seq), "event_id": .string(finding.eventID),
            "stream": .string(finding.stream), "message": .string(finding.message),
        ])
    }

    static func selection(_ selection: StateSelection) -> JSONValue {
        let query = selection.query
        return .object([
            "as_of": query.asOf.map { .string($0.description) } ?? .null,
            "as_of_seq": query.asOfSeq.map(int) ?? .null,
            "valid_at": query.validAt.map { .string($0.description) } ?? .null,
            "stream": query.stream.map(JSONValue.string) ?? .null,
            "known_records": .integer(Int64(selection.knownRecords)),
            "folded_records": .integer(Int64(selection.foldedRecords)),
            "through_seq": int(selection.throughSeq),
            "through_recorded_at": selection.throughRecordedAt.map(JSONValue.string) ?? .null,
            "ledger_id": selection.ledgerID.map(JSONValue.string) ?? .null,
        ])
    }

    /// RECORD: where an item came from.
    static func record(_ source: EventSource) -> JSONValue {
        .object([
            "seq": int(source.seq), "event_id": .string(source.id), "stream": .string(source.stream),
            "type": .string(source.type), "recorded_at": .string(source.recordedAtText),
            "effective_at": .string(source.effectiveAtText), "meta": source.meta,
        ])
    }

    /// ITEM: the corrected data, its record, and its corrections.
    static func item(_ item: SourcedData, adding extra: [String: JSONValue] = [:]) -> JSONValue {
        var members = item.data.objectValue ?? [:]
        members["record"] = record(item.source)
        if let original = item.original {
            members["original"] = original
            members["corrections"] = .array(
                item.corrections.map { note in
                    .object([
                        "event_id": .string(note.source.id), "seq": int(note.source.seq), "reason": .string(note.reason),
                        "changes": note.changes,
                    ])
                })
        }
        members.merge(extra) { _, new in new }
        return .object(members)
    }

    static func party(_ party: Party) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(party.id), "name": .string(party.name), "aliases": .array(party.aliases.map(JSONValue.string)),
            "record": record(party.registration.source),
            "people": .array(party.people.map { item($0.record) }),
            "owners": .array(
                party.owners.map { item($0.record, adding: ["earlier_reports": .integer(Int64($0.earlier.count))]) }),
            "holdings": .array(
                party.holdings.map { item($0.record, adding: ["earlier_reports": .integer(Int64($0.earlier.count))]) }),
        ]
        members["kind"] = party.kind.map(JSONValue.string)
        members["country"] = party.country.map(JSONValue.string)
        members["description"] = party.description.map(JSONValue.string)
        if party.registration.isCorrected {
            members["original"] = party.registration.original
        }
        return .object(members)
    }

    static func negotiation(_ negotiation: NegotiationState) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(negotiation.id), "opened": .bool(negotiation.isOpened),
            "parties": .array(
                negotiation.parties.map { .object(["party": .string($0.party), "role": .string($0.role)]) }),
            "stage_history": .array(negotiation.stageHistory.map(stageStep)),
            "scope_history": .array(negotiation.scopeHistory.map { item($0.record) }),
            "terms": .array(negotiation.terms.map(term)),
            "plans": .array(negotiation.plans.map(plan)),
            "statements": .array(negotiation.statements.map(statement)),
            "market_estimates": .array(negotiation.marketEstimates.map { item($0.record) }),
            "price_quotes": .array(negotiation.priceQuotes.map { item($0.record) }),
            "contradictions": .array(negotiation.contradictions.map(topicContradictions)),
        ]
        members["title"] = negotiation.title.map(JSONValue.string)
        members["subject"] = negotiation.subject.map(JSONValue.string)
        members["stage"] = negotiation.stage.map(JSONValue.string)
        members["scope"] = negotiation.scope.map { item($0.record) }
        return .object(members)
    }

    static func stageStep(_ step: StageStep) -> JSONValue {
        var members: [String: JSONValue] = [
            "stage": .string(step.stage), "legal": .bool(step.isLegal), "record": record(step.record.source),
        ]
        members["previous_stage"] = step.previousStage.map(JSONValue.string)
        members["declared_previous_stage"] = step.mismatchedPreviousStage.map(JSONValue.string)
        members["reason"] = step.reason.map(JSONValue.string)
        return .object(members)
    }

    static func term(_ term: Term) -> JSONValue {
        var members: [String: JSONValue] = [
            "term_id": .string(term.termID), "status": .string(term.status),
            "agreed_by": .array(term.agreedBy.map(JSONValue.string)),
            "proposals": .array(term.proposals.map { item($0) }),
            "agreements": .array(term.agreements.map { item($0) }),
        ]
        members["kind"] = term.kind.map(JSONValue.string)
        members["low"] = term.proposal?.data["low"]
        members["high"] = term.proposal?.data["high"]
        members["description"] = term.description.map(JSONValue.string)
        members["proposed_by"] = term.proposedBy.map(JSONValue.string)
        members["agreed_value"] = term.agreement?.data["value"]
        return .object(members)
    }

    static func plan(_ plan: AssemblyPlan) -> JSONValue {
        .object([
            "plan_id": .string(plan.planID), "current": .object(plan.fields),
            "draft": plan.draft.map { item($0) } ?? .null,
            "revisions": .array(plan.revisions.map { item($0.record, adding: ["replaced": .object($0.replaced)]) }),
        ])
    }

    static func statement(_ statement: Statement) -> JSONValue {
        item(
            statement.record,
            adding: [
                "topic": .string(statement.topic), "retracted": .bool(statement.isRetracted),
                "retraction": statement.retraction.map { item($0) } ?? .null,
            ])
    }

    static func topicContradictions(_ topic: TopicContradictions) -> JSONValue {
        func side(_ statement: Statement) -> JSONValue {
            .object([
                "event_id": .string(statement.record.source.id), "seq": int(statement.record.source.seq),
                "statement_id": .string(statement.statementID),
            ])
        }
        return .object([
            "topic": .string(topic.topic), "statement_count": .integer(Int64(topic.statementCount)),
            "open_pairs": .integer(Int64(topic.openPairs)), "resolved_pairs": .integer(Int64(topic.resolvedPairs)),
            "pairs": .array(
                topic.listed.map { pair in
                    .object([
                        "reason": .string(pair.reason.rawValue), "open": .bool(pair.isOpen),
                        "explanation": .string(pair.explanation), "first": side(pair.first), "second": side(pair.second),
                    ])
                }),
        ])
    }

    static func financialFact(_ fact: FinancialFact) -> JSONValue {
        item(
            fact.record,
            adding: [
                "differing_reports": .bool(fact.hasDifferingReports), "earlier": .array(fact.earlier.map { item($0) }),
            ])
    }

    private static func int(_ value: UInt64) -> JSONValue { .integer(Int64(value)) }
}
