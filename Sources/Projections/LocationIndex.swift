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
