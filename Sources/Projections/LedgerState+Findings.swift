extension LedgerState {
    /// Every semantic finding, sorted by seq then kind: those noticed while folding (unknown
    /// event types, corrections of unknown events, events naming no negotiation) and those
    /// derived from the state (unknown parties and negotiations, illegal stage moves, revisions
    /// of undrafted plans, agreements of unproposed terms, retractions of unknown statements,
    /// open contradictions).
    public var findings: [Finding] { findings(aboutStream: nil) }

    /// The findings about records of `stream` (all findings when nil): the same as filtering
    /// `findings` by stream, without looking at the items of other streams.
    func findings(aboutStream stream: String?) -> [Finding] {
        if let fixedFindings { return stream.map { name in fixedFindings.filter { $0.stream == name } } ?? fixedFindings }
        var found = stream.map { name in recordedFindings.filter { $0.stream == name } } ?? recordedFindings
        let registered = Set(parties.ids)
        func check(_ party: @autoclosure () -> String?, field: String, in item: SourcedData) {
            guard stream == nil || item.source.stream == stream else { return }
            guard let party = party(), !registered.contains(party) else { return }
            found.append(Finding(.unknownParty, item.source, "\(field) \(party) is not a registered party"))
        }
        for timeline in parties.roles.values {
            for item in timeline { check(item.string("party"), field: "party", in: item) }
        }
        for timeline in parties.ownerships.values {
            for item in timeline {
                check(item.string("owner"), field: "owner", in: item)
                check(item.string("owned"), field: "owned", in: item)
            }
        }
        for timeline in financials.reports.values {
            for item in timeline { check(item.string("party"), field: "party", in: item) }
        }
        for negotiation in negotiations.byID.values {
            let about = negotiation.findings(registeredParties: registered)
            found += stream.map { name in about.filter { $0.stream == name } } ?? about
        }
        return found.sorted { lhs, rhs in
            lhs.seq != rhs.seq ? lhs.seq < rhs.seq : (lhs.kind.rawValue, lhs.message) < (rhs.kind.rawValue, rhs.message)
        }
    }
}
