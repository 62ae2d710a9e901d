import Dispatch

/// Group commit for in-process writers: many concurrent tasks submit events, one thread turns
/// whatever is waiting into a single commit, and every task gets its own result (or its own
/// error: one caller's invalid event never fails the others) once that commit is durable.
///
/// Commits are pipelined: the committer thread writes a commit and goes on to build the next
/// one while a second thread fsyncs what has been written — one `fdatasync` covering every
/// commit written since the previous one. Replies are released only after the fsync that covers
/// their commit has returned, in commit order (so an idempotent re-append answered "already
/// present" is never acknowledged before the commit that holds the original). If an fsync fails,
/// nothing more is acknowledged or written: the commits it covered and every later request fail
/// with the error, and the ledger must be reopened (recovery keeps what reached the disk). If
/// only the derived index cannot be updated after a commit (`LedgerWriter.indexFailure`), that
/// commit is acknowledged as usual and every later request fails with an I/O error asking for
/// the ledger to be reopened.
///
/// Thread-safety: `pending` and `closed` are guarded by `lock`; `written`, `failure` and
/// `committerDone` by `syncLock`; the writer is used only by the committer thread (and by
/// `close()` after both threads have finished). That is why `@unchecked Sendable` is safe.
public final class GroupCommitter: @unchecked Sendable {
    private struct Request {
        let line: [UInt8]
        let reply: @Sendable (Result<AppendResult, LedgerError>) -> Void
    }

    /// A written commit (or a batch that wrote nothing) waiting for its fsync, with the replies
    /// the fsync releases.
    private struct Written {
        var sync: PendingSync?
        var replies: [(request: Request, outcome: Result<AppendResult, LedgerError>)]
    }

    private let writer: LedgerWriter
    private let lock = ConditionLock()
    private var pending: [Request] = []
    private var closed = false
    private let syncLock = ConditionLock()
    private var written: [Written] = []
    private var failure: LedgerError?
    private var committerDone = false
    private var thread: SpawnedThread?
    private var syncThread: SpawnedThread?
    /// Number of commits made so far (for measurements).
    public private(set) var commits = 0
    /// Number of rounds that fsynced (one `fdatasync` per segment written; for measurements).
    public private(set) var syncs = 0
    /// Makes a written commit durable (`PendingSync.perform`; tests put failures in here).
    private let performSync: @Sendable (PendingSync) throws -> Void

    /// Starts a committer that owns `writer` until `close()`.
    ///
    /// - Parameter writer: An open writer (holding the ledger lock).
    public convenience init(writer: LedgerWriter) {
        self.init(writer: writer, performSync: { try $0.perform() })
    }

    /// A committer whose fsyncs go through `performSync` (for tests that make them fail).
    init(writer: LedgerWriter, performSync: @escaping @Sendable (PendingSync) throws -> Void) {
        self.writer = writer
        self.performSync = performSync
        // Commits are durable on their own; the derived index is saved every 64 commits and on close.
        writer.indexSaveInterval = 64
        // The threads hold the committer unowned: its owner calls `close()`, which joins them,
        // before letting it go (as before, when they captured it `[unowned self]`).
        let unowned = Unowned(self)
        thread = SpawnedThread { unowned.value.loop() }
        syncThread = SpawnedThread { unowned.value.syncLoop() }
        precondition(thread != nil && syncThread != nil, "GroupCommitter: cannot start its threads")
    }

