import LedgerStore
import Testing

@testable import Projections

@Suite struct StateSelectorTests {
    static let now = Timestamp(rfc3339: "2026-06-01T00:00:00Z")!

    static func project(_ query: StateQuery) throws -> ProjectedState {
        try LedgerProjection.project(try ProjectionsFixture.sampleEvents(), query: query, now: now)
    }

    static func message(_ query: StateQuery, events: [ProjectedEvent]? = nil) throws -> String? {
        do {
            _ = try LedgerProjection.project(events ?? (try ProjectionsFixture.sampleEvents()), query: query, now: now)
            return nil
        } catch let error as LedgerError {
            return error.message
        }
    }

    @Test func noQuerySelectsEverything() throws {
        let projected = try Self.project(StateQuery())
        #expect(projected.selection.knownRecords == 27)
        #expect(projected.selection.foldedRecords == 27)
        #expect(projected.selection.throughSeq == 27)
        #expect(projected.state == (try ProjectionsFixture.sampleState()))
    }

    @Test func asOfBeforeTheFirstRecordIsAnError() throws {
        let message = try Self.message(StateQuery(asOf: Timestamp(rfc3339: "2001-01-01T00:00:00Z")))
        #expect(message?.contains("--as-of 2001-01-01T00:00:00.000000Z is before the first record") == true)
        #expect(message?.contains("recorded 2026-01-01T00:00:00.000000Z") == true)
    }

    @Test func asOfInTheFutureIsAnError() throws {
        let message = try Self.message(StateQuery(asOf: Timestamp(rfc3339: "2030-01-01T00:00:00Z")))
        #expect(message?.contains("is in the future") == true)
    }

    @Test func asOfAfterTheLastRecordButNotInTheFutureSelectsAll() throws {
        let projected = try Self.project(StateQuery(asOf: Timestamp(rfc3339: "2026-03-01T00:00:00Z")))
        #expect(projected.selection.knownRecords == 27)
    }

    @Test func asOfCutsInTransactionTime() throws {
        let projected = try Self.project(StateQuery(asOf: ProjectionsFixture.defaultRecordedAt(9)))
        #expect(projected.selection.knownRecords == 10)
        #expect(projected.selection.throughSeq == 10)
        #expect(projected.state.negotiations.all.map(\.id) == ["zil-faw-assembly"])
        #expect(projected.state.negotiations["zil-faw-assembly"]?.statements.isEmpty == true)
    }

    @Test(arguments: [UInt64(0), 28, 1000])
    func asOfSeqOutOfRangeIsAnError(seq: UInt64) throws {
        let message = try #require(try Self.message(StateQuery(asOfSeq: seq)))
        #expect(message.contains(seq == 0 ? "before the first record" : "beyond the last record (seq 27"))
    }

    @Test func validAtBeforeAnythingWasTrueIsAnError() throws {
        let message = try Self.message(StateQuery(validAt: Timestamp(dateOrDateTime: "1999-12-31")))
        #expect(message?.contains("is before the earliest effective_at (2005-01-01T00:00:00Z) of the 27 records known") == true)
    }

    @Test func emptyLedgerHasNoPoints() throws {
        #expect(try Self.message(StateQuery(asOfSeq: 1), events: [])?.contains("no records") == true)
        #expect(try Self.message(StateQuery(validAt: Self.now), events: [])?.contains("no records") == true)
        #expect(try LedgerProjection.project([], query: StateQuery(), now: Self.now).state == LedgerState())
    }

    @Test func unknownStreamIsNotFound() throws {
        do {
            _ = try Self.project(StateQuery(stream: "negotiation/nope"))
            Issue.record("expected an error")
        } catch let error as LedgerError {
            #expect(error.code == .notFound)
            #expect(error.message.contains("negotiation/nope"))
        }
    }
}
