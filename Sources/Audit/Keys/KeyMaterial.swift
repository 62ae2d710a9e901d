import LedgerIntegrity
import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes the key files of checkpoint signing (docs/FORMAT.md, "Keys").
public enum KeyMaterial {
    /// A verifier key given as its text `<name>+<key id>+<base64>` or as a file holding it.
    ///
    /// - Parameter text: The key, or a path.
    /// - Returns: The verifier.
    /// - Throws: `LedgerError(.invalidInput)` for a malformed key, `.notFound` for a missing file.
    public static func verifier(_ text: String) throws -> NoteVerifier {
        var keyText = text
        if !text.contains("+") || FileSystem.exists(text) {
            keyText = String(decoding: try readFile(text, what: "verifier key"), as: UTF8.self)
        }
        do { return try NoteVerifier(parsing: keyText) } catch {
            throw LedgerError(
                .invalidInput, "verifier key \(text.count > 80 ? String(text.prefix(80)) + "…" : text): \(error.message)")
        }
    }

    /// The signer in a private key file.
    ///
    /// - Parameter path: The key file (`PRIVATE+KEY+…`).
    /// - Returns: The signer.
    /// - Throws: `LedgerError(.invalidInput)` for a malformed key, `.notFound` for a missing file.
    public static func signer(path: String) throws -> NoteSigner {
        let text = String(decoding: try readFile(path, what: "private key"), as: UTF8.self)
        do { return try NoteSigner(parsing: text) } catch {
            throw LedgerError(.invalidInput, "private key \(path): \(error.message)")
        }
    }

    /// Generates a key pair and writes the private key to a new file with mode 0600.
    ///
    /// - Parameters:
    ///   - name: The key name (signature lines carry it; the ledger's origin is a good choice).
    ///   - path: The file to create; an existing file is never overwritten.
    /// - Returns: The new signer (its `verifier.verifierKey` is what to publish).
    /// - Throws: `LedgerError(.invalidInput)` for a bad name or an existing file, `.io` when writing fails.
    public static func generate(name: String, writingTo path: String) throws -> NoteSigner {
        let signer: NoteSigner
        do { signer = try NoteSigner.generate(name: name) } catch {
            throw LedgerError(.invalidInput, "key name: \(error.message)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw LedgerError(.invalidInput, "\(path) already exists; a key file is never overwritten (choose another --out)")
            }
            throw LedgerError(.io, "cannot create \(path): \(FileSystem.errorText())")
        }
        do {
            // The umask can only take bits away; make the mode exactly 0600 regardless.
            guard fchmod(fd, 0o600) == 0 else {
                throw LedgerError(.io, "cannot set mode 0600 on \(path): \(FileSystem.errorText())")
            }
            let bytes = Array((signer.privateKeyFile + "\n").utf8)
            try bytes.withUnsafeBytes { try FileSystem.writeAll(fd, $0, path: path) }
            try FileSystem.sync(fd, path: path)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        close(fd)
        return signer
    }

    /// Reads a whole file, with errors that say what the file was meant to be.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - what: What it should hold, for the message.
    /// - Returns: Its bytes.
    /// - Throws: `LedgerError(.notFound)` when it cannot be read.
    public static func readFile(_ path: String, what: String) throws -> [UInt8] {
        guard FileSystem.exists(path) else { throw LedgerError(.notFound, "\(what) file \(path) does not exist") }
        return try FileSystem.readFile(path)
    }
}
