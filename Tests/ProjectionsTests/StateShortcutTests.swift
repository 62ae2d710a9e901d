import Testing

@testable import Projections

/// The shortcuts a negotiation's view takes give what the plain definitions give.
@Suite struct StateShortcutTests {
    static let events: [ProjectedEvent] = {
        (try? ProjectionsFixture.events(fromInput: try LiveProjectionTests.workload(count: 1500, seed: 7))) ?? []
    }()

    @Test func aFoldWithoutValueSharingEqualsTheSharedFold() {
        #expect(Self.events.count > 1500)
        var unshared = LedgerState(sharingValues: false)
        for event in Self.events { unshared.apply(event) }
        let shared = LedgerState(folding: Self.events)
        #expect(unshared == shared)
        #expect(ProjectionsFixture.json(unshared) == ProjectionsFixture.json(shared))
    }

    @Test func findingsAboutAStreamAreTheFindingsFilteredByStream() {
        let state = LedgerState(folding: Self.events)
        let streams = Set(Self.events.map(\.stream)).sorted()
        #expect(streams.count > 20)
        var nonEmpty = 0
        for stream in streams {
            let about = state.findings(aboutStream: stream)
            #expect(about == state.findings.filter { $0.stream == stream }, "\(stream)")
            if !about.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 0)
        #expect(state.findings(aboutStream: nil) == state.findings)
    }

    @Test func itemIDsAreTheIDsOfEverySource() {
        let state = LedgerState(folding: Self.events)
        #expect(state.corrections.count > 0)
        #expect(state.itemIDs == Set(state.allSources.map(\.id)))
        #expect(state.itemIDs.count > 1000)
    }
}
