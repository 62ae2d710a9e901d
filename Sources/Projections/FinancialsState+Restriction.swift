extension FinancialsState {
    /// Only the facts whose key `isIncluded` accepts.
    func keeping(_ isIncluded: (FinancialKey) -> Bool) -> FinancialsState {
        var kept = FinancialsState()
        kept.reports = reports.filter { isIncluded($0.key) }
        return kept
    }

    /// Only the items `isIncluded` accepts.
    func filtered(_ isIncluded: (SourcedData) -> Bool) -> FinancialsState {
        var kept = FinancialsState()
        kept.reports = reports.mapValues { $0.filtered(isIncluded) }.filter { !$0.value.isEmpty }
        return kept
    }
}
