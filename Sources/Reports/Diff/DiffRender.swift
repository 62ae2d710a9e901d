import CanonicalJSON
import Projections

/// Renders a `StateDiff` as Markdown.
public enum DiffMarkdown {
    /// The Markdown text (ends with a newline).
    ///
    /// - Parameter diff: The diff.
    /// - Returns: Markdown.
    public static func render(_ diff: StateDiff) -> String {
        var lines: [String] = []
        func add(_ line: String = "") { lines.append(line) }
        func md(_ text: String) -> String { ReportText.markdown(text) }
        func code(_ text: String) -> String { ReportText.markdownCode(text) }
        add("# Parley diff" + (diff.negotiation.map { ": negotiation \(md($0))" } ?? ""))
        add()
        let from = diff.from.receipt
        let to = diff.to.receipt
        add("| | From | To |")
        add("|---|---|---|")
        add("| Point (\(diff.isValidTime ? "valid time" : "transaction time")) | \(md(diff.from.point)) | \(md(diff.to.point)) |")
        func records(_ receipt: Report.Receipt) -> String {
            receipt.throughSeq == 0 ? "none" : "1–\(receipt.throughSeq)"
        }
        add("| Records | \(records(from)) | \(records(to)) |")
        add("| RFC 6962 root | `\(from.root)` | `\(to.root)` |")
        add("| Last record recorded | \(from.throughRecordedAt ?? "—") | \(to.throughRecordedAt ?? "—") |")
        add("| Ledger | `\(to.ledgerID)` | |")
        add()
        let what =
            diff.isValidTime
            ? "What became true in the world between the two valid times, as the ledger knows it now"
            : "What the ledger learned between the two points"
        let seqs = diff.events.map(\.seq)
        add(
            "\(what): \(diff.events.count) event\(diff.events.count == 1 ? "" : "s") in between"
                + (seqs.isEmpty ? "" : " (seq \(ReportText.ranges(seqs)))")
                + ", \(diff.changes.count) change\(diff.changes.count == 1 ? "" : "s").")
        add()
        if !diff.changes.isEmpty {
            add("## Changes")
            var group = ""
            for change in diff.changes {
                if change.group != group {
                    group = change.group
                    add()
                    add("### \(md(group.prefix(1).uppercased() + group.dropFirst()))")
                    add()
                }
                var line = "- **\(md(change.label))** \(change.kind)"
                switch change.kind {
                case "added": line += ": \(md(change.afterText ?? ""))"
                case "removed": line += ": was \(md(change.beforeText ?? ""))"
                default:
                    if change.beforeText != change.afterText {
                        line += ": \(md(change.beforeText ?? "")) → \(md(change.afterText ?? ""))"
                    }
                }
                add(line)
                if change.kind == "changed" {
                    let shown = change.fields.filter { field in
                        !field.field.split(separator: ".").contains {
                            ["record", "corrections", "original"].contains(String($0))
                        }
                    }
                    for field in shown.prefix(8) {
                        add("  - \(code(field.field)): \(md(phrase(field.before))) → \(md(phrase(field.after)))")
                    }
                    if shown.count > 8 { add("  - … \(shown.count - 8) more fields (see `--format json`)") }
                }
                if change.causes.isEmpty {
                    add("  - caused by: no event between the points")
                } else {
                    let causes = change.causes.map { cause(md, $0) }
                    add("  - \(change.causesByReference ? "caused by" : "follows from"): " + causes.joined(separator: "; "))
                }
            }
            add()
        }
        if !diff.events.isEmpty {
            add("## Events in between")
            add()
            add("| Seq | Type | Valid | Recorded | What | Source |")
            add("|---|---|---|---|---|---|")
            for event in diff.events {
                let source = EventSource(event)
                add(
                    "| \(event.seq) | \(event.type) | \(ReportText.when(source)) | \(event.recordedAtText) "
                        + "| \(md(EventSummary.text(event, in: diff.toReport))) | \(md(ReportText.provenance(source))) |")
            }
            add()
        }
        if !diff.unattributed.isEmpty {
            add("Events that changed nothing in view: seq \(ReportText.ranges(diff.unattributed.map(\.seq))).")
            add()
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cause(_ md: (String) -> String, _ event: ProjectedEvent) -> String {
        let provenance = Provenance(meta: event.meta)
        var text = "seq \(event.seq) \(event.type)"
        var source: [String] = []
        if let publication = ReportText.publication(provenance) { source.append(md(publication)) }
        if provenance.isIllustrative {
            source.append("illustrative, not sourced")
        } else if source.isEmpty {
            source.append("no source")
        }
        text += " (\(source.joined(separator: ", ")))"
        return text
    }

    /// A value in a field change, briefly.
    static func phrase(_ value: JSONValue?) -> String {
        switch value {
        case nil: return "unset"
        case .array(let items)?: return "\(items.count) entr\(items.count == 1 ? "y" : "ies")"
        case .object(let members)? where members["record"]?["seq"] != nil:
            return "record seq \(members["record"]!["seq"]!.integerValue ?? 0)"
        default: return clip(ReportText.phrase(value))
        }
    }

    static func clip(_ text: String) -> String { text.count <= 140 ? text : String(text.prefix(139)) + "…" }
}

/// Renders a `StateDiff` as canonical JSON:
/// ```
/// {"format":"parley-diff","format_version":1,"axis":"transaction|valid","negotiation"?,
///  "from":{"point","receipt":RECEIPT},"to":{"point","receipt":RECEIPT},
///  "changes":[{"entity","group","label","change":"added|removed|changed","before"?,"after"?,
///              "before_text"?,"after_text"?,"fields":[{"field","before"?,"after"?}],
///              "caused_by":[{"seq","event_id","type","effective_at","recorded_at","publication"?,"via"?}],
///              "caused_by_reference":bool}],
///  "events":[EVENT],"unattributed":[seq]}
/// ```
/// RECEIPT and EVENT as in `ReportJSON`.
public enum DiffJSON {
    /// The canonical JSON text, with a trailing newline.
    ///
    /// - Parameter diff: The diff.
    /// - Returns: JSON.
    public static func render(_ diff: StateDiff) -> String {
        var members: [String: JSONValue] = [
            "format": .string("parley-diff"), "format_version": .integer(1),
            "axis": .string(diff.isValidTime ? "valid" : "transaction"),
            "from": .object(["point": .string(diff.from.point), "receipt": ReportJSON.receipt(diff.from.receipt)]),
            "to": .object(["point": .string(diff.to.point), "receipt": ReportJSON.receipt(diff.to.receipt)]),
            "changes": .array(
                diff.changes.map { change in
                    var fields: [String: JSONValue] = [
                        "entity": .string(change.entity), "group": .string(change.group), "label": .string(change.label),
                        "change": .string(change.kind), "caused_by_reference": .bool(change.causesByReference),
                        "fields": .array(
                            change.fields.map { field in
                                var members: [String: JSONValue] = ["field": .string(field.field)]
                                members["before"] = field.before
                                members["after"] = field.after
                                return .object(members)
                            }),
                        "caused_by": .array(
                            change.causes.map { event in
                                let provenance = Provenance(meta: event.meta)
                                var members: [String: JSONValue] = [
                                    "seq": .integer(Int64(event.seq)), "event_id": .string(event.id), "type": .string(event.type),
                                    "effective_at": .string(event.effectiveAtText), "recorded_at": .string(event.recordedAtText),
                                ]
                                members["publication"] = provenance.publication.map(JSONValue.string)
                                members["via"] = provenance.via.map(JSONValue.string)
                                return .object(members)
                            }),
                    ]
                    fields["before"] = change.before
                    fields["after"] = change.after
                    fields["before_text"] = change.beforeText.map(JSONValue.string)
                    fields["after_text"] = change.afterText.map(JSONValue.string)
                    return .object(fields)
                }),
            "events": .array(diff.events.map { ReportJSON.event($0, report: diff.toReport) }),
            "unattributed": .array(diff.unattributed.map { .integer(Int64($0.seq)) }),
        ]
        members["negotiation"] = diff.negotiation.map(JSONValue.string)
        return JSONValue.object(members).canonicalString + "\n"
    }
}
