/// Creates new ledgers.
public enum LedgerSetup {
    /// Creates an empty ledger at `path`.
    ///
    /// The manifest is written last and atomically, so a crash leaves either no ledger or a whole one.
    ///
    /// - Parameters:
    ///   - path: The directory (created if missing; must be empty if present).
    ///   - origin: The checkpoint origin, or nil for the default.
    /// - Returns: The new manifest.
    /// - Throws: `LedgerError(.invalidInput)` for a non-empty directory or bad origin; `.io` otherwise.
    public static func create(at path: String, origin: String?) throws -> LedgerManifest {
        let layout = LedgerLayout(root: path)
        if FileSystem.exists(layout.manifest) {
            throw LedgerError(.invalidInput, "\(path) is already a Parley ledger")
        }
        if FileSystem.exists(path) {
            guard FileSystem.isDirectory(path) else { throw LedgerError(.invalidInput, "\(path) exists and is not a directory") }
            guard FileSystem.list(path).isEmpty else {
                throw LedgerError(
                    .invalidInput, "\(path) is not empty and is not a Parley ledger; choose an empty or new directory")
            }
        }
        if let origin {
            guard !origin.isEmpty, !origin.contains("\n"),
                origin.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
            else { throw LedgerError(.invalidInput, "--origin must be one non-empty line without spaces") }
        }
        var generator = EventIDGenerator()
        let manifest = LedgerManifest(
            ledgerID: generator.make().description, origin: origin, createdAt: Timestamp.now().description)
        try FileSystem.makeDirectory(path)
        for directory in [layout.segments, layout.checkpoints, layout.index, layout.snapshots] {
            try FileSystem.makeDirectory(directory)
        }
        try FileSystem.writeAtomically([], to: layout.lock)
        try FileSystem.writeAtomically(manifest.canonicalBytes, to: layout.manifest)
        return manifest
    }
}
