import CanonicalJSON

/// Renders a projected state as a Markdown briefing: what point in time it shows, then each
/// negotiation (stage and history, parties and roles, contradictions first, scope, terms, plans,
/// market estimates, prices, statements grouped by subject with full provenance), then each
/// party (ownership, people, financial facts with period and currency), corrections and findings.
///
/// Nothing is hidden: retracted statements are struck through but listed, corrected values show
/// what they were, and made-up sample data is labelled illustrative.
public enum StateMarkdown {
    /// The briefing text (ends with a newline).
    ///
    /// - Parameter projected: The state and its selection.
    /// - Returns: Markdown.
    public static func render(_ projected: ProjectedState) -> String {
        var writer = BriefingWriter(state: projected.state)
        writer.header(projected.selection)
        for negotiation in projected.state.negotiations.all { writer.negotiation(negotiation) }
        writer.parties()
        writer.corrections()
        writer.findingsSection()
        writer.sourceNotes()
        return writer.lines.joined(separator: "\n") + "\n"
    }
}

/// Accumulates the briefing's lines.
private struct BriefingWriter {
    let state: LedgerState
    var lines: [String] = []
    /// The state's findings (computed once: they walk the whole state).
    let findings: [Finding]
    /// Each negotiation's contradictions (computed once).
    let contradictionsByNegotiation: [String: [TopicContradictions]]

    init(state: LedgerState) {
        self.state = state
        findings = state.findings.filter { $0.kind != .contradiction }
        var contradictions: [String: [TopicContradictions]] = [:]
        for (id, negotiation) in state.negotiations.byID { contradictions[id] = negotiation.contradictions }
        contradictionsByNegotiation = contradictions
    }

    private mutating func add(_ line: String = "") { lines.append(line) }

    private func md(_ text: String) -> String { BriefingText.escaped(text) }

    private func name(_ party: String?) -> String {
        guard let party else { return "unknown party" }
        return md(state.parties.displayName(party))
    }

    private func short(_ party: String?) -> String {
        guard let party else { return "unknown party" }
        return md(state.parties.shortName(party))
    }

    private func when(_ source: EventSource) -> String { BriefingText.when(source) }

    private func provenance(_ source: EventSource, attribution: Bool = true) -> String {
        BriefingText.provenance(source, attribution: attribution)
    }

    /// The item's data just before `note` applied, and just after.
    private func dataAround(_ note: CorrectionNote, in item: SourcedData) -> (before: JSONValue, after: JSONValue) {
        var before = item.original ?? item.data
        for applied in item.corrections {
            if applied.source.id == note.source.id { break }
            before = before.mergePatched(with: applied.changes)
        }
        return (before, before.mergePatched(with: note.changes))
    }

    /// "*corrected by seq 25 (2005-03-15): high was USD 25,000,000 — reason*" for each correction.
    private func correctionNotes(_ item: SourcedData) -> [String] {
        item.corrections.map { note in
            let before = dataAround(note, in: item).before
            let changes = (note.changes.objectValue ?? [:]).keys.sorted().map { key in
                "`\(key)` was \(md(BriefingText.phrase(before[key])))"
            }
            return "*corrected by seq \(note.source.seq) (\(when(note.source))): \(changes.joined(separator: "; "))"
                + (note.reason.isEmpty ? "" : " — \(md(note.reason))") + "*"
        }
    }

