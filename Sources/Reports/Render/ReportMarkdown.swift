import CanonicalJSON
import Projections

/// Renders a report as Markdown, for terminals and docs: the receipt, parties and ownership,
/// then each negotiation (stage and history, parties and roles, scope, terms, assembly plans,
/// market estimates, prices, financial facts of its parties, statements by subject with full
/// provenance, contradictions and open questions, events since the last stage change), then
/// corrections, findings and notes on sources.
///
/// Nothing is hidden: retracted statements are struck through but listed, corrected values say
/// what they were, and made-up sample data is labelled illustrative.
public enum ReportMarkdown {
    /// The Markdown text (ends with a newline).
    ///
    /// - Parameter report: The report.
    /// - Returns: Markdown.
    public static func render(_ report: Report) -> String {
        var writer = MarkdownWriter(report: report)
        writer.write()
        return writer.lines.joined(separator: "\n") + "\n"
    }
}

private struct MarkdownWriter {
    let report: Report
    var lines: [String] = []

    init(report: Report) { self.report = report }

    private var state: LedgerState { report.state }
    private mutating func add(_ line: String = "") { lines.append(line) }
    private func md(_ text: String) -> String { ReportText.markdown(text) }
    private func code(_ text: String) -> String { ReportText.markdownCode(text) }
    private func short(_ party: String?) -> String { party.map { md(report.names.shortName($0)) } ?? "unknown party" }
    private func name(_ party: String) -> String { md(report.names.displayName(party)) }
    private func when(_ source: EventSource) -> String { ReportText.when(source) }
    private func source(_ source: EventSource, attribution: Bool = true) -> String {
        md(ReportText.provenance(source, attribution: attribution))
    }

    mutating func write() {
        let title: String
        if let id = report.receipt.negotiation {
            title = state.negotiations[id]?.title ?? id
        } else {
            title = "all negotiations"
        }
        add("# Parley report: \(md(title))")
        add()
        receipt()
        parties()
        for section in report.negotiations { negotiation(section) }
        corrections()
        findings()
        notes()
        while lines.last == "" { lines.removeLast() }
    }

    mutating func receipt() {
        let receipt = report.receipt
        add("## Receipt")
        add()
        add("| | |")
        add("|---|---|")
        add("| Ledger | `\(receipt.ledgerID)` |")
        add("| Origin | \(code(receipt.origin)) |")
        add(
            "| Derived from | "
                + (receipt.throughSeq == 0
                    ? "no records (the ledger is empty)" : "records 1–\(receipt.throughSeq) (\(receipt.throughSeq) records)")
                + " |")
        add("| RFC 6962 root at seq \(receipt.throughSeq) | `\(receipt.root)` |")
        var known = "latest"
        if let asOf = receipt.asOf { known = "as of \(asOf)" }
        if let asOfSeq = receipt.asOfSeq { known = "as of seq \(asOfSeq)" }
        if let recorded = receipt.throughRecordedAt { known += " — record \(receipt.throughSeq) recorded \(recorded)" }
        add("| Known (transaction time) | \(known) |")
        add("| True at (valid time) | \(receipt.validAt ?? "any time: every known record") |")
        let scope = receipt.negotiation.map { "negotiation \(code($0))" } ?? "all negotiations"
        add("| In view | \(scope): \(receipt.eventsKnown) events known, \(receipt.eventsFolded) folded |")
        add("| Catalogue version | \(md(receipt.catalogueVersion)) |")
        if let generated = receipt.generatedAt { add("| Generated at | \(md(generated)) |") }
        add()
    }

