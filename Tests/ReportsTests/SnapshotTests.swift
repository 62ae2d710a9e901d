import CanonicalJSON
import Foundation
import LedgerStore
import ParleyTestSupport
import Projections
import Testing

@testable import Reports

/// Snapshots: a view started from snapshots equals the full refold, at random points; a snapshot
/// that is tampered with, stale or foreign is detected and not used.
@Suite struct SnapshotTests {
    /// A ledger of generated events in several commits, with awkward events mixed in: corrections
    /// that move a term to another negotiation and a financial fact to another party (one of them
    /// after a snapshot, aiming before it), a statement written to one negotiation's stream but
    /// naming another, a retraction, an agreement, people and ownership.
    struct Fixture {
        var ledger: String
        var negotiations: [String]
        var commitEnds: [UInt64]
        var days: [String]
    }

    static func event(
        _ stream: String, _ type: String, _ data: JSONValue, id: String, day: String = "2004-01-05"
    ) -> String {
        JSONValue.object([
            "stream": .string(stream), "type": .string(type), "effective_at": .string(day + "T00:00:00Z"), "data": data,
            "id": .string(id),
            "meta": .object(["source": .object(["publication": .string("Test Wire")]), "confidence": .string("reported")]),
        ]).canonicalString
    }

    static func build(at dir: String) throws -> Fixture {
        let ledger = dir + "/gen"
        try ReportsFixture.parleyOK(["init", ledger, "--origin", ReportsFixture.origin])
        let generated = try ProcessRunner.run(
            "python3", [PackagePaths.file("Tools/gen_events.py"), "2400", "--ids", "--seed", "7"])
        let lines = generated.stdoutText.split(separator: "\n").map(String.init)
        var negotiations: [String] = []
        var statements: [(id: String, negotiation: String)] = []
        var terms: [(termID: String, negotiation: String)] = []
        for line in lines {
            let value = try JSONValue(parsing: line)
            let stream = value["stream"]!.stringValue!
            guard stream.hasPrefix("negotiation/") else { continue }
            let negotiation = String(stream.dropFirst("negotiation/".count))
            switch value["type"]!.stringValue! {
            case "NegotiationOpened": negotiations.append(negotiation)
            case "StatementReported": statements.append((value["id"]!.stringValue!, negotiation))
            case "TermProposed": terms.append((value["data"]!["term_id"]!.stringValue!, negotiation))
            default: break
            }
        }
        let (first, second, third) = (negotiations[0], negotiations[1], negotiations[2])
        let spiceA = [
            event(
                "negotiation/\(first)", "TermProposed",
                .object([
                    "term_id": .string("t-moving"), "kind": .string("licence-fee"), "negotiation_id": .string(first),
                    "low": .object(["amount": .string("100"), "currency": .string("USD")]),
                    "high": .object(["amount": .string("200"), "currency": .string("USD")]), "proposed_by": .string("zil"),
                ]), id: "00000000-0000-4000-8000-00000000000a"),
            event(
                "party/zil", "FinancialFactReported",
                .object([
                    "party": .string("zil"), "metric": .string("revenue"),
                    "period": .object(["from": .string("2003-01-01"), "to": .string("2003-12-31")]),
                    "value": .object(["amount": .string("5"), "currency": .string("USD")]),
                ]), id: "00000000-0000-4000-8000-00000000000b"),
            event(
                "party/faw", "RoleAssigned",
                .object(["party": .string("faw"), "role": .string("director"), "person": .object(["name": .string("Xu Jianyi")])]
                ),
                id: "00000000-0000-4000-8000-00000000000c"),
            event(
                "party/faw", "OwnershipRecorded",
                .object(["owner": .string("byd"), "owned": .string("faw"), "share_percent": .string("12.5")]),
                id: "00000000-0000-4000-8000-00000000000d"),
            event(
                "negotiation/\(second)", "StatementReported",
                .object([
                    "statement_id": .string("s-crossed"), "speaker": .string("a spokesman"), "claim": .string("Crossed wires."),
                    "stance": .string("confirms"), "negotiation_id": .string(third), "speaker_party": .string("newco"),
                ]), id: "00000000-0000-4000-8000-00000000000e"),
        ]
        let spiceB = [
            event(
                "negotiation/\(first)", "EventCorrected",
                .object([
                    "corrects": .string("00000000-0000-4000-8000-00000000000a"),
                    "changes": .object(["negotiation_id": .string(second), "proposed_by": .string("kamaz")]),
                    "reason": .string("filed under the wrong negotiation"),
                ]), id: "00000000-0000-4000-8000-0000000000b1", day: "2004-01-06"),
            event(
                "party/zil", "EventCorrected",
                .object([
                    "corrects": .string("00000000-0000-4000-8000-00000000000b"), "changes": .object(["party": .string("gaz")]),
                    "reason": .string("wrong company"),
                ]), id: "00000000-0000-4000-8000-0000000000b2", day: "2004-01-06"),
            event(
                "negotiation/\(statements[3].negotiation)", "EventCorrected",
                .object([
                    "corrects": .string(statements[3].id),
                    "changes": .object(["stance": .string("denies"), "claim": .string("No, \"never\", they said.")]),
                    "reason": .string("misquoted"),
                ]), id: "00000000-0000-4000-8000-0000000000b3", day: "2004-01-02"),
            event(
                "negotiation/\(statements[5].negotiation)", "ClaimRetracted",
                .object([
                    "retracts": .string(statements[5].id), "reason": .string("withdrawn"), "retracted_by": .string("faw"),
                    "negotiation_id": .string(statements[5].negotiation),
                ]), id: "00000000-0000-4000-8000-0000000000b4", day: "2004-01-07"),
            event(
                "negotiation/\(terms[0].negotiation)", "TermAgreed",
                .object([
                    "term_id": .string(terms[0].termID), "agreed_by": .array([.string("zil"), .string("scania")]),
                    "value": .object(["amount": .string("150"), "currency": .string("USD")]),
                    "negotiation_id": .string(terms[0].negotiation),
                ]), id: "00000000-0000-4000-8000-0000000000b5", day: "2004-01-07"),
            event(
                "party/newco", "PartyRegistered",
                .object([
                    "party_id": .string("newco"), "name": .string("New Co"), "kind": .string("manufacturer"),
                    "aliases": .array([]),
                ]),
                id: "00000000-0000-4000-8000-0000000000b6", day: "2004-01-03"),
        ]
        var commits: [[String]] = []
        for (index, start) in stride(from: 0, to: lines.count, by: 300).enumerated() {
            commits.append(Array(lines[start..<min(start + 300, lines.count)]))
            if index == 1 { commits.append(spiceA) }
            if index == 5 { commits.append(spiceB) }
        }
        var ends: [UInt64] = []
        var total: UInt64 = 0
        for commit in commits {
            try ReportsFixture.append(commit, to: ledger, validate: false)
            total += UInt64(commit.count)
            ends.append(total)
        }
        let days = (1...12).map { String(format: "2004-01-%02d", $0) }
        return Fixture(ledger: ledger, negotiations: negotiations, commitEnds: ends, days: days)
    }

