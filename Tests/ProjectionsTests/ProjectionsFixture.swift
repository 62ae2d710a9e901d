import CanonicalJSON
import Foundation
import LedgerStore
import Testing

@testable import Projections

/// Shared helpers: the sample scenario as events, temporary directories, the generator, ledgers.
enum ProjectionsFixture {
    /// A fixed present for queries (after the fake recording times).
    static let now = Timestamp(rfc3339: "2026-06-01T00:00:00Z")!

    /// The repository root (three levels above this file).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The sample scenario's input lines.
    static func sampleLines() throws -> [String] {
        let text = try String(contentsOfFile: repositoryRoot + "/Events/samples/zil-faw.ndjson", encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    /// Input lines as committed events: seq from 1, versions per stream, and `recorded_at` from
    /// `recordedAt(index)` (default: one second apart from 2026-01-01).
    static func events(
        fromInput lines: [String], recordedAt: (Int) -> Timestamp = { defaultRecordedAt($0) }
    ) throws -> [ProjectedEvent] {
        var versions: [String: UInt64] = [:]
        return try lines.enumerated().map { index, line in
            let input = try JSONValue(parsing: line)
            let stream = input["stream"]?.stringValue ?? ""
            versions[stream, default: 0] += 1
            return try ProjectedEvent(
                seq: UInt64(index + 1),
                id: input["id"]?.stringValue ?? "00000000-0000-4000-8000-\(String(format: "%012d", index))",
                stream: stream, version: versions[stream]!, type: input["type"]?.stringValue ?? "",
                schema: input["schema"]?.integerValue ?? 1, recordedAt: recordedAt(index).description,
                effectiveAt: input["effective_at"]?.stringValue ?? "", data: input["data"] ?? .object([:]),
                meta: input["meta"] ?? .object([:]))
        }
    }

    /// 2026-01-01T00:00:00Z plus `index` seconds.
    static func defaultRecordedAt(_ index: Int) -> Timestamp {
        Timestamp(microseconds: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!.microseconds + Int64(index) * 1_000_000)
    }

    /// The sample scenario as events.
    static func sampleEvents() throws -> [ProjectedEvent] { try events(fromInput: try sampleLines()) }

    /// The sample scenario folded.
    static func sampleState() throws -> LedgerState { LedgerState(folding: try sampleEvents()) }

    /// Runs `body` with a new empty directory that is removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let path = NSTemporaryDirectory() + "parley-projections-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// `python3 Tools/gen_events.py count --ids --seed seed` output lines.
    static func generatorLines(count: Int, seed: Int) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot + "/Tools/gen_events.py", String(count), "--ids", "--seed", String(seed)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Appends input lines to a ledger as one commit.
    static func append(_ lines: [String], with writer: LedgerWriter) throws {
        let batch = writer.batch(largeFrames: false)
        for (index, line) in lines.enumerated() { batch.add(Array(line.utf8), label: "line \(index + 1)") }
        _ = try batch.finish()
    }

    /// A new ledger in `directory` and its writer (no fsync: tests only).
    static func makeLedger(in directory: String) throws -> (path: String, writer: LedgerWriter) {
        let path = directory + "/ledger"
        _ = try LedgerSetup.create(at: path, origin: nil)
        var options = LedgerWriter.Options()
        options.sync = false
        return (path, try LedgerWriter(path: path, options: options))
    }

    /// An input line.
    static func line(
        id: String? = nil, stream: String, type: String, effectiveAt: String, data: JSONValue, meta: JSONValue = .object([:])
    ) -> String {
        var members: [String: JSONValue] = [
            "stream": .string(stream), "type": .string(type), "effective_at": .string(effectiveAt), "data": data, "meta": meta,
        ]
        if let id { members["id"] = .string(id) }
        return JSONValue.object(members).canonicalString
    }

    /// The canonical JSON of a state (with an empty selection), optionally without `recorded_at` values.
    static func json(_ state: LedgerState, ignoringRecordedAt: Bool = false) -> String {
        let selection = StateSelection(
            query: StateQuery(), knownRecords: 0, foldedRecords: 0, throughSeq: 0, throughRecordedAt: nil, ledgerID: nil)
        let text = StateJSON.render(ProjectedState(state: state, selection: selection))
        guard ignoringRecordedAt else { return text }
        return text.replacingOccurrences(of: #""recorded_at":"[^"]*""#, with: "", options: .regularExpression)
    }
}
