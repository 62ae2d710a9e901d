/// A registered party with its people and control relations (a view of `PartiesState`).
public struct Party: Sendable, Equatable {
    /// The party id, e.g. `zil`.
    public var id: String
    /// The latest `PartyRegistered` body.
    public var registration: SourcedData
    /// Earlier registrations, oldest first.
    public var earlierRegistrations: [SourcedData]
    /// People in roles at the party, latest per (role, person).
    public var people: [RoleHolding]
    /// Who owns or manages this party.
    public var owners: [OwnershipRelation]
    /// What this party owns or manages.
    public var holdings: [OwnershipRelation]

    /// Display name, e.g. "First Automotive Works".
    public var name: String { registration.string("name") ?? id }
    /// manufacturer, management-company, government, publication, ...
    public var kind: String? { registration.string("kind") }
    /// ISO 3166-1 alpha-2 country code.
    public var country: String? { registration.string("country") }
    /// Other names and abbreviations.
    public var aliases: [String] { (registration.data["aliases"]?.arrayValue ?? []).compactMap(\.stringValue) }
    /// Free-text description.
    public var description: String? { registration.string("description") }
}
