import CanonicalJSON
import Projections

/// Which part of the projected state an event feeds, decided the way `LedgerState` places it.
///
/// Snapshots group their records by these keys, and a negotiation report loads only the keys it
/// needs. The rules mirror the projection: negotiation events go to `data.negotiation_id`, else
/// to the suffix of a `negotiation/<id>` stream; `RoleAssigned` to `data.party`, `OwnershipRecorded`
/// to `data.owned` (else the `party/<id>` stream); financial facts to `data.party`.
enum AggregateKey: Hashable, Comparable, Sendable {
    /// Every `PartyRegistered` (always loaded: findings check every reference against them).
    case registrations
    /// Every `EventCorrected`, and a copy of each corrected event (always loaded, so a correction
    /// that moves an item between aggregates is folded whichever aggregate is shown).
    case corrections
    /// A negotiation's events (and any other event written to its `negotiation/<id>` stream).
    case negotiation(String)
    /// A party's people and the relations in which it is owned or managed.
    case party(String)
    /// The financial facts about a party.
    case financials(String)
    /// Everything else: unknown types, negotiation events that name no negotiation.
    case other

    /// The event types a negotiation folds.
    static let negotiationTypes: Set<String> = [
        "NegotiationOpened", "NegotiationStageChanged", "ScopeProposed", "TermProposed", "TermAgreed",
        "AssemblyPlanDrafted", "AssemblyPlanRevised", "StatementReported", "ClaimRetracted", "DemandEstimated",
        "PriceQuoted",
    ]

    /// The types kept per party.
    static let partyTypes: Set<String> = ["RoleAssigned", "OwnershipRecorded", "FinancialFactReported"]

    /// Fields of negotiation events that name a party (as the projection reads them).
    static let partyFields = [
        "proposed_by", "quoted_by", "estimated_by", "speaker_party", "on_behalf_of", "assembler", "retracted_by",
    ]

    /// The key of an event of `type` in `stream` whose body is `data`.
    static func of(type: String, stream: String, data: JSONValue) -> AggregateKey {
        switch type {
        case "PartyRegistered": return .registrations
        case "EventCorrected": return .corrections
        case "RoleAssigned": return .party(data["party"]?.stringValue ?? suffix(of: stream, kind: "party") ?? "")
        case "OwnershipRecorded": return .party(data["owned"]?.stringValue ?? suffix(of: stream, kind: "party") ?? "")
        case "FinancialFactReported": return .financials(data["party"]?.stringValue ?? "")
        default:
            guard negotiationTypes.contains(type) else { return .other }
            guard let id = data["negotiation_id"]?.stringValue ?? suffix(of: stream, kind: "negotiation") else {
                return .other
            }
            return .negotiation(id)
        }
    }

    /// The keys an event is filed under: its own, plus its stream's negotiation when it is written
    /// to a `negotiation/<id>` stream of another aggregate (findings are reported by stream).
    static func keys(of event: ProjectedEvent) -> [AggregateKey] {
        let own = of(type: event.type, stream: event.stream, data: event.data)
        if let id = suffix(of: event.stream, kind: "negotiation"), own != .negotiation(id) {
            return [own, .negotiation(id)]
        }
        return [own]
    }

    /// The parties a negotiation event names (any field the projection reads a party from).
    static func namedParties(in data: JSONValue) -> [String] {
        var named: [String] = []
        for field in partyFields { if let party = data[field]?.stringValue { named.append(party) } }
        for party in data["agreed_by"]?.arrayValue ?? [] { if let party = party.stringValue { named.append(party) } }
        for entry in data["parties"]?.arrayValue ?? [] { if let party = entry["party"]?.stringValue { named.append(party) } }
        return named
    }

    /// `name` of a `kind/name` stream.
    static func suffix(of stream: String, kind: String) -> String? {
        let prefix = kind + "/"
        guard stream.hasPrefix(prefix), stream.count > prefix.count else { return nil }
        return String(stream.dropFirst(prefix.count))
    }

    /// The key as text, as snapshot headers write it: `reg`, `cor`, `n/<id>`, `p/<id>`, `f/<id>`, `x`.
    var text: String {
        switch self {
        case .registrations: return "reg"
        case .corrections: return "cor"
        case .negotiation(let id): return "n/" + id
        case .party(let id): return "p/" + id
        case .financials(let id): return "f/" + id
        case .other: return "x"
        }
    }

    /// Reads a key written by `text`.
    init?(text: String) {
        switch text {
        case "reg": self = .registrations
        case "cor": self = .corrections
        case "x": self = .other
        default:
            let body = String(text.dropFirst(2))
            if text.hasPrefix("n/") {
                self = .negotiation(body)
            } else if text.hasPrefix("p/") {
                self = .party(body)
            } else if text.hasPrefix("f/") {
                self = .financials(body)
            } else {
                return nil
            }
        }
    }

    static func < (lhs: AggregateKey, rhs: AggregateKey) -> Bool { lhs.text < rhs.text }
}
