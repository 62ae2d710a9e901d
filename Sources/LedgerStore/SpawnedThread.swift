#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A thread running one body to its end, which the owner can `join` (pthreads; see
/// `ConditionLock` for why not Foundation's `Thread`). `WorkerThread`, group commit and the
/// audit pipeline start their threads with it.
package final class SpawnedThread: @unchecked Sendable {
    // Set once by `init`, read by `join()` on the owner's thread only.
    private var thread: pthread_t?
    private var joined = false

    /// Starts `body` on a new thread; nil, with `body` not run, when no thread can be made
    /// (each caller decides what then: run the work itself, or give up).
    ///
    /// - Parameters:
    ///   - stackSize: The thread's stack, in bytes (nil: the system default).
    ///   - body: What the thread runs.
    package init?(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        #if canImport(Glibc)
            var made = pthread_t()
        #else
            var made: pthread_t?
        #endif
        let created = pthread_create(
            &made, &attributes,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, context)
        pthread_attr_destroy(&attributes)
        guard created == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        thread = made
    }

    /// Waits until the body has returned (at most once; later calls return at once).
    package func join() {
        guard !joined else { return }
        joined = true
        if let thread { pthread_join(thread, nil) }
    }

    deinit {
        if !joined, let thread { pthread_detach(thread) }
    }
}