    mutating func parties() {
        let parties = state.parties.all
        guard !parties.isEmpty else { return }
        add("## Parties and ownership")
        add()
        add("| Party | Kind | Country | Ownership and control | People | Source |")
        add("|---|---|---|---|---|---|")
        for party in parties {
            var label = "\(md(party.name)) \(code(party.id))"
            let aliases = party.aliases.filter { $0 != party.name }
            if !aliases.isEmpty { label += " (\(aliases.map(md).joined(separator: ", ")))" }
            var control: [String] = []
            for relation in party.owners { control.append(relationText(relation, subject: .owned)) }
            for relation in party.holdings { control.append(relationText(relation, subject: .owner)) }
            let people = party.people.map { person -> String in
                var text = "\(md(person.personName)), \(md(person.role))"
                if let title = person.personTitle, title != person.role { text += " (\(md(title)))" }
                if let from = person.from { text += " from \(from)" }
                if let to = person.to { text += " until \(to)" }
                return text + " (seq \(person.record.source.seq))"
            }
            add(
                "| \(label) | \(md(party.kind ?? "")) | \(md(party.country ?? "")) | \(control.joined(separator: "; ")) "
                    + "| \(people.joined(separator: "; ")) | \(source(party.registration.source)) |")
        }
        add()
    }

    private enum RelationSubject { case owner, owned }

    private func relationText(_ relation: OwnershipRelation, subject: RelationSubject) -> String {
        let share = relation.sharePercent.map { "\($0)%" }
        var text: String
        switch (relation.relation, subject) {
        case ("manages", .owned): text = "managed by \(name(relation.owner))"
        case ("manages", .owner): text = "manages \(name(relation.owned))"
        case (_, .owned): text = "owned \(share.map { $0 + " " } ?? "")by \(name(relation.owner))"
        case (_, .owner): text = "owns \(share.map { $0 + " of " } ?? "")\(name(relation.owned))"
        }
        if let from = relation.from { text += " from \(from)" }
        if let to = relation.to { text += " until \(to)" }
        return text + " (seq \(relation.record.source.seq))"
    }

    /// "corrected by seq 25 (2005-03-15): `high` USD 25,000,000 → USD 2,500,000 — reason".
    private func correctionNotes(_ item: SourcedData) -> [String] {
        guard var before = item.original else { return [] }
        return item.corrections.map { note in
            let after = before.mergePatched(with: note.changes)
            defer { before = after }
            let changes = (note.changes.objectValue ?? [:]).keys.sorted().map { key in
                "\(code(key)) \(md(ReportText.phrase(before[key]))) → \(md(ReportText.phrase(after[key])))"
            }
            return "*corrected* by seq \(note.source.seq) (\(when(note.source))): \(changes.joined(separator: "; "))"
                + (note.reason.isEmpty ? "" : " — \(md(note.reason))")
        }
    }

    mutating func negotiation(_ section: Report.NegotiationSection) {
        let negotiation = section.negotiation
        add("## Negotiation: \(md(negotiation.title ?? negotiation.id))")
        add()
        var about = "\(code(negotiation.id))"
        if let subject = negotiation.subject { about += " — \(md(subject))" }
        if let opening = negotiation.opening { about += " · opened \(when(opening.source))" }
        add(about)
        add()
        let history = negotiation.stageHistory
        if let current = history.last {
            add("**Stage: \(md(current.stage))** since \(when(current.record.source)) (\(source(current.record.source)))")
            add()
            add("### Stage history")
            add()
            add("| Stage | Valid from | Recorded | Move | Reason | Source |")
            add("|---|---|---|---|---|---|")
            for step in history {
                var move = step.isOpening ? "opened" : "\(md(step.previousStage ?? "(not opened)")) → \(md(step.stage))"
                if !step.isLegal { move += " **⚠ not allowed**" }
                if let declared = step.mismatchedPreviousStage { move += " (declared from \(md(declared)))" }
                add(
                    "| \(md(step.stage)) | \(when(step.record.source)) | \(step.record.source.recordedAtText) | \(move) "
                        + "| \(md(step.reason ?? "")) | \(source(step.record.source)) |")
            }
            add()
        }
        if !negotiation.parties.isEmpty {
            add("### Parties and roles")
            add()
            for party in negotiation.parties { add("- \(name(party.party)) \(code(party.party)) — \(md(party.role))") }
            let others = section.namedParties.filter { id in !negotiation.parties.contains { $0.party == id } }
            if !others.isEmpty { add("- also named: " + others.map { "\(name($0)) \(code($0))" }.joined(separator: ", ")) }
            add()
        }
        scope(negotiation)
        terms(section.terms)
        plans(negotiation.plans)
        estimates(negotiation.marketEstimates)
        prices(negotiation.priceQuotes)
        financials(section.namedParties)
        statements(section.statements)
        questions(section.contradictions, section.openQuestions)
        since(section)
    }

