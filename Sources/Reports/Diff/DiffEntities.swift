import CanonicalJSON
import Projections

/// The entities a diff compares, taken from a report: each with a key, a JSON value (as the JSON
/// report writes it), a one-line summary, the seqs it references, and the aggregate it belongs to.
enum DiffEntities {
    struct Entity {
        /// What it is about, e.g. `negotiation zil-faw-assembly`.
        var group: String
        /// What it is, e.g. `term t-licence-fee`.
        var label: String
        /// Its value.
        var value: JSONValue
        /// One line for people.
        var summary: String
        /// Every seq its value references.
        var seqs: Set<UInt64>
        /// `negotiation/<id>` or `party/<id>`: where changes no event explains are attributed.
        var aggregate: String
    }

    /// The groups in the order a diff lists them.
    private static let groupOrder = ["party", "negotiation", "financial", "correction", "finding"]

    /// Orders entity keys: by group, then by key.
    static func order(_ lhs: String, _ rhs: String) -> Bool {
        let a = groupOrder.firstIndex(of: String(lhs.prefix { $0 != "/" })) ?? groupOrder.count
        let b = groupOrder.firstIndex(of: String(rhs.prefix { $0 != "/" })) ?? groupOrder.count
        return a != b ? a < b : lhs < rhs
    }

    /// Every seq referenced in `value` (members named `seq`, `*_seq`, and `seqs` arrays).
    static func seqs(in value: JSONValue) -> Set<UInt64> {
        var found: Set<UInt64> = []
        func walk(_ value: JSONValue, key: String?) {
            switch value {
            case .integer(let number) where key == "seq" || key?.hasSuffix("_seq") == true || key == "seqs":
                if number > 0 { found.insert(UInt64(number)) }
            case .array(let items): for item in items { walk(item, key: key == "seqs" ? "seqs" : nil) }
            case .object(let members): for (name, member) in members { walk(member, key: name) }
            default: break
            }
        }
        walk(value, key: nil)
        return found
    }

    /// The aggregate an event belongs to (for attributing derived changes).
    static func aggregate(of event: ProjectedEvent, report: Report, byID: [String: ProjectedEvent]) -> String {
        if let negotiation = report.negotiationID(of: event) { return "negotiation/" + negotiation }
        let data = report.data(of: event)
        switch AggregateKey.of(type: event.type, stream: event.stream, data: data) {
        case .registrations:
            return "party/" + (data["party_id"]?.stringValue ?? AggregateKey.suffix(of: event.stream, kind: "party") ?? "")
        case .party(let party), .financials(let party): return "party/" + party
        default: return event.stream
        }
    }

