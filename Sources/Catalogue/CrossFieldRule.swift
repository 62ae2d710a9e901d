import CanonicalJSON

/// A rule about an event body that the schema keyword subset cannot express: how one field
/// constrains another. Checked after the body is schema-valid (so shapes are known), the same
/// rules as `catalogue_rules` in `Tools/check-catalogue.py`.
enum CrossFieldRule: Sendable, Equatable {
    /// FinancialFactReported: `value` is `{"count": N}` for counting metrics, else `{"amount", "currency"}`.
    case financialValueShape
    /// A money range in `low` / `high`: both or neither, one currency, low ≤ high (as decimals).
    case moneyRange
    /// An integer range: `low` ≤ `high` in the object at `field` (nil: the body itself).
    case countRange(field: String?)
    /// A period `{"from", "to"}` at `field`: from ≤ to.
    case period(field: String)
    /// The body's own `from` ≤ `to` dates.
    case dateRange
    /// OwnershipRecorded: `share_percent` is not used with relation `manages`.
    case noShareWhenManaging

    /// Metrics that count things rather than amounts of money.
    static let countMetrics: Set<String> = ["units-sold", "units-produced", "employees"]

    /// The rules for an event type.
    ///
    /// - Parameter type: The event type.
    /// - Returns: Its rules (empty for most types).
    static func rules(for type: String) -> [CrossFieldRule] {
        switch type {
        case "FinancialFactReported": return [.financialValueShape, .period(field: "period")]
        case "TermProposed", "PriceQuoted": return [.moneyRange]
        case "DemandEstimated": return [.countRange(field: nil), .period(field: "horizon")]
        case "AssemblyPlanDrafted", "AssemblyPlanRevised":
            return [.countRange(field: "annual_volume"), .period(field: "start_window")]
        case "OwnershipRecorded": return [.dateRange, .noShareWhenManaging]
        case "RoleAssigned": return [.dateRange]
        default: return []
        }
    }

    /// Checks the rule against a schema-valid body.
    ///
    /// - Parameters:
    ///   - data: The event body.
    ///   - problems: Where to add problems (paths relative to the body).
    func check(_ data: JSONValue, into problems: inout [JSONInputError]) {
        guard case .object(let body) = data else { return }
        switch self {
        case .financialValueShape:
            checkFinancialValue(body, into: &problems)
        case .moneyRange:
            checkMoneyRange(body, into: &problems)
        case .countRange(let field):
            let range = field.map { body[$0]?.objectValue } ?? body
            guard let range, let low = range["low"]?.integerValue, let high = range["high"]?.integerValue,
                low > high
            else { return }
            let prefix = field.map { $0 + "." } ?? ""
            problems.append(
                JSONInputError(path: prefix + "low", message: "\(low) is greater than data.\(prefix)high \(high)"))
        case .period(let field):
            guard let period = body[field]?.objectValue, let from = period["from"]?.stringValue,
                let to = period["to"]?.stringValue, from > to
            else { return }
            problems.append(
                JSONInputError(path: "\(field).from", message: "\"\(from)\" is after data.\(field).to \"\(to)\""))
        case .dateRange:
            guard let from = body["from"]?.stringValue, let to = body["to"]?.stringValue, from > to else { return }
            problems.append(JSONInputError(path: "from", message: "\"\(from)\" is after data.to \"\(to)\""))
        case .noShareWhenManaging:
            if body["relation"]?.stringValue == "manages", body["share_percent"] != nil {
                problems.append(
                    JSONInputError(
                        path: "share_percent", message: "not used with relation manages (only an owner holds a share)"))
            }
        }
    }

    private func checkFinancialValue(_ body: [String: JSONValue], into problems: inout [JSONInputError]) {
        guard let metric = body["metric"]?.stringValue, let value = body["value"]?.objectValue else { return }
        func got() -> String {
            value.isEmpty ? "got no fields" : "got " + value.keys.sorted().joined(separator: ", ")
        }
        if Self.countMetrics.contains(metric) {
            if value.count != 1 || value["count"] == nil {
                problems.append(
                    JSONInputError(path: "value", message: "metric \(metric) takes exactly the field count; \(got())"))
            }
        } else if value.count != 2 || value["amount"] == nil || value["currency"] == nil {
            problems.append(
                JSONInputError(
                    path: "value", message: "metric \(metric) takes exactly the fields amount and currency; \(got())"))
        }
    }

    private func checkMoneyRange(_ body: [String: JSONValue], into problems: inout [JSONInputError]) {
        let low = body["low"]
        let high = body["high"]
        if (low == nil) != (high == nil) {
            let (missing, given) = low == nil ? ("low", "high") : ("high", "low")
            problems.append(
                JSONInputError(
                    path: missing, message: "missing (data.\(given) is given: give both low and high, or neither)"))
            return
        }
        guard let lowAmount = low?["amount"]?.stringValue, let highAmount = high?["amount"]?.stringValue else { return }
        let lowCurrency = low?["currency"]?.stringValue
        let highCurrency = high?["currency"]?.stringValue
        if lowCurrency != highCurrency {
            problems.append(
                JSONInputError(
                    path: "high.currency",
                    message: "expected \"\(lowCurrency ?? "")\" as in data.low.currency (a range has one currency), "
                        + "got \"\(highCurrency ?? "")\""))
        } else if let order = DecimalString.compare(lowAmount, highAmount), order > 0 {
            problems.append(
                JSONInputError(
                    path: "low.amount", message: "\"\(lowAmount)\" is greater than data.high.amount \"\(highAmount)\""))
        }
    }
}
