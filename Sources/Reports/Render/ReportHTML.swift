import CanonicalJSON
import Projections

/// Renders a report as one self-contained HTML file: inline CSS, an inline SVG timeline per
/// negotiation (`TimelineSVG`), no scripts and no external assets, print-friendly (`@media print`).
/// Every piece of text from the ledger is escaped.
public enum ReportHTML {
    /// The HTML document (ends with a newline).
    ///
    /// - Parameter report: The report.
    /// - Returns: HTML.
    public static func render(_ report: Report) -> String {
        var writer = HTMLWriter(report: report)
        writer.write()
        return writer.out
    }

    static let style = """
        :root { --ink: #1d2330; --muted: #5b6475; --rule: #d9dde5; --accent: #1f5fa8; --warn: #a4331f; --paper: #ffffff; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f4f5f8; color: var(--ink); font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
        main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; background: var(--paper); }
        h1 { font-size: 24px; margin: 0 0 16px; }
        h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
        h3 { font-size: 15px; margin: 22px 0 8px; color: #26324a; }
        h4 { font-size: 14px; margin: 14px 0 6px; font-style: italic; }
        p { margin: 6px 0; }
        code, .mono { font-family: "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
        .root { word-break: break-all; }
        td.mono { white-space: nowrap; font-size: 11px; }
        td.date { white-space: nowrap; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
        th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--rule); }
        th { background: #eef1f6; font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #3b4558; }
        table.receipt th { width: 210px; text-transform: none; font-size: 13px; letter-spacing: 0; }
        ul { margin: 4px 0 10px; padding-left: 22px; }
        li { margin: 3px 0; }
        .src { color: var(--muted); font-size: 12px; }
        .stage { font-size: 15px; }
        .badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; background: #e6ebf3; color: #33415c; white-space: nowrap; }
        .badge.warn, .warn { color: var(--warn); }
        .badge.illustrative { background: #fdf0d5; color: #7a5300; }
        .retracted .claim { text-decoration: line-through; color: var(--muted); }
        .stance { font-weight: 600; }
        .corrected { font-size: 12px; color: #6a4b00; }
        .kind { font-style: italic; color: var(--muted); }
        figure { margin: 10px 0 14px; overflow-x: auto; }
        figcaption { font-size: 12px; color: var(--muted); }
        svg.timeline { display: block; max-width: 100%; height: auto; font-family: inherit; }
        svg .band-label { font-size: 11px; font-weight: 600; fill: #33415c; }
        svg .band-edge { stroke: #b8c2d3; stroke-width: 1; }
        svg .row-label { font-size: 11px; fill: #2b3345; }
        svg .row-alt { fill: #f5f6f9; }
        svg .axis { stroke: #6b7385; stroke-width: 1; }
        svg .axis-break { stroke: #6b7385; stroke-width: 1.2; fill: none; }
        svg .grid { stroke: #e1e5ec; stroke-width: 1; }
        svg .tick { font-size: 10px; fill: #4b5465; text-anchor: middle; }
        svg .axis-title, svg .more { font-size: 10px; fill: #6b7385; }
        svg .strip { fill: #f7f7f7; stroke: #d0d4db; stroke-dasharray: 3 3; }
        svg .lag { stroke: #8a93a6; stroke-width: 1; }
        svg .late-lag { stroke: #a4331f; stroke-width: 1.3; stroke-dasharray: 4 2; }
        svg .recorded-tick { stroke: #4b5465; stroke-width: 1.5; }
        svg .late-tag { font-size: 9px; fill: #a4331f; font-weight: 600; }
        svg .mark { stroke: #ffffff; stroke-width: 1; }
        svg .stage .mark { fill: #1f5fa8; }
        svg .statement .mark { fill: #7b3fa0; }
        svg .term .mark { fill: #1c8a5a; }
        svg .plan .mark { fill: #c9700c; }
        svg .market .mark { fill: #0f8a9d; }
        svg .correction .mark { fill: #a4331f; }
        svg .other .mark { fill: #6b7385; }
        .legend { font-size: 12px; color: var(--muted); }
        .legend > span { margin-right: 12px; white-space: nowrap; }
        .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
        footer { margin-top: 30px; font-size: 12px; color: var(--muted); }
        @media print {
          body { background: #ffffff; font-size: 10pt; }
          main { max-width: none; padding: 0; }
          h2 { break-after: avoid; }
          h3, h4 { break-after: avoid; }
          section.negotiation { break-before: page; }
          figure, tr, li { break-inside: avoid; }
          th { background: #eeeeee !important; }
          a { color: inherit; text-decoration: none; }
        }
        @page { margin: 14mm; }
        """
}

