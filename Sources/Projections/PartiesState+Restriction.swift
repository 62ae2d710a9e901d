extension PartiesState {
    /// Only the parties in `ids`: their registrations, people, and the relations in which they are owned.
    func keeping(_ ids: Set<String>) -> PartiesState {
        var kept = PartiesState()
        kept.registrations = registrations.filter { ids.contains($0.key) }
        kept.roles = roles.filter { ids.contains($0.key) }
        kept.ownerships = ownerships.filter { ids.contains($0.key) }
        return kept
    }

    /// Only the items `isIncluded` accepts.
    func filtered(_ isIncluded: (SourcedData) -> Bool) -> PartiesState {
        func filter(_ timelines: [String: Timeline]) -> [String: Timeline] {
            timelines.mapValues { $0.filtered(isIncluded) }.filter { !$0.value.isEmpty }
        }
        var kept = PartiesState()
        kept.registrations = filter(registrations)
        kept.roles = filter(roles)
        kept.ownerships = filter(ownerships)
        return kept
    }
}
