import Catalogue
import LedgerIntegrity
import LedgerStore

/// What an audit checks besides the always-on structure, chain and Merkle checks.
public struct AuditOptions: Sendable {
    /// Checkpoints to check the ledger against; each must carry a signature by `verifierKeys`.
    public var checkpoints: [CheckpointInput] = []
    /// Trusted verifier keys; with any, the ledger's stored checkpoints are verified too.
    public var verifierKeys: [NoteVerifier] = []
    /// Validate every record's `data` and `meta` against the event catalogue.
    public var checkSchema = true
    /// Run the streaming semantic pass (unknown parties and negotiations, illegal stage moves,
    /// corrections and retractions of unknown events).
    public var semantic = true
    /// Instead, fold the projections' full state and report all of its findings (adds
    /// contradictions as warnings, unknown plans and terms; costs memory for the whole state).
    public var projections = false
    /// Make semantic findings errors. By default they are warnings: the ledger still verifies
    /// (every byte, root and sequence is intact); what it says refers to something it never
    /// recorded. Contradictions are warnings either way.
    public var strict = false
    /// List at most this many findings of each kind (0: all).
    public var maximumPerKind = 20
    /// Worker threads for decompression, hashing, parsing and validation.
    public var workers = 2

    /// Options with every check on.
    public init() {}
}

/// How far an audit has come (for progress lines).
public struct AuditProgress: Sendable {
    /// Records read so far.
    public var records: UInt64
    /// Commits read so far.
    public var commits: Int
    /// The segment being read.
    public var segment: String
}

/// Replays a ledger read-only and checks every byte (see `AuditFinding.Kind` for what).
///
/// Work is split over threads: one reads the segment files and cuts them into chunks of whole
/// frames; `workers` threads decompress, hash and check records; the calling thread checks
/// the chain in file order. A bounded queue keeps a few chunks in flight, so memory stays at a
/// few frames however large the ledger is (plus one entry per stream, per event id, and the
/// projected state for the semantic pass).
public struct LedgerAuditor {
    /// The ledger's directory layout.
    public let layout: LedgerLayout
    /// What to check.
    public let options: AuditOptions

    /// Prepares an audit.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - options: What to check.
    public init(path: String, options: AuditOptions = AuditOptions()) {
        layout = LedgerLayout(root: path)
        self.options = options
    }

    /// Runs the audit.
    ///
    /// - Parameter progress: Called on the calling thread after each chunk.
    /// - Returns: The report; `ok` is false when any error was found.
    /// - Throws: `LedgerError(.notFound)` when there is no ledger at the path;
    ///   `LedgerError(.invalidInput)` when the event catalogue cannot be loaded.
    public func run(progress: ((AuditProgress) -> Void)? = nil) throws -> AuditReport {
        guard FileSystem.exists(layout.manifest) else {
            throw LedgerError(
                .notFound, "no Parley ledger at \(layout.root) (ledger.json is missing)")
        }
        var log = FindingLog(maximumPerKind: options.maximumPerKind)
        let origin = readManifest(&log)
        let segments = listSegments(&log)
        let checkpoints = CheckpointAudit(
            given: options.checkpoints, stored: storedCheckpoints(&log), verifiers: options.verifierKeys,
            origin: origin, log: &log)

        var catalogue: EventCatalogue?
        if options.checkSchema {
            do { catalogue = try EventCatalogue.loadDefault() } catch {
                throw LedgerError(.invalidInput, "cannot load the event catalogue: \(error)")
            }
        }
        let streaming = options.semantic && !options.projections
        let checks = RecordInspector.Checks(catalogue: catalogue, semantic: streaming, projections: options.projections)
        var verifier = ChainVerifier(
            segments: segments, wantedSizes: checkpoints.wantedSizes, semantic: streaming,
            projections: options.projections, maximumPerKind: options.maximumPerKind)
        for finding in log.errors + log.warnings { verifier.add(finding) }

        let queue = OrderedWorkQueue<AuditChunk, (AuditChunk, [FrameOutcome?])>(capacity: options.workers * 3)
        let paths = segments.map(layout.segmentPath)
        Self.spawn {
            var reader = SegmentReader(paths: paths) { queue.submit($0) }
            reader.run()
            queue.finish()
        }
        for _ in 0..<max(1, options.workers) {
            Self.spawn {
                let inspector = try? RecordInspector(checks: checks)
                while let (index, chunk) = queue.nextJob() {
                    if let inspector {
                        queue.complete(index, (chunk, inspector.inspect(chunk)))
                    } else {
                        queue.complete(index, (chunk, chunk.items.map { _ in Self.undecodable }))
                    }
                }
            }
        }
        var index = 0
        while let (chunk, outcomes) = queue.result(at: index) {
            verifier.consume(chunk, outcomes)
            index += 1
            if let progress, !segments.isEmpty {
                progress(
                    AuditProgress(records: verifier.recordsSeen, commits: verifier.commits, segment: verifier.currentSegment))
            }
        }

        var final = verifier.log
        if streaming {
            for finding in verifier.finishSemanticPass() where finding.seq <= verifier.committed {
                let location = verifier.location(ofSeq: finding.seq)
                final.add(
                    AuditFinding(
                        options.strict ? .error : .warning, AuditFinding.Kind(rawValue: finding.kind), file: location?.file,
                        offset: location?.offset, seq: finding.seq, finding.message))
            }
        }
        if options.projections {
            for finding in verifier.state.findings where finding.seq <= verifier.committed {
                let location = verifier.location(ofSeq: finding.seq)
                final.add(
                    AuditFinding(
                        options.strict && finding.kind != .contradiction ? .error : .warning,
                        AuditFinding.Kind(rawValue: finding.kind.rawValue), file: location?.file, offset: location?.offset,
                        seq: finding.seq, finding.message))
            }
        }
        let matched = checkpoints.compare(
            rootsAt: verifier.rootsAt, committed: verifier.committed, chainIntact: verifier.chainIntact, log: &final)
        return AuditReport(
            treeSize: verifier.committed, root: verifier.committedRoot.hexString, commits: verifier.commits,
            segments: segments.count, findings: final.errors, warnings: final.warnings, suppressed: final.suppressed,
            checkpointsVerified: matched, errorCount: final.errorCount, warningCount: final.warningCount)
    }

