import CanonicalJSON
import Projections

/// One line saying what an event says, from its current (corrected) data.
enum EventSummary {
    static func text(_ event: ProjectedEvent, in report: Report) -> String {
        let data = report.data(of: event)
        let parties = report.names
        func name(_ key: String) -> String { data[key]?.stringValue.map { parties.shortName($0) } ?? "?" }
        func string(_ key: String) -> String? { data[key]?.stringValue }
        switch event.type {
        case "PartyRegistered":
            var text = "\(string("name") ?? "?") (\(string("party_id") ?? "?")) registered"
            let about = [string("kind"), string("country")].compactMap { $0 }
            if !about.isEmpty { text += ": " + about.joined(separator: ", ") }
            return text
        case "OwnershipRecorded":
            if (string("relation") ?? "owns") == "manages" { return "\(name("owner")) manages \(name("owned"))" }
            return "\(name("owner")) owns " + (string("share_percent").map { "\($0)% of " } ?? "") + name("owned")
        case "RoleAssigned":
            let person = data["person"]?["name"]?.stringValue ?? "?"
            return "\(person): \(string("role") ?? "?") at \(name("party"))"
        case "NegotiationOpened":
            let roles = (data["parties"]?.arrayValue ?? []).compactMap { entry -> String? in
                guard let party = entry["party"]?.stringValue else { return nil }
                return "\(parties.shortName(party)) \(entry["role"]?.stringValue ?? "")"
            }
            return "opened: \(string("title") ?? string("negotiation_id") ?? "?")"
                + (roles.isEmpty ? "" : " (\(roles.joined(separator: ", ")))")
        case "NegotiationStageChanged":
            return "stage → \(string("stage") ?? "?")" + (string("reason").map { ": \($0)" } ?? "")
        case "ScopeProposed":
            return "scope proposed by \(name("proposed_by")): \(ReportText.products(ReportText.productGroups(data["items"])))"
        case "TermProposed":
            return "term \(string("term_id") ?? "?") (\(string("kind") ?? "term")) proposed by \(name("proposed_by")): "
                + ReportText.moneyRange(Money(data["low"]), Money(data["high"]))
        case "TermAgreed":
            let by = (data["agreed_by"]?.arrayValue ?? []).compactMap(\.stringValue).map { parties.shortName($0) }
            return "term \(string("term_id") ?? "?") agreed by \(by.joined(separator: ", "))"
                + (Money(data["value"]).map { ": \(ReportText.money($0))" } ?? "")
        case "AssemblyPlanDrafted":
            var parts: [String] = []
            if let site = string("site") { parts.append(site) }
            let products = ReportText.productGroups(data["products"])
            if !products.isEmpty { parts.append(ReportText.products(products)) }
            if let window = DatePeriod(data["start_window"]) { parts.append("start \(window.from) – \(window.to)") }
            return "plan \(string("plan_id") ?? "?") drafted" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; "))
        case "AssemblyPlanRevised":
            let changes = (data.objectValue ?? [:]).keys.sorted()
                .filter { !["plan_id", "reason", "negotiation_id"].contains($0) }
                .map { "\($0) \(ReportText.phrase(data[$0]))" }
            return "plan \(string("plan_id") ?? "?") revised: \(changes.joined(separator: "; "))"
        case "StatementReported":
            return "\(string("speaker") ?? "?") \(string("stance") ?? "?")"
                + (string("subject").map { " (\($0))" } ?? "") + ": “\(string("claim") ?? "")”"
        case "ClaimRetracted":
            return "\(name("retracted_by")) retracts \(string("statement_id") ?? string("retracts") ?? "?")"
                + (string("reason").map { ": \($0)" } ?? "")
        case "DemandEstimated":
            return "\(string("segment") ?? "?"), \(string("market") ?? "?"): "
                + (CountRange(data).map { ReportText.range($0) } ?? "?")
                + " \(string("unit") ?? "") a \(string("period") ?? "?")"
                + (data["estimated_by"] != nil ? " (\(name("estimated_by")))" : "")
        case "PriceQuoted":
            return "\(string("product") ?? "?") \(string("basis") ?? "") price "
                + ReportText.moneyRange(Money(data["low"]), Money(data["high"]))
                + (data["quoted_by"] != nil ? " (\(name("quoted_by")))" : "")
        case "FinancialFactReported":
            var value = "?"
            if let count = data["value"]?["count"]?.integerValue {
                value = ReportText.grouped(count) + (string("unit").map { " \($0)" } ?? "")
            } else if let money = Money(data["value"]) {
                value = ReportText.money(money)
            }
            let period = DatePeriod(data["period"]).map { ReportText.period($0) } ?? "?"
            return "\(name("party")) \(string("metric") ?? "?") \(period): \(value)"
        case "EventCorrected":
            let target = string("corrects") ?? "?"
            let targetSeq = report.corrections.targets[target].map { "seq \($0.seq)" } ?? target
            let changes = (data["changes"]?.objectValue ?? [:]).keys.sorted()
                .map { "\($0) → \(ReportText.phrase(data["changes"]?[$0]))" }
            return "corrects \(targetSeq): \(changes.joined(separator: "; "))"
        default:
            return event.type
        }
    }
}
