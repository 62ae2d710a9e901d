import Dispatch

/// A thread of its own that runs one job at a time, handed over with `run` and awaited with `wait`.
///
/// Bulk appends validate on two of these while the calling thread assembles records: dedicated
/// threads, because libdispatch's pool on Linux does not grow when its few threads block (the
/// command itself runs on one of them), which serialised the overlap. A point-in-time report
/// hashes the records after its snapshot on one while it gathers and folds the view.
package final class WorkerThread: @unchecked Sendable {
    private let start = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    // Written by the owner before `start.signal()`, read by the thread after `start.wait()`:
    // the semaphores order every access.
    private var job: (() -> Void)?
    private var stopping = false
    /// The thread (it holds the worker until `stop()` ends its loop); nil when none could be made.
    private var thread: SpawnedThread?

    /// Starts the thread (it sleeps until the first job).
    package init() {
        thread = SpawnedThread { [self] in loop() }
        // No thread: jobs run on the caller (correct, only slower).
        if thread == nil { stopping = true }
    }

    private func loop() {
        while true {
            start.wait()
            if stopping { return }
            job?()
            job = nil
            done.signal()
        }
    }

    /// Hands `job` to the thread; call `wait()` before the next `run`.
    package func run(_ job: @escaping () -> Void) {
        if stopping {
            job()
            done.signal()
            return
        }
        self.job = job
        start.signal()
    }

    /// Blocks until the job handed over by `run` has finished.
    package func wait() { done.wait() }

    /// Ends the thread once it is idle (after `wait()`).
    package func stop() {
        guard !stopping else { return }
        stopping = true
        start.signal()
    }
}
