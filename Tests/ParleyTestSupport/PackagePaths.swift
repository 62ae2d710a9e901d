import Foundation

/// Where the package and the built `parley` binary are.
public enum PackagePaths {
    /// The package root (the directory holding Package.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// The `parley` binary built beside the running tests (or `$PARLEY_BIN`).
    public static let parley: String = {
        if let explicit = ProcessInfo.processInfo.environment["PARLEY_BIN"] { return explicit }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = url.appendingPathComponent("parley").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                url.deleteLastPathComponent()
            }
        }
        return root + "/.build/debug/parley"
    }()

    /// A file in the package, by relative path.
    public static func file(_ relative: String) -> String { root + "/" + relative }
}
