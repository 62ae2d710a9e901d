import Foundation
import ParleyTestSupport

/// Runs the built `parley` binary.
enum Parley {
    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.run(PackagePaths.parley, arguments, input: input, environment: environment)
    }

    static func initLedger(_ path: String) throws {
        let result = try run(["init", path])
        precondition(result.status == 0, result.stderrText)
    }

    static func generated(_ count: Int, ids: Bool = false) throws -> Data {
        try ProcessRunner.run("python3", [PackagePaths.file("Tools/gen_events.py"), String(count)] + (ids ? ["--ids"] : []))
            .stdout
    }
}
