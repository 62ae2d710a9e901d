import Foundation

/// Every file below a directory with its bytes: for "the ledger did not change" checks.
public enum DirectorySnapshot {
    /// Relative path → content of every regular file below `path`.
    public static func take(_ path: String) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: path) else { return result }
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = path + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: full) ?? Data()
            } else {
                result[relative + "/"] = Data()
            }
        }
        return result
    }
}

/// An RFC 6962 root computed by python3's hashlib: independent of the Swift code under test.
public enum ReferenceMerkle {
    /// The root hex of the tree over the first `size` lines of `lines` (all when nil).
    public static func root(ofLines lines: [Data], size: Int? = nil) throws -> String {
        let script = """
            import hashlib, sys
            lines = sys.stdin.buffer.read().split(b"\\n")[:-1]
            n = int(sys.argv[1]) if len(sys.argv) > 1 else len(lines)
            def mth(items):
                if not items: return hashlib.sha256(b"").digest()
                if len(items) == 1: return hashlib.sha256(b"\\x00" + items[0]).digest()
                k = 1
                while k * 2 < len(items): k *= 2
                return hashlib.sha256(b"\\x01" + mth(items[:k]) + mth(items[k:])).digest()
            sys.setrecursionlimit(10000)
            print(mth(lines[:n]).hex())
            """
        var input = Data()
        for line in lines {
            input.append(line)
            input.append(0x0A)
        }
        let result = try ProcessRunner.run("python3", ["-c", script] + (size.map { [String($0)] } ?? []), input: input)
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
