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
/// Thread-safety: `frontier`, `written` and `failure` are only touched by blocks on `queue` while
/// chunks are in flight; the owner reads them only after `drain()`, which waits for the queue to
/// empty (a happens-before edge). That single-owner discipline is why `@unchecked Sendable` is safe.
final class ChunkPipeline: @unchecked Sendable {
    /// Made by the first `submit` (a commit done wholly by `processHere` needs none).
    private var queue: DispatchQueue?
    private let slots = DispatchSemaphore(value: 2)
    private let descriptor: Int32
    private let path: String
    private var frontier: MerkleFrontier
    private var written: Int
    private var failure: LedgerError?

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

    /// Queues a chunk of whole record lines (each ending in a newline). Blocks while two chunks are in flight.
    func submit(_ chunk: [UInt8]) {
        slots.wait()
        if queue == nil { queue = DispatchQueue(label: "parley.append.pipeline") }
        queue!.async { [self] in
            defer { slots.signal() }
            process(chunk)
        }
    }

    /// Hashes, compresses and writes `chunk` on the calling thread: for a commit that is one
    /// small chunk (a single append, a group commit), where handing it to the queue and back
    /// costs more than the work. Do not mix with pending `submit`s.
    func processHere(_ chunk: [UInt8]) {
        process(chunk)
    }

    private func process(_ chunk: [UInt8]) {
        guard failure == nil else { return }
        chunk.withUnsafeBytes { raw in
            var start = 0
            while start < raw.count {
                let found = memchr(raw.baseAddress! + start, 0x0A, raw.count - start)
                let end = found.map { raw.baseAddress!.distance(to: UnsafeRawPointer($0)) } ?? raw.count
                frontier.append(leafHash: RFC6962.leafHash(UnsafeRawBufferPointer(rebasing: raw[start..<end])))
                start = end + 1
            }
        }
        if let error = compressAndWrite(chunk) { failure = error }
    }

    /// Compresses one chunk into a frame and writes it; returns the failure, if any.
    private func compressAndWrite(_ chunk: [UInt8]) -> LedgerError? {
        var frame = [UInt8]()
        let encoded = chunk.withUnsafeBytes { raw -> LZ4Error? in
            do {
                try LZ4FrameEncoder.appendFrame(of: raw, blockSize: raw.count > 65_536 ? .large : .small, to: &frame)
                return nil
            } catch {
                return error as? LZ4Error ?? LZ4Error("\(error)")
            }
        }
        if let encoded { return LedgerError(.io, encoded.description) }
        let wrote = frame.withUnsafeBytes { raw -> LedgerError? in
            do {
                try FileSystem.writeAll(descriptor, raw, path: path)
                return nil
            } catch let error as LedgerError {
                return error
            } catch {
                return LedgerError(.io, "\(error)")
            }
        }
        if wrote == nil { written += frame.count }
        return wrote
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