    mutating func header(_ selection: StateSelection) {
        let query = selection.query
        add("# Parley briefing")
        add()
        var known = "latest"
        if let asOf = query.asOf { known = "\(asOf)" }
        if let asOfSeq = query.asOfSeq { known = (query.asOf == nil ? "" : known + ", ") + "seq \(asOfSeq)" }
        var point = "- **Known as of:** \(known) — through seq \(selection.throughSeq)"
        if let recorded = selection.throughRecordedAt { point += ", recorded \(recorded)" }
        add(point)
        add("- **True at:** " + (query.validAt.map { "\($0) (valid time)" } ?? "any time (every known record)"))
        add(
            "- **Records folded:** \(selection.foldedRecords) of \(selection.knownRecords) known"
                + (query.stream.map { " · showing `\(md($0))`" } ?? "")
                + (selection.ledgerID.map { " · ledger `\($0)`" } ?? ""))
        let negotiations = state.negotiations.all
        let topics = contradictionsByNegotiation.values.joined()
        let open = topics.reduce(0) { $0 + $1.openPairs }
        let resolved = topics.reduce(0) { $0 + $1.resolvedPairs }
        add(
            "- **In view:** \(negotiations.count) negotiation\(negotiations.count == 1 ? "" : "s"), "
                + "\(state.parties.ids.count) parties, \(state.financials.all.count) financial facts, "
                + "\(state.corrections.count) correction\(state.corrections.count == 1 ? "" : "s")")
        if open > 0 {
            add("- **⚠ Contradictions:** \(open) open" + (resolved > 0 ? ", \(resolved) resolved by retraction" : ""))
        } else if resolved > 0 {
            add("- **Contradictions:** none open; \(resolved) resolved by retraction")
        }
        if !findings.isEmpty { add("- **⚠ Findings:** \(findings.count) (see Findings)") }
        add()
    }

    mutating func negotiation(_ negotiation: NegotiationState) {
        add("## Negotiation: \(md(negotiation.title ?? negotiation.id))")
        add()
        var about = "`\(negotiation.id)`"
        if let subject = negotiation.subject { about += " — \(md(subject))" }
        if let opening = negotiation.opening { about += " · opened \(when(opening.source))" }
        add(about)
        add()
        let history = negotiation.stageHistory
        if let current = history.last {
            add("**Stage: \(md(current.stage))** (since \(when(current.record.source)))")
            add()
            let steps = history.map { step -> String in
                var details = [when(step.record.source)]
                if step.isOpening { details.append("opened") }
                if let reason = step.reason { details.append(md(reason)) }
                if step.record.source.provenance.isIllustrative { details.append("*illustrative*") }
                var text = "\(md(step.stage)) (\(details.joined(separator: " · ")))"
                if !step.isLegal { text += " **⚠ illegal move from \(step.previousStage ?? "(not opened)")**" }
                return text
            }
            add("Stage history: " + steps.joined(separator: " → "))
            add()
        }
        if !negotiation.parties.isEmpty {
            add("Parties: " + negotiation.parties.map { "\(name($0.party)) — \(md($0.role))" }.joined(separator: "; "))
            add()
        }
        contradictions(negotiation)
        if let scope = negotiation.scope {
            add("### Scope")
            add()
            add(
                "- \(BriefingText.products(scope.items)), proposed by \(short(scope.proposedBy)) "
                    + "(\(when(scope.record.source)); \(provenance(scope.record.source)))")
            if let note = scope.note { add("  - \(md(note))") }
            for line in correctionNotes(scope.record) { add("  - " + line) }
            let earlier = negotiation.scopeHistory.dropLast()
            for proposal in earlier {
                add(
                    "  - earlier: \(BriefingText.products(proposal.items)), proposed by \(short(proposal.proposedBy)) "
                        + "(\(when(proposal.record.source)))")
            }
            add()
        }
        terms(negotiation.terms)
        plans(negotiation.plans)
        if !negotiation.marketEstimates.isEmpty {
            add("### Market estimates")
            add()
            for estimate in negotiation.marketEstimates {
                var text = "- \(md(estimate.segment)), \(md(estimate.market)): "
                text += estimate.range.map { BriefingText.range($0) } ?? "?"
                text += " \(md(estimate.unit)) a \(md(estimate.period))"
                if let horizon = estimate.horizon { text += " in \(BriefingText.period(horizon))" }
                if let by = estimate.estimatedBy { text += ", estimated by \(short(by))" }
                text += " (\(when(estimate.record.source)); \(provenance(estimate.record.source)))"
                add(text)
                for line in correctionNotes(estimate.record) { add("  - " + line) }
            }
            add()
        }
        if !negotiation.priceQuotes.isEmpty {
            add("### Prices")
            add()
            for quote in negotiation.priceQuotes {
                var text = "- \(md(quote.product))"
                if let description = quote.description { text += " (\(md(description)))" }
                text += ": \(BriefingText.moneyRange(quote.low, quote.high)), \(md(quote.basis)) price"
                if let by = quote.quotedBy { text += ", quoted by \(short(by))" }
                text += " (\(when(quote.record.source)); \(provenance(quote.record.source)))"
                add(text)
                for line in correctionNotes(quote.record) { add("  - " + line) }
            }
            add()
        }
        statements(negotiation.statements)
    }

