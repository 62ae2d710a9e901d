import LedgerStore

/// A bounded queue that hands jobs to worker threads and gives their results back in job order.
///
/// One producer calls `submit`, then `finish`; workers loop on `nextJob` and `complete`; one
/// consumer calls `result(at:)` for 0, 1, 2, … At most `capacity` jobs are submitted and not
/// yet consumed, which bounds memory however fast the producer is.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is
/// locked, so the threads that share the queue never race on it.
final class OrderedWorkQueue<Job: Sendable, Result: Sendable>: @unchecked Sendable {
    private let condition = ConditionLock()
    private let capacity: Int
    private var pending: [(Int, Job)] = []
    private var pendingHead = 0
    private var results: [Int: Result] = [:]
    private var submitted = 0
    private var consumed = 0
    private var finished = false

    /// Creates a queue.
    ///
    /// - Parameter capacity: Jobs allowed between `submit` and `result(at:)`.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds a job, waiting while `capacity` jobs are in flight.
    func submit(_ job: Job) {
        condition.lock()
        while submitted - consumed >= capacity { condition.wait() }
        pending.append((submitted, job))
        submitted += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Says that no more jobs will come.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next job to work on, or nil when the producer has finished and none is left.
    func nextJob() -> (Int, Job)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if pendingHead < pending.count {
                let job = pending[pendingHead]
                pendingHead += 1
                if pendingHead > 64 && pendingHead * 2 > pending.count {
                    pending.removeFirst(pendingHead)
                    pendingHead = 0
                }
                return job
            }
            if finished { return nil }
            condition.wait()
        }
    }

    /// Hands in the result of job `index`.
    func complete(_ index: Int, _ result: Result) {
        condition.lock()
        results[index] = result
        condition.broadcast()
        condition.unlock()
    }

    /// The result of job `index` (call for 0, 1, 2, … in order), or nil after the last job.
    func result(at index: Int) -> Result? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result = results.removeValue(forKey: index) {
                consumed += 1
                condition.broadcast()
                return result
            }
            if finished && index >= submitted { return nil }
            condition.wait()
        }
    }
}
