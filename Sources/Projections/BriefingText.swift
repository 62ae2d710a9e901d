import CanonicalJSON

/// Formatting of numbers, money, periods and dates for people (used by `StateMarkdown`).
enum BriefingText {
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A decimal string with thousands separators: `"116000000"` → `"116,000,000"`.
    static func grouped(_ decimal: String) -> String {
        var text = Substring(decimal)
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text = text.dropFirst()
        }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts.first ?? "")
        guard whole.allSatisfy(\.isNumber) else { return decimal }
        var out = ""
        for (index, digit) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        if parts.count > 1 { out += "." + parts[1] }
        return sign + out
    }

    /// An integer with thousands separators.
    static func grouped(_ number: Int64) -> String { grouped(String(number)) }

    /// `USD 116,000,000`.
    static func money(_ money: Money) -> String { "\(money.currency) \(grouped(money.amount))" }

    /// `USD 35,000–40,000`, or both amounts in full when the currencies differ.
    static func moneyRange(_ low: Money?, _ high: Money?) -> String {
        switch (low, high) {
        case (let low?, let high?) where low == high: return money(low)
        case (let low?, let high?) where low.currency == high.currency:
            return "\(low.currency) \(grouped(low.amount))–\(grouped(high.amount))"
        case (let low?, let high?): return "\(money(low)) – \(money(high))"
        case (let low?, nil): return "from \(money(low))"
        case (nil, let high?): return "up to \(money(high))"
        case (nil, nil): return "no amount given"
        }
    }

    /// `5,000–7,000`.
    static func range(_ range: CountRange) -> String {
        range.low == range.high ? grouped(range.low) : "\(grouped(range.low))–\(grouped(range.high))"
    }

    /// `2004` for a calendar year, `Jan–Sep 2004` for whole months of one year, else the days.
    static func period(_ period: DatePeriod) -> String {
        let from = period.from.split(separator: "-").compactMap { Int($0) }
        let to = period.to.split(separator: "-").compactMap { Int($0) }
        guard from.count == 3, to.count == 3, from[0] == to[0], from[2] == 1, (1...12).contains(from[1]),
            (1...12).contains(to[1]), to[2] == daysIn(month: to[1], year: to[0]), from[1] <= to[1]
        else { return "\(period.from) – \(period.to)" }
        if from[1] == 1 && to[1] == 12 { return String(from[0]) }
        if from[1] == to[1] { return "\(monthNames[from[1] - 1]) \(from[0])" }
        return "\(monthNames[from[1] - 1])–\(monthNames[to[1] - 1]) \(from[0])"
    }

    /// The valid time of a record at the precision it was given with (`meta.time_precision`).
    static func when(_ source: EventSource) -> String {
        let text = source.effectiveAtText
        switch source.meta["time_precision"]?.stringValue {
        case "year": return String(text.prefix(4))
        case "month": return String(text.prefix(7))
        case "quarter":
            let month = Int(text.dropFirst(5).prefix(2)) ?? 1
            return "\(text.prefix(4)) Q\((month - 1) / 3 + 1)"
        case "day": return String(text.prefix(10))
        default:
            return text.hasSuffix("T00:00:00Z") || text.count == 10 ? String(text.prefix(10)) : text
        }
    }

    /// "Vedomosti via Prime-Tass · attributed to X · reported", plus "illustrative" for made-up data.
    static func provenance(_ source: EventSource, attribution: Bool = true) -> String {
        let provenance = source.provenance
        var parts: [String] = []
        if let publication = provenance.publication {
            var text = publication
            if let published = provenance.publishedAt { text += " (\(published))" }
            if let via = provenance.via, via != publication { text += " via \(via)" }
            parts.append(text)
        } else if let via = provenance.via {
            parts.append("via \(via)")
        }
        if attribution, let attributed = provenance.attributedTo { parts.append("attributed to \(attributed)") }
        if let confidence = provenance.confidence, confidence != "illustrative" { parts.append(confidence) }
        if provenance.isIllustrative { parts.append("*illustrative, not sourced*") }
        parts.append("seq \(source.seq)")
        return parts.joined(separator: " · ")
    }

    /// Text safe to put in a Markdown line or table cell.
    static func escaped(_ text: String) -> String {
        let needsEscaping = text.utf8.contains { byte in
            switch byte {
            case 0x5C, 0x2A, 0x5F, 0x60, 0x7C, 0x3C, 0x3E, 0x5B, 0x5D, 0x23, 0x0A, 0x0D: return true
            default: return false
            }
        }
        if !needsEscaping { return text }
        var out = ""
        for character in text {
            switch character {
            case "\\", "*", "_", "`", "|", "<", ">", "[", "]", "#":
                out.append("\\")
                out.append(character)
            case "\n", "\r": out.append(" ")
            default: out.append(character)
            }
        }
        return out
    }

    /// A JSON value as a short phrase (for corrections and plan revisions).
    static func phrase(_ value: JSONValue?) -> String {
        guard let value else { return "unset" }
        if let money = Money(value) { return self.money(money) }
        if let period = DatePeriod(value) { return "\(period.from) – \(period.to)" }
        if let range = CountRange(value) { return self.range(range) }
        switch value {
        case .null: return "unset"
        case .string(let text): return text
        case .integer(let number): return grouped(number)
        case .bool(let flag): return flag ? "yes" : "no"
        case .array(let items):
            let groups = ProductGroup.list(value)
            if groups.count == items.count && !groups.isEmpty { return products(groups) }
            return items.map { phrase($0) }.joined(separator: ", ")
        case .object: return value.canonicalString
        }
    }

    /// "4 truck models, 2 bus models".
    static func products(_ groups: [ProductGroup]) -> String {
        groups.map { group in
            var text = "\(group.models) \(group.category) model\(group.models == 1 ? "" : "s")"
            if !group.modelNames.isEmpty { text += " (\(group.modelNames.joined(separator: ", ")))" }
            return text
        }.joined(separator: ", ")
    }

    /// `1–21, 23, 25` for a sorted list of seqs.
    static func ranges(_ seqs: [UInt64]) -> String {
        var parts: [String] = []
        var index = 0
        while index < seqs.count {
            var end = index
            while end + 1 < seqs.count && seqs[end + 1] <= seqs[end] + 1 { end += 1 }
            parts.append(end > index ? "\(seqs[index])–\(seqs[end])" : "\(seqs[index])")
            index = end + 1
        }
        return parts.joined(separator: ", ")
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