    static func of(_ report: Report) -> [String: Entity] {
        var entities: [String: Entity] = [:]
        let state = report.state
        func add(_ key: String, group: String, label: String, value: JSONValue, summary: String, aggregate: String) {
            entities[key] = Entity(
                group: group, label: label, value: value, summary: summary, seqs: seqs(in: value), aggregate: aggregate)
        }
        func short(_ party: String?) -> String { party.map { report.names.shortName($0) } ?? "unknown party" }
        for party in state.parties.all {
            let group = "party \(party.id)"
            let aggregate = "party/" + party.id
            var value = ReportJSON.party(party)
            if case .object(var members) = value {
                members["owners"] = nil
                members["holdings"] = nil
                members["people"] = nil
                value = .object(members)
            }
            add(
                "party/\(party.id)", group: group, label: "registration", value: value,
                summary: "\(party.name) (\(party.id))"
                    + ([party.kind, party.country].compactMap { $0 }.isEmpty
                        ? "" : ": " + [party.kind, party.country].compactMap { $0 }.joined(separator: ", ")),
                aggregate: aggregate)
            for relation in party.owners {
                let share = relation.sharePercent.map { "\($0)% " } ?? ""
                add(
                    "party/\(party.id)/owner/\(relation.owner)/\(relation.relation)", group: group,
                    label: "\(relation.relation) by \(relation.owner)", value: ReportJSON.relation(relation),
                    summary: relation.relation == "manages"
                        ? "managed by \(short(relation.owner))" : "owned \(share)by \(short(relation.owner))",
                    aggregate: aggregate)
            }
            for person in party.people {
                add(
                    "party/\(party.id)/person/\(person.role)/\(person.personName)", group: group,
                    label: "\(person.role) \(person.personName)",
                    value: ReportJSON.party(party).objectValue?["people"]?
                        .arrayValue?.first {
                            $0["name"]?.stringValue == person.personName && $0["role"]?.stringValue == person.role
                        }
                        ?? .null,
                    summary: "\(person.personName), \(person.role)" + (person.to.map { " until \($0)" } ?? ""),
                    aggregate: aggregate)
            }
        }
        for section in report.negotiations {
            let negotiation = section.negotiation
            let id = negotiation.id
            let base = "negotiation/\(id)"
            let group = "negotiation \(id)"
            guard case .object(let all) = ReportJSON.negotiation(section, report: report) else { continue }
            var about: [String: JSONValue] = [:]
            for key in ["id", "title", "subject", "opened", "parties"] { about[key] = all[key] }
            add(
                base, group: group, label: "negotiation", value: .object(about),
                summary: (negotiation.title ?? id) + " ("
                    + negotiation.parties.map { "\(short($0.party)) \($0.role)" }.joined(separator: ", ") + ")",
                aggregate: base)
            if let stage = negotiation.stageHistory.last {
                add(
                    base + "/stage", group: group, label: "stage",
                    value: .object(["stage": .string(stage.stage), "stage_history": all["stage_history"] ?? .array([])]),
                    summary: "\(stage.stage) (since \(ReportText.when(stage.record.source)))", aggregate: base)
            }
            if let scope = negotiation.scope {
                add(
                    base + "/scope", group: group, label: "scope",
                    value: .object(["scope": all["scope"] ?? .null, "scope_history": all["scope_history"] ?? .array([])]),
                    summary: "\(ReportText.products(scope.items)), proposed by \(short(scope.proposedBy))", aggregate: base)
            }
            for term in section.terms {
                var summary = "\(term.kind ?? "term") \(ReportText.moneyRange(term.low, term.high))"
                if let by = term.proposedBy { summary += " proposed by \(short(by))" }
                summary +=
                    term.agreement == nil
                    ? ", not agreed" : ", agreed by \(term.agreedBy.map { short($0) }.joined(separator: ", "))"
                if let value = term.agreedValue { summary += " at \(ReportText.money(value))" }
                add(
                    base + "/term/\(term.termID)", group: group, label: "term \(term.termID)", value: ReportJSON.term(term),
                    summary: summary, aggregate: base)
            }
            for plan in negotiation.plans {
                var parts: [String] = []
                if let site = plan.site { parts.append(site) }
                if !plan.products.isEmpty { parts.append(ReportText.products(plan.products)) }
                if let window = plan.startWindow { parts.append("start \(window.from) – \(window.to)") }
                if let volume = plan.annualVolume { parts.append("\(ReportText.range(volume)) a year") }
                add(
                    base + "/plan/\(plan.planID)", group: group, label: "plan \(plan.planID)", value: ReportJSON.plan(plan),
                    summary: parts.joined(separator: "; "), aggregate: base)
            }
            for statement in section.statements {
                add(
                    base + "/statement/\(statement.record.source.id)", group: group,
                    label: "statement \(statement.statementID)", value: ReportJSON.statement(statement),
                    summary: "\(statement.speaker) \(statement.stance) on \(statement.topic): “\(statement.claim)”"
                        + (statement.isRetracted ? " (retracted)" : ""),
                    aggregate: base)
            }
            for estimate in negotiation.marketEstimates {
                add(
                    base + "/estimate/\(estimate.record.source.id)", group: group,
                    label: "market estimate (seq \(estimate.record.source.seq))",
                    value: (all["market_estimates"]?.arrayValue ?? []).first {
                        $0["record"]?["seq"]?.integerValue == Int64(estimate.record.source.seq)
                    } ?? .null,
                    summary:
                        "\(estimate.segment), \(estimate.market): \(estimate.range.map { ReportText.range($0) } ?? "?") \(estimate.unit) a \(estimate.period)",
                    aggregate: base)
            }
            for quote in negotiation.priceQuotes {
                add(
                    base + "/price/\(quote.record.source.id)", group: group,
                    label: "price quote (seq \(quote.record.source.seq))",
                    value: (all["price_quotes"]?.arrayValue ?? []).first {
                        $0["record"]?["seq"]?.integerValue == Int64(quote.record.source.seq)
                    } ?? .null,
                    summary: "\(quote.product) \(quote.basis) price \(ReportText.moneyRange(quote.low, quote.high))",
                    aggregate: base)
            }
            for topic in section.contradictions {
                let pairs: [JSONValue] = topic.listed.map { pair in
                    var members: [String: JSONValue] = [
                        "open": .bool(pair.isOpen), "reason": .string(pair.reason.rawValue),
                        "first_seq": .integer(Int64(pair.first.record.source.seq)),
                        "second_seq": .integer(Int64(pair.second.record.source.seq)),
                    ]
                    members["first_retraction_seq"] = pair.first.retraction.map { .integer(Int64($0.source.seq)) }
                    members["second_retraction_seq"] = pair.second.retraction.map { .integer(Int64($0.source.seq)) }
                    return .object(members)
                }
                add(
                    base + "/contradiction/\(topic.topic)", group: group, label: "contradiction on \(topic.topic)",
                    value: .object([
                        "topic": .string(topic.topic), "open_pairs": .integer(Int64(topic.openPairs)),
                        "resolved_pairs": .integer(Int64(topic.resolvedPairs)), "pairs": .array(pairs),
                    ]),
                    summary: "\(topic.openPairs) open, \(topic.resolvedPairs) resolved by retraction", aggregate: base)
            }
            for question in section.openQuestions {
                add(
                    base + "/question/\(question.kind)/\(question.seqs.first ?? 0)", group: group,
                    label: "open question (\(question.kind))",
                    value: .object([
                        "kind": .string(question.kind), "text": .string(question.text),
                        "seqs": .array(question.seqs.map { .integer(Int64($0)) }),
                    ]),
                    summary: question.text, aggregate: base)
            }
        }
        for fact in state.financials.all {
            let key = fact.key
            var value = "?"
            switch fact.value {
            case .count(let count): value = ReportText.grouped(count) + (fact.unit.map { " \($0)" } ?? "")
            case .money(let money): value = ReportText.money(money)
            case .missing: value = "—"
            }
            add(
                "financial/\(key.party)/\(key.metric)/\(key.period.from)..\(key.period.to)",
                group: "financial facts of \(key.party)",
                label: "\(key.metric) \(ReportText.period(key.period))", value: ReportJSON.fact(fact),
                summary: "\(short(key.party)) \(key.metric) \(ReportText.period(key.period)): \(value)",
                aggregate: "party/" + key.party)
        }
        var byID: [String: ProjectedEvent] = [:]
        if !state.corrections.isEmpty { for event in report.events { byID[event.id] = event } }
        for note in state.corrections {
            let value = ReportJSON.correction(note, report: report)
            let event = byID[note.source.id]
            add(
                "correction/\(note.source.id)", group: "corrections", label: "correction seq \(note.source.seq)", value: value,
                summary: event.map { EventSummary.text($0, in: report) } ?? "corrects \(note.corrects)",
                aggregate: event.map { aggregate(of: $0, report: report, byID: byID) } ?? note.source.stream)
        }
        for finding in state.findings where finding.kind != .contradiction {
            add(
                "finding/\(finding.seq)/\(finding.kind.rawValue)/\(finding.message)", group: "findings",
                label: "\(finding.kind.rawValue) at seq \(finding.seq)",
                value: .object([
                    "kind": .string(finding.kind.rawValue), "seq": .integer(Int64(finding.seq)),
                    "message": .string(finding.message),
                ]),
                summary: finding.message, aggregate: finding.stream)
        }
        return entities
    }
}