private struct HTMLWriter {
    let report: Report
    var out = ""

    init(report: Report) { self.report = report }

    private var state: LedgerState { report.state }
    private func h(_ text: String) -> String { ReportText.html(text) }
    private func short(_ party: String?) -> String { party.map { h(report.names.shortName($0)) } ?? "unknown party" }
    private func name(_ party: String) -> String { h(report.names.displayName(party)) }
    private func when(_ source: EventSource) -> String { h(ReportText.when(source)) }

    /// Provenance as muted text, with an "illustrative" badge for made-up data.
    private func source(_ source: EventSource, attribution: Bool = true) -> String {
        let provenance = source.provenance
        var parts: [String] = []
        if let publication = ReportText.publication(provenance) { parts.append(h(publication)) }
        if attribution, let attributed = provenance.attributedTo { parts.append("attributed to " + h(attributed)) }
        if let confidence = provenance.confidence, confidence != "illustrative" { parts.append(h(confidence)) }
        parts.append("seq \(source.seq)")
        var text = "<span class=\"src\">" + parts.joined(separator: " · ") + "</span>"
        if provenance.isIllustrative { text += " <span class=\"badge illustrative\">illustrative, not sourced</span>" }
        return text
    }

    private mutating func add(_ line: String) {
        out += line
        out += "\n"
    }

    mutating func write() {
        let title: String
        if let id = report.receipt.negotiation {
            title = state.negotiations[id]?.title ?? id
        } else {
            title = "all negotiations"
        }
        add("<!DOCTYPE html>")
        add("<html lang=\"en\">")
        add("<head>")
        add("<meta charset=\"utf-8\">")
        add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        add("<title>Parley report: \(h(title))</title>")
        add("<style>\n\(ReportHTML.style)\n</style>")
        add("</head>")
        add("<body>")
        add("<main>")
        add("<h1>Parley report: \(h(title))</h1>")
        receipt()
        parties()
        for section in report.negotiations { negotiation(section) }
        corrections()
        findings()
        notes()
        add(
            "<footer>Written by parley report from the ledger's records; the receipt above says exactly which. Times are UTC.</footer>"
        )
        add("</main>")
        add("</body>")
        add("</html>")
    }

    mutating func receipt() {
        let receipt = report.receipt
        add("<section class=\"receipt\">")
        add("<h2>Receipt</h2>")
        add("<table class=\"receipt\">")
        func row(_ label: String, _ value: String) -> String { "<tr><th scope=\"row\">\(label)</th><td>\(value)</td></tr>" }
        add(row("Ledger", "<code>\(h(receipt.ledgerID))</code>"))
        add(row("Origin", "<code>\(h(receipt.origin))</code>"))
        add(
            row(
                "Derived from",
                receipt.throughSeq == 0
                    ? "no records (the ledger is empty)" : "records 1–\(receipt.throughSeq) (\(receipt.throughSeq) records)"))
        add(row("RFC 6962 root at seq \(receipt.throughSeq)", "<code class=\"root\">\(h(receipt.root))</code>"))
        var known = "latest"
        if let asOf = receipt.asOf { known = "as of " + h(asOf) }
        if let asOfSeq = receipt.asOfSeq { known = "as of seq \(asOfSeq)" }
        if let recorded = receipt.throughRecordedAt { known += " — record \(receipt.throughSeq) recorded \(h(recorded))" }
        add(row("Known (transaction time)", known))
        add(row("True at (valid time)", receipt.validAt.map(h) ?? "any time: every known record"))
        let scope = receipt.negotiation.map { "negotiation <code>\(h($0))</code>" } ?? "all negotiations"
        add(row("In view", "\(scope): \(receipt.eventsKnown) events known, \(receipt.eventsFolded) folded"))
        add(row("Catalogue version", h(receipt.catalogueVersion)))
        if let generated = receipt.generatedAt { add(row("Generated at", h(generated))) }
        add("</table>")
        add("</section>")
    }

