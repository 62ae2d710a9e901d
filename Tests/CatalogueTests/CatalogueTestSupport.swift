import CanonicalJSON
import Foundation
import Testing

@testable import Catalogue

/// Paths in the repository, found from this file's location (tests may run from anywhere).
enum Repository {
    /// The package root.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CatalogueTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `Events/`.
    static let events = root.appendingPathComponent("Events")
    static let schemas = events.appendingPathComponent("schemas")
    static let cases = events.appendingPathComponent("cases")

    /// A file's text.
    static func text(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// The `.json` file names in a directory, sorted ([] if it cannot be listed).
    static func jsonFiles(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }
            .sorted()
    }
}

/// The catalogue under `Events/`, compiled once for all tests.
enum Fixtures {
    static let catalogue: Result<EventCatalogue, CatalogueError> = Result { () throws(CatalogueError) in
        try EventCatalogue.load(directory: Repository.events)
    }

    /// The compiled schema of a schema file.
    static func validator(_ file: String) throws -> SchemaValidator {
        try SchemaValidator(text: try Repository.text(Repository.schemas.appendingPathComponent(file)), file: file)
    }

    /// One `Events/cases/<schema file>`: documents that must validate and documents that must not.
    struct CaseFile {
        var accept: [JSONValue]
        var reject: [RejectCase]
    }

    /// A document that must be rejected. Some hold fractional numbers, which Parley's JSON
    /// parser already refuses (decimals travel as strings), so they never reach a schema.
    struct RejectCase {
        var data: Result<JSONValue, JSONInputError>
        var why: String
    }

    /// Reads a case file, parsing each document on its own (so one fractional number in a
    /// reject case does not make the whole file unreadable).
    static func cases(_ file: String) throws -> CaseFile {
        let bytes = Array(try Data(contentsOf: Repository.cases.appendingPathComponent(file)))
        let top = Dictionary(uniqueKeysWithValues: RawJSON.items(bytes[...]).map { ($0.key ?? "", $0.value) })
        let accept = try RawJSON.items(try #require(top["accept"])).map { try JSONValue(parsing: $0.value) }
        let reject = try RawJSON.items(try #require(top["reject"])).map { entry in
            let members = Dictionary(uniqueKeysWithValues: RawJSON.items(entry.value).map { ($0.key ?? "", $0.value) })
            let data = Result { () throws(JSONInputError) in try JSONValue(parsing: members["data"] ?? []) }
            let why = try JSONValue(parsing: try #require(members["why"])).stringValue ?? "?"
            return RejectCase(data: data, why: why)
        }
        return CaseFile(accept: accept, reject: reject)
    }

    /// Parses a JSON literal in a test (a malformed literal is a test bug and fails the test).
    static func json(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: text)
    }
}

/// Splits JSON text into the raw text of its top-level members or elements, without parsing
/// the values (test files may hold values the ledger's parser refuses on purpose).
enum RawJSON {
    /// The members (with their keys, undecoded) of an object, or the elements of an array.
    static func items(_ text: ArraySlice<UInt8>) -> [(key: String?, value: ArraySlice<UInt8>)] {
        var index = skipSpace(text, text.startIndex)
        guard index < text.endIndex, text[index] == UInt8(ascii: "{") || text[index] == UInt8(ascii: "[") else { return [] }
        let isObject = text[index] == UInt8(ascii: "{")
        index += 1
        var items: [(key: String?, value: ArraySlice<UInt8>)] = []
        while true {
            index = skipSpace(text, index)
            guard index < text.endIndex, text[index] != UInt8(ascii: "}"), text[index] != UInt8(ascii: "]") else { break }
            var key: String?
            if isObject {
                let end = skipValue(text, index)
                key = String(decoding: text[(index + 1)..<(end - 1)], as: UTF8.self)
                index = skipSpace(text, end) + 1  // past ':'
                index = skipSpace(text, index)
            }
            let end = skipValue(text, index)
            items.append((key, text[index..<end]))
            index = skipSpace(text, end)
            if index < text.endIndex, text[index] == UInt8(ascii: ",") { index += 1 }
        }
        return items
    }

    private static func skipSpace(_ text: ArraySlice<UInt8>, _ start: Int) -> Int {
        var index = start
        while index < text.endIndex, [0x20, 0x0A, 0x0D, 0x09].contains(text[index]) { index += 1 }
        return index
    }

    /// The index just past the value starting at `start`.
    private static func skipValue(_ text: ArraySlice<UInt8>, _ start: Int) -> Int {
        var index = start
        var depth = 0
        var inString = false
        while index < text.endIndex {
            let byte = text[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return index + 1 }
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return index }
                    depth -= 1
                    if depth == 0 { return index + 1 }
                case UInt8(ascii: ","), 0x20, 0x0A, 0x0D, 0x09:
                    if depth == 0 { return index }
                default: break
                }
            }
            index += 1
        }
        return index
    }
}

/// Runs programs (python3) for cross-checks, capturing output through files so that large
/// outputs cannot fill a pipe and stall.
enum ProcessRun {
    struct Outcome {
        var status: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `arguments` (looked up in PATH via /usr/bin/env) in the repository root.
    static func run(_ arguments: [String], stdin: URL? = nil) throws -> Outcome {
        try withTemporaryDirectory { directory in
            let outURL = directory.appendingPathComponent("stdout")
            let errURL = directory.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let out = try FileHandle(forWritingTo: outURL)
            let err = try FileHandle(forWritingTo: errURL)
            defer {
                try? out.close()
                try? err.close()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            process.currentDirectoryURL = Repository.root
            process.standardOutput = out
            process.standardError = err
            if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
            try process.run()
            process.waitUntilExit()
            return Outcome(
                status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
        }
    }

    /// Whether `python3` can import `jsonschema` here.
    static let pythonHasJSONSchema: Bool = {
        (try? run(["python3", "-c", "import jsonschema"]).status) == 0
    }()
}

/// Runs `body` with a new empty directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("catalogue-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Records that the python cross-check could not run. On CI (`CI` set) that is a failure;
/// elsewhere a known issue, visible in the test output but not failing the run.
func recordPythonUnavailable() {
    let onCI = ProcessInfo.processInfo.environment["CI"] != nil
    #expect(!onCI, "python3 with the jsonschema package is required on CI (pip install jsonschema)")
    if !onCI {
        withKnownIssue("python3 with jsonschema is not importable here; the python cross-check did not run") {
            Issue.record("python3 -c 'import jsonschema' failed")
        }
    }
}
