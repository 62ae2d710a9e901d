/// A person holding a role at a party (`RoleAssigned`, read as v2).
public struct RoleHolding: Sendable, Equatable {
    /// The latest report of this (role, person).
    public var record: SourcedData
    /// Earlier reports, oldest first.
    public var earlier: [SourcedData]

    /// The party at which the role is held.
    public var party: String { record.string("party") ?? "" }
    /// The role, e.g. `director`.
    public var role: String { record.string("role") ?? "" }
    /// The person's name.
    public var personName: String { record.data["person"]?["name"]?.stringValue ?? "" }
    /// The person's job title as reported.
    public var personTitle: String? { record.data["person"]?["title"]?.stringValue }
    /// First day in the role, if known.
    public var from: String? { record.string("from") }
    /// Last day in the role, if it has ended.
    public var to: String? { record.string("to") }
}