    /// Appends one event (a JSON object as for `append --file`) and waits until it is durable.
    ///
    /// - Parameter line: The event.
    /// - Returns: Its result.
    /// - Throws: `LedgerError` for this event's own problem (invalid, conflict) or an I/O failure.
    public func append(_ line: [UInt8]) async throws -> AppendResult {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AppendResult, Error>) in
            lock.lock()
            guard !closed else {
                lock.unlock()
                continuation.resume(throwing: LedgerError(.io, "group committer is closed"))
                return
            }
            pending.append(Request(line: line) { continuation.resume(with: $0.mapError { $0 as Error }) })
            lock.signal()
            lock.unlock()
        }
    }

    /// Commits and syncs what is waiting, then stops both threads.
    public func close() {
        lock.lock()
        closed = true
        lock.signal()
        lock.unlock()
        thread?.join()
        syncLock.lock()
        committerDone = true
        syncLock.signal()
        syncLock.unlock()
        syncThread?.join()
        if failure == nil { try? writer.saveIndex() }
    }

    private func loop() {
        while true {
            lock.lock()
            while pending.isEmpty && !closed { lock.wait() }
            if pending.isEmpty && closed {
                lock.unlock()
                return
            }
            let requests = pending
            pending.removeAll()
            lock.unlock()
            commit(requests)
        }
    }

    private func commit(_ requests: [Request]) {
        syncLock.lock()
        let failed = failure
        syncLock.unlock()
        if let failed {
            for request in requests { request.reply(.failure(failed)) }
            return
        }
        let batch = writer.batch(largeFrames: requests.count > 64, collectResults: true)
        var outcomes: [Result<AppendResult, LedgerError>] = []
        outcomes.reserveCapacity(requests.count)
        for request in requests { outcomes.append(batch.tryAdd(request.line)) }
        var item = Written(sync: nil, replies: [])
        do {
            let summary = try batch.finish(deferringSync: true)
            if summary.appended > 0 { commits += 1 }
            item = Written(sync: summary.pendingSync, replies: Array(zip(requests, outcomes)))
        } catch {
            let failure = error as? LedgerError ?? LedgerError(.io, "\(error)")
            item.replies = requests.map { ($0, .failure(failure)) }
        }
        syncLock.lock()
        written.append(item)
        syncLock.signal()
        syncLock.unlock()
    }

    private func syncLoop() {
        // Requests the next round waits for: those written during the last fsync plus those its
        // replies released (their callers usually come straight back). Waiting for them, for at
        // most half an fsync, lets one fsync cover every caller instead of two alternating halves.
        var expected = 0
        var patience: UInt64 = 0
        while true {
            syncLock.lock()
            while written.isEmpty && !committerDone { syncLock.wait() }
            if written.isEmpty && committerDone {
                syncLock.unlock()
                return
            }
            if expected > 0 && patience > 0 {
                let deadline = DispatchTime.now().uptimeNanoseconds + patience
                while waiting < expected && !committerDone {
                    let now = DispatchTime.now().uptimeNanoseconds
                    guard now < deadline, syncLock.wait(nanoseconds: deadline - now) else { break }
                }
            }
            let round = written
            written.removeAll()
            var syncError = failure
            syncLock.unlock()
            if syncError == nil {
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    let merged = Self.merged(round.compactMap(\.sync))
                    for sync in merged { try performSync(sync) }
                    if !merged.isEmpty { syncs += 1 }
                } catch {
                    let cause = (error as? LedgerError)?.message ?? "\(error)"
                    let stopped = LedgerError(
                        .io,
                        "\(cause); the commit may not be durable, so nothing more is acknowledged: reopen the ledger (recovery keeps what reached the disk)"
                    )
                    syncLock.lock()
                    if failure == nil { failure = stopped }
                    syncError = failure
                    syncLock.unlock()
                }
                patience = min(2_000_000, (DispatchTime.now().uptimeNanoseconds - start) / 2)
            }
            var released = 0
            for item in round {
                for (request, outcome) in item.replies {
                    released += 1
                    if case .success = outcome, let syncError {
                        request.reply(.failure(syncError))
                    } else {
                        request.reply(outcome)
                    }
                }
            }
            syncLock.lock()
            expected = waiting + released
            syncLock.unlock()
        }
    }

    /// Requests written and waiting for an fsync (call with `syncLock` held).
    private var waiting: Int { written.reduce(0) { $0 + $1.replies.count } }

    /// One sync per segment, in the order written; a segment's directory is synced if any of its
    /// commits created it.
    private static func merged(_ syncs: [PendingSync]) -> [PendingSync] {
        var merged: [PendingSync] = []
        for sync in syncs {
            if let index = merged.firstIndex(where: { $0.segmentPath == sync.segmentPath }) {
                merged[index].directory = merged[index].directory ?? sync.directory
            } else {
                merged.append(sync)
            }
        }
        return merged
    }
}

/// The committer as its threads see it: unowned, so that only its owner keeps it alive; the
/// owner's `close()` joins the threads before the committer goes away.
private struct Unowned: @unchecked Sendable {
    unowned let value: GroupCommitter
    init(_ value: GroupCommitter) { self.value = value }
}
