import LedgerIntegrity
import LedgerStore

/// Signs the committed ledger's tree head and stores it as `checkpoints/<size>.ckpt`.
public enum CheckpointWriter {
    /// Writes a signed checkpoint of the ledger as it is committed now.
    ///
    /// The tree size and root are recomputed from every committed record and checked against
    /// every commit marker, so a damaged ledger is never signed. The file is written atomically
    /// (temporary file, fsync, rename, directory fsync); the ledger's records are not touched.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - signer: The signing key.
    /// - Returns: The file written and the signed note's text.
    /// - Throws: `LedgerError` from reading the ledger (`.integrity` when it does not verify),
    ///   `.io` when the file cannot be written.
    public static func write(ledgerAt path: String, signer: NoteSigner) throws -> (file: String, note: String) {
        let tree = try CommittedTree(ledgerAt: path, keepingTree: false)
        let note: SignedNote
        do {
            note = try Checkpoint(origin: tree.manifest.origin, treeSize: tree.size, rootHash: tree.root).signed(by: signer)
        } catch {
            throw LedgerError(.invalidInput, "cannot sign the checkpoint: \(error.message)")
        }
        let layout = LedgerLayout(root: path)
        try FileSystem.makeDirectory(layout.checkpoints)
        let file = layout.checkpoints + "/\(tree.size).ckpt"
        try FileSystem.writeAtomically(Array(note.encoded.utf8), to: file)
        return (file, note.encoded)
    }
}
