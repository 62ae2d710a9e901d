import CanonicalJSON

/// The outcome of an audit: what was verified and every finding.
public struct AuditReport: Sendable {
    /// Records covered by verified commit markers (the verified prefix when the chain broke).
    public var treeSize: UInt64
    /// RFC 6962 root (hex) of those records.
    public var root: String
    /// Commit markers read.
    public var commits: Int
    /// Segment files read.
    public var segments: Int
    /// Errors, in the order found (at most `maximumPerKind` of each kind; see `suppressed`).
    public var findings: [AuditFinding]
    /// Warnings, in the order found (same cap).
    public var warnings: [AuditFinding]
    /// Findings not listed because their kind already had `maximumPerKind`, by kind.
    public var suppressed: [AuditFinding.Kind: Int]
    /// Checkpoints that verified, as `label: size` lines for the human report.
    public var checkpointsVerified: [String]

    /// Errors found, listed or not.
    public var errorCount: Int
    /// Warnings found, listed or not.
    public var warningCount: Int

    /// True when no error was found (warnings are allowed).
    public var ok: Bool { errorCount == 0 }

    /// The report as one canonical JSON object:
    /// `{"commits","findings":[…],"ok","root","segments","suppressed"?,"tree_size","warnings":[…]}`.
    public var json: String {
        func encode(_ finding: AuditFinding) -> JSONValue {
            .object([
                "severity": .string(finding.severity.rawValue), "kind": .string(finding.kind.rawValue),
                "segment": finding.file.map { .string($0) } ?? .null,
                "offset": finding.offset.map { .integer(Int64($0)) } ?? .null,
                "seq": finding.seq.map { .integer(Int64($0)) } ?? .null, "message": .string(finding.message),
            ])
        }
        var object: [String: JSONValue] = [
            "ok": .bool(ok), "tree_size": .integer(Int64(treeSize)), "root": .string(root),
            "commits": .integer(Int64(commits)), "segments": .integer(Int64(segments)),
            "findings": .array(findings.map(encode)), "warnings": .array(warnings.map(encode)),
            "checkpoints": .array(checkpointsVerified.map { .string($0) }),
        ]
        if !suppressed.isEmpty {
            object["suppressed"] = .object(
                Dictionary(uniqueKeysWithValues: suppressed.map { ($0.key.rawValue, .integer(Int64($0.value))) }))
        }
        return JSONValue.object(object).canonicalString
    }

    /// The report for people: one line per finding, then a summary line.
    public var lines: [String] {
        var out = findings.map(\.line) + warnings.map(\.line)
        for (kind, count) in suppressed.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            out.append("NOTE \(count) more finding(s) of kind \(kind.rawValue) not shown (--max-per-kind)")
        }
        out += checkpointsVerified.map { "checkpoint \($0)" }
        let shape = "commits=\(commits) segments=\(segments)"
        if ok {
            out.append(
                "OK tree_size=\(treeSize) root=\(root) \(shape)" + (warningCount == 0 ? "" : " (\(warningCount) warning(s))"))
        } else {
            out.append(
                "FAILED \(errorCount) finding(s), \(warningCount) warning(s); verified tree_size=\(treeSize) root=\(root) \(shape)"
            )
        }
        return out
    }
}

/// Collects findings as the audit runs, keeping at most `maximumPerKind` of each kind.
struct FindingLog {
    private(set) var errors: [AuditFinding] = []
    private(set) var warnings: [AuditFinding] = []
    private(set) var suppressed: [AuditFinding.Kind: Int] = [:]
    private(set) var errorCount = 0
    private(set) var warningCount = 0
    private var perKind: [AuditFinding.Kind: Int] = [:]
    /// 0 means no cap.
    let maximumPerKind: Int

    init(maximumPerKind: Int) {
        self.maximumPerKind = maximumPerKind
    }

    mutating func add(_ finding: AuditFinding) {
        if finding.severity == .error { errorCount += 1 } else { warningCount += 1 }
        let count = perKind[finding.kind, default: 0] + 1
        perKind[finding.kind] = count
        if maximumPerKind > 0 && count > maximumPerKind {
            suppressed[finding.kind, default: 0] += 1
            return
        }
        if finding.severity == .error { errors.append(finding) } else { warnings.append(finding) }
    }

    mutating func error(_ kind: AuditFinding.Kind, _ file: String?, _ offset: Int?, _ seq: UInt64?, _ message: String) {
        add(AuditFinding(.error, kind, file: file, offset: offset, seq: seq, message))
    }

    mutating func warning(_ kind: AuditFinding.Kind, _ file: String?, _ offset: Int?, _ seq: UInt64?, _ message: String) {
        add(AuditFinding(.warning, kind, file: file, offset: offset, seq: seq, message))
    }
}
