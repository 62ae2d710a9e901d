import CanonicalJSON

/// An assembly plan as drafted and then revised (`AssemblyPlanDrafted`, `AssemblyPlanRevised`).
///
/// The current fields are the draft's with each revision's present fields replacing them, in
/// valid-time order.
public struct AssemblyPlan: Sendable, Equatable {
    /// The plan's client id.
    public var planID: String
    /// The draft (nil when only revisions are known).
    public var draft: SourcedData?
    /// The revisions in valid time, each with the fields it replaced.
    public var revisions: [PlanRevision]
    /// The current fields (assembler, site, products, start_window, annual_volume, note, ...).
    public var fields: [String: JSONValue]

    /// Folds a plan's drafts and revisions (in valid time).
    init(planID: String, timeline: Timeline) {
        self.planID = planID
        var fields: [String: JSONValue] = [:]
        var revisions: [PlanRevision] = []
        var draft: SourcedData?
        for item in timeline {
            let members = item.data.objectValue ?? [:]
            if item.source.type == "AssemblyPlanDrafted" {
                if draft == nil { draft = item }
                fields = members
                continue
            }
            var replaced: [String: JSONValue] = [:]
            for (key, value) in members where !["plan_id", "reason", "negotiation_id"].contains(key) {
                replaced[key] = fields[key] ?? .null
                fields[key] = value
            }
            revisions.append(PlanRevision(record: item, replaced: replaced))
        }
        fields["reason"] = nil
        self.draft = draft
        self.revisions = revisions
        self.fields = fields
    }

    /// The assembling party.
    public var assembler: String? { fields["assembler"]?.stringValue }
    /// The assembly site.
    public var site: String? { fields["site"]?.stringValue }
    /// Model groups to assemble.
    public var products: [ProductGroup] { ProductGroup.list(fields["products"]) }
    /// When assembly is to start.
    public var startWindow: DatePeriod? { DatePeriod(fields["start_window"]) }
    /// Planned vehicles per year.
    public var annualVolume: CountRange? { CountRange(fields["annual_volume"]) }
    /// The draft's note.
    public var note: String? { fields["note"]?.stringValue }
}
