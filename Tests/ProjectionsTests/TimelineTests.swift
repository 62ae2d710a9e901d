import CanonicalJSON
import LedgerStore
import Testing

@testable import Projections

@Suite struct TimelineTests {
    static func item(seq: UInt64, effectiveAt: String) throws -> SourcedData {
        SourcedData(
            try ProjectedEvent(
                seq: seq, id: "id-\(seq)", stream: "s/x", type: "T", recordedAt: "2026-01-01T00:00:00Z",
                effectiveAt: effectiveAt, data: .object([:])))
    }

    @Test func keepsValidTimeOrderWithSeqTiesAndRemovesByPlace() throws {
        var timeline = Timeline()
        timeline.insert(try Self.item(seq: 1, effectiveAt: "2005-01-01"))
        timeline.insert(try Self.item(seq: 2, effectiveAt: "2005-03-01"))
        timeline.insert(try Self.item(seq: 3, effectiveAt: "2005-02-01"))
        timeline.insert(try Self.item(seq: 4, effectiveAt: "2005-01-01"))
        #expect(timeline.map(\.source.seq) == [1, 4, 3, 2])
        #expect(timeline.latest?.source.seq == 2)
        let removed = timeline.remove(seq: 3, effectiveAt: Timestamp(dateOrDateTime: "2005-02-01")!)
        #expect(removed?.source.seq == 3)
        #expect(timeline.remove(seq: 3, effectiveAt: Timestamp(dateOrDateTime: "2005-02-01")!) == nil)
        #expect(timeline.map(\.source.seq) == [1, 4, 2])
    }
}
