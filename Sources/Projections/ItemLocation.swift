import LedgerStore

/// Where the state holds an event's data, so that a correction can find, patch and re-place it.
struct ItemLocation: Sendable, Equatable {
    /// Which collection holds the item.
    enum Slot: Sendable, Equatable {
        case registration(party: String)
        case role(party: String)
        case ownership(owned: String)
        case financial(FinancialKey)
        case negotiation(String, NegotiationSlot)
    }

    /// The collection.
    var slot: Slot
    /// The item's seq (with `effectiveAt`, its place in its timeline).
    var seq: UInt64
    /// The item's valid time.
    var effectiveAt: Timestamp
}
