import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

/// Runs the built `parley` binary and the independent python verifier.
enum CLI {
    @discardableResult
    static func parley(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws
        -> ProcessResult
    {
        try ProcessRunner.run(PackagePaths.parley, arguments, input: input, environment: environment)
    }

    /// `parley audit --json`: exit status and the parsed report.
    static func audit(_ ledger: String, _ extra: [String] = []) throws -> (status: Int32, report: AuditJSON) {
        let result = try parley(["audit", "--ledger", ledger, "--json", "--max-per-kind", "0"] + extra)
        let report = try AuditJSON(result.stdout, stderr: result.stderrText)
        return (result.status, report)
    }

    /// `python3 Tools/verify-ledger.py LEDGER …`.
    static func pythonVerify(_ ledger: String, _ extra: [String] = []) throws -> ProcessResult {
        try ProcessRunner.run("python3", [PackagePaths.file("Tools/verify-ledger.py"), ledger] + extra)
    }

    static func generated(_ count: Int) throws -> [Data] {
        let output = try ProcessRunner.run("python3", [PackagePaths.file("Tools/gen_events.py"), String(count)]).stdout
        return output.split(separator: 0x0A).map { Data($0) }
    }
}

/// The parsed `parley audit --json` report.
struct AuditJSON {
    struct Finding {
        var severity: String
        var kind: String
        var segment: String?
        var offset: Int?
        var seq: Int?
        var message: String
    }

    var ok: Bool
    var treeSize: Int
    var root: String
    var commits: Int
    var segments: Int
    var findings: [Finding]
    var warnings: [Finding]

    init(_ data: Data, stderr: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AuditTestError("audit printed no JSON object: \(String(decoding: data, as: UTF8.self)) \(stderr)")
        }
        func findingList(_ key: String) -> [Finding] {
            ((object[key] as? [[String: Any]]) ?? []).map { item in
                Finding(
                    severity: item["severity"] as? String ?? "", kind: item["kind"] as? String ?? "",
                    segment: item["segment"] as? String, offset: item["offset"] as? Int, seq: item["seq"] as? Int,
                    message: item["message"] as? String ?? "")
            }
        }
        ok = object["ok"] as? Bool ?? false
        treeSize = object["tree_size"] as? Int ?? -1
        root = object["root"] as? String ?? ""
        commits = object["commits"] as? Int ?? -1
        segments = object["segments"] as? Int ?? -1
        findings = findingList("findings")
        warnings = findingList("warnings")
    }

    /// The findings of a kind.
    func errors(_ kind: String) -> [Finding] { findings.filter { $0.kind == kind } }
    /// The warnings of a kind.
    func warnings(_ kind: String) -> [Finding] { warnings.filter { $0.kind == kind } }

    var summary: String {
        findings.map { "\($0.kind) \($0.segment ?? "-")@\($0.offset ?? -1) seq=\($0.seq ?? -1): \($0.message)" }.joined(
            separator: "\n")
    }
}

struct AuditTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A small ledger built with the CLI: several segments, batch and single-event commits, a
/// signing key and checkpoints.
///
/// Commits: 1 = seq 1…100, 2 = 101…200, 3/4/5 = single events 201/202/203, 6 = 204…303,
/// 7 = single event 304. Small segments (PARLEY_SEGMENT_BYTES) put them in four files:
/// `…001` (commit 1), `…101` (commit 2), `…201` (commits 3–6), `…304` (commit 7).
/// Checkpoints signed at sizes 200, 203 and 304 are in `checkpoints/` and copied to `saved/`.
struct LedgerFixture {
    let directory: String
    let ledger: String
    let keyFile: String
    let verifierKey: String
    /// Copies of the signed checkpoints, outside the ledger (what an auditor keeps).
    let saved: String

    static let segmentBytes = ["PARLEY_SEGMENT_BYTES": "8000"]

