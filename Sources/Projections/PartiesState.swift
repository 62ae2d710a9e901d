import LedgerStore

/// The parties concern: registrations, people in roles, and ownership or management relations.
///
/// A pure fold: `apply(_:)` takes `PartyRegistered`, `RoleAssigned` and `OwnershipRecorded`
/// and ignores every other type. Views (`party(_:)`, `all`) are computed from the timelines.
public struct PartiesState: Sendable, Equatable {
    /// `PartyRegistered` bodies by party id (a later registration updates the fields).
    var registrations: [String: Timeline] = [:]
    /// `RoleAssigned` bodies by the party at which the role is held.
    var roles: [String: Timeline] = [:]
    /// `OwnershipRecorded` bodies by the owned (or managed) party.
    var ownerships: [String: Timeline] = [:]

    /// An empty state.
    public init() {}

    /// Applies one event; other concerns' events are ignored.
    ///
    /// - Parameter event: The event.
    public mutating func apply(_ event: ProjectedEvent) {
        _ = insert(SourcedData(event))
    }

    /// Places an item; nil when its type is not this concern's.
    mutating func insert(_ item: SourcedData) -> ItemLocation.Slot? {
        switch item.source.type {
        case "PartyRegistered":
            let id = item.string("party_id") ?? Self.suffix(of: item.source.stream, kind: "party") ?? ""
            registrations[id, default: Timeline()].insert(item)
            return .registration(party: id)
        case "RoleAssigned":
            let party = item.string("party") ?? Self.suffix(of: item.source.stream, kind: "party") ?? ""
            roles[party, default: Timeline()].insert(item)
            return .role(party: party)
        case "OwnershipRecorded":
            let owned = item.string("owned") ?? Self.suffix(of: item.source.stream, kind: "party") ?? ""
            ownerships[owned, default: Timeline()].insert(item)
            return .ownership(owned: owned)
        default:
            return nil
        }
    }

    /// Removes the item from record `seq` at `slot`.
    mutating func remove(at slot: ItemLocation.Slot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        switch slot {
        case .registration(let party): return registrations[party]?.remove(seq: seq, effectiveAt: effectiveAt)
        case .role(let party): return roles[party]?.remove(seq: seq, effectiveAt: effectiveAt)
        case .ownership(let owned): return ownerships[owned]?.remove(seq: seq, effectiveAt: effectiveAt)
        default: return nil
        }
    }

    func item(at slot: ItemLocation.Slot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        switch slot {
        case .registration(let party): return registrations[party]?.item(seq: seq, effectiveAt: effectiveAt)
        case .role(let party): return roles[party]?.item(seq: seq, effectiveAt: effectiveAt)
        case .ownership(let owned): return ownerships[owned]?.item(seq: seq, effectiveAt: effectiveAt)
        default: return nil
        }
    }

    /// Whether `id` has been registered.
    ///
    /// - Parameter id: A party id.
    public func isRegistered(_ id: String) -> Bool { !(registrations[id]?.isEmpty ?? true) }

    /// The registered party ids, sorted.
    public var ids: [String] { registrations.keys.filter { isRegistered($0) }.sorted() }

    /// Every registered party, sorted by id.
    public var all: [Party] { ids.compactMap { party($0) } }

    /// The party `id` with its people and relations; nil when it was never registered.
    ///
    /// - Parameter id: A party id.
    /// - Returns: The party.
    public func party(_ id: String) -> Party? {
        guard let registration = registrations[id]?.latest else { return nil }
        let people = (roles[id] ?? Timeline()).groupedLatest { item in
            [item.string("role") ?? "", item.data["person"]?["name"]?.stringValue ?? ""]
        }.map { RoleHolding(record: $0.latest, earlier: $0.earlier) }
        let owners = relations(ofOwned: id)
        var holdings: [OwnershipRelation] = []
        for owned in ownerships.keys.sorted() where owned != id {
            holdings += relations(ofOwned: owned).filter { $0.owner == id }
        }
        return Party(
            id: id, registration: registration, earlierRegistrations: Array(registrations[id]!.dropLast()),
            people: people, owners: owners, holdings: holdings)
    }

    /// The relations in which `owned` is owned or managed, latest per (owner, relation).
    ///
    /// - Parameter owned: A party id.
    /// - Returns: The relations, in order of first report.
    public func relations(ofOwned owned: String) -> [OwnershipRelation] {
        (ownerships[owned] ?? Timeline()).groupedLatest { item in
            [item.string("owner") ?? "", item.string("relation") ?? "owns"]
        }.map { OwnershipRelation(record: $0.latest, earlier: $0.earlier) }
    }

    /// The display name of `id`: its registered name (with its first alias), or the id itself.
    ///
    /// - Parameter id: A party id.
    /// - Returns: A name for people.
    public func displayName(_ id: String) -> String {
        guard let registration = registrations[id]?.latest, let name = registration.string("name") else { return id }
        if let alias = registration.data["aliases"]?.arrayValue?.first?.stringValue, alias != name {
            return "\(name) (\(alias))"
        }
        return name
    }

    /// The short name of `id`: its first alias, else its registered name, else the id.
    ///
    /// - Parameter id: A party id.
    /// - Returns: A short name for people.
    public func shortName(_ id: String) -> String {
        guard let registration = registrations[id]?.latest else { return id }
        return registration.data["aliases"]?.arrayValue?.first?.stringValue ?? registration.string("name") ?? id
    }

    /// `name` of a `kind/name` stream.
    static func suffix(of stream: String, kind: String) -> String? {
        let prefix = kind + "/"
        guard stream.hasPrefix(prefix), stream.count > prefix.count else { return nil }
        return String(stream.dropFirst(prefix.count))
    }
}
