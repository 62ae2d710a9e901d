import LedgerStore

/// The financial-facts concern: `FinancialFactReported` by party, metric and period.
///
/// A pure fold; every report is kept, and the fact's value is the latest report in valid time.
public struct FinancialsState: Sendable, Equatable {
    /// Reports by key.
    var reports: [FinancialKey: Timeline] = [:]

    /// An empty state.
    public init() {}

    /// Applies one event; other concerns' events are ignored.
    ///
    /// - Parameter event: The event.
    public mutating func apply(_ event: ProjectedEvent) {
        _ = insert(SourcedData(event))
    }

    mutating func insert(_ item: SourcedData) -> ItemLocation.Slot? {
        guard item.source.type == "FinancialFactReported" else { return nil }
        let key = FinancialKey(item)
        reports[key, default: Timeline()].insert(item)
        return .financial(key)
    }

    mutating func remove(at slot: ItemLocation.Slot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        guard case .financial(let key) = slot else { return nil }
        let removed = reports[key]?.remove(seq: seq, effectiveAt: effectiveAt)
        if reports[key]?.isEmpty == true { reports[key] = nil }
        return removed
    }

    func item(at slot: ItemLocation.Slot, seq: UInt64, effectiveAt: Timestamp) -> SourcedData? {
        guard case .financial(let key) = slot else { return nil }
        return reports[key]?.item(seq: seq, effectiveAt: effectiveAt)
    }

    /// Every fact, sorted by party, period and metric.
    public var all: [FinancialFact] {
        reports.keys.sorted().compactMap { fact($0) }
    }

    /// The facts about `party`, sorted by period and metric.
    ///
    /// - Parameter party: A party id.
    /// - Returns: The facts.
    public func facts(about party: String) -> [FinancialFact] {
        reports.keys.filter { $0.party == party }.sorted().compactMap { fact($0) }
    }

    /// The fact for `key`, if reported.
    ///
    /// - Parameter key: Party, metric and period.
    /// - Returns: The fact.
    public func fact(_ key: FinancialKey) -> FinancialFact? {
        guard let timeline = reports[key], let latest = timeline.latest else { return nil }
        return FinancialFact(key: key, record: latest, earlier: Array(timeline.dropLast()))
    }

    /// The parties with facts, sorted.
    public var parties: [String] { Set(reports.keys.map(\.party)).sorted() }
}
