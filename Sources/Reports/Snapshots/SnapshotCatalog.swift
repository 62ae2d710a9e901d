import LZ4Codec
import LedgerIntegrity
import LedgerStore

/// A run of snapshots, each continuing the one before, that together cover records 1…`seq`.
struct SnapshotChain {
    /// The files, oldest first; the last one's seq is `seq`.
    var links: [SnapshotFile]
    /// The last record covered.
    var seq: UInt64 { links.last?.header.seq ?? 0 }
    /// The Merkle frontier at `seq` (checked against the ledger's root there).
    var frontier: MerkleFrontier
    /// `recorded_at` of record `seq`.
    var committedAt: String { links.last?.header.committedAt ?? "" }
}

/// The snapshots of one ledger and which of them can be trusted.
///
/// The trust rule: a snapshot is used only when its header parses, names this ledger, and its
/// root equals the ledger's own RFC 6962 root at its seq — read from the commit marker that ends
/// there (snapshots are taken at commit boundaries, so this costs one look at the segment's
/// markers, no hashing). If compaction merged that marker away, the header's Merkle frontier is
/// extended with the hashes of the records up to the next marker and must give that marker's root.
/// The snapshot it continues must pass the same test, down to the first. Sections are checked
/// (LZ4 content checksum, record count) when they are read; a bad one disqualifies its file.
/// Anything that fails is ignored with a warning, never trusted.
final class SnapshotCatalog {
    private let tape: LedgerTape
    private let decoder: LZ4FrameDecoder
    /// Snapshot file names by seq.
    let names: [UInt64: String]
    private var checked: [UInt64: Result<SnapshotFile, SnapshotProblem>] = [:]
    /// Warnings about snapshots that were ignored, in the order found.
    private(set) var warnings: [String] = []

    /// Lists the snapshots of the ledger `tape` reads.
    ///
    /// - Parameter tape: The ledger.
    /// - Throws: `LedgerError(.io)` when liblz4 cannot allocate a decoder.
    init(tape: LedgerTape) throws {
        self.tape = tape
        do { decoder = try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
        var names: [UInt64: String] = [:]
        for name in FileSystem.list(tape.layout.snapshots) {
            if let seq = SnapshotFile.seq(ofName: name) { names[seq] = name }
        }
        self.names = names
    }

    /// The path of a snapshot file.
    func path(_ name: String) -> String { tape.layout.snapshots + "/" + name }

    /// The longest trusted chain that ends at or before `limit` (nil when there is none).
    func chain(atOrBefore limit: UInt64) -> SnapshotChain? {
        for seq in names.keys.sorted(by: >) where seq <= limit {
            if let chain = chain(endingAt: seq) { return chain }
        }
        return nil
    }

    /// The chain that ends with the snapshot at `seq`, if every link is trusted.
    func chain(endingAt seq: UInt64) -> SnapshotChain? {
        var links: [SnapshotFile] = []
        var current = seq
        while current > 0 {
            guard let link = trusted(current) else { return nil }
            links.append(link)
            let previous = link.header.previousSeq
            if previous == 0 {
                guard link.header.previousRoot == RFC6962.emptyRoot.hexString else {
                    reject(current, SnapshotProblem("it continues nothing but names a previous root"))
                    return nil
                }
            } else {
                guard let before = trusted(previous) else {
                    if names[previous] == nil { warn(link.name, "the snapshot it continues (seq \(previous)) is missing") }
                    return nil
                }
                guard before.header.root == link.header.previousRoot else {
                    reject(current, SnapshotProblem("the snapshot it continues (seq \(previous)) has another root"))
                    return nil
                }
            }
            current = previous
        }
        guard let last = links.first, let frontier = last.header.checkedFrontier else { return nil }
        return SnapshotChain(links: links.reversed(), frontier: frontier)
    }

    /// Marks the snapshot at `seq` as untrusted (a section failed while being read).
    func reject(_ seq: UInt64, _ problem: SnapshotProblem) {
        checked[seq] = .failure(problem)
        warn(names[seq] ?? SnapshotFile.name(seq: seq), problem.message)
    }

    /// The snapshot at `seq` if its own checks pass (cached).
    func trusted(_ seq: UInt64) -> SnapshotFile? {
        if let known = checked[seq] { return try? known.get() }
        guard let name = names[seq] else { return nil }
        do throws(SnapshotProblem) {
            let file = try SnapshotFile(path: path(name), decoder: decoder)
            try check(file.header)
            checked[seq] = .success(file)
            return file
        } catch {
            checked[seq] = .failure(error)
            warn(name, error.message)
            return nil
        }
    }

    /// The problem with the snapshot at `seq`, if any (after `trusted(_:)` looked at it).
    func problem(_ seq: UInt64) -> SnapshotProblem? {
        guard case .failure(let problem)? = checked[seq] else { return nil }
        return problem
    }

    private func warn(_ name: String, _ message: String) {
        let text = "snapshot snapshots/\(name) ignored: \(message)"
        if !warnings.contains(text) { warnings.append(text) }
    }

    /// Checks a header against the ledger: its id, and its root against the ledger's root at its seq.
    func check(_ header: SnapshotHeader) throws(SnapshotProblem) {
        guard header.ledgerID == tape.manifest.ledgerID else {
            throw SnapshotProblem("it was taken of another ledger (\(header.ledgerID))")
        }
        guard var frontier = header.checkedFrontier else {
            throw SnapshotProblem("its Merkle frontier does not match its root")
        }
        let found: (segment: Int, commit: SegmentCommit)?
        do { found = try tape.commit(containing: header.seq) } catch {
            throw SnapshotProblem("the ledger cannot be read at seq \(header.seq): \(error)")
        }
        guard let found else {
            throw SnapshotProblem("seq \(header.seq) is beyond the ledger's last committed record")
        }
        let marker = found.commit.marker
        if marker.lastSeq == header.seq {
            guard marker.root.hexString == header.root else {
                throw SnapshotProblem(
                    "its root \(header.root.prefix(16))… does not match the ledger's root at seq \(header.seq) (\(marker.root.hexString.prefix(16))…)"
                )
            }
            return
        }
        // The marker at the snapshot's seq is gone (compaction merges markers): extend the
        // frontier to the next marker and compare there.
        do {
            try tape.extend(&frontier, from: header.seq + 1, through: marker.lastSeq)
        } catch {
            throw SnapshotProblem("the ledger cannot be read after seq \(header.seq): \(error)")
        }
        guard frontier.root == marker.root else {
            throw SnapshotProblem("its root does not lead to the ledger's root at seq \(marker.lastSeq)")
        }
    }
}
