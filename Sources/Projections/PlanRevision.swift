import CanonicalJSON

/// One revision of an assembly plan, with the values it replaced.
public struct PlanRevision: Sendable, Equatable {
    /// The `AssemblyPlanRevised` body.
    public var record: SourcedData
    /// The plan's values before this revision, for each field it changed (`null` when unset).
    public var replaced: [String: JSONValue]

    /// Why the plan changed.
    public var reason: String? { record.string("reason") }
    /// The fields this revision changed, sorted.
    public var changedFields: [String] { replaced.keys.sorted() }
}
