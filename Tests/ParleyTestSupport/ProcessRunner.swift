import Foundation

/// The outcome of running a program.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs programs for end-to-end tests.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, feeding `input` on stdin, and waits for it.
    ///
    /// - Parameters:
    ///   - executable: Path, or a name looked up in PATH via /usr/bin/env.
    ///   - arguments: The arguments.
    ///   - input: Bytes for stdin (nil: empty stdin).
    ///   - environment: Extra environment variables.
    /// - Returns: Exit status and captured output.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
    ) throws -> ProcessResult {
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PARLEY_LEDGER")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        let writer = Thread {
            if let input { try? inPipe.fileHandleForWriting.write(contentsOf: input) }
            try? inPipe.fileHandleForWriting.close()
        }
        writer.start()
        nonisolated(unsafe) var errData = Data()
        let errReader = Thread { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
        return ProcessResult(status: process.terminationStatus, stdout: outData, stderr: errData)
    }

    /// Runs a shell command line with bash.
    @discardableResult
    public static func shell(_ command: String, environment: [String: String] = [:]) throws -> ProcessResult {
        try run("/bin/bash", ["-c", command], environment: environment)
    }
}