    mutating func contradictions(_ negotiation: NegotiationState) {
        let topics = contradictionsByNegotiation[negotiation.id] ?? []
        guard !topics.isEmpty else { return }
        let open = topics.contains { $0.openPairs > 0 }
        add(open ? "### ⚠ Contradictions" : "### Contradictions (resolved)")
        add()
        for topic in topics {
            var status: [String] = []
            if topic.openPairs > 0 { status.append("\(topic.openPairs) open") }
            if topic.resolvedPairs > 0 { status.append("\(topic.resolvedPairs) resolved by retraction") }
            let shown = topic.listed.count < topic.openPairs + topic.resolvedPairs ? ", \(topic.listed.count) shown" : ""
            add("- **\(md(topic.topic))** (\(status.joined(separator: ", "))\(shown)):")
            for pair in topic.listed {
                let label = pair.isOpen ? "**open**" : "resolved"
                let why = pair.reason == .opposingStances ? "opposing stances" : "different claims for different parties"
                add("  - \(label), \(why):")
                add("    - \(statementSummary(pair.first))")
                add("    - \(statementSummary(pair.second))")
            }
        }
        add()
    }

    private func speaker(_ statement: Statement) -> String {
        var who = md(statement.speaker)
        var details: [String] = []
        if let title = statement.speakerTitle { details.append(md(title)) }
        if statement.speakerKind == "anonymous" {
            details.append("anonymous" + (statement.speakerParty.map { ", close to \(short($0))" } ?? ""))
        } else if let party = statement.speakerParty, party != statement.onBehalfOf || statement.speakerKind == "person" {
            details.append(short(party))
        }
        if let behalf = statement.onBehalfOf { details.append("for \(short(behalf))") }
        if !details.isEmpty { who += " (\(details.joined(separator: ", ")))" }
        return who
    }

    private func statementSummary(_ statement: Statement) -> String {
        var text = "\(speaker(statement)) **\(md(statement.stance))**: “\(md(statement.claim))”"
        text += " — \(when(statement.record.source)), \(provenance(statement.record.source, attribution: false))"
        if let retraction = statement.retraction {
            text += " — **retracted** \(when(retraction.source))"
            if let by = retraction.string("retracted_by") { text += " by \(short(by))" }
            if let reason = retraction.string("reason") { text += ": \(md(reason))" }
        }
        return text
    }

    mutating func terms(_ terms: [Term]) {
        guard !terms.isEmpty else { return }
        add("### Terms")
        add()
        for term in terms {
            var text = "- **\(md(term.kind ?? "term"))** `\(term.termID)`: "
            text += BriefingText.moneyRange(term.low, term.high)
            if let by = term.proposedBy { text += ", proposed by \(short(by))" }
            text += term.agreement == nil ? " — *proposed, not agreed*" : " — **agreed**"
            if let proposal = term.proposal { text += " (\(when(proposal.source)); \(provenance(proposal.source)))" }
            add(text)
            if let description = term.description { add("  - \(md(description))") }
            if let proposal = term.proposal { for line in correctionNotes(proposal) { add("  - " + line) } }
            for earlier in term.proposals.dropLast() {
                add(
                    "  - earlier proposal: \(BriefingText.moneyRange(Money(earlier.data["low"]), Money(earlier.data["high"]))) "
                        + "(\(when(earlier.source)))")
            }
            if let agreement = term.agreement {
                var agreed = "  - agreed by \(term.agreedBy.map { short($0) }.joined(separator: ", "))"
                if let value = term.agreedValue { agreed += " at \(BriefingText.money(value))" }
                if let description = term.agreedDescription { agreed += ": \(md(description))" }
                agreed += " (\(when(agreement.source)); \(provenance(agreement.source)))"
                add(agreed)
                for line in correctionNotes(agreement) { add("    - " + line) }
            }
        }
        add()
    }

