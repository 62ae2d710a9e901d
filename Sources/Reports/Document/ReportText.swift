import CanonicalJSON
import Projections

/// How reports write numbers, money, periods and dates for people.
enum ReportText {
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
        guard !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return decimal }
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
        default: return text.hasSuffix("T00:00:00Z") || text.count == 10 ? String(text.prefix(10)) : text
        }
    }

    /// "Vedomosti via Prime-Tass", "via X", or nil when the record names no publication.
    static func publication(_ provenance: Provenance) -> String? {
        if let publication = provenance.publication {
            var text = publication
            if let published = provenance.publishedAt { text += " (\(published))" }
            if let via = provenance.via, via != publication { text += " via \(via)" }
            return text
        }
        return provenance.via.map { "via \($0)" }
    }

    /// "Vedomosti via Prime-Tass · attributed to X · reported · seq 12", "illustrative, not sourced"
    /// for made-up data.
    static func provenance(_ source: EventSource, attribution: Bool = true) -> String {
        let provenance = source.provenance
        var parts: [String] = []
        if let publication = publication(provenance) { parts.append(publication) }
        if attribution, let attributed = provenance.attributedTo { parts.append("attributed to \(attributed)") }
        if let confidence = provenance.confidence, confidence != "illustrative" { parts.append(confidence) }
        if provenance.isIllustrative { parts.append("illustrative, not sourced") }
        parts.append("seq \(source.seq)")
        return parts.joined(separator: " · ")
    }

    /// A JSON value as a short phrase (for corrections, plan revisions and diffs).
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
            let groups = productGroups(value)
            if groups.count == items.count && !groups.isEmpty { return products(groups) }
            return items.map { phrase($0) }.joined(separator: ", ")
        case .object: return value.canonicalString
        }
    }

    /// Model groups of a JSON array (`[{"category","models","model_names"?}]`).
    static func productGroups(_ value: JSONValue?) -> [(category: String, models: Int64, names: [String])] {
        (value?.arrayValue ?? []).compactMap { item in
            guard let category = item["category"]?.stringValue, let models = item["models"]?.integerValue else { return nil }
            return (category, models, (item["model_names"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }

    /// "4 truck models, 2 bus models".
    static func products(_ groups: [(category: String, models: Int64, names: [String])]) -> String {
        groups.map { group in
            var text = "\(group.models) \(group.category) model\(group.models == 1 ? "" : "s")"
            if !group.names.isEmpty { text += " (\(group.names.joined(separator: ", ")))" }
            return text
        }.joined(separator: ", ")
    }

    /// "4 truck models, 2 bus models" from projection groups.
    static func products(_ groups: [ProductGroup]) -> String {
        products(groups.map { ($0.category, $0.models, $0.modelNames) })
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

    /// Text safe inside a Markdown line or table cell: Markdown's special characters escaped,
    /// line breaks (CR, LF, CRLF) made spaces. Works on UTF-8 bytes (the characters it touches
    /// are ASCII), so a large report does not pay for grapheme breaking.
    static func markdown(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            guard bytes.contains(where: { markdownSpecial[Int($0)] }) else { return String(decoding: bytes, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x0D || byte == 0x0A {
                    out.append(0x20)
                    if byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A { index += 1 }
                } else if markdownSpecial[Int(byte)] {
                    out.append(0x5C)
                    out.append(byte)
                } else {
                    out.append(byte)
                }
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The bytes `markdown(_:)` changes: `\ * _ ` | < > [ ] # ~`, CR and LF.
    private static let markdownSpecial: [Bool] = (0..<256).map { byte in
        Array("\\*_`|<>[]#~\r\n".utf8).contains(UInt8(byte))
    }

    /// `text` as a Markdown code span (backticks in it are doubled around, line breaks become spaces).
    static func markdownCode(_ text: String) -> String {
        let flat = String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        guard flat.contains("`") else { return "`" + flat + "`" }
        var run = 0
        var longest = 0
        for character in flat {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        return fence + " " + flat + " " + fence
    }

    /// Text safe inside HTML element content and attribute values: `& < > " '` as entities,
    /// control characters other than tab, LF and CR replaced by U+FFFD. Works on UTF-8 bytes.
    static func html(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            guard bytes.contains(where: { htmlSpecial[Int($0)] }) else { return String(decoding: bytes, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            for byte in bytes {
                switch byte {
                case 0x26: out += Array("&amp;".utf8)
                case 0x3C: out += Array("&lt;".utf8)
                case 0x3E: out += Array("&gt;".utf8)
                case 0x22: out += Array("&quot;".utf8)
                case 0x27: out += Array("&#39;".utf8)
                case 0x09, 0x0A, 0x0D: out.append(byte)
                case 0x00..<0x20, 0x7F: out += [0xEF, 0xBF, 0xBD]
                default: out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The bytes `html(_:)` changes.
    private static let htmlSpecial: [Bool] = (0..<256).map { byte in
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 || byte == 0x7F
            || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension JSONValue {
    /// This value with `patch` applied as an RFC 7396 JSON merge patch.
    func mergePatched(with patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var members = objectValue ?? [:]
        for (key, change) in changes {
            if change == .null {
                members[key] = nil
            } else {
                members[key] = (members[key] ?? .null).mergePatched(with: change)
            }
        }
        return .object(members)
    }
}
