import Projections

/// The names of every registered party known at the point, kept before a view is restricted, so
/// a negotiation report can name a party outside its view (an owner, say) instead of printing
/// its id. Registrations are always gathered, so both ways of building a view agree.
struct PartyNames: Sendable {
    private var display: [String: String] = [:]
    private var short: [String: String] = [:]

    /// No names: ids are shown.
    init() {}

    /// The names of the parties registered in `parties`.
    init(_ parties: PartiesState) {
        for id in parties.ids {
            display[id] = parties.displayName(id)
            short[id] = parties.shortName(id)
        }
    }

    /// "Moscow Automobile Company (MAC)", or the id.
    func displayName(_ id: String) -> String { display[id] ?? id }

    /// "MAC", or the id.
    func shortName(_ id: String) -> String { short[id] ?? id }
}
