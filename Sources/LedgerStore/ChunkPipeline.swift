import Dispatch
import LZ4Codec
import LedgerIntegrity

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hashes, compresses and writes chunks of record lines on two more threads, in submission
/// order: one hashes the leaves into the Merkle frontier, the other compresses and writes the
/// frames, so that a bulk append parses while its chunks are hashed and compressed side by
/// side (the two jobs only read a chunk; it is handed back once both are done with it).
///
/// Thread-safety: `frontier` and `leaf` are only touched by blocks on `hashing`, `written`,
/// `failure` and `frame` only by blocks on `writing`, while chunks are in flight (`pendingJobs`
/// only under `jobsLock`; written chunks go back through `writtenChunks`, a pool with a lock of
/// its own); the owner reads them only after `drain()`, which waits for both queues to empty (a
/// happens-before edge). That single-owner discipline is why `@unchecked Sendable` is safe.
final class ChunkPipeline: @unchecked Sendable {
    /// Made by the first `submit` (a commit done wholly by `processHere` needs none).
    private var hashing: DispatchQueue?
    private var writing: DispatchQueue?
    private let slots = DispatchSemaphore(value: 3)
    private let descriptor: Int32
    private let path: String
    private var frontier: MerkleFrontier
    private var written: Int
    private var failure: LedgerError?
    /// Room for the frame being compressed, reused for every chunk (only `compressAndWrite` touches it).
    private var frame = RecordChunk(capacity: 0)
    /// Room for one leaf (0x00 then the line), reused for every line (only `hash` touches it).
    private var leaf = RecordChunk(capacity: 4096)
    /// Chunks written and emptied, for the batch to fill again.
    private let writtenChunks = RecordChunkPool()
    /// For each chunk in flight (by identity), how many of the two jobs are still on it (under `jobsLock`).
    private var pendingJobs: [ObjectIdentifier: Int] = [:]
    private let jobsLock = ConditionLock()

    /// Creates a pipeline writing at the current offset of `descriptor`.
    ///
    /// - Parameters:
    ///   - descriptor: The open segment file, positioned where frames go.
    ///   - path: The segment's path, for messages.
    ///   - frontier: The Merkle frontier before the first line.
    ///   - offset: The current end of the segment's bytes.
    init(descriptor: Int32, path: String, frontier: MerkleFrontier, offset: Int) {
        self.descriptor = descriptor
        self.path = path
        self.frontier = frontier
        self.written = offset
    }

    /// Queues a chunk of whole record lines (each ending in a newline). Blocks while three chunks
    /// are in flight. The chunk belongs to the pipeline from here on; once hashed and written it
    /// waits in `spare()` to be filled again.
    func submit(_ chunk: RecordChunk) {
        slots.wait()
        if hashing == nil {
            hashing = DispatchQueue(label: "parley.append.hash")
            writing = DispatchQueue(label: "parley.append.write")
        }
        jobsLock.lock()
        pendingJobs[ObjectIdentifier(chunk)] = 2
        jobsLock.unlock()
        hashing!.async { [self] in
            // Hashing goes on after a failed write: harmless, and `failure` belongs to `writing`.
            hash(chunk)
            finished(chunk)
        }
        writing!.async { [self] in
            if failure == nil, let error = compressAndWrite(chunk.bytes) { failure = error }
            finished(chunk)
        }
    }

    /// One job is done with `chunk`; after the second, it becomes a spare.
    private func finished(_ chunk: RecordChunk) {
        jobsLock.lock()
        let key = ObjectIdentifier(chunk)
        let left = (pendingJobs[key] ?? 1) - 1
        pendingJobs[key] = left == 0 ? nil : left
        jobsLock.unlock()
        if left == 0 {
            writtenChunks.give(chunk)
            slots.signal()
        }
    }

    /// A chunk that was submitted and is written, emptied, to be filled again (nil while none is).
    func spare() -> RecordChunk? {
        writtenChunks.take()
    }

    /// Hashes, compresses and writes `chunk` on the calling thread: for a commit that is one
    /// small chunk (a single append, a group commit), where handing it to the queues and back
    /// costs more than the work. Do not mix with pending `submit`s.
    func processHere(_ chunk: RecordChunk) {
        guard failure == nil else { return }
        hash(chunk)
        if let error = compressAndWrite(chunk.bytes) { failure = error }
    }

    /// Appends the leaf hash of every line of `chunk` to the frontier. A leaf hash is SHA-256 of
    /// 0x00 followed by the line: each line is copied after a 0x00 in `leaf`, so each leaf is one
    /// update (the update call costs about as much as hashing a short record) and the chunk,
    /// which the writing queue reads meanwhile, is never written.
    private func hash(_ chunk: RecordChunk) {
        let raw = chunk.bytes
        guard let base = raw.baseAddress else { return }
        var start = 0
        while start < raw.count {
            let found = memchr(base + start, 0x0A, raw.count - start)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? raw.count
            let length = end - start
            let room = leaf.reserve(length + 1)
            room[0] = 0x00
            (room + 1).update(from: base.assumingMemoryBound(to: UInt8.self) + start, count: length)
            frontier.append(leaf: RFC6962.leafDigest(prefixed: UnsafeRawBufferPointer(start: room, count: length + 1)))
            start = end + 1
        }
    }

    /// Compresses one chunk into a frame and writes it; returns the failure, if any.
    private func compressAndWrite(_ raw: UnsafeRawBufferPointer) -> LedgerError? {
        let blockSize: LZ4FrameEncoder.BlockSize = raw.count > 65_536 ? .large : .small
        let bound = LZ4FrameEncoder.frameBound(count: raw.count, blockSize: blockSize)
        if frame.capacity < bound { frame = RecordChunk(capacity: bound) }
        let size: Int
        do {
            size = try LZ4FrameEncoder.writeFrame(
                of: raw, blockSize: blockSize, into: UnsafeMutableRawBufferPointer(start: frame.base, count: bound))
        } catch {
            return LedgerError(.io, error.description)
        }
        do {
            try FileSystem.writeAll(descriptor, UnsafeRawBufferPointer(start: frame.base, count: size), path: path)
        } catch let error as LedgerError {
            return error
        } catch {
            return LedgerError(.io, "\(error)")
        }
        written += size
        return nil
    }

    /// Waits for every queued chunk.
    ///
    /// - Returns: The frontier after the last line and the segment's end offset.
    /// - Throws: The first failure of any chunk.
    func drain() throws -> (frontier: MerkleFrontier, end: Int) {
        let finished = { [self] () throws -> (MerkleFrontier, Int) in
            if let failure { throw failure }
            return (frontier, written)
        }
        guard let hashing, let writing else { return try finished() }
        hashing.sync {}
        return try writing.sync(execute: finished)
    }
}
