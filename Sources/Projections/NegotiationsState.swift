import LedgerStore

/// The negotiations concern: one `NegotiationState` per negotiation id.
///
/// A pure fold: negotiation-scoped events are routed by `data.negotiation_id`, else by their
/// `negotiation/<id>` stream; other types are ignored.
public struct NegotiationsState: Sendable, Equatable {
    /// The negotiations by id.
    public internal(set) var byID: [String: NegotiationState] = [:]

    /// An empty state.
    public init() {}

    /// Applies one event; other concerns' events are ignored.
    ///
    /// - Parameter event: The event.
    public mutating func apply(_ event: ProjectedEvent) {
        _ = insert(SourcedData(event))
    }

    /// The negotiation an item belongs to.
    static func negotiationID(of item: SourcedData) -> String? {
        item.string("negotiation_id") ?? PartiesState.suffix(of: item.source.stream, kind: "negotiation")
    }

    /// Places an item. Returns nil for other types, and `.failure` when the item names no negotiation.
    mutating func insert(_ item: SourcedData) -> Result<ItemLocation.Slot, MissingNegotiation>? {
        guard NegotiationState.types.contains(item.source.type) else { return nil }
        guard let id = Self.negotiationID(of: item) else { return .failure(MissingNegotiation()) }
        guard let slot = byID[id, default: NegotiationState(id: id)].insert(item) else { return nil }
        return .success(.negotiation(id, slot))
    }

    /// An item named no negotiation.
    struct MissingNegotiation: Error {}

    mutating func remove(at slot: ItemLocation.Slot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        guard case .negotiation(let id, let inner) = slot else { return nil }
        let removed = byID[id]?.remove(at: inner, seq: seq, effectiveAt: effectiveAt)
        if byID[id]?.isEmpty == true { byID[id] = nil }
        return removed
    }

    func item(at slot: ItemLocation.Slot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        guard case .negotiation(let id, let inner) = slot else { return nil }
        return byID[id]?.item(at: inner, seq: seq, effectiveAt: effectiveAt)
    }

    /// The negotiation `id`.
    ///
    /// - Parameter id: A negotiation id.
    public subscript(id: String) -> NegotiationState? { byID[id] }

    /// Every negotiation, sorted by id.
    public var all: [NegotiationState] { byID.keys.sorted().map { byID[$0]! } }
}
