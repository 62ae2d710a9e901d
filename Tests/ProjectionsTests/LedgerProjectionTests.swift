import Foundation
import LedgerStore
import Testing

@testable import Projections

/// Bitemporal behaviour on a real ledger: the sample's last line (a retraction with an earlier
/// effective_at than the line before it) is appended in a later commit.
@Suite struct LedgerProjectionTests {
    static let statementID = "s-laptev-assembly-start"

    static func laptev(_ projected: ProjectedState) -> Statement? {
        projected.state.negotiations["zil-faw-assembly"]?.statements.first { $0.statementID == statementID }
    }

    @Test func lateArrivalChangesValidTimeStateButNotEarlierAsOfStates() throws {
        try ProjectionsFixture.withTemporaryDirectory { directory in
            let (path, writer) = try ProjectionsFixture.makeLedger(in: directory)
            let lines = try ProjectionsFixture.sampleLines()
            try ProjectionsFixture.append(Array(lines.dropLast()), with: writer)
            let beforeLate = try LedgerProjection.project(ledgerAt: path)
            let firstCommitAt = try #require(Timestamp(rfc3339: beforeLate.selection.throughRecordedAt ?? ""))
            usleep(2000)
            try ProjectionsFixture.append([lines.last!], with: writer)

            let validAt = Timestamp(dateOrDateTime: "2005-05-25")!
            let now = try LedgerProjection.project(ledgerAt: path, query: StateQuery(validAt: validAt))
            #expect(Self.laptev(now)?.isRetracted == true)
            #expect(now.state.negotiations["zil-faw-assembly"]?.plans.first?.startWindow?.from == "2005-07-01")

            let then = try LedgerProjection.project(ledgerAt: path, query: StateQuery(asOf: firstCommitAt, validAt: validAt))
            #expect(then.selection.throughSeq == 26)
            #expect(Self.laptev(then)?.isRetracted == false)
            #expect(then.state.negotiations["zil-faw-assembly"]?.contradictions.first?.openPairs == 1)

            let bySeq = try LedgerProjection.project(ledgerAt: path, query: StateQuery(asOfSeq: 26, validAt: validAt))
            #expect(bySeq.state == then.state)

            let earlierInTheWorld = try LedgerProjection.project(
                ledgerAt: path, query: StateQuery(validAt: Timestamp(dateOrDateTime: "2005-05-19")))
            #expect(Self.laptev(earlierInTheWorld)?.isRetracted == false)
            #expect(earlierInTheWorld.selection.knownRecords == 27)
            #expect(earlierInTheWorld.selection.foldedRecords == 25)

            let latest = try LedgerProjection.project(ledgerAt: path)
            #expect(Self.laptev(latest)?.isRetracted == true)
            #expect(latest.state.negotiations["zil-faw-assembly"]?.plans.first?.startWindow?.from == "2006-01-01")
            #expect(
                ProjectionsFixture.json(latest.state, ignoringRecordedAt: true)
                    == ProjectionsFixture.json(try ProjectionsFixture.sampleState(), ignoringRecordedAt: true))
        }
    }

    @Test func streamRestrictsTheView() throws {
        try ProjectionsFixture.withTemporaryDirectory { directory in
            let (path, writer) = try ProjectionsFixture.makeLedger(in: directory)
            try ProjectionsFixture.append(try ProjectionsFixture.sampleLines(), with: writer)
            let party = try LedgerProjection.project(ledgerAt: path, query: StateQuery(stream: "party/zil"))
            #expect(party.state.parties.ids == ["faw", "mac", "moscow-city", "zil"])
            #expect(party.state.financials.parties == ["zil"])
            #expect(party.state.negotiations.all.map(\.id) == ["zil-faw-assembly"])
        }
    }
}
