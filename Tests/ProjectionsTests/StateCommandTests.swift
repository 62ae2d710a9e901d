import CanonicalJSON
import Foundation
import Testing

/// `parley state` end to end: the built binary on a real ledger.
@Suite struct StateCommandTests {
    /// The `parley` binary next to the test bundle, or in a scratch directory of this checkout.
    static let binary: String? = {
        var candidates: [String] = []
        for executable in [ProcessInfo.processInfo.arguments.first, Bundle.main.executablePath].compactMap({ $0 }) {
            var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
            candidates.append(url.appendingPathComponent("parley").path)
            url.deleteLastPathComponent()
            candidates.append(url.appendingPathComponent("parley").path)
        }
        let root = ProjectionsFixture.repositoryRoot
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: root))?.filter { $0.hasPrefix(".build") } ?? []
        candidates += scratch.sorted().map { "\(root)/\($0)/debug/parley" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func parley(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(binary, "build parley first (swift build)"))
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func sampleStateEndToEnd() throws {
        try ProjectionsFixture.withTemporaryDirectory { directory in
            let ledger = directory + "/zil"
            let lines = try ProjectionsFixture.sampleLines()
            try (lines.dropLast().joined(separator: "\n") + "\n").write(
                toFile: directory + "/first.ndjson", atomically: true, encoding: .utf8)
            try (lines.last! + "\n").write(toFile: directory + "/late.ndjson", atomically: true, encoding: .utf8)
            #expect(try Self.parley(["init", ledger]).status == 0)
            #expect(try Self.parley(["append", "--ledger", ledger, "--file", directory + "/first.ndjson"]).status == 0)
            usleep(2000)
            #expect(try Self.parley(["append", "--ledger", ledger, "--file", directory + "/late.ndjson"]).status == 0)

            let latest = try Self.parley(["state", "--ledger", ledger, "--format", "json"])
            #expect(latest.status == 0, "\(latest.stderr)")
            let json = try JSONValue(parsing: latest.stdout.trimmingCharacters(in: .newlines))
            #expect(json["selection"]?["through_seq"]?.integerValue == 27)
            let zil = json["parties"]?.arrayValue?.first { $0["id"]?.stringValue == "zil" }
            #expect(zil?["owners"]?.arrayValue?.first?["share_percent"]?.stringValue == "90")
            let negotiation = json["negotiations"]?.arrayValue?.first
            #expect(negotiation?["scope"]?["items"]?.arrayValue?.compactMap { $0["models"]?.integerValue } == [4, 2])
            #expect(negotiation?["price_quotes"]?.arrayValue?.first?["high"]?["amount"]?.stringValue == "40000")
            #expect(negotiation?["contradictions"]?.arrayValue?.first?["topic"]?.stringValue == "assembly-start")
            let revenue = json["financials"]?.arrayValue?.first { $0["metric"]?.stringValue == "revenue" }
            #expect(revenue?["value"]?["currency"]?.stringValue == "USD")
            #expect(revenue?["period"]?["to"]?.stringValue == "2004-09-30")

            let firstCommit = try Self.parley(["state", "--ledger", ledger, "--as-of-seq", "26", "--format", "json"])
            let firstJSON = try JSONValue(parsing: firstCommit.stdout.trimmingCharacters(in: .newlines))
            let firstRecordedAt = try #require(firstJSON["selection"]?["through_recorded_at"]?.stringValue)

            func retracted(_ arguments: [String]) throws -> Bool? {
                let run = try Self.parley(["state", "--ledger", ledger, "--format", "json"] + arguments)
                let value = try JSONValue(parsing: run.stdout.trimmingCharacters(in: .newlines))
                return value["negotiations"]?.arrayValue?.first?["statements"]?.arrayValue?
                    .first { $0["statement_id"]?.stringValue == "s-laptev-assembly-start" }?["retracted"]?.boolValue
            }
            #expect(try retracted(["--valid-at", "2005-05-25"]) == true)
            #expect(try retracted(["--valid-at", "2005-05-25", "--as-of", firstRecordedAt]) == false)
            #expect(try retracted(["--valid-at", "2005-05-19"]) == false)

            let markdown = try Self.parley([
                "state", "--ledger", ledger, "--format", "md", "--stream", "negotiation/zil-faw-assembly",
            ])
            #expect(markdown.status == 0)
            #expect(markdown.stdout.hasPrefix("# Parley briefing\n"))
            #expect(markdown.stdout.contains("| net-loss | Jan–Sep 2004"))

            let early = try Self.parley(["state", "--ledger", ledger, "--as-of", "2001-01-01T00:00:00Z"])
            #expect(early.status == 2)
            #expect(early.stderr.contains("--as-of 2001-01-01T00:00:00.000000Z is before the first record"))
            let beyond = try Self.parley(["state", "--ledger", ledger, "--as-of-seq", "28"])
            #expect(beyond.status == 2)
            #expect(beyond.stderr.contains("beyond the last record (seq 27"))
            let future = try Self.parley(["state", "--ledger", ledger, "--as-of", "2999-01-01"])
            #expect(future.status == 2)
            #expect(future.stderr.contains("in the future"))
            let nowhere = try Self.parley(["state", "--ledger", ledger, "--stream", "negotiation/nope"])
            #expect(nowhere.status == 6)
            let both = try Self.parley(["state", "--ledger", ledger, "--as-of", "2026-01-01", "--as-of-seq", "3"])
            #expect(both.status == 64)
        }
    }
}
