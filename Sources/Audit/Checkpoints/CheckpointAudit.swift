import LedgerIntegrity
import LedgerStore

/// A checkpoint handed to an audit: its bytes and where they came from.
public struct CheckpointInput: Sendable {
    /// How findings name it (the path given on the command line, or `checkpoints/<n>.ckpt`).
    public var label: String
    /// The signed note.
    public var bytes: [UInt8]

    /// Creates an input.
    ///
    /// - Parameters:
    ///   - label: How findings name it.
    ///   - bytes: The signed note bytes.
    public init(label: String, bytes: [UInt8]) {
        self.label = label
        self.bytes = bytes
    }
}

/// Reads checkpoints for an audit: signature and origin first (they need no records), then,
/// once the ledger is replayed, whether the ledger extends each one.
struct CheckpointAudit {
    /// A checkpoint whose body could be read.
    struct Parsed {
        var label: String
        var checkpoint: Checkpoint
        /// Whether a trusted key's signature verified.
        var signed: Bool
    }

    private(set) var parsed: [Parsed] = []

    /// Parses and verifies every checkpoint.
    ///
    /// - Parameters:
    ///   - given: Checkpoints named on the command line; their signatures must verify.
    ///   - stored: The ledger's own `checkpoints/*.ckpt`; signatures are checked when keys are given.
    ///   - verifiers: The trusted verifier keys.
    ///   - origin: The ledger's origin (nil when the manifest is unreadable).
    ///   - log: Where findings go.
    init(
        given: [CheckpointInput], stored: [CheckpointInput], verifiers: [NoteVerifier], origin: String?,
        log: inout FindingLog
    ) {
        for (input, external) in given.map({ ($0, true) }) + stored.map({ ($0, false) }) {
            let note: SignedNote
            let checkpoint: Checkpoint
            do {
                note = try SignedNote(parsing: input.bytes)
                checkpoint = try Checkpoint(parsing: note.text)
            } catch {
                log.error(.checkpointMalformed, input.label, nil, nil, "not a signed checkpoint: \(error.message)")
                continue
            }
            if !external, let name = input.label.split(separator: "/").last,
                name != "\(checkpoint.treeSize).ckpt"
            {
                log.error(
                    .checkpointMalformed, input.label, nil, checkpoint.treeSize,
                    "file name says another tree size than the checkpoint's \(checkpoint.treeSize)")
            }
            var signed = false
            if external || !verifiers.isEmpty {
                do {
                    try note.verify(with: verifiers)
                    signed = true
                } catch {
                    log.error(.checkpointSignature, input.label, nil, checkpoint.treeSize, error.message)
                }
            }
            if let origin, !checkpoint.origin.utf8.elementsEqual(origin.utf8) {
                log.error(
                    .checkpointOrigin, input.label, nil, checkpoint.treeSize,
                    "checkpoint is for origin \"\(checkpoint.origin)\", this ledger's origin is \"\(origin)\": it belongs to another ledger"
                )
            }
            parsed.append(Parsed(label: input.label, checkpoint: checkpoint, signed: signed))
        }
    }

    /// The tree sizes whose roots the replay must capture.
    var wantedSizes: Set<UInt64> { Set(parsed.map(\.checkpoint.treeSize)) }

    /// Compares every checkpoint with the replayed ledger.
    ///
    /// - Parameters:
    ///   - rootsAt: Roots captured at the wanted sizes.
    ///   - committed: The verified tree size.
    ///   - chainIntact: Whether the whole ledger verified (else sizes beyond `committed` are unknown).
    ///   - log: Where findings go.
    /// - Returns: A line per checkpoint that matched.
    func compare(rootsAt: [UInt64: Hash32], committed: UInt64, chainIntact: Bool, log: inout FindingLog) -> [String] {
        var matched: [String] = []
        for entry in parsed {
            let size = entry.checkpoint.treeSize
            guard size <= committed else {
                log.error(
                    .checkpointSize, entry.label, nil, size,
                    chainIntact
                        ? "checkpoint tree size \(size) exceeds the ledger's committed size \(committed): committed records are missing (truncated ledger, removed commit or deleted segment)"
                        : "checkpoint tree size \(size) cannot be checked: the ledger verifies only up to seq \(committed)")
                continue
            }
            guard let root = rootsAt[size] else { continue }
            if root != entry.checkpoint.rootHash {
                log.error(
                    .checkpointRoot, entry.label, nil, size,
                    "checkpoint root \(entry.checkpoint.rootHash.hexString) is not this ledger's root \(root.hexString) at tree size \(size): the ledger is not an append-only extension of this checkpoint"
                )
            } else {
                matched.append(
                    "\(entry.label): tree_size=\(size) is a prefix of this ledger"
                        + (entry.signed ? " (signature verified)" : " (signature not checked)"))
            }
        }
        return matched
    }
}