    mutating func scope(_ negotiation: NegotiationState) {
        guard let scope = negotiation.scope else { return }
        add("### Scope")
        add()
        add(
            "- \(md(ReportText.products(scope.items))), proposed by \(short(scope.proposedBy)) "
                + "(\(when(scope.record.source)); \(source(scope.record.source)))")
        if let note = scope.note { add("  - \(md(note))") }
        for line in correctionNotes(scope.record) { add("  - " + line) }
        for earlier in negotiation.scopeHistory.dropLast() {
            add(
                "  - earlier: \(md(ReportText.products(earlier.items))), proposed by \(short(earlier.proposedBy)) "
                    + "(\(when(earlier.record.source)); seq \(earlier.record.source.seq))")
        }
        add()
    }

    mutating func terms(_ terms: [Term]) {
        guard !terms.isEmpty else { return }
        add("### Terms proposed and agreed")
        add()
        for term in terms {
            var text = "- **\(md(term.kind ?? "term"))** \(code(term.termID)): \(ReportText.moneyRange(term.low, term.high))"
            if let by = term.proposedBy { text += ", proposed by \(short(by))" }
            text += term.agreement == nil ? " — *proposed, not agreed*" : " — **agreed**"
            if let proposal = term.proposal { text += " (\(when(proposal.source)); \(source(proposal.source)))" }
            add(text)
            if let description = term.description { add("  - \(md(description))") }
            if let proposal = term.proposal { for line in correctionNotes(proposal) { add("  - " + line) } }
            for earlier in term.proposals.dropLast() {
                add(
                    "  - earlier proposal: \(ReportText.moneyRange(Money(earlier.data["low"]), Money(earlier.data["high"]))) "
                        + "(\(when(earlier.source)); seq \(earlier.source.seq))")
            }
            if let agreement = term.agreement {
                var agreed = "  - agreed by \(term.agreedBy.map { short($0) }.joined(separator: ", "))"
                if let value = term.agreedValue { agreed += " at \(ReportText.money(value))" }
                if let description = term.agreedDescription { agreed += ": \(md(description))" }
                agreed += " (\(when(agreement.source)); \(source(agreement.source)))"
                add(agreed)
                for line in correctionNotes(agreement) { add("    - " + line) }
            }
        }
        add()
    }

    mutating func plans(_ plans: [AssemblyPlan]) {
        guard !plans.isEmpty else { return }
        add("### Assembly plan")
        add()
        for plan in plans {
            var parts: [String] = []
            if let assembler = plan.assembler { parts.append("assembled by \(short(assembler))") }
            if let site = plan.site { parts.append("at \(md(site))") }
            if !plan.products.isEmpty { parts.append(md(ReportText.products(plan.products))) }
            if let window = plan.startWindow { parts.append("start \(window.from) – \(window.to)") }
            if let volume = plan.annualVolume { parts.append("\(ReportText.range(volume)) vehicles a year") }
            add("- **\(md(plan.planID))** (current): " + parts.joined(separator: "; "))
            if let draft = plan.draft {
                add("  - drafted \(when(draft.source)) (\(source(draft.source)))" + (plan.note.map { ": \(md($0))" } ?? ""))
                for line in correctionNotes(draft) { add("    - " + line) }
            }
            for revision in plan.revisions {
                let changes = revision.changedFields.map { field in
                    "\(code(field)) \(md(ReportText.phrase(revision.replaced[field]))) → \(md(ReportText.phrase(revision.record.data[field])))"
                }
                var text = "  - revised \(when(revision.record.source)): \(changes.joined(separator: "; "))"
                if let reason = revision.reason { text += " — \(md(reason))" }
                text += " (\(source(revision.record.source)))"
                add(text)
                for line in correctionNotes(revision.record) { add("    - " + line) }
            }
        }
        add()
    }