    /// The JSON report of a view, as text.
    static func rendered(_ view: LedgerView) -> String { ReportJSON.render(Report(view: view)) }

    @Test func snapshotStartedViewsEqualTheFullRefoldAtRandomPoints() throws {
        try TemporaryDirectory.with { dir in
            let fixture = try Self.build(at: dir)
            let written = try SnapshotStore(ledgerPath: fixture.ledger).write(every: 500)
            #expect(written.count >= 4)
            #expect(written.allSatisfy { fixture.commitEnds.contains($0.seq) })
            #expect(verifySnapshots(ledger: fixture.ledger).isEmpty)
            let head = fixture.commitEnds.last!
            var generator = SplitMix64(seed: 20_251_125)
            let picked = Array(fixture.negotiations.prefix(6)) + [fixture.negotiations.randomElement(using: &generator)!]
            var usedSnapshots = 0
            for trial in 0..<24 {
                let point =
                    trial < 4
                    ? [head, written[0].seq, written[1].seq + 1, written[0].seq - 1][trial]
                    : UInt64.random(in: 1...head, using: &generator)
                let negotiation = picked[trial % picked.count]
                let validAt = trial % 3 == 0 ? Timestamp(dateOrDateTime: fixture.days.randomElement(using: &generator)!) : nil
                let query = ReportQuery(asOfSeq: point, validAt: validAt, negotiation: negotiation)
                var plain = query
                plain.useSnapshots = false
                let fromSnapshots: LedgerView
                do {
                    fromSnapshots = try LedgerViews.load(ledgerAt: fixture.ledger, query: query)
                } catch let error as LedgerError {
                    // The negotiation may not exist yet (or nothing be valid yet): then the plain path must agree.
                    #expect(throws: LedgerError.self) { try LedgerViews.load(ledgerAt: fixture.ledger, query: plain) }
                    _ = error
                    continue
                }
                if fromSnapshots.snapshotSeq > 0 { usedSnapshots += 1 }
                #expect(fromSnapshots.warnings.isEmpty)
                let withoutSnapshots = try LedgerViews.load(ledgerAt: fixture.ledger, query: plain)
                let tape = try LedgerTape(path: fixture.ledger)
                let full = try LedgerViews.foldAll(
                    tape: tape, cut: try Cut(tape: tape, query: query, now: .now()), query: query, restrictTo: negotiation)
                let expected = Self.rendered(full)
                let context = "seq \(point), \(negotiation), valid-at \(validAt?.description ?? "-")"
                ReportsFixture.expectSame(Self.rendered(fromSnapshots), expected, context + ", from snapshots")
                ReportsFixture.expectSame(Self.rendered(withoutSnapshots), expected, context + ", without snapshots")
                // And the projection's own path (fold everything, restrict to the stream) agrees.
                let projected = try LedgerProjection.project(
                    ledgerAt: fixture.ledger,
                    query: StateQuery(asOfSeq: point, validAt: validAt, stream: "negotiation/" + negotiation))
                ReportsFixture.expectSame(
                    StateJSON.render(ProjectedState(state: fromSnapshots.state, selection: projected.selection)),
                    StateJSON.render(projected), context + ", against LedgerProjection")
            }
            #expect(usedSnapshots >= 12)
        }
    }

