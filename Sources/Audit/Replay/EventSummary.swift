import CanonicalJSON
import Projections

/// A one-line, human summary of what an event changed, for `parley replay`:
/// "stage exploratory → talks", "Laptev (via Vedomosti) confirms: Assembly could start…",
/// "price USD 35000–40000 sticker (bus)".
struct EventSummary {
    /// What earlier events told: the stage of each negotiation and the seq/type of each id.
    private var stages: [String: String] = [:]
    private var events: [String: (seq: UInt64, type: String)] = [:]

    /// Claims and reasons are cut to this many characters.
    static let textLimit = 72

    /// Summarises `event` and remembers what later summaries need.
    mutating func summarize(_ event: ProjectedEvent) -> String {
        defer { events[event.id] = (event.seq, event.type) }
        let data = event.data
        func text(_ key: String) -> String? { data[key]?.stringValue }
        switch event.type {
        case "PartyRegistered":
            let details = [text("kind"), text("country")].compactMap { $0 }.joined(separator: ", ")
            return "party \(text("party_id") ?? "?"): \(text("name") ?? "?")" + (details.isEmpty ? "" : " (\(details))")
        case "OwnershipRecorded":
            let share = text("share_percent").map { " \($0)% of" } ?? ""
            return "\(text("owner") ?? "?") \(text("relation") ?? "owns")\(share) \(text("owned") ?? "?")"
        case "RoleAssigned":
            let person = data["person"]?["name"]?.stringValue ?? data["person"]?.stringValue ?? "?"
            return "\(person) is \(text("role") ?? "?") at \(text("party") ?? "?")"
        case "NegotiationOpened":
            let id = text("negotiation_id") ?? negotiation(of: event) ?? "?"
            stages[id] = "exploratory"
            let parties = (data["parties"]?.arrayValue ?? []).map { party in
                "\(party["party"]?.stringValue ?? "?") (\(party["role"]?.stringValue ?? "?"))"
            }
            return "opened \(id): \(Self.cut(text("title") ?? "", 60)) — \(parties.joined(separator: ", "))"
        case "NegotiationStageChanged":
            let id = text("negotiation_id") ?? negotiation(of: event) ?? "?"
            let previous = text("previous_stage") ?? stages[id] ?? "?"
            let stage = text("stage") ?? "?"
            stages[id] = stage
            return "stage \(previous) → \(stage)" + (text("reason").map { ": " + Self.cut($0, 50) } ?? "")
        case "StatementReported":
            var speaker = text("speaker") ?? "?"
            if text("speaker_kind") == "person", let last = speaker.split(separator: " ").last { speaker = String(last) }
            let stance = text("stance").map { $0 == "no-comment" ? "declines to comment" : $0 } ?? "says"
            return "\(speaker)\(Self.channel(event.meta)) \(stance): \(Self.cut(text("claim") ?? "", Self.textLimit))"
        case "ScopeProposed":
            return "scope \(Self.products(data["items"])) models" + (text("proposed_by").map { ", proposed by \($0)" } ?? "")
        case "TermProposed":
            let range = Self.range(data["low"], data["high"], money: true)
            return "term \(text("term_id") ?? "?") (\(text("kind") ?? "?"))" + (range.isEmpty ? "" : " \(range)")
                + (text("proposed_by").map { ", proposed by \($0)" } ?? "")
        case "TermAgreed":
            let parties = (data["agreed_by"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
            return "term \(text("term_id") ?? "?") agreed by \(parties)"
                + (data["value"].map { ": " + Self.value($0) } ?? "")
        case "AssemblyPlanDrafted", "AssemblyPlanRevised":
            var parts: [String] = []
            if data["products"] != nil { parts.append(Self.products(data["products"])) }
            if let site = text("site") { parts.append("at " + site) }
            if let window = data["start_window"] { parts.append("start " + Self.period(window)) }
            if let volume = data["annual_volume"] { parts.append(Self.range(volume["low"], volume["high"]) + " a year") }
            let verb = event.type == "AssemblyPlanDrafted" ? "drafted" : "revised"
            return "plan \(text("plan_id") ?? "?") \(verb): \(parts.joined(separator: ", "))"
                + (text("reason").map { " (\(Self.cut($0, 50)))" } ?? "")
        case "DemandEstimated":
            return "demand \(text("segment") ?? "?"), \(text("market") ?? "?"): "
                + "\(Self.range(data["low"], data["high"])) \(text("unit") ?? "") a \(text("period") ?? "period")"
        case "PriceQuoted":
            return "price \(Self.range(data["low"], data["high"], money: true)) \(text("basis") ?? "")"
                + (text("product").map { " (\($0))" } ?? "")
        case "FinancialFactReported":
            return "\(text("party") ?? "?") \(text("metric") ?? "?") \(data["period"].map(Self.period) ?? "?"): "
                + (data["value"].map(Self.value) ?? "?") + (text("unit").map { " " + $0 } ?? "")
        case "EventCorrected":
            let target = text("corrects") ?? "?"
            let changes = (data["changes"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key) → \(Self.value($0.value))" }.joined(separator: ", ")
            return "corrects \(describe(target)): \(changes)" + (text("reason").map { " (\(Self.cut($0, 50)))" } ?? "")
        case "ClaimRetracted":
            let target = text("retracts") ?? "?"
            return "retracts \(describe(target))" + (text("statement_id").map { " \($0)" } ?? "")
                + (text("retracted_by").map { " for \($0)" } ?? "") + (text("reason").map { ": " + Self.cut($0, 50) } ?? "")
        default:
            return Self.cut(data.canonicalString, Self.textLimit)
        }
    }

    private func negotiation(of event: ProjectedEvent) -> String? {
        event.stream.hasPrefix("negotiation/") ? String(event.stream.dropFirst("negotiation/".count)) : nil
    }

    private func describe(_ id: String) -> String {
        guard let known = events[id] else { return "unknown event \(id)" }
        return "seq \(known.seq) (\(known.type))"
    }

    /// " (via Vedomosti)" or " (via Prime-Tass, from Vedomosti)".
    static func channel(_ meta: JSONValue) -> String {
        let publication = meta["source"]?["publication"]?.stringValue
        let via = meta["via"]?.stringValue
        switch (via, publication) {
        case let (via?, publication?) where via != publication: return " (via \(via), from \(publication))"
        case let (via?, _): return " (via \(via))"
        case let (nil, publication?): return " (via \(publication))"
        default: return ""
        }
    }

    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// "USD 35000" for money, the count for `{"count":N}`, else compact JSON.
    static func value(_ value: JSONValue) -> String {
        if let amount = value["amount"]?.stringValue { return "\(value["currency"]?.stringValue ?? "") \(amount)" }
        if let count = value["count"]?.integerValue { return String(count) }
        if let text = value.stringValue { return text }
        if let number = value.integerValue { return String(number) }
        return cut(value.canonicalString, 40)
    }

    /// "USD 35000–40000", "5000–7000", or "a – b" when the units differ.
    static func range(_ low: JSONValue?, _ high: JSONValue?, money: Bool = false) -> String {
        guard let low, let high else { return [low, high].compactMap { $0.map(value) }.joined() }
        if let lowAmount = low["amount"]?.stringValue, let highAmount = high["amount"]?.stringValue,
            low["currency"] == high["currency"]
        {
            return "\(low["currency"]?.stringValue ?? "") \(lowAmount)–\(highAmount)"
        }
        if let lowNumber = low.integerValue, let highNumber = high.integerValue { return "\(lowNumber)–\(highNumber)" }
        return "\(value(low)) – \(value(high))"
    }

    /// "2005-07-01…2005-12-31".
    static func period(_ value: JSONValue) -> String {
        "\(value["from"]?.stringValue ?? "?")…\(value["to"]?.stringValue ?? "?")"
    }

    /// "4 truck + 2 bus".
    static func products(_ value: JSONValue?) -> String {
        (value?.arrayValue ?? []).map { item in
            "\(item["models"]?.integerValue.map(String.init) ?? "?") \(item["category"]?.stringValue ?? "?")"
        }.joined(separator: " + ")
    }
}