    mutating func estimates(_ estimates: [MarketEstimate]) {
        guard !estimates.isEmpty else { return }
        add("### Market estimates")
        add()
        for estimate in estimates {
            var text = "- \(md(estimate.segment)), \(md(estimate.market)): "
            text += estimate.range.map { ReportText.range($0) } ?? "?"
            text += " \(md(estimate.unit)) a \(md(estimate.period))"
            if let horizon = estimate.horizon { text += " in \(ReportText.period(horizon))" }
            if let by = estimate.estimatedBy { text += ", estimated by \(short(by))" }
            text += " (\(when(estimate.record.source)); \(source(estimate.record.source)))"
            add(text)
            for line in correctionNotes(estimate.record) { add("  - " + line) }
        }
        add()
    }

    mutating func prices(_ quotes: [PriceQuote]) {
        guard !quotes.isEmpty else { return }
        add("### Price quotes")
        add()
        for quote in quotes {
            var text = "- \(md(quote.product))"
            if let description = quote.description { text += " (\(md(description)))" }
            text += ": \(ReportText.moneyRange(quote.low, quote.high)), \(md(quote.basis)) price"
            if let by = quote.quotedBy { text += ", quoted by \(short(by))" }
            text += " (\(when(quote.record.source)); \(source(quote.record.source)))"
            add(text)
            for line in correctionNotes(quote.record) { add("  - " + line) }
        }
        add()
    }

