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

/// Which timeline of a negotiation holds an item.
enum NegotiationSlot: Sendable, Equatable {
    case opening
    case stage
    case scope
    case termProposal(String)
    case termAgreement(String)
    case plan(String)
    case statement
    case retraction(target: String)
    case estimate
    case price
}

/// Where each folded event's data is held, by event id, so a correction can find its target.
///
/// Built on the first correction (most ledgers have few, and a million-entry table costs time
/// and memory), then kept up to date. It is a cache derived from the state, so it never takes
/// part in equality.
struct LocationIndex: Sendable, Equatable {
    /// The table; nil until built.
    var table: [String: ItemLocation]?

    static func == (lhs: LocationIndex, rhs: LocationIndex) -> Bool { true }
}
