extension LedgerState {
    /// The part of the state about the aggregate `stream` names, for rendering (do not fold
    /// further events into it).
    ///
    /// - `negotiation/<id>`: that negotiation, the parties it names (with their people and
    ///   ownership) and their financial facts.
    /// - `party/<id>`: that party, the parties it owns or is owned by, the negotiations it takes
    ///   part in (and the parties those name), and its own financial facts.
    /// - any other stream: the items recorded in that stream.
    ///
    /// Findings are those of the whole state about records of `stream`.
    ///
    /// - Parameter stream: A stream name.
    /// - Returns: The restricted state.
    public func restricted(toStream stream: String) -> LedgerState {
        var view = LedgerState()
        view.eventCount = eventCount
        view.lastSeq = lastSeq
        view.locations = locations
        view.correctionIDs = correctionIDs
        view.fixedFindings = findings(aboutStream: stream)
        if let id = PartiesState.suffix(of: stream, kind: "negotiation") {
            let kept = negotiations.byID.filter { $0.key == id }
            let involved = Set(kept.values.flatMap { $0.namedParties })
            view.negotiations.byID = kept
            view.parties = parties.keeping(involved)
            view.financials = financials.keeping { involved.contains($0.party) }
        } else if let id = PartiesState.suffix(of: stream, kind: "party") {
            let kept = negotiations.byID.filter { entry in entry.value.parties.contains { $0.party == id } }
            var involved: Set<String> = [id]
            for relation in parties.relations(ofOwned: id) { involved.insert(relation.owner) }
            for timeline in parties.ownerships.values {
                for item in timeline where item.string("owner") == id { involved.insert(item.string("owned") ?? "") }
            }
            for negotiation in kept.values { involved.formUnion(negotiation.namedParties) }
            view.negotiations.byID = kept
            view.parties = parties.keeping(involved)
            view.financials = financials.keeping { $0.party == id }
        } else {
            let inStream: (SourcedData) -> Bool = { $0.source.stream == stream }
            view.parties = parties.filtered(inStream)
            view.financials = financials.filtered(inStream)
            view.negotiations.byID = negotiations.byID.compactMapValues { negotiation in
                let filtered = negotiation.filtered(inStream)
                return filtered.isEmpty ? nil : filtered
            }
        }
        if !corrections.isEmpty {
            let viewIDs = view.itemIDs
            view.corrections = corrections.filter { $0.source.stream == stream || viewIDs.contains($0.corrects) }
        }
        return view
    }

    /// The ids of every item held.
    var itemIDs: Set<String> {
        var ids: Set<String> = []
        for timelines in [parties.registrations, parties.roles, parties.ownerships] {
            for timeline in timelines.values { ids.formUnion(timeline.lazy.map(\.source.id)) }
        }
        for timeline in financials.reports.values { ids.formUnion(timeline.lazy.map(\.source.id)) }
        for negotiation in negotiations.byID.values { ids.formUnion(negotiation.allItems.lazy.map(\.source.id)) }
        ids.formUnion(corrections.lazy.map(\.source.id))
        return ids
    }

    /// The sources of every item held and every correction, in seq order.
    var allSources: [EventSource] {
        var sources: [EventSource] = []
        for timelines in [parties.registrations, parties.roles, parties.ownerships] {
            for timeline in timelines.values { sources += timeline.map(\.source) }
        }
        for timeline in financials.reports.values { sources += timeline.map(\.source) }
        for negotiation in negotiations.byID.values { sources += negotiation.allItems.map(\.source) }
        sources += corrections.map(\.source)
        return sources.sorted { $0.seq < $1.seq }
    }
}
