import LedgerIntegrity
import LedgerStore

/// Inclusion and consistency proofs for a ledger on disk, as `ProofDocument`s.
public enum LedgerProofs {
    /// Proves that the record `seq` is in the tree of `size` records.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - seq: The record (1-based).
    ///   - size: The tree size to prove against (default: the whole committed ledger).
    /// - Returns: The proof with the leaf hash and the root it leads to.
    /// - Throws: `LedgerError(.invalidInput)` unless 1 ≤ seq ≤ size ≤ committed size;
    ///   `LedgerError` from reading the ledger.
    public static func inclusion(ledgerAt path: String, seq: UInt64, size: UInt64?) throws -> ProofDocument {
        let committed = try CommittedTree(ledgerAt: path, keepingTree: true)
        let treeSize = size ?? committed.size
        guard treeSize <= committed.size else {
            throw LedgerError(.invalidInput, "--size \(treeSize) is larger than the ledger (\(committed.size) committed records)")
        }
        guard seq >= 1, seq <= treeSize else {
            throw LedgerError(.invalidInput, "--seq \(seq) is not in a tree of size \(treeSize) (seqs run from 1 to \(treeSize))")
        }
        guard let tree = committed.tree else { throw LedgerError(.io, "the tree was not kept") }
        do {
            return .inclusion(
                try tree.inclusionProof(leafIndex: seq - 1, treeSize: treeSize), leafHash: try tree.leafHash(at: seq - 1),
                root: try tree.root(size: treeSize))
        } catch {
            throw LedgerError(.invalidInput, error.message)
        }
    }

    /// Proves that the tree of `toSize` records extends the tree of `fromSize` records.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - fromSize: The older size (at least 1).
    ///   - toSize: The newer size (default: the whole committed ledger).
    /// - Returns: The proof with both roots.
    /// - Throws: `LedgerError(.invalidInput)` unless 1 ≤ fromSize ≤ toSize ≤ committed size.
    public static func consistency(ledgerAt path: String, fromSize: UInt64, toSize: UInt64?) throws -> ProofDocument {
        let committed = try CommittedTree(ledgerAt: path, keepingTree: true)
        let newSize = toSize ?? committed.size
        guard newSize <= committed.size else {
            throw LedgerError(
                .invalidInput, "--to-size \(newSize) is larger than the ledger (\(committed.size) committed records)")
        }
        guard fromSize >= 1, fromSize <= newSize else {
            throw LedgerError(.invalidInput, "--from-size \(fromSize) must be between 1 and the new size \(newSize)")
        }
        guard let tree = committed.tree else { throw LedgerError(.io, "the tree was not kept") }
        do {
            return .consistency(
                try tree.consistencyProof(from: fromSize, to: newSize), fromRoot: try tree.root(size: fromSize),
                toRoot: try tree.root(size: newSize))
        } catch {
            throw LedgerError(.invalidInput, error.message)
        }
    }
}