    init(in directory: String) throws {
        self.directory = directory
        ledger = directory + "/ledger"
        keyFile = directory + "/ledger.key"
        saved = directory + "/saved"
        try FileManager.default.createDirectory(atPath: saved, withIntermediateDirectories: true)
        try Self.expectSuccess(CLI.parley(["init", ledger, "--origin", "example.org/audit-test"]))
        let key = try CLI.parley(["key", "generate", "--name", "example.org/audit-test", "--out", keyFile])
        try Self.expectSuccess(key)
        verifierKey = key.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let events = try CLI.generated(300)
        func batch(_ range: Range<Int>) throws {
            var input = Data()
            for line in events[range] {
                input.append(line)
                input.append(0x0A)
            }
            try Self.expectSuccess(
                CLI.parley(["append", "--ledger", ledger, "--file", "-"], input: input, environment: Self.segmentBytes))
        }
        func single(_ index: Int) throws {
            try Self.expectSuccess(
                CLI.parley(
                    [
                        "append", "--ledger", ledger, "--stream", "party/extra-\(index)", "--type", "PartyRegistered",
                        "--effective-at", "2005-01-0\(index)T00:00:00Z", "--meta", "{}", "--data",
                        #"{"party_id":"extra-\#(index)","name":"Extra \#(index)","kind":"manufacturer","country":"RU","aliases":[]}"#,
                    ], environment: Self.segmentBytes))
        }
        try batch(0..<100)
        try batch(100..<200)
        try checkpoint()
        try single(1)
        try single(2)
        try single(3)
        try checkpoint()
        try batch(200..<300)
        try single(4)
        try checkpoint()
    }

    private func checkpoint() throws {
        let result = try CLI.parley(["checkpoint", "--ledger", ledger, "--key", keyFile])
        try Self.expectSuccess(result)
        let size = result.stdoutText.split(separator: "\n")[1]
        try result.stdout.write(to: URL(fileURLWithPath: saved + "/\(size).ckpt"))
    }

    static func expectSuccess(_ result: ProcessResult) throws {
        guard result.status == 0 else {
            throw AuditTestError("command failed (\(result.status)): \(result.stderrText)")
        }
    }

    // MARK: - Segment surgery

    /// Segment file names in order.
    var segmentNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: ledger + "/segments")) ?? []).sorted()
    }

    func segmentPath(_ name: String) -> String { ledger + "/segments/" + name }

    func segmentName(firstSeq: UInt64) -> String { LedgerLayout.segmentName(firstSeq: firstSeq) }

    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: segmentPath(name))))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: segmentPath(name)))
    }

    /// The commits of a segment, as the store finds them.
    func commits(_ name: String) throws -> [SegmentCommit] {
        try read(name).withUnsafeBytes { SegmentScan($0).commits }
    }

    /// Every committed record line, from `parley log`.
    func recordLines() throws -> [Data] {
        let log = try CLI.parley(["log", "--ledger", ledger])
        try Self.expectSuccess(log)
        return log.stdout.split(separator: 0x0A).map { Data($0) }
    }
}

/// Runs `body` with a fresh fixture in its own temporary directory.
func withFixture<T>(_ body: (LedgerFixture) throws -> T) throws -> T {
    try TemporaryDirectory.with { directory in try body(try LedgerFixture(in: directory)) }
}

/// Compresses bytes into one standard LZ4 frame with the stock tool (content size and checksum on).
func lz4Frame(_ content: [UInt8], in directory: String) throws -> [UInt8] {
    let input = directory + "/frame.in"
    let output = directory + "/frame.lz4"
    try Data(content).write(to: URL(fileURLWithPath: input))
    let result = try ProcessRunner.run("lz4", ["-1", "-q", "-f", "--content-size", input, output])
    guard result.status == 0 else { throw AuditTestError("lz4 failed: \(result.stderrText)") }
    return Array(try Data(contentsOf: URL(fileURLWithPath: output)))
}

/// Decompresses one LZ4 frame with the stock tool.
func lz4Decode(_ frame: [UInt8]) throws -> [UInt8] {
    let result = try ProcessRunner.run("lz4", ["-dc"], input: Data(frame))
    guard result.status == 0 else { throw AuditTestError("lz4 -dc failed: \(result.stderrText)") }
    return Array(result.stdout)
}
