import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@testable import Reports

/// `parley diff`: every change names exactly the events between the points that caused it.
@Suite struct StateDiffTests {
    static func causes(_ diff: StateDiff, label: String) -> [UInt64] {
        diff.changes.first { $0.label == label }?.causes.map(\.seq) ?? []
    }

    @Test func transactionDiffNamesTheCausingEvents() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let diff = try StateDiff.compute(ledgerAt: ledger, from: .seq(21), to: .seq(27)).diff
            #expect(diff.events.map(\.seq) == Array(22...27))
            // Every event between the points caused something, and nothing outside them did.
            let caused = Set(diff.changes.flatMap { $0.causes.map(\.seq) })
            #expect(caused == Set(22...27))
            #expect(diff.unattributed.isEmpty)
            #expect(Self.causes(diff, label: "stage") == [22])
            #expect(Self.causes(diff, label: "plan plan-zil-faw-1") == [23, 26])
            #expect(Self.causes(diff, label: "term t-licence-fee") == [24, 25])
            #expect(Self.causes(diff, label: "statement s-laptev-assembly-start") == [27])
            #expect(Self.causes(diff, label: "contradiction on assembly-start") == [27])
            let stage = try #require(diff.changes.first { $0.label == "stage" })
            #expect(stage.kind == "changed")
            #expect(
                stage.fields.contains {
                    $0.field == "stage" && $0.before == .string("exploratory") && $0.after == .string("talks")
                })
            // Nothing else changed: parties and financial facts were all known at seq 21.
            #expect(!diff.changes.contains { $0.entity.hasPrefix("party/") || $0.entity.hasPrefix("financial/") })
        }
    }

    @Test func eachSingleStepDiffIsCausedByItsOneEvent() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            for step in 1...26 as ClosedRange<UInt64> {
                let diff = try StateDiff.compute(ledgerAt: ledger, from: .seq(step), to: .seq(step + 1)).diff
                #expect(!diff.changes.isEmpty, "seq \(step + 1) changed nothing")
                for change in diff.changes {
                    #expect(
                        change.causes.map(\.seq) == [step + 1], "\(change.entity) at seq \(step + 1): \(change.causes.map(\.seq))"
                    )
                }
            }
        }
    }

    @Test func fromNothingAddsEverything() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let diff = try StateDiff.compute(ledgerAt: ledger, from: .seq(0), to: .seq(27)).diff
            #expect(diff.events.count == 27)
            #expect(diff.changes.allSatisfy { $0.kind == "added" })
            #expect(diff.unattributed.isEmpty)
        }
    }

    @Test func validTimeDiffUsesEffectiveTimes() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let from = try #require(Timestamp(dateOrDateTime: "2005-05-25"))
            let to = try #require(Timestamp(dateOrDateTime: "2005-06-30"))
            let diff = try StateDiff.compute(ledgerAt: ledger, from: .time(from), to: .time(to), validTime: true).diff
            #expect(diff.events.map(\.seq) == [26])
            #expect(diff.changes.map(\.label) == ["plan plan-zil-faw-1"])
            #expect(Self.causes(diff, label: "plan plan-zil-faw-1") == [26])
            // The late retraction (valid 20 May) falls between 1 May and 25 May.
            let may = try StateDiff.compute(
                ledgerAt: ledger, from: .time(Timestamp(dateOrDateTime: "2005-05-01")!), to: .time(from), validTime: true
            ).diff
            #expect(may.events.map(\.seq) == [27])
            #expect(Self.causes(may, label: "statement s-laptev-assembly-start") == [27])
        }
    }

    @Test func cliFormatsAndErrors() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let json = try ReportsFixture.parleyOK(["diff", "--ledger", ledger, "--from", "21", "--to", "27", "--format", "json"])
            let value = try JSONValue(parsing: Array(json.stdout.dropLast()))
            #expect(value["format"]?.stringValue == "parley-diff")
            #expect(value["to"]?["receipt"]?["records"]?["last"]?.integerValue == 27)
            let causes = Set(
                (value["changes"]?.arrayValue ?? []).flatMap {
                    ($0["caused_by"]?.arrayValue ?? []).compactMap { $0["seq"]?.integerValue }
                })
            #expect(causes == Set(22...27))
            let scoped = try ReportsFixture.parleyOK(
                ["diff", "--ledger", ledger, "--from", "9", "--to", "27", "--negotiation", "zil-faw-assembly"])
            #expect(scoped.stdoutText.contains("# Parley diff: negotiation zil-faw-assembly"))
            let backwards = try ReportsFixture.parley(["diff", "--ledger", ledger, "--from", "27", "--to", "21"])
            #expect(backwards.status == 2)
            let seqWithValid = try ReportsFixture.parley(["diff", "--ledger", ledger, "--from", "1", "--to", "2", "--valid"])
            #expect(seqWithValid.status == 2)
            let nonsense = try ReportsFixture.parley(["diff", "--ledger", ledger, "--from", "yesterday", "--to", "2"])
            #expect(nonsense.status == 64)
        }
    }
}
