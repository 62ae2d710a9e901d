import LedgerStore
import Projections

/// Draws a negotiation's timeline by valid time as inline SVG: one row per event, a mark at its
/// `effective_at`, stage bands behind, and — where recording lagged reality by more than a day —
/// a thin line from the mark to its `recorded_at` with a small tick there. Recording times far
/// after the events (a history entered years later) are drawn in a separate "recorded" strip to
/// the right of a break in the axis, so both times stay readable. A record that arrived after
/// records with a later valid time (late-arriving) gets a dashed, darker line and a "late" tag.
enum TimelineSVG {
    /// The most event rows drawn; the rest are counted below the chart.
    static let rowLimit = 150

    static let width = 960.0
    static let labelWidth = 230.0
    static let rowHeight = 17.0
    static let headerHeight = 30.0
    static let axisHeight = 34.0
    static let stripWidth = 130.0
    static let stripGap = 26.0
    static let day: Int64 = 86_400_000_000

    /// Stage band colours (cycled).
    static let bandColours = ["#e8f0fb", "#e9f6ec", "#fdf3e1", "#f6e8f5", "#e6f5f6", "#f3f3e4", "#fbe9e7"]

    /// The SVG element (no XML declaration), or nil when the negotiation has no events.
    static func render(_ section: Report.NegotiationSection, report: Report) -> String? {
        let events = section.events.sorted { ($0.effectiveAt, $0.seq) < ($1.effectiveAt, $1.seq) }
        guard !events.isEmpty else { return nil }
        let shown = Array(events.prefix(rowLimit))
        var late: Set<UInt64> = []
        var latest: Timestamp?
        for event in section.events.sorted(by: { $0.seq < $1.seq }) {
            if let latest, event.effectiveAt < latest { late.insert(event.seq) }
            latest = max(latest ?? event.effectiveAt, event.effectiveAt)
        }
        // Valid-time axis.
        let steps = section.negotiation.stageHistory
        var low = shown.map(\.effectiveAt.microseconds).min()!
        var high = shown.map(\.effectiveAt.microseconds).max()!
        for step in steps {
            low = min(low, step.record.source.effectiveAt.microseconds)
            high = max(high, step.record.source.effectiveAt.microseconds)
        }
        let lagged = shown.filter { $0.recordedAt.microseconds - $0.effectiveAt.microseconds > day }
        // Recording times within a modest reach of the valid range share its axis; later ones
        // go to the strip.
        let span0 = max(high - low, 30 * day)
        let reach = high + span0 / 2
        for event in lagged where event.recordedAt.microseconds <= reach { high = max(high, event.recordedAt.microseconds) }
        let span = max(high - low, 30 * day)
        let axisLow = Double(low) - Double(span) * 0.04
        let axisHigh = Double(high) + Double(span) * 0.04
        let beyond = lagged.filter { $0.recordedAt.microseconds > reach }
        let hasStrip = !beyond.isEmpty
        let plotLeft = labelWidth
        let plotRight = width - 16 - (hasStrip ? stripWidth + stripGap : 0)
        func x(_ micros: Int64) -> Double {
            plotLeft + (Double(micros) - axisLow) / (axisHigh - axisLow) * (plotRight - plotLeft)
        }
        let stripLeft = plotRight + stripGap
        let stripLow = beyond.map(\.recordedAt.microseconds).min() ?? 0
        let stripHigh = beyond.map(\.recordedAt.microseconds).max() ?? 0
        func stripX(_ micros: Int64) -> Double {
            guard stripHigh > stripLow else { return stripLeft + stripWidth / 2 }
            return stripLeft + 10 + Double(micros - stripLow) / Double(stripHigh - stripLow) * (stripWidth - 20)
        }
        let rowsTop = headerHeight
        let rowsBottom = rowsTop + Double(shown.count) * rowHeight
        let height = rowsBottom + axisHeight + 26
        var svg = Builder()
        let title = "Timeline of \(section.negotiation.title ?? section.negotiation.id) by valid time"
        svg.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"), ("class", "timeline"), ("viewBox", "0 0 \(n(width)) \(n(height))"),
                ("width", n(width)), ("height", n(height)), ("role", "img"), ("aria-label", title),
            ])
        svg.element("title", text: title)
        // Stage bands.
        for (index, step) in steps.enumerated() {
            let start = max(x(step.record.source.effectiveAt.microseconds), plotLeft)
            let end = index + 1 < steps.count ? x(steps[index + 1].record.source.effectiveAt.microseconds) : plotRight
            guard end > start else { continue }
            let colour = bandColours[index % bandColours.count]
            svg.open("g", [("class", "band")])
            svg.element("title", text: "stage \(step.stage) from \(ReportText.when(step.record.source))")
            svg.empty(
                "rect",
                [
                    ("x", n(start)), ("y", n(rowsTop - 18)), ("width", n(end - start)), ("height", n(rowsBottom - rowsTop + 18)),
                    ("fill", colour),
                ])
            svg.empty(
                "line",
                [("x1", n(start)), ("y1", n(rowsTop - 18)), ("x2", n(start)), ("y2", n(rowsBottom)), ("class", "band-edge")])
            // The label stays inside its band (the band's title carries the whole name).
            let label = Self.fitted(step.stage + (step.isLegal ? "" : " ⚠"), width: end - start - 6)
            if !label.isEmpty {
                svg.element(
                    "text", [("x", n(start + 4)), ("y", n(rowsTop - 6)), ("class", "band-label")], text: label)
            }
            svg.close("g")
        }
        // Axis.
        svg.empty(
            "line",
            [("x1", n(plotLeft)), ("y1", n(rowsBottom + 2)), ("x2", n(plotRight)), ("y2", n(rowsBottom + 2)), ("class", "axis")])
        for tick in ticks(low: Int64(axisLow), high: Int64(axisHigh), room: Int((plotRight - plotLeft) / 64)) {
            let tickX = x(tick.micros)
            guard tickX >= plotLeft - 0.5, tickX <= plotRight + 0.5 else { continue }
            svg.empty(
                "line", [("x1", n(tickX)), ("y1", n(rowsTop)), ("x2", n(tickX)), ("y2", n(rowsBottom + 6)), ("class", "grid")])
            svg.element("text", [("x", n(tickX)), ("y", n(rowsBottom + 18)), ("class", "tick")], text: tick.label)
        }
        svg.element(
            "text", [("x", n(plotLeft)), ("y", n(rowsBottom + 32)), ("class", "axis-title")],
            text: "valid time (effective_at)" + yearNote(low: low, high: high))
        if hasStrip {
            let breakX = plotRight + stripGap / 2
            svg.empty(
                "path",
                [
                    ("d", "M\(n(breakX - 5)) \(n(rowsBottom + 8)) l5 -10 l0 0 M\(n(breakX)) \(n(rowsBottom + 8)) l5 -10"),
                    ("class", "axis-break"),
                ])
            svg.empty(
                "rect",
                [
                    ("x", n(stripLeft)), ("y", n(rowsTop - 18)), ("width", n(stripWidth)),
                    ("height", n(rowsBottom - rowsTop + 18)), ("class", "strip"),
                ])
            svg.element(
                "text", [("x", n(stripLeft + 4)), ("y", n(rowsTop - 6)), ("class", "band-label")], text: "recorded later")
            svg.empty(
                "line",
                [
                    ("x1", n(stripLeft)), ("y1", n(rowsBottom + 2)), ("x2", n(stripLeft + stripWidth)), ("y2", n(rowsBottom + 2)),
                    ("class", "axis"),
                ])
            let first = String(Timestamp(microseconds: stripLow).description.prefix(10))
            let last = String(Timestamp(microseconds: stripHigh).description.prefix(10))
            svg.element(
                "text", [("x", n(stripLeft + stripWidth / 2)), ("y", n(rowsBottom + 18)), ("class", "tick")],
                text: first == last ? first : "\(first) – \(last)")
            svg.element(
                "text", [("x", n(stripLeft)), ("y", n(rowsBottom + 32)), ("class", "axis-title")], text: "recorded_at")
        }
        // Rows.
        for (index, event) in shown.enumerated() {
            let y = rowsTop + Double(index) * rowHeight + rowHeight / 2
            let source = EventSource(event)
            let kind = category(event.type)
            let isLate = late.contains(event.seq)
            let illustrative = source.provenance.isIllustrative
            var tip = "seq \(event.seq) \(event.type): \(EventSummary.text(event, in: report))\n"
            tip += "valid \(event.effectiveAtText) · recorded \(event.recordedAtText)"
            if isLate { tip += " · arrived after later-dated records" }
            if illustrative { tip += " · illustrative, not sourced" }
            svg.open("g", [("class", "event \(kind)" + (isLate ? " late" : ""))])
            svg.element("title", text: tip)
            if index % 2 == 1 {
                svg.empty(
                    "rect",
                    [
                        ("x", "0"), ("y", n(y - rowHeight / 2)), ("width", n(labelWidth - 6)), ("height", n(rowHeight)),
                        ("class", "row-alt"),
                    ])
            }
            svg.element(
                "text", [("x", "4"), ("y", n(y + 4)), ("class", "row-label")],
                text: clipped("\(event.seq) · \(shortType(event.type))\(detail(event, report: report))", limit: 36)
                    + (illustrative ? " *" : ""))
            let markX = x(event.effectiveAt.microseconds)
            let lag = event.recordedAt.microseconds - event.effectiveAt.microseconds
            if lag > day {
                let toX =
                    event.recordedAt.microseconds > reach
                    ? stripX(event.recordedAt.microseconds) : x(event.recordedAt.microseconds)
                svg.empty(
                    "line",
                    [("x1", n(markX)), ("y1", n(y)), ("x2", n(toX)), ("y2", n(y)), ("class", isLate ? "lag late-lag" : "lag")])
                svg.empty(
                    "line", [("x1", n(toX)), ("y1", n(y - 4)), ("x2", n(toX)), ("y2", n(y + 4)), ("class", "recorded-tick")])
            }
            switch kind {
            case "stage":
                svg.empty("rect", [("x", n(markX - 5)), ("y", n(y - 5)), ("width", "10"), ("height", "10"), ("class", "mark")])
            case "correction":
                svg.empty(
                    "path",
                    [
                        (
                            "d",
                            "M\(n(markX)) \(n(y - 6)) L\(n(markX + 6)) \(n(y)) L\(n(markX)) \(n(y + 6)) L\(n(markX - 6)) \(n(y)) Z"
                        ), ("class", "mark"),
                    ])
            default: svg.empty("circle", [("cx", n(markX)), ("cy", n(y)), ("r", "4.5"), ("class", "mark")])
            }
            if isLate {
                svg.element("text", [("x", n(markX + 8)), ("y", n(y - 3)), ("class", "late-tag")], text: "late")
            }
            svg.close("g")
        }
        if events.count > shown.count {
            svg.element(
                "text", [("x", "4"), ("y", n(rowsBottom + 32)), ("class", "more")],
                text: "… \(events.count - shown.count) more events not drawn")
        }
        svg.close("svg")
        return svg.text
    }

    /// `text` cut to what fits in `width` points of the 11 px band labels (about 6.5 points a
    /// character), with an ellipsis; empty when not even three characters fit.
    static func fitted(_ text: String, width: Double) -> String {
        let room = Int(width / 6.5)
        if text.count <= room { return text }
        return room >= 3 ? String(text.prefix(room - 1)) + "…" : ""
    }

    /// ", 2009" (or ", 2009–2010") when the axis is short enough that ticks show days or months only.
    static func yearNote(low: Int64, high: Int64) -> String {
        guard Double(high - low) / Double(day) <= 365 * 3 else { return "" }
        let first = civil(low).0
        let last = civil(high).0
        return first == last ? ", \(first)" : ", \(first)–\(last)"
    }

    /// The mark category of an event type (used as its CSS class).
    static func category(_ type: String) -> String {
        switch type {
        case "NegotiationOpened", "NegotiationStageChanged": return "stage"
        case "StatementReported", "ClaimRetracted": return "statement"
        case "TermProposed", "TermAgreed", "ScopeProposed": return "term"
        case "AssemblyPlanDrafted", "AssemblyPlanRevised": return "plan"
        case "DemandEstimated", "PriceQuoted": return "market"
        case "EventCorrected": return "correction"
        default: return "other"
        }
    }

    static func shortType(_ type: String) -> String {
        switch type {
        case "NegotiationOpened": return "opened"
        case "NegotiationStageChanged": return "stage change"
        case "StatementReported": return "statement"
        case "ClaimRetracted": return "retraction"
        case "ScopeProposed": return "scope"
        case "TermProposed": return "term proposed"
        case "TermAgreed": return "term agreed"
        case "AssemblyPlanDrafted": return "plan drafted"
        case "AssemblyPlanRevised": return "plan revised"
        case "DemandEstimated": return "demand estimate"
        case "PriceQuoted": return "price quote"
        case "EventCorrected": return "correction"
        default: return type
        }
    }

    /// A few words that tell rows of one type apart: the subject and stance of a statement, the
    /// term or plan id, the new stage.
    static func detail(_ event: ProjectedEvent, report: Report) -> String {
        let data = report.data(of: event)
        switch event.type {
        case "StatementReported":
            let stance = data["stance"]?.stringValue ?? ""
            return data["subject"]?.stringValue.map { " \(stance), \($0)" } ?? " \(stance)"
        case "NegotiationStageChanged": return data["stage"]?.stringValue.map { " → \($0)" } ?? ""
        case "TermProposed", "TermAgreed": return data["term_id"]?.stringValue.map { " \($0)" } ?? ""
        case "AssemblyPlanDrafted", "AssemblyPlanRevised": return data["plan_id"]?.stringValue.map { " \($0)" } ?? ""
        case "ClaimRetracted": return data["statement_id"]?.stringValue.map { " \($0)" } ?? ""
        case "EventCorrected":
            let target = data["corrects"]?.stringValue.flatMap { report.corrections.targets[$0] }
            return target.map { " of \($0.seq)" } ?? ""
        default: return ""
        }
    }

    static func clipped(_ text: String, limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Calendar ticks over a range: years, quarters, months or days, about 4–12 of them.
    static func ticks(low: Int64, high: Int64, room: Int) -> [(micros: Int64, label: String)] {
        let (startYear, startMonth, _) = civil(low)
        let (endYear, _, _) = civil(high)
        let days = Double(high - low) / Double(day)
        let most = max(2, room)
        var ticks: [(Int64, String)] = []
        if days > 365 * 3 {
            let years = endYear - startYear + 1
            let step = max(1, (years + most - 1) / most)
            var year = startYear - startYear % step
            while year <= endYear + 1 {
                if let time = Timestamp(dateOrDateTime: date(year, 1, 1)) { ticks.append((time.microseconds, String(year))) }
                year += step
            }
        } else if days > 60 {
            let months = Int(days / 30) + 1
            let step = [1, 2, 3, 6, 12].first { (months + $0 - 1) / $0 <= most } ?? 12
            var year = startYear
            var month = startMonth - (startMonth - 1) % step
            while true {
                guard let time = Timestamp(dateOrDateTime: date(year, month, 1)) else { break }
                if time.microseconds > high { break }
                ticks.append((time.microseconds, month == 1 ? String(year) : monthNames[month - 1]))
                month += step
                while month > 12 {
                    month -= 12
                    year += 1
                }
            }
        } else {
            let step = max(1, Int64((days / Double(most)).rounded(.up)))
            var time = low - low % day + day
            while time <= high {
                let (year, month, dayOfMonth) = civil(time)
                let label = month == 1 && dayOfMonth == 1 ? String(year) : "\(monthNames[month - 1]) \(dayOfMonth)"
                ticks.append((time, label))
                time += step * day
            }
        }
        return ticks
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func civil(_ micros: Int64) -> (Int, Int, Int) {
        let text = Timestamp(microseconds: micros).description
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        return parts.count == 3 ? (parts[0], parts[1], parts[2]) : (1970, 1, 1)
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// A coordinate with at most one decimal.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }

    /// Writes escaped SVG markup.
    struct Builder {
        var text = ""

        mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
            text += "<" + name + attributeText(attributes) + ">"
        }

        mutating func close(_ name: String) { text += "</\(name)>" }

        mutating func empty(_ name: String, _ attributes: [(String, String)]) {
            text += "<" + name + attributeText(attributes) + "/>"
        }

        mutating func element(_ name: String, _ attributes: [(String, String)] = [], text content: String) {
            text += "<" + name + attributeText(attributes) + ">" + ReportText.html(content) + "</\(name)>"
        }

        private func attributeText(_ attributes: [(String, String)]) -> String {
            attributes.map { " \($0.0)=\"\(ReportText.html($0.1))\"" }.joined()
        }
    }
}