    mutating func plans(_ plans: [AssemblyPlan]) {
        guard !plans.isEmpty else { return }
        add("### Assembly plans")
        add()
        for plan in plans {
            var parts: [String] = []
            if let assembler = plan.assembler { parts.append("assembled by \(short(assembler))") }
            if let site = plan.site { parts.append("at \(md(site))") }
            if !plan.products.isEmpty { parts.append(BriefingText.products(plan.products)) }
            if let window = plan.startWindow { parts.append("start \(window.from) – \(window.to)") }
            if let volume = plan.annualVolume { parts.append("\(BriefingText.range(volume)) vehicles a year") }
            add("- **\(md(plan.planID))**: " + parts.joined(separator: "; "))
            if let draft = plan.draft {
                add("  - drafted \(when(draft.source)) (\(provenance(draft.source)))" + (plan.note.map { ": \(md($0))" } ?? ""))
                for line in correctionNotes(draft) { add("    - " + line) }
            }
            for revision in plan.revisions {
                let changes = revision.changedFields.map { field in
                    "`\(field)` \(md(BriefingText.phrase(revision.replaced[field]))) → \(md(BriefingText.phrase(revision.record.data[field])))"
                }
                var text = "  - revised \(when(revision.record.source)): \(changes.joined(separator: "; "))"
                if let reason = revision.reason { text += " — \(md(reason))" }
                text += " (\(provenance(revision.record.source)))"
                add(text)
                for line in correctionNotes(revision.record) { add("    - " + line) }
            }
        }
        add()
    }

    mutating func statements(_ statements: [Statement]) {
        guard !statements.isEmpty else { return }
        add("### Statements by subject")
        add()
        var order: [String] = []
        var groups: [String: [Statement]] = [:]
        for statement in statements {
            if groups[statement.topic] == nil { order.append(statement.topic) }
            groups[statement.topic, default: []].append(statement)
        }
        for topic in order {
            add("**\(md(topic))**")
            add()
            for statement in groups[topic]! {
                let claim = statement.isRetracted ? "~~“\(md(statement.claim))”~~" : "“\(md(statement.claim))”"
                var text = "- \(claim) — \(speaker(statement)), **\(md(statement.stance))**"
                text += " · \(when(statement.record.source)) · \(provenance(statement.record.source, attribution: false))"
                add(text)
                if let retraction = statement.retraction {
                    var retracted = "  - **retracted** \(when(retraction.source))"
                    if let by = retraction.string("retracted_by") { retracted += " by \(short(by))" }
                    if let reason = retraction.string("reason") { retracted += ": \(md(reason))" }
                    retracted += " (\(provenance(retraction.source)))"
                    add(retracted)
                }
                for line in correctionNotes(statement.record) { add("  - " + line) }
            }
            add()
        }
    }

    mutating func parties() {
        let parties = state.parties.all
        let withFacts = Set(state.financials.parties)
        guard !parties.isEmpty || !withFacts.isEmpty else { return }
        add("## Parties")
        add()
        for party in parties {
            add("### \(md(party.name)) (`\(party.id)`)")
            add()
            var about: [String] = []
            if let kind = party.kind { about.append(md(kind)) }
            if let country = party.country { about.append(country) }
            var line = about.joined(separator: ", ")
            if let description = party.description { line += (line.isEmpty ? "" : " — ") + md(description) }
            if party.aliases.count > 0 { line += " · also known as \(party.aliases.map(md).joined(separator: ", "))" }
            if !line.isEmpty { add(line) }
            add()
            for relation in party.owners {
                add(
                    "- \(relationText(relation, subject: .owned)) (\(when(relation.record.source)); \(provenance(relation.record.source)))"
                )
                for line in correctionNotes(relation.record) { add("  - " + line) }
            }
            for relation in party.holdings {
                add(
                    "- \(relationText(relation, subject: .owner)) (\(when(relation.record.source)); \(provenance(relation.record.source)))"
                )
            }
            for person in party.people {
                var text = "- \(md(person.personName)) — \(md(person.role))"
                if let title = person.personTitle, title != person.role { text += " (\(md(title)))" }
                if let from = person.from { text += ", from \(from)" }
                if let to = person.to { text += ", until \(to)" }
                text += " (\(when(person.record.source)); \(provenance(person.record.source)))"
                add(text)
            }
            if !party.owners.isEmpty || !party.holdings.isEmpty || !party.people.isEmpty { add() }
            financials(of: party.id)
        }
        for party in withFacts.subtracting(parties.map(\.id)).sorted() {
            add("### `\(md(party))` (not registered)")
            add()
            financials(of: party)
        }
    }

