/// One party owning a share of, or managing, another (`OwnershipRecorded`).
public struct OwnershipRelation: Sendable, Equatable {
    /// The latest report of this (owner, owned, relation).
    public var record: SourcedData
    /// Earlier reports, oldest first.
    public var earlier: [SourcedData]

    /// The owning or managing party.
    public var owner: String { record.string("owner") ?? "" }
    /// The owned or managed party.
    public var owned: String { record.string("owned") ?? "" }
    /// `owns` (the default) or `manages`.
    public var relation: String { record.string("relation") ?? "owns" }
    /// The equity stake as a decimal string percentage, e.g. `"90"`.
    public var sharePercent: String? { record.string("share_percent") }
    /// First day the relation is known to hold.
    public var from: String? { record.string("from") }
    /// Last day the relation held.
    public var to: String? { record.string("to") }
    /// Free-text note.
    public var note: String? { record.string("note") }
}
