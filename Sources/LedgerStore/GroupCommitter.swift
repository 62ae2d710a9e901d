import Dispatch
import Foundation

/// Group commit for in-process writers: many concurrent tasks submit events, one thread turns
/// whatever is waiting into a single commit with a single fsync, and every task gets its own
/// result (or its own error: one caller's invalid event never fails the others).
///
/// Thread-safety: `pending` and `closed` are guarded by `lock`; the writer is used only by the
/// committer thread. That is why `@unchecked Sendable` is safe.
public final class GroupCommitter: @unchecked Sendable {
    private struct Request {
        let line: [UInt8]
        let reply: @Sendable (Result<AppendResult, LedgerError>) -> Void
    }

    private let writer: LedgerWriter
    private let lock = NSCondition()
    private var pending: [Request] = []
    private var closed = false
    private let thread: Thread
    /// Number of commits made so far (for measurements).
    public private(set) var commits = 0

    /// Starts a committer that owns `writer` until `close()`.
    ///
    /// - Parameter writer: An open writer (holding the ledger lock).
    public init(writer: LedgerWriter) {
        self.writer = writer
        // Commits are durable on their own; the derived index is saved every 64 commits and on close.
        writer.indexSaveInterval = 64
        let box = ThreadBox()
        thread = Thread { box.run() }
        box.body = { [unowned self] in self.loop() }
        thread.start()
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

    /// Commits what is waiting, then stops the committer thread.
    public func close() {
        lock.lock()
        closed = true
        lock.signal()
        lock.unlock()
        while !thread.isFinished { usleep(1000) }
        try? writer.saveIndex()
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
        let batch = writer.batch(largeFrames: requests.count > 64, collectResults: true)
        var outcomes: [Result<AppendResult, LedgerError>] = []
        outcomes.reserveCapacity(requests.count)
        for request in requests { outcomes.append(batch.tryAdd(request.line)) }
        do {
            _ = try batch.finish()
            commits += 1
            for (request, outcome) in zip(requests, outcomes) { request.reply(outcome) }
        } catch let error as LedgerError {
            for request in requests { request.reply(.failure(error)) }
        } catch {
            for request in requests { request.reply(.failure(LedgerError(.io, "\(error)"))) }
        }
    }
}

/// Lets the committer thread call back into its owner after both exist.
private final class ThreadBox: @unchecked Sendable {
    var body: (() -> Void)?
    func run() { body?() }
}
