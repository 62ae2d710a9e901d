import CanonicalJSON
import LedgerIntegrity
import LedgerStore

/// Verifies a proof offline, against a signed checkpoint, without the ledger.
///
/// Inclusion: the proof must lead from `leaf_hash` to `root`, and `root` must be the signed
/// checkpoint's root (so `tree_size` must be the checkpoint's size); with a record, its leaf
/// hash must be `leaf_hash` (and its `seq`, if it has one, `leaf_index` + 1).
///
/// Consistency: the checkpoint is a tree head the verifier trusts. The proof must connect
/// `from_root` and `to_root`, and one end must be the checkpoint: when `to_size`/`to_root` are
/// the checkpoint's, the proof shows that the older tree `from_size`/`from_root` (for example
/// one an auditor noted earlier) is a prefix of the signed tree; when `from_size`/`from_root`
/// are the checkpoint's, it shows that the newer tree `to_size`/`to_root` extends the signed one.
/// The `to` end is tried first.
public enum ProofCheck {
    /// Checks a proof.
    ///
    /// - Parameters:
    ///   - proof: The proof document (`parley prove` output).
    ///   - checkpoint: The signed checkpoint.
    ///   - verifiers: Trusted verifier keys; the checkpoint must carry a valid signature by one.
    ///   - record: The record line the inclusion proof is about (trailing newline allowed).
    /// - Returns: What was proven, in one sentence.
    /// - Throws: `LedgerError(.integrity)` when anything does not verify;
    ///   `LedgerError(.invalidInput)` when the proof or checkpoint cannot be read at all.
    public static func verify(
        proof: [UInt8], checkpoint: [UInt8], verifiers: [NoteVerifier], record: [UInt8]?
    ) throws -> String {
        let document: ProofDocument
        do { document = try ProofDocument(json: proof) } catch {
            throw LedgerError(.invalidInput, error.message)
        }
        let head: Checkpoint
        do {
            head = try Checkpoint(verifying: checkpoint, with: verifiers)
        } catch {
            throw LedgerError(
                error.code == .malformedNote || error.code == .malformedCheckpoint ? .invalidInput : .integrity,
                "checkpoint: \(error.message)")
        }
        do { try document.verify() } catch {
            throw LedgerError(.integrity, "the proof does not verify: \(error.message)")
        }
        switch document {
        case .inclusion(let inclusion, let leafHash, let root):
            guard inclusion.treeSize == head.treeSize else {
                throw LedgerError(
                    .integrity,
                    "the proof is for tree size \(inclusion.treeSize) but the checkpoint is for size \(head.treeSize); ask for a proof against the checkpoint (parley prove --seq \(inclusion.leafIndex + 1) --size \(head.treeSize))"
                )
            }
            guard root == head.rootHash else {
                throw LedgerError(
                    .integrity,
                    "the proof's root \(root.hexString) is not the checkpoint's root \(head.rootHash.hexString) for tree size \(head.treeSize)"
                )
            }
            var what = "record \(inclusion.leafIndex + 1) (leaf \(leafHash.hexString))"
            if var line = record {
                if line.last == 0x0A { line.removeLast() }
                if line.last == 0x0D { line.removeLast() }
                let computed = RFC6962.leafHash(line)
                guard computed == leafHash else {
                    throw LedgerError(
                        .integrity,
                        "the record's leaf hash \(computed.hexString) is not the proof's leaf_hash \(leafHash.hexString): the record differs from the one committed"
                    )
                }
                if let seq = (try? JSONValue(parsing: line))?["seq"]?.integerValue, seq != Int64(inclusion.leafIndex + 1) {
                    throw LedgerError(
                        .integrity,
                        "the record has seq \(seq) but the proof is for leaf index \(inclusion.leafIndex) (seq \(inclusion.leafIndex + 1))"
                    )
                }
                what = "the record (seq \(inclusion.leafIndex + 1))"
            }
            return "OK \(what) is included in the tree of size \(head.treeSize) signed for \(head.origin)"
        case .consistency(let consistency, let fromRoot, let toRoot):
            if consistency.toSize == head.treeSize && toRoot == head.rootHash {
                return
                    "OK the tree of size \(consistency.fromSize) with root \(fromRoot.hexString) is a prefix of the tree of size \(head.treeSize) signed for \(head.origin)"
            }
            if consistency.fromSize == head.treeSize && fromRoot == head.rootHash {
                return
                    "OK the tree of size \(consistency.toSize) with root \(toRoot.hexString) is an append-only extension of the tree of size \(head.treeSize) signed for \(head.origin)"
            }
            throw LedgerError(
                .integrity,
                "neither end of the proof is the checkpoint: the proof connects sizes \(consistency.fromSize) and \(consistency.toSize), the checkpoint is for size \(head.treeSize) with root \(head.rootHash.hexString)"
            )
        }
    }
}
