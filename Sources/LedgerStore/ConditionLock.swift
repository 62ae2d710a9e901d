#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutex with one condition variable (pthreads), for the threads of group commit and the
/// audit pipeline.
///
/// Parley's library targets do not import Foundation (its `NSCondition` and `Thread` come with
/// ICU, which made every `parley` command start ~2 ms slower); this is the part of them they used.
///
/// Thread-safety: the pthread objects live in memory of their own, allocated once and never
/// moved, which is what pthreads require; that is why `@unchecked Sendable` is safe.
package final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    /// Creates an unlocked lock whose timed waits use the monotonic clock.
    package init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }

    package func unlock() { pthread_mutex_unlock(mutex) }

    /// Releases the lock until signalled (or spuriously woken), then takes it again.
    package func wait() { pthread_cond_wait(condition, mutex) }

    /// As `wait()`, but gives up `nanoseconds` from now.
    ///
    /// - Returns: False when the time ran out.
    @discardableResult
    package func wait(nanoseconds: UInt64) -> Bool {
        var deadline = timespec()
        #if canImport(Glibc)
            clock_gettime(CLOCK_MONOTONIC, &deadline)
        #else
            clock_gettime(CLOCK_REALTIME, &deadline)
        #endif
        let total = UInt64(deadline.tv_nsec) + nanoseconds % 1_000_000_000
        deadline.tv_sec += Int(nanoseconds / 1_000_000_000) + Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        return pthread_cond_timedwait(condition, mutex, &deadline) == 0
    }

    /// Wakes one waiter.
    package func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiter.
    package func broadcast() { pthread_cond_broadcast(condition) }
}