    mutating func parties() {
        let parties = state.parties.all
        guard !parties.isEmpty else { return }
        add("<section class=\"parties\">")
        add("<h2>Parties and ownership</h2>")
        add("<table>")
        add(
            "<thead><tr><th>Party</th><th>Kind</th><th>Country</th><th>Ownership and control</th><th>People</th><th>Source</th></tr></thead>"
        )
        add("<tbody>")
        for party in parties {
            var label = "<strong>\(h(party.name))</strong> <code>\(h(party.id))</code>"
            let aliases = party.aliases.filter { $0 != party.name }
            if !aliases.isEmpty { label += " (\(aliases.map(h).joined(separator: ", ")))" }
            if let description = party.description { label += "<br><span class=\"src\">\(h(description))</span>" }
            var control: [String] = []
            for relation in party.owners { control.append(relationText(relation, owned: true)) }
            for relation in party.holdings { control.append(relationText(relation, owned: false)) }
            let people = party.people.map { person -> String in
                var text = "\(h(person.personName)), \(h(person.role))"
                if let title = person.personTitle, title != person.role { text += " (\(h(title)))" }
                if let from = person.from { text += " from \(h(from))" }
                if let to = person.to { text += " until \(h(to))" }
                return text + " <span class=\"src\">seq \(person.record.source.seq)</span>"
            }
            add(
                "<tr><td>\(label)</td><td>\(h(party.kind ?? ""))</td><td>\(h(party.country ?? ""))</td>"
                    + "<td>\(control.joined(separator: "<br>"))</td><td>\(people.joined(separator: "<br>"))</td>"
                    + "<td>\(source(party.registration.source))</td></tr>")
        }
        add("</tbody>")
        add("</table>")
        add("</section>")
    }

    private func relationText(_ relation: OwnershipRelation, owned: Bool) -> String {
        let share = relation.sharePercent.map { h($0) + "%" }
        var text: String
        switch (relation.relation, owned) {
        case ("manages", true): text = "managed by \(name(relation.owner))"
        case ("manages", false): text = "manages \(name(relation.owned))"
        case (_, true): text = "owned \(share.map { $0 + " " } ?? "")by \(name(relation.owner))"
        case (_, false): text = "owns \(share.map { $0 + " of " } ?? "")\(name(relation.owned))"
        }
        if let from = relation.from { text += " from \(h(from))" }
        if let to = relation.to { text += " until \(h(to))" }
        return text + " <span class=\"src\">seq \(relation.record.source.seq)</span>"
    }

    private func correctionNotes(_ item: SourcedData) -> [String] {
        guard var before = item.original else { return [] }
        return item.corrections.map { note in
            let after = before.mergePatched(with: note.changes)
            defer { before = after }
            let changes = (note.changes.objectValue ?? [:]).keys.sorted().map { key in
                "<code>\(h(key))</code> \(h(ReportText.phrase(before[key]))) → \(h(ReportText.phrase(after[key])))"
            }
            return "<span class=\"corrected\">corrected by seq \(note.source.seq) (\(when(note.source))): "
                + changes.joined(separator: "; ") + (note.reason.isEmpty ? "" : " — \(h(note.reason))") + "</span>"
        }
    }

    private func sublist(_ items: [String]) -> String {
        items.isEmpty ? "" : "<ul>" + items.map { "<li>\($0)</li>" }.joined() + "</ul>"
    }

