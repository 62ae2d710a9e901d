import LZ4Codec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin POSIX file operations with errors that name the path; the only place the store touches the OS.
package enum FileSystem {
    package static func errorText() -> String { String(cString: strerror(errno)) }

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    package static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    package static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw LedgerError(.io, "cannot create directory \(path): \(errorText())")
        }
    }

    /// Names in a directory, sorted, without `.` and `..`; empty when the directory is missing.
    package static func list(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    package static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LedgerError(.notFound, "cannot open \(path): \(errorText())") }
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// Reads a file from `offset` to its end into an array as long as the file, so that offsets
    /// in it stay file offsets: the bytes before `offset` are not read, and must not be looked at
    /// (a writer catching up with a few commits at the end of a 64 MiB segment reads only those).
    package static func readFile(_ path: String, from offset: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LedgerError(.notFound, "cannot open \(path): \(errorText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LedgerError(.io, "cannot stat \(path): \(errorText())") }
        let size = Int(info.st_size)
        guard offset > 0, offset <= size else { return try readAll(fd, path: path) }
        var failure: Error?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            do {
                initialized =
                    try offset + readFully(fd, into: buffer.baseAddress! + offset, count: size - offset, at: offset, path: path)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads `count` bytes at `offset` (fewer at the end of the file).
    package static func readRange(_ path: String, offset: Int, count: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LedgerError(.notFound, "cannot open \(path): \(errorText())") }
        defer { close(fd) }
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let done = try out.withUnsafeMutableBytes {
            try readFully(fd, into: $0.baseAddress!, count: count, at: offset, path: path)
        }
        out.removeLast(count - done)
        return out
    }

    /// `pread`s `count` bytes at `offset` into `target`, retrying short reads; fewer only at the
    /// end of the file.
    ///
    /// - Returns: The number of bytes read.
    private static func readFully(
        _ fd: Int32, into target: UnsafeMutableRawPointer, count: Int, at offset: Int, path: String
    ) throws -> Int {
        var done = 0
        while done < count {
            let got = pread(fd, target + done, count - done, off_t(offset + done))
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw LedgerError(.io, "cannot read \(path): \(errorText())") }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Reads `fd` from its current position to the end.
    package static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var info = stat()
        fstat(fd, &info)
        var buffer = [UInt8](repeating: 0, count: max(Int(info.st_size), 0))
        var filled = 0
        while true {
            if filled == buffer.count {
                // The size fstat gave has been read: one byte more says whether the file grew
                // since (only then is the buffer enlarged, not on every read to the end).
                var probe: UInt8 = 0
                let more = read(fd, &probe, 1)
                if more < 0 && errno == EINTR { continue }
                guard more >= 0 else { throw LedgerError(.io, "cannot read \(path): \(errorText())") }
                if more == 0 { break }
                buffer.append(probe)
                filled += 1
                buffer.appendZeros(max(4096, buffer.count / 2))
            }
            let count = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, raw.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LedgerError(.io, "cannot read \(path): \(errorText())")
            }
            if count == 0 { break }
            filled += count
        }
        buffer.removeLast(buffer.count - filled)
        return buffer
    }

    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw LedgerError(.io, "cannot write \(path): \(errorText())")
            }
            offset += count
        }
    }

    package static func sync(_ fd: Int32, path: String) throws {
        if fsync(fd) != 0 { throw LedgerError(.io, "cannot fsync \(path): \(errorText())") }
    }

    /// Flushes an appended file's data and the metadata needed to read it back (its size):
    /// `fdatasync`, as SQLite uses, which skips timestamps that `fsync` would also write.
    package static func syncData(_ fd: Int32, path: String) throws {
        if fdatasync(fd) != 0 { throw LedgerError(.io, "cannot fsync \(path): \(errorText())") }
    }

    package static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw LedgerError(.io, "cannot open directory \(path): \(errorText())") }
        defer { close(fd) }
        try sync(fd, path: path)
    }

    /// Writes a file atomically: a temporary file, fsync (unless `durable` is false), rename, directory fsync.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true, mode: mode_t = 0o644)
        throws
    {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw LedgerError(.io, "cannot create \(temporary): \(errorText())") }
        do {
            try bytes.withUnsafeBytes { raw in try writeAll(fd, raw, path: temporary) }
            if durable { try sync(fd, path: temporary) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw LedgerError(.io, "cannot rename \(temporary) to \(path): \(errorText())")
        }
        if durable {
            let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            try syncDirectory(parent.isEmpty ? "." : parent)
        }
    }
}
