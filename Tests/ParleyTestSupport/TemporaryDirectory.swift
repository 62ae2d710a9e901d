import Foundation

/// A fresh directory under the system temporary directory, removed when the body returns.
public enum TemporaryDirectory {
    /// Runs `body` with the path of a new empty directory, then removes it.
    ///
    /// - Parameter body: The work to do.
    /// - Returns: What `body` returns.
    public static func with<T>(_ body: (String) throws -> T) throws -> T {
        var template = Array((NSTemporaryDirectory() + "/parley-test-XXXXXX").utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let result = mkdtemp(buffer.baseAddress!) else { return "" }
            return String(cString: result)
        }
        precondition(!path.isEmpty, "mkdtemp failed")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// Async variant of `with`.
    public static func with<T>(_ body: (String) async throws -> T) async throws -> T {
        var template = Array((NSTemporaryDirectory() + "/parley-test-XXXXXX").utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let result = mkdtemp(buffer.baseAddress!) else { return "" }
            return String(cString: result)
        }
        precondition(!path.isEmpty, "mkdtemp failed")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }
}