    /// `parley state --stream negotiation/X` starts from snapshots when it can and prints exactly
    /// what the full fold prints; a damaged snapshot on the way is reported and not used.
    @Test func stateFromSnapshotsEqualsTheFullFold() throws {
        try TemporaryDirectory.with { dir in
            let fixture = try Self.build(at: dir)
            let written = try SnapshotStore(ledgerPath: fixture.ledger).write(every: 500)
            #expect(written.count >= 2)
            let head = fixture.commitEnds.last!
            var generator = SplitMix64(seed: 11)
            for trial in 0..<6 {
                let point = trial == 0 ? head : UInt64.random(in: written[0].seq...head, using: &generator)
                let stream = "negotiation/" + fixture.negotiations[trial % min(3, fixture.negotiations.count)]
                for format in ["json", "md"] {
                    let arguments = [
                        "state", "--ledger", fixture.ledger, "--as-of-seq", String(point), "--stream", stream, "--format", format,
                    ]
                    let fast = try ReportsFixture.parleyOK(arguments)
                    let full = try ReportsFixture.parleyOK(arguments + ["--no-snapshots"])
                    ReportsFixture.expectSame(fast.stdoutText, full.stdoutText, "state \(stream) at \(point) (\(format))")
                    #expect(fast.stderrText.isEmpty, "\(fast.stderrText)")
                }
            }
            // A truncated snapshot: the same answer, and a warning that names it (so snapshots were consulted).
            let last = written.last!
            let bytes = try Data(contentsOf: URL(fileURLWithPath: last.path))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: last.path))
            let arguments = [
                "state", "--ledger", fixture.ledger, "--stream", "negotiation/" + fixture.negotiations[2], "--format", "json",
            ]
            let damaged = try ReportsFixture.parleyOK(arguments)
            #expect(damaged.stdoutText == (try ReportsFixture.parleyOK(arguments + ["--no-snapshots"])).stdoutText)
            #expect(
                damaged.stderrText.contains("parley: warning: snapshot snapshots/\(SnapshotFile.name(seq: last.seq)) ignored"),
                "\(damaged.stderrText)")
        }
    }

    @Test func theMovedItemsLandWhereTheCorrectionsPutThem() throws {
        try TemporaryDirectory.with { dir in
            let fixture = try Self.build(at: dir)
            _ = try SnapshotStore(ledgerPath: fixture.ledger).write(every: 500)
            let second = try ReportsFixture.json(fixture.ledger, ReportQuery(negotiation: fixture.negotiations[1]))
            let terms = second["negotiations"]?.arrayValue?.first?["terms"]?.arrayValue ?? []
            let moved = try #require(terms.first { $0["term_id"]?.stringValue == "t-moving" })
            #expect(moved["proposed_by"]?.stringValue == "kamaz")
            #expect(second["parties"]?.arrayValue?.contains { $0["id"]?.stringValue == "kamaz" } == true)
            let first = try ReportsFixture.json(fixture.ledger, ReportQuery(negotiation: fixture.negotiations[0]))
            let left = first["negotiations"]?.arrayValue?.first?["terms"]?.arrayValue ?? []
            #expect(!left.contains { $0["term_id"]?.stringValue == "t-moving" })
        }
    }

    @Test func snapshotsAreDeterministicAndIncremental() throws {
        try TemporaryDirectory.with { dir in
            let fixture = try Self.build(at: dir)
            let store = SnapshotStore(ledgerPath: fixture.ledger)
            let once = try store.write(every: 1000)
            #expect(try store.write(every: 1000).isEmpty)
            let files = try FileManager.default.contentsOfDirectory(atPath: fixture.ledger + "/snapshots").sorted()
            let bytes = try files.map { try Data(contentsOf: URL(fileURLWithPath: fixture.ledger + "/snapshots/" + $0)) }
            try FileManager.default.removeItem(atPath: fixture.ledger + "/snapshots")
            let again = try store.write(every: 1000)
            #expect(again == once)
            let rewritten = try files.map { try Data(contentsOf: URL(fileURLWithPath: fixture.ledger + "/snapshots/" + $0)) }
            #expect(rewritten == bytes)
            // `lz4 -dcm` prints each file's header line, then its record lines.
            let first = try ProcessRunner.run("lz4", ["-dcm", fixture.ledger + "/snapshots/" + files[0]])
            let header = try JSONValue(parsing: Array(first.stdout.split(separator: 0x0A).first!))
            #expect(header["format"]?.integerValue == 1)
            #expect(header["seq"]?.integerValue == Int64(once[0].seq))
            #expect(header["root"]?.stringValue == once[0].root)
            let lines = try ReportsFixture.recordLines(fixture.ledger)
            #expect(once[0].root == (try ReferenceMerkle.root(ofLines: lines, size: Int(once[0].seq))))
            let atSeq = try ReportsFixture.parley(["snapshot", "--ledger", fixture.ledger, "--at-seq", "5"])
            #expect(atSeq.status == 2)
            #expect(atSeq.stderrText.contains("snapshots are taken at commit boundaries"))
            try ReportsFixture.parleyOK(["snapshot", "--ledger", fixture.ledger, "--at-seq", String(fixture.commitEnds[0])])
        }
    }

    // MARK: - Untrusted snapshots

    /// The view with and without snapshots, and the warnings of the first.
    static func compare(_ ledger: String, negotiation: String) throws -> (same: Bool, warnings: [String], snapshotSeq: UInt64) {
        let used = try LedgerViews.load(ledgerAt: ledger, query: ReportQuery(negotiation: negotiation))
        let plain = try LedgerViews.load(ledgerAt: ledger, query: ReportQuery(negotiation: negotiation, useSnapshots: false))
        return (rendered(used) == rendered(plain), used.warnings, used.snapshotSeq)
    }

    @Test func aCorruptSectionIsDetectedAndNotUsed() throws {
        try TemporaryDirectory.with { dir in
            let fixture = try Self.build(at: dir)
            let written = try SnapshotStore(ledgerPath: fixture.ledger).write(every: 500)
            let target = written.last!
            var bytes = try Data(contentsOf: URL(fileURLWithPath: target.path))
            bytes[bytes.count - 40] ^= 0x5A  // inside the last section: its content checksum fails
            try bytes.write(to: URL(fileURLWithPath: target.path))
            let negotiation = fixture.negotiations[0]
            let (same, warnings, snapshotSeq) = try Self.compare(fixture.ledger, negotiation: negotiation)
            #expect(same)
            #expect(snapshotSeq < target.seq)
            let findings = verifySnapshots(ledger: fixture.ledger)
            #expect(findings.contains { $0.contains(SnapshotFile.name(seq: target.seq)) })
            // Any view that reads the damaged section warns; the CLI prints it on stderr.
            let all = try ReportsFixture.parley(["snapshot", "--ledger", fixture.ledger, "--verify"])
            #expect(all.status == 5)
            _ = warnings
        }
    }

    @Test func aTruncatedOrForeignSnapshotIsIgnoredWithAWarning() throws {
        try TemporaryDirectory.with { dir in
            let fixture = try Self.build(at: dir)
            let written = try SnapshotStore(ledgerPath: fixture.ledger).write(every: 500)
            // Truncated: the section table no longer matches the file.
            let last = written.last!
            let bytes = try Data(contentsOf: URL(fileURLWithPath: last.path))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: last.path))
            let truncated = try Self.compare(fixture.ledger, negotiation: fixture.negotiations[2])
            #expect(truncated.same)
            #expect(truncated.warnings.contains { $0.contains("ignored") })
            #expect(truncated.snapshotSeq == written[written.count - 2].seq)
            let cli = try ReportsFixture.parley(["report", "--ledger", fixture.ledger, "--negotiation", fixture.negotiations[2]])
            #expect(cli.status == 0)
            #expect(cli.stderrText.contains("parley: warning: snapshot snapshots/\(SnapshotFile.name(seq: last.seq)) ignored"))
            // Foreign: a snapshot of another ledger with the same records.
            let other = dir + "/other"
            try ReportsFixture.parleyOK(["init", other])
            try FileManager.default.createDirectory(atPath: other + "/snapshots", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fixture.ledger + "/segments", toPath: other + "/segments-copy")
            try FileManager.default.removeItem(atPath: other + "/segments")
            try FileManager.default.moveItem(atPath: other + "/segments-copy", toPath: other + "/segments")
            try FileManager.default.copyItem(
                atPath: written[0].path, toPath: other + "/snapshots/" + SnapshotFile.name(seq: written[0].seq))
            let foreign = try Self.compare(other, negotiation: fixture.negotiations[0])
            #expect(foreign.same)
            #expect(foreign.snapshotSeq == 0)
            #expect(foreign.warnings.contains { $0.contains("another ledger") })
        }
    }

    @Test func aSnapshotWhoseRootDoesNotMatchTheLedgerIsIgnored() throws {
        try TemporaryDirectory.with { dir in
            // Two ledgers with one id and the same events, recorded at different times: equal
            // content but other roots. The first one's snapshot must not be trusted by the second.
            let first = dir + "/first"
            try ReportsFixture.sampleLedger(at: first)
            let written = try SnapshotStore(ledgerPath: first).write(every: 10)
            #expect(written.map(\.seq) == [27])
            let second = dir + "/second"
            try ReportsFixture.sampleLedger(at: second)
            try FileManager.default.removeItem(atPath: second + "/ledger.json")
            try FileManager.default.copyItem(atPath: first + "/ledger.json", toPath: second + "/ledger.json")
            try FileManager.default.createDirectory(atPath: second + "/snapshots", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: written[0].path, toPath: second + "/snapshots/" + SnapshotFile.name(seq: 27))
            let result = try Self.compare(second, negotiation: "zil-faw-assembly")
            #expect(result.same)
            #expect(result.snapshotSeq == 0)
            #expect(result.warnings.contains { $0.contains("does not match the ledger's root at seq 27") })
            #expect(verifySnapshots(ledger: second).contains { $0.contains("does not match") })
        }
    }

    @Test func aRewrittenRecordWithValidChecksumsIsFoundByVerify() throws {
        try TemporaryDirectory.with { dir in
            let ledger = dir + "/zil"
            try ReportsFixture.sampleLedger(at: ledger)
            let written = try SnapshotStore(ledgerPath: ledger).write(every: 10)
            // Re-encode the file with one claim changed: every checksum is valid, the root in the
            // header still matches. The fast path cannot see it; verification compares records.
            let decoder = try SnapshotFile.makeDecoder()
            let snapshot = try SnapshotFile(path: written[0].path, decoder: decoder)
            var sections = try snapshot.allSections(decoder: decoder)
            for (key, content) in sections {
                let text = String(decoding: content, as: UTF8.self).replacingOccurrences(
                    of: "as soon as this year", with: "next decade")
                sections[key] = Array(text.utf8)
            }
            let bytes = try SnapshotWriter.encode(snapshot.header, sections: sections)
            try Data(bytes).write(to: URL(fileURLWithPath: written[0].path))
            // The fast path trusts it (its header and checksums are in order) ...
            #expect(try LedgerViews.load(ledgerAt: ledger, query: ReportQuery(negotiation: "zil-faw-assembly")).snapshotSeq == 27)
            let findings = verifySnapshots(ledger: ledger)
            #expect(findings.contains { $0.contains("is not the ledger's record") })
        }
    }
}
