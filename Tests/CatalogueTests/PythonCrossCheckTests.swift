import CanonicalJSON
import Foundation
import Testing

@testable import Catalogue

/// Cross-checks against Python's reference `jsonschema` package (draft 2020-12), with the strict
/// `date` / `date-time` checkers of `Tools/check-catalogue.py`.
@Suite struct PythonCrossCheckTests {
    /// The reference checker passes on the same case files the Swift tests use.
    @Test func referenceCheckerAcceptsTheCatalogue() throws {
        guard ProcessRun.pythonHasJSONSchema else { return recordPythonUnavailable() }
        let run = try ProcessRun.run(["python3", "Tools/check-catalogue.py", "--cases", "Events/cases"])
        #expect(run.status == 0, "check-catalogue.py failed:\n\(run.stdoutText)\(run.stderr)")
        #expect(run.stdoutText.contains("check-catalogue: all checks passed"))
    }

    /// Values substituted into case documents: edge cases of every keyword in the catalogue.
    /// (No strings ending in a newline: Python's `$` accepts those, ECMA-262's, and ours, do not.)
    static let probes: [JSONValue] = [
        .null, .bool(true), .bool(false), .integer(0), .integer(-1), .integer(1), .integer(2), .integer(999),
        .integer(1000), .integer(1001), .integer(9_007_199_254_740_991), .string(""), .string("a"), .string("zil"),
        .string("Zil"), .string("zil faw"), .string("-zil"), .string("s1.a_b-c"), .string("USD"), .string("usd"),
        .string("USDX"), .string("RU"), .string("35000"), .string("-12.50"), .string("35,000"), .string("01"),
        .string("0.5"), .string("100"), .string("100.0"), .string("100.01"), .string("2004-02-29"),
        .string("2005-02-29"), .string("2005-13-01"), .string("2005-01-01T00:00:00Z"), .string("2005-01-01t00:00:00z"),
        .string("2005-01-01T24:00:00Z"), .string("2005-01-01T10:00:00.5+03:00"),
        .string("2880f420-1b90-50c1-bf3f-8ad4e3b4c14f"), .string("https://example.com/x"), .string("https://a b"),
        .string("ünïcödé"), .string(String(repeating: "é", count: 65)), .string(String(repeating: "x", count: 129)),
        .string(String(repeating: "ж", count: 301)), .string("truck"), .string("bus"), .string("confirms"),
        .string("units-sold"), .string("year"), .array([]), .array([.string("zil")]), .array([.integer(1)]),
        .object([:]), .object(["amount": .string("1"), "currency": .string("USD")]), .object(["name": .string("A")]),
        .object(["count": .integer(3)]), .object(["from": .string("2005-01-01"), "to": .string("2005-12-31")]),
    ]

    struct Probe {
        var file: String
        var document: JSONValue
    }

    /// Every accept case with one value replaced, one member removed, or one member added.
    static func mutations(of document: JSONValue, file: String) -> [Probe] {
        var out: [Probe] = []
        func visit(_ value: JSONValue, rebuild: (JSONValue) -> JSONValue) {
            for probe in probes { out.append(Probe(file: file, document: rebuild(probe))) }
            switch value {
            case .object(let members):
                var added = members
                added["x_extra"] = .integer(1)
                out.append(Probe(file: file, document: rebuild(.object(added))))
                for (key, member) in members {
                    var removed = members
                    removed[key] = nil
                    out.append(Probe(file: file, document: rebuild(.object(removed))))
                    visit(member) { replacement in
                        var changed = members
                        changed[key] = replacement
                        return rebuild(.object(changed))
                    }
                }
            case .array(let elements):
                for (index, element) in elements.enumerated() {
                    visit(element) { replacement in
                        var changed = elements
                        changed[index] = replacement
                        return rebuild(.array(changed))
                    }
                }
                out.append(Probe(file: file, document: rebuild(.array(elements + elements))))
            default:
                break
            }
        }
        // Replace members of the document, not the document itself (a non-object body is dull).
        if case .object(let members) = document {
            for (key, member) in members {
                var removed = members
                removed[key] = nil
                out.append(Probe(file: file, document: .object(removed)))
                visit(member) { replacement in
                    var changed = members
                    changed[key] = replacement
                    return .object(changed)
                }
            }
        }
        return out
    }

    static let pythonVerdicts = """
        import importlib.util, json, os, sys
        spec = importlib.util.spec_from_file_location("check_catalogue", "Tools/check-catalogue.py")
        cc = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cc)
        from jsonschema import Draft202012Validator
        validators = {}
        out = []
        for line in sys.stdin:
            probe = json.loads(line)
            name = probe["file"]
            if name not in validators:
                with open(os.path.join("Events", "schemas", name), encoding="utf-8") as f:
                    validators[name] = Draft202012Validator(json.load(f), format_checker=cc.FORMAT_CHECKER)
            out.append("1" if validators[name].is_valid(probe["document"]) else "0")
        sys.stdout.write("".join(out))
        """

    /// Differential test: thousands of near-miss documents, judged by Swift and by Python.
    @Test func swiftAndPythonAgreeOnMutatedDocuments() throws {
        guard ProcessRun.pythonHasJSONSchema else { return recordPythonUnavailable() }
        var probes: [Probe] = []
        var validators: [String: SchemaValidator] = [:]
        for file in Repository.jsonFiles(in: Repository.schemas) {
            validators[file] = try Fixtures.validator(file)
            let cases = try Fixtures.cases(file)
            for document in cases.accept + cases.reject.compactMap({ try? $0.data.get() }) {
                probes.append(Probe(file: file, document: document))
            }
            for document in cases.accept.prefix(2) { probes += Self.mutations(of: document, file: file) }
        }
        #expect(probes.count > 5_000)
        let swiftVerdicts = probes.map { validators[$0.file]!.isValid($0.document) }
        let accepted = swiftVerdicts.filter { $0 }.count
        // Both outcomes must be well represented, or the comparison proves little.
        #expect(accepted > probes.count / 20 && accepted < probes.count * 19 / 20)

        let python = try withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("probes.ndjson")
            var lines = Data()
            for probe in probes {
                let line = JSONValue.object(["file": .string(probe.file), "document": probe.document])
                lines.append(contentsOf: line.canonicalBytes)
                lines.append(0x0A)
            }
            try lines.write(to: input)
            return try ProcessRun.run(["python3", "-c", Self.pythonVerdicts], stdin: input)
        }
        try #require(python.status == 0, "python failed: \(python.stderr)")
        let pythonVerdicts = python.stdoutText.map { $0 == "1" }
        try #require(pythonVerdicts.count == probes.count)
        var disagreements = 0
        for (index, probe) in probes.enumerated() where swiftVerdicts[index] != pythonVerdicts[index] {
            disagreements += 1
            if disagreements <= 10 {
                Issue.record(
                    "\(probe.file): Swift says \(swiftVerdicts[index] ? "valid" : "invalid"), python says \(pythonVerdicts[index] ? "valid" : "invalid"): \(probe.document.canonicalString)"
                )
            }
        }
        #expect(disagreements == 0, "\(disagreements) of \(probes.count) documents judged differently")
        print("python cross-check: \(probes.count) documents, \(accepted) valid, \(disagreements) disagreements")
    }
}