    private static let undecodable: FrameOutcome? = {
        var outcome = FrameOutcome()
        outcome.decodeFailure = "cannot create an lz4 decompression context"
        return outcome
    }()

    private static func spawn(_ body: @escaping @Sendable () -> Void) {
        // The stages wait on each other through a bounded queue, so none can run on the caller.
        precondition(SpawnedThread(stackSize: 8 << 20, body) != nil, "audit: cannot start a pipeline thread")
    }

    /// Checks `ledger.json`; returns the origin when it can be read.
    private func readManifest(_ log: inout FindingLog) -> String? {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(layout.manifest) } catch {
            log.error(.manifest, "ledger.json", nil, nil, "\(error)")
            return nil
        }
        do {
            let manifest = try LedgerManifest(parsing: bytes)
            if manifest.canonicalBytes != bytes {
                log.error(.manifest, "ledger.json", nil, nil, "ledger.json is not one canonical JSON line ending in a newline")
            }
            return manifest.origin
        } catch {
            log.error(.manifest, "ledger.json", nil, nil, "\(error)")
            return nil
        }
    }

    /// The segment names in seq order; other files in `segments/` become findings.
    private func listSegments(_ log: inout FindingLog) -> [String] {
        var names: [String] = []
        for name in FileSystem.list(layout.segments) {
            if LedgerLayout.firstSeq(ofSegment: name) != nil {
                names.append(name)
            } else if name.hasSuffix(".ndjson.lz4") {
                log.error(.segmentName, name, nil, nil, "segment file name is not <20-digit first seq>.ndjson.lz4")
            } else {
                log.warning(.segmentName, name, nil, nil, "unexpected file in segments/ (not read)")
            }
        }
        return names.sorted { LedgerLayout.firstSeq(ofSegment: $0)! < LedgerLayout.firstSeq(ofSegment: $1)! }
    }

    /// The ledger's own checkpoints.
    private func storedCheckpoints(_ log: inout FindingLog) -> [CheckpointInput] {
        FileSystem.list(layout.checkpoints).filter { $0.hasSuffix(".ckpt") }.compactMap { name in
            let label = "checkpoints/" + name
            do {
                return CheckpointInput(label: label, bytes: try FileSystem.readFile(layout.checkpoints + "/" + name))
            } catch {
                log.error(.io, label, nil, nil, "\(error)")
                return nil
            }
        }
    }
}
