#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The exclusive writer lock: `flock(LOCK_EX)` on the ledger's `LOCK` file, held while the
/// value lives. Readers never take it.
final class WriterLock {
    private let descriptor: Int32

    /// Takes the lock, waiting up to `wait` seconds.
    ///
    /// - Throws: `LedgerError(.busy)` when another writer holds it past the wait.
    init(path: String, wait: Double) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerError(.io, "cannot open lock file \(path): \(FileSystem.errorText())") }
        // No wait for a negative (or NaN) one; a wait past what the clock holds (inf) is forever.
        let microseconds = wait > 0 ? min(wait * 1_000_000, 1e15) : 0
        let deadline = Timestamp.now().microseconds + Int64(microseconds)
        var delay: UInt32 = 1000
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw LedgerError(.io, "cannot lock \(path): \(FileSystem.errorText())")
            }
            if Timestamp.now().microseconds >= deadline {
                close(fd)
                throw LedgerError(
                    .busy, "ledger busy: another writer holds \(path) (waited \(wait) s; raise --wait to wait longer)")
            }
            usleep(delay)
            delay = min(delay * 2, 20_000)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
