import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file mapped read-only into memory: reading a segment or snapshot touches only the pages
/// that are looked at, so starting in the middle of a large segment costs nothing up front.
///
/// The mapping is owned by this object and released when it goes away.
final class MappedFile {
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer
    /// The path, for messages.
    let path: String
    private let base: UnsafeMutableRawPointer?

    /// Maps `path`.
    ///
    /// - Parameter path: The file.
    /// - Throws: `LedgerError(.notFound)` when it cannot be opened, `.io` when it cannot be mapped.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LedgerError(.notFound, "cannot open \(path): \(FileSystem.errorText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LedgerError(.io, "cannot stat \(path): \(FileSystem.errorText())") }
        let size = Int(info.st_size)
        guard size > 0 else {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw LedgerError(.io, "cannot map \(path): \(FileSystem.errorText())")
        }
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}
