import Dispatch
import LZ4Codec
import LedgerIntegrity

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hashes, compresses and writes chunks of record lines on a second thread, in submission order,
/// so that a bulk append parses on one core while the other hashes and compresses.
///
/// Thread-safety: `frontier`, `written`, `failure` and `frame` are only touched by blocks on
/// `queue` while chunks are in flight (`spareChunks` only under its lock); the owner reads them
/// only after `drain()`, which waits for the queue to empty (a happens-before edge). That
/// single-owner discipline is why `@unchecked Sendable` is safe.
final class ChunkPipeline: @unchecked Sendable {
    /// Made by the first `submit` (a commit done wholly by `processHere` needs none).
    private var queue: DispatchQueue?
    private let slots = DispatchSemaphore(value: 2)
    private let descriptor: Int32
    private let path: String
    private var frontier: MerkleFrontier
    private var written: Int
    private var failure: LedgerError?
    /// Room for the frame being compressed, reused for every chunk (only `process` touches it).
    private var frame = RecordChunk(capacity: 0)
    /// Chunks written and emptied, for the batch to fill again (under `spares`).
    private var spareChunks: [RecordChunk] = []
    private let spares = ConditionLock()

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

    /// Queues a chunk of whole record lines (each ending in a newline). Blocks while two chunks
    /// are in flight. The chunk belongs to the pipeline from here on; once written it waits in
    /// `spare()` to be filled again.
    func submit(_ chunk: RecordChunk) {
        slots.wait()
        if queue == nil { queue = DispatchQueue(label: "parley.append.pipeline") }
        queue!.async { [self] in
            process(chunk)
            chunk.removeAll()
            spares.lock()
            spareChunks.append(chunk)
            spares.unlock()
            slots.signal()
        }
    }

    /// A chunk that was submitted and is written, emptied, to be filled again (nil while none is).
    func spare() -> RecordChunk? {
        spares.lock()
        defer { spares.unlock() }
        return spareChunks.popLast()
    }

    /// Hashes, compresses and writes `chunk` on the calling thread: for a commit that is one
    /// small chunk (a single append, a group commit), where handing it to the queue and back
    /// costs more than the work. Do not mix with pending `submit`s.
    func processHere(_ chunk: RecordChunk) {
        process(chunk)
    }

    private func process(_ chunk: RecordChunk) {
        guard failure == nil else { return }
        let raw = chunk.bytes
        guard let base = raw.baseAddress else { return }
        // A leaf hash is SHA-256 of 0x00 followed by the line: from the second line on, the
        // newline before the line becomes that 0x00 for the one call, so each leaf is one update.
        let mutableBase = chunk.base
        var start = 0
        while start < raw.count {
            let found = memchr(base + start, 0x0A, raw.count - start)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? raw.count
            let hash: Hash32
            if start == 0 {
                hash = RFC6962.leafHash(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            } else {
                mutableBase[start - 1] = 0x00
                hash = RFC6962.leafHash(prefixed: UnsafeRawBufferPointer(rebasing: raw[(start - 1)..<end]))
                mutableBase[start - 1] = 0x0A
            }
            frontier.append(leafHash: hash)
            start = end + 1
        }
        if let error = compressAndWrite(raw) { failure = error }
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
        guard let queue else { return try finished() }
        return try queue.sync(execute: finished)
    }
}