    mutating func negotiation(_ section: Report.NegotiationSection) {
        let negotiation = section.negotiation
        add("<section class=\"negotiation\" id=\"negotiation-\(h(negotiation.id))\">")
        add("<h2>Negotiation: \(h(negotiation.title ?? negotiation.id))</h2>")
        var about = "<code>\(h(negotiation.id))</code>"
        if let subject = negotiation.subject { about += " — \(h(subject))" }
        if let opening = negotiation.opening { about += " · opened \(when(opening.source))" }
        add("<p>\(about)</p>")
        let history = negotiation.stageHistory
        if let current = history.last {
            add(
                "<p class=\"stage\">Stage: <strong>\(h(current.stage))</strong> since \(when(current.record.source)) "
                    + source(current.record.source) + "</p>")
        }
        if let svg = TimelineSVG.render(section, report: report) {
            add("<figure>")
            add(svg)
            add(
                "<figcaption class=\"legend\"><span><span class=\"dot\" style=\"background:#1f5fa8\"></span>stage</span>"
                    + "<span><span class=\"dot\" style=\"background:#7b3fa0\"></span>statement</span>"
                    + "<span><span class=\"dot\" style=\"background:#1c8a5a\"></span>scope, term</span>"
                    + "<span><span class=\"dot\" style=\"background:#c9700c\"></span>assembly plan</span>"
                    + "<span><span class=\"dot\" style=\"background:#0f8a9d\"></span>market, price</span>"
                    + "<span><span class=\"dot\" style=\"background:#a4331f\"></span>correction</span>"
                    + "<br>Marks sit at valid time (effective_at), over the stage bands. A grey line runs on to the "
                    + "recording time (recorded_at) where the ledger learned of an event more than a day later; a dashed "
                    + "red line marks a record that arrived after records with a later valid time. * illustrative, not sourced."
                    + "</figcaption>")
            add("</figure>")
        }
        if !history.isEmpty {
            add("<h3>Stage history</h3>")
            add("<table>")
            add(
                "<thead><tr><th>Stage</th><th>Valid from</th><th>Recorded</th><th>Move</th><th>Reason</th><th>Source</th></tr></thead>"
            )
            add("<tbody>")
            for step in history {
                var move = step.isOpening ? "opened" : "\(h(step.previousStage ?? "(not opened)")) → \(h(step.stage))"
                if !step.isLegal { move += " <span class=\"badge warn\">not allowed</span>" }
                if let declared = step.mismatchedPreviousStage { move += " (declared from \(h(declared)))" }
                add(
                    "<tr><td><strong>\(h(step.stage))</strong></td><td class=\"date\">\(when(step.record.source))</td>"
                        + "<td class=\"mono\">\(h(step.record.source.recordedAtText))</td><td>\(move)</td>"
                        + "<td>\(h(step.reason ?? ""))</td><td>\(source(step.record.source))</td></tr>")
            }
            add("</tbody>")
            add("</table>")
        }
        if !negotiation.parties.isEmpty {
            add("<h3>Parties and roles</h3>")
            var items = negotiation.parties.map { "\(name($0.party)) <code>\(h($0.party))</code> — \(h($0.role))" }
            let others = section.namedParties.filter { id in !negotiation.parties.contains { $0.party == id } }
            if !others.isEmpty {
                items.append("also named: " + others.map { "\(name($0)) <code>\(h($0))</code>" }.joined(separator: ", "))
            }
            add(sublist(items))
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
        add("</section>")
    }

    mutating func scope(_ negotiation: NegotiationState) {
        guard let scope = negotiation.scope else { return }
        add("<h3>Scope</h3>")
        var details: [String] = []
        if let note = scope.note { details.append(h(note)) }
        details += correctionNotes(scope.record)
        for earlier in negotiation.scopeHistory.dropLast() {
            details.append(
                "earlier: \(h(ReportText.products(earlier.items))), proposed by \(short(earlier.proposedBy)) "
                    + "(\(when(earlier.record.source)); seq \(earlier.record.source.seq))")
        }
        add(
            "<ul><li>\(h(ReportText.products(scope.items))), proposed by \(short(scope.proposedBy)) "
                + "(\(when(scope.record.source))) \(source(scope.record.source))\(sublist(details))</li></ul>")
    }

    mutating func terms(_ terms: [Term]) {
        guard !terms.isEmpty else { return }
        add("<h3>Terms proposed and agreed</h3>")
        add("<ul>")
        for term in terms {
            var text =
                "<strong>\(h(term.kind ?? "term"))</strong> <code>\(h(term.termID))</code>: \(h(ReportText.moneyRange(term.low, term.high)))"
            if let by = term.proposedBy { text += ", proposed by \(short(by))" }
            text += term.agreement == nil ? " — <em>proposed, not agreed</em>" : " — <strong>agreed</strong>"
            if let proposal = term.proposal { text += " (\(when(proposal.source))) \(source(proposal.source))" }
            var details: [String] = []
            if let description = term.description { details.append(h(description)) }
            if let proposal = term.proposal { details += correctionNotes(proposal) }
            for earlier in term.proposals.dropLast() {
                details.append(
                    "earlier proposal: \(h(ReportText.moneyRange(Money(earlier.data["low"]), Money(earlier.data["high"])))) "
                        + "(\(when(earlier.source)); seq \(earlier.source.seq))")
            }
            if let agreement = term.agreement {
                var agreed = "agreed by \(term.agreedBy.map { short($0) }.joined(separator: ", "))"
                if let value = term.agreedValue { agreed += " at \(h(ReportText.money(value)))" }
                if let description = term.agreedDescription { agreed += ": \(h(description))" }
                agreed += " (\(when(agreement.source))) \(source(agreement.source))"
                details.append(agreed + sublist(correctionNotes(agreement)))
            }
            add("<li>\(text)\(sublist(details))</li>")
        }
        add("</ul>")
    }

    mutating func plans(_ plans: [AssemblyPlan]) {
        guard !plans.isEmpty else { return }
        add("<h3>Assembly plan</h3>")
        add("<ul>")
        for plan in plans {
            var parts: [String] = []
            if let assembler = plan.assembler { parts.append("assembled by \(short(assembler))") }
            if let site = plan.site { parts.append("at \(h(site))") }
            if !plan.products.isEmpty { parts.append(h(ReportText.products(plan.products))) }
            if let window = plan.startWindow { parts.append("start \(h(window.from)) – \(h(window.to))") }
            if let volume = plan.annualVolume { parts.append("\(h(ReportText.range(volume))) vehicles a year") }
            var details: [String] = []
            if let draft = plan.draft {
                details.append(
                    "drafted \(when(draft.source))" + (plan.note.map { ": \(h($0))" } ?? "") + " \(source(draft.source))"
                        + sublist(correctionNotes(draft)))
            }
            for revision in plan.revisions {
                let changes = revision.changedFields.map { field in
                    "<code>\(h(field))</code> \(h(ReportText.phrase(revision.replaced[field]))) → \(h(ReportText.phrase(revision.record.data[field])))"
                }
                var text = "revised \(when(revision.record.source)): \(changes.joined(separator: "; "))"
                if let reason = revision.reason { text += " — \(h(reason))" }
                details.append(text + " \(source(revision.record.source))" + sublist(correctionNotes(revision.record)))
            }
            add("<li><strong>\(h(plan.planID))</strong> (current): \(parts.joined(separator: "; "))\(sublist(details))</li>")
        }
        add("</ul>")
    }

    mutating func estimates(_ estimates: [MarketEstimate]) {
        guard !estimates.isEmpty else { return }
        add("<h3>Market estimates</h3>")
        add("<ul>")
        for estimate in estimates {
            var text = "\(h(estimate.segment)), \(h(estimate.market)): "
            text += h(estimate.range.map { ReportText.range($0) } ?? "?")
            text += " \(h(estimate.unit)) a \(h(estimate.period))"
            if let horizon = estimate.horizon { text += " in \(h(ReportText.period(horizon)))" }
            if let by = estimate.estimatedBy { text += ", estimated by \(short(by))" }
            text += " (\(when(estimate.record.source))) \(source(estimate.record.source))"
            add("<li>\(text)\(sublist(correctionNotes(estimate.record)))</li>")
        }
        add("</ul>")
    }

    mutating func prices(_ quotes: [PriceQuote]) {
        guard !quotes.isEmpty else { return }
        add("<h3>Price quotes</h3>")
        add("<ul>")
        for quote in quotes {
            var text = h(quote.product)
            if let description = quote.description { text += " (\(h(description)))" }
            text += ": \(h(ReportText.moneyRange(quote.low, quote.high))), \(h(quote.basis)) price"
            if let by = quote.quotedBy { text += ", quoted by \(short(by))" }
            text += " (\(when(quote.record.source))) \(source(quote.record.source))"
            add("<li>\(text)\(sublist(correctionNotes(quote.record)))</li>")
        }
        add("</ul>")
    }

    mutating func financials(_ parties: [String]) {
        let facts = parties.flatMap { report.facts(about: $0) }
        guard !facts.isEmpty else { return }
        add("<h3>Financial facts of the parties</h3>")
        add("<table>")
        add("<thead><tr><th>Party</th><th>Metric</th><th>Period</th><th>Value</th><th>Source</th></tr></thead>")
        add("<tbody>")
        for fact in facts {
            let value: String
            switch fact.value {
            case .count(let count): value = h(ReportText.grouped(count) + (fact.unit.map { " \($0)" } ?? ""))
            case .money(let money): value = h(ReportText.money(money))
            case .missing: value = "—"
            }
            var cell = "\(when(fact.record.source)) \(source(fact.record.source))"
            if (report.differingReports[fact.key] ?? 0) > 0 {
                cell += " <span class=\"badge warn\">earlier reports differ (\(fact.earlier.count) earlier)</span>"
            }
            cell += sublist(correctionNotes(fact.record))
            add(
                "<tr><td>\(short(fact.key.party))</td><td>\(h(fact.key.metric))</td>"
                    + "<td>\(h(ReportText.period(fact.key.period)))<br><span class=\"src\">\(h(fact.key.period.from)) – \(h(fact.key.period.to))</span></td>"
                    + "<td>\(value)</td><td>\(cell)</td></tr>")
        }
        add("</tbody>")
        add("</table>")
    }

    private func speaker(_ statement: Statement) -> String {
        var who = "<strong>\(h(statement.speaker))</strong>"
        var details: [String] = []
        if let title = statement.speakerTitle { details.append(h(title)) }
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
        add("<h3>Statements by subject</h3>")
        for group in StatementGroups.of(statements) {
            add("<h4>\(h(group.topic))</h4>")
            add("<ul>")
            for statement in group.statements {
                var details: [String] = []
                if let retraction = statement.retraction {
                    var retracted = "<strong>retracted</strong> \(when(retraction.source))"
                    if let by = retraction.string("retracted_by") { retracted += " by \(short(by))" }
                    if let reason = retraction.string("reason") { retracted += ": \(h(reason))" }
                    details.append(retracted + " " + source(retraction.source))
                }
                details += correctionNotes(statement.record)
                add(
                    "<li class=\"\(statement.isRetracted ? "retracted" : "statement")\"><span class=\"claim\">“\(h(statement.claim))”</span> — "
                        + "\(speaker(statement)), <span class=\"stance\">\(h(statement.stance))</span> · "
                        + "\(when(statement.record.source)) \(source(statement.record.source))\(sublist(details))</li>")
            }
            add("</ul>")
        }
    }

    private func summary(_ statement: Statement) -> String {
        "\(speaker(statement)) <span class=\"stance\">\(h(statement.stance))</span> “\(h(statement.claim))” "
            + "<span class=\"src\">seq \(statement.record.source.seq)\(statement.isRetracted ? ", retracted" : "")</span>"
    }

    mutating func questions(_ contradictions: [TopicContradictions], _ questions: [Report.OpenQuestion]) {
        let topics = contradictions
        guard !topics.isEmpty || !questions.isEmpty else { return }
        add("<h3>Contradictions and open questions</h3>")
        add("<ul>")
        for topic in topics {
            var status: [String] = []
            if topic.openPairs > 0 { status.append("\(topic.openPairs) open") }
            if topic.resolvedPairs > 0 { status.append("\(topic.resolvedPairs) resolved by retraction") }
            let pairs = topic.listed.map { pair -> String in
                let why = pair.reason == .opposingStances ? "opposing stances" : "different claims for different parties"
                return
                    "\(pair.isOpen ? "<span class=\"warn\">open</span>" : "resolved"), \(why): \(summary(pair.first)) vs \(summary(pair.second))"
            }
            add(
                "<li>\(topic.openPairs > 0 ? "<span class=\"warn\">⚠</span> " : "")contradiction on <strong>\(h(topic.topic))</strong> "
                    + "(\(status.joined(separator: ", ")))\(sublist(pairs))</li>")
        }
        for question in questions {
            add(
                "<li><span class=\"kind\">\(h(question.kind))</span>: \(h(question.text)) <span class=\"src\">seq \(h(ReportText.ranges(question.seqs)))</span></li>"
            )
        }
        add("</ul>")
    }

    mutating func since(_ section: Report.NegotiationSection) {
        guard let step = section.lastStageStep else { return }
        let label = step.isOpening ? "since it opened" : "since the last stage change"
        add("<h3>Events \(label) (\(h(step.stage)), \(when(step.record.source)))</h3>")
        guard !section.sinceLastStageStep.isEmpty else {
            add("<p>None.</p>")
            return
        }
        add("<table>")
        add("<thead><tr><th>Seq</th><th>Valid</th><th>Recorded</th><th>Type</th><th>What</th><th>Source</th></tr></thead>")
        add("<tbody>")
        for event in section.sinceLastStageStep {
            let eventSource = EventSource(event)
            add(
                "<tr><td>\(event.seq)</td><td class=\"date\">\(when(eventSource))</td><td class=\"mono\">\(h(event.recordedAtText))</td>"
                    + "<td>\(h(event.type))</td><td>\(h(EventSummary.text(event, in: report)))</td><td>\(source(eventSource))</td></tr>"
            )
        }
        add("</tbody>")
        add("</table>")
    }

    mutating func corrections() {
        guard !state.corrections.isEmpty else { return }
        add("<section class=\"corrections\">")
        add("<h2>Corrections</h2>")
        add("<ul>")
        for note in state.corrections {
            var text = "seq \(note.source.seq) (\(when(note.source))) corrects "
            if let target = report.corrections.targets[note.corrects],
                let (before, after) = report.corrections.dataAround(correction: note.source.id, of: target)
            {
                text += "seq \(target.seq) (\(h(target.type))): "
                text += (note.changes.objectValue ?? [:]).keys.sorted().map { key in
                    "<code>\(h(key))</code> \(h(ReportText.phrase(before[key]))) → \(h(ReportText.phrase(after[key])))"
                }.joined(separator: "; ")
            } else {
                text += "<code>\(h(note.corrects))</code> — <strong>not applied</strong> (unknown event)"
            }
            if !note.reason.isEmpty { text += " — \(h(note.reason))" }
            add("<li>\(text) \(source(note.source))</li>")
        }
        add("</ul>")
        add("<p class=\"src\">Originals stay in the ledger; <code>parley log</code> shows them.</p>")
        add("</section>")
    }

    mutating func findings() {
        let findings = state.findings.filter { $0.kind != .contradiction }
        add("<section class=\"findings\">")
        add("<h2>Findings</h2>")
        if findings.isEmpty {
            add(
                "<p>None: every reference resolves, stage moves are legal, and every correction and retraction found its target.</p>"
            )
        } else {
            add("<ul>")
            for finding in findings {
                add(
                    "<li>seq \(finding.seq) <code>\(h(finding.kind.rawValue))</code> (\(h(finding.stream))): \(h(finding.message))</li>"
                )
            }
            add("</ul>")
        }
        add("</section>")
    }

    mutating func notes() {
        guard !report.notes.isEmpty else { return }
        let limit = 20
        add("<section class=\"notes\">")
        add("<h2>Notes on sources and dates</h2>")
        add("<p>Dates are shown at the precision recorded (<code>2005</code> means the year is all that is known).</p>")
        add("<ul>")
        for note in report.notes.prefix(limit) { add("<li>seq \(h(ReportText.ranges(note.seqs))): \(h(note.text))</li>") }
        if report.notes.count > limit { add("<li>… and \(report.notes.count - limit) more notes (see the JSON report)</li>") }
        add("</ul>")
        add("</section>")
    }
}