    mutating func financials(_ parties: [String]) {
        let facts = parties.flatMap { report.facts(about: $0) }
        guard !facts.isEmpty else { return }
        add("### Financial facts of the parties")
        add()
        add("| Party | Metric | Period | Value | Source |")
        add("|---|---|---|---|---|")
        for fact in facts {
            let value: String
            switch fact.value {
            case .count(let count): value = ReportText.grouped(count) + (fact.unit.map { " \(md($0))" } ?? "")
            case .money(let money): value = ReportText.money(money)
            case .missing: value = "—"
            }
            var cell = "\(when(fact.record.source)); \(source(fact.record.source))"
            if (report.differingReports[fact.key] ?? 0) > 0 {
                cell += " · ⚠ earlier reports differ (\(fact.earlier.count) earlier)"
            }
            for line in correctionNotes(fact.record) { cell += " · " + line }
            add(
                "| \(short(fact.key.party)) | \(md(fact.key.metric)) | \(ReportText.period(fact.key.period)) "
                    + "(\(fact.key.period.from) – \(fact.key.period.to)) | \(value) | \(cell) |")
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
        if !details.isEmpty { who += " (\(details.joined(separator: ", ")))" }
        if let behalf = statement.onBehalfOf { who += " on behalf of \(short(behalf))" }
        return who
    }

    mutating func statements(_ statements: [Statement]) {
        guard !statements.isEmpty else { return }
        add("### Statements by subject")
        add()
        for group in StatementGroups.of(statements) {
            add("#### \(md(group.topic))")
            add()
            for statement in group.statements {
                let claim = statement.isRetracted ? "~~“\(md(statement.claim))”~~" : "“\(md(statement.claim))”"
                add(
                    "- \(claim) — \(speaker(statement)), **\(md(statement.stance))** · \(when(statement.record.source)) · "
                        + source(statement.record.source))
                if let retraction = statement.retraction {
                    var retracted = "  - **retracted** \(when(retraction.source))"
                    if let by = retraction.string("retracted_by") { retracted += " by \(short(by))" }
                    if let reason = retraction.string("reason") { retracted += ": \(md(reason))" }
                    retracted += " (\(source(retraction.source)))"
                    add(retracted)
                }
                for line in correctionNotes(statement.record) { add("  - " + line) }
            }
            add()
        }
    }

    private func summary(_ statement: Statement) -> String {
        "\(speaker(statement)) **\(md(statement.stance))** “\(md(statement.claim))” (seq \(statement.record.source.seq)"
            + (statement.isRetracted ? ", retracted" : "") + ")"
    }

    mutating func questions(_ contradictions: [TopicContradictions], _ questions: [Report.OpenQuestion]) {
        let topics = contradictions
        guard !topics.isEmpty || !questions.isEmpty else { return }
        add("### Contradictions and open questions")
        add()
        for topic in topics {
            var status: [String] = []
            if topic.openPairs > 0 { status.append("\(topic.openPairs) open") }
            if topic.resolvedPairs > 0 { status.append("\(topic.resolvedPairs) resolved by retraction") }
            let shown = topic.listed.count < topic.openPairs + topic.resolvedPairs ? ", \(topic.listed.count) shown" : ""
            add(
                "- \(topic.openPairs > 0 ? "⚠ " : "")contradiction on **\(md(topic.topic))** (\(status.joined(separator: ", "))\(shown)):"
            )
            for pair in topic.listed {
                let why = pair.reason == .opposingStances ? "opposing stances" : "different claims for different parties"
                add("  - \(pair.isOpen ? "open" : "resolved"), \(why): \(summary(pair.first)) vs \(summary(pair.second))")
            }
        }
        for question in questions {
            add("- *\(md(question.kind))*: \(md(question.text)) (seq \(ReportText.ranges(question.seqs)))")
        }
        add()
    }

    mutating func since(_ section: Report.NegotiationSection) {
        guard let step = section.lastStageStep else { return }
        let label = step.isOpening ? "since it opened" : "since the last stage change"
        add("### Events \(label) (\(md(step.stage)), \(when(step.record.source)))")
        add()
        guard !section.sinceLastStageStep.isEmpty else {
            add("None.")
            add()
            return
        }
        add("| Seq | Valid | Recorded | Type | What | Source |")
        add("|---|---|---|---|---|---|")
        for event in section.sinceLastStageStep {
            let source = EventSource(event)
            add(
                "| \(event.seq) | \(when(source)) | \(event.recordedAtText) | \(event.type) "
                    + "| \(md(EventSummary.text(event, in: report))) | \(self.source(source)) |")
        }
        add()
    }

    mutating func corrections() {
        guard !state.corrections.isEmpty else { return }
        add("## Corrections")
        add()
        for note in state.corrections {
            var text = "- seq \(note.source.seq) (\(when(note.source))) corrects "
            if let target = report.corrections.targets[note.corrects],
                let (before, after) = report.corrections.dataAround(correction: note.source.id, of: target)
            {
                text += "seq \(target.seq) (\(target.type)): "
                text += (note.changes.objectValue ?? [:]).keys.sorted().map { key in
                    "\(code(key)) \(md(ReportText.phrase(before[key]))) → \(md(ReportText.phrase(after[key])))"
                }.joined(separator: "; ")
            } else {
                text += "\(code(note.corrects)) — **not applied** (unknown event)"
            }
            if !note.reason.isEmpty { text += " — \(md(note.reason))" }
            add(text + " (\(source(note.source)))")
        }
        add()
        add("Originals stay in the ledger; `parley log` shows them.")
        add()
    }

    mutating func findings() {
        let findings = state.findings.filter { $0.kind != .contradiction }
        add("## Findings")
        add()
        guard !findings.isEmpty else {
            add("None: every reference resolves, stage moves are legal, and every correction and retraction found its target.")
            add()
            return
        }
        for finding in findings {
            add("- seq \(finding.seq) `\(finding.kind.rawValue)` (\(md(finding.stream))): \(md(finding.message))")
        }
        add()
    }

    mutating func notes() {
        guard !report.notes.isEmpty else { return }
        let limit = 20
        add("## Notes on sources and dates")
        add()
        add("Dates are shown at the precision recorded (`2005` means the year is all that is known).")
        add()
        for note in report.notes.prefix(limit) { add("- seq \(ReportText.ranges(note.seqs)): \(md(note.text))") }
        if report.notes.count > limit { add("- … and \(report.notes.count - limit) more notes (see `--format json`)") }
        add()
    }
}
