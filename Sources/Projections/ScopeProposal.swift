/// A proposed deal scope: vehicle models by category and count (`ScopeProposed`).
public struct ScopeProposal: Sendable, Equatable {
    /// The body and its source.
    public var record: SourcedData

    /// Model groups by category.
    public var items: [ProductGroup] { ProductGroup.list(record.data["items"]) }
    /// The proposing party.
    public var proposedBy: String? { record.string("proposed_by") }
    /// Free-text note.
    public var note: String? { record.string("note") }
}