    private enum RelationSubject { case owner, owned }

    private func relationText(_ relation: OwnershipRelation, subject: RelationSubject) -> String {
        let share = relation.sharePercent.map { "\($0)%" }
        switch (relation.relation, subject) {
        case ("manages", .owned): return "Managed by \(name(relation.owner))"
        case ("manages", .owner): return "Manages \(name(relation.owned))"
        case (_, .owned): return "Owned \(share.map { $0 + " " } ?? "")by \(name(relation.owner))"
        case (_, .owner): return "Owns \(share.map { $0 + " of " } ?? "")\(name(relation.owned))"
        }
    }

    mutating func financials(of party: String) {
        let facts = state.financials.facts(about: party)
        guard !facts.isEmpty else { return }
        add("| Metric | Period | Value | Source |")
        add("|---|---|---|---|")
        for fact in facts {
            let value: String
            switch fact.value {
            case .count(let count): value = BriefingText.grouped(count) + (fact.unit.map { " \(md($0))" } ?? "")
            case .money(let money): value = BriefingText.money(money)
            case .missing: value = "—"
            }
            var source = "\(when(fact.record.source)); \(provenance(fact.record.source))"
            if fact.hasDifferingReports { source += " · ⚠ \(fact.earlier.count) earlier report(s) differ" }
            for line in correctionNotes(fact.record) { source += " · " + line }
            add(
                "| \(md(fact.key.metric)) | \(BriefingText.period(fact.key.period)) (\(fact.key.period.from) – \(fact.key.period.to)) "
                    + "| \(value) | \(source) |")
        }
        add()
    }

    mutating func corrections() {
        guard !state.corrections.isEmpty else { return }
        add("## Corrections")
        add()
        for note in state.corrections {
            var text = "- seq \(note.source.seq) (\(when(note.source))) corrects "
            if let target = state.item(eventID: note.corrects), state.isApplied(note) {
                let identifier = ["term_id", "statement_id", "plan_id", "party_id", "metric"].lazy
                    .compactMap { target.string($0) }.first
                text += "seq \(target.source.seq) (\(target.source.type)\(identifier.map { " \(md($0))" } ?? ""))"
                let (before, after) = dataAround(note, in: target)
                let changes = (note.changes.objectValue ?? [:]).keys.sorted().map { key in
                    "`\(key)` \(md(BriefingText.phrase(before[key]))) → \(md(BriefingText.phrase(after[key])))"
                }
                text += ": " + changes.joined(separator: "; ")
            } else {
                text += "`\(note.corrects)` — **not applied** (unknown event)"
            }
            if !note.reason.isEmpty { text += " — \(md(note.reason))" }
            add(text)
        }
        add()
        add("Originals stay in the ledger; `parley log` shows them.")
        add()
    }

    /// Notes on sources and dates (`meta.source.note`, `meta.time_note`), each once with the
    /// seqs it applies to, so dates shown at reduced precision ("2005") are explained.
    mutating func sourceNotes() {
        var order: [String] = []
        var seqs: [String: [UInt64]] = [:]
        for source in state.allSources {
            let provenance = source.provenance
            for note in [provenance.sourceNote, provenance.timeNote].compactMap({ $0 }) {
                if seqs[note] == nil { order.append(note) }
                seqs[note, default: []].append(source.seq)
            }
        }
        guard !order.isEmpty else { return }
        let limit = 20
        add("## Notes on sources and dates")
        add()
        add("Dates are shown at the precision recorded (`2005` means the year is all that is known).")
        add()
        for note in order.prefix(limit) {
            add("- seq \(BriefingText.ranges(seqs[note]!.sorted())): \(md(note))")
        }
        if order.count > limit { add("- … and \(order.count - limit) more notes (see `--format json`)") }
        add()
    }

    mutating func findingsSection() {
        add("## Findings")
        add()
        if findings.isEmpty {
            add("None: every reference resolves, stage moves are legal, and every correction and retraction found its target.")
            add()
            return
        }
        for finding in findings {
            add("- seq \(finding.seq) `\(finding.kind.rawValue)` (\(md(finding.stream))): \(md(finding.message))")
        }
        add()
    }
}
