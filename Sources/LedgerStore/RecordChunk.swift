import CanonicalJSON

/// Record lines gathered for one LZ4 frame: a growable byte buffer written through a pointer
/// (one capacity check per record, not one per field).
///
/// The bulk path hands a full chunk to the `ChunkPipeline`, which hands it back once written
/// (`ChunkPipeline.spare()`), so a long import keeps reusing the same few megabytes instead of
/// faulting in fresh pages for every frame. One owner at a time: the batch while it fills the
/// chunk, the pipeline from `submit` until it returns it; hence `@unchecked Sendable`.
///
/// `parley`'s `LineReader` reads its input into two of these as well (package access): the
/// bytes do not move while their lines are read, and `reserve` grows one for a long line.
package final class RecordChunk: @unchecked Sendable {
    package private(set) var base: UnsafeMutablePointer<UInt8>
    package private(set) var capacity: Int
    /// Bytes written so far.
    package private(set) var count = 0

    /// Creates an empty chunk with room for `capacity` bytes.
    package init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// The bytes written.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Makes room for at least `extra` more bytes and returns where they go; `commit(to:)` then
    /// says how far the caller wrote.
    ///
    /// - Parameter extra: An upper bound of the bytes about to be written.
    /// - Returns: The address of the first free byte.
    @inline(__always)
    package func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if count + extra > capacity { grow(count + extra) }
        return base + count
    }

    /// Marks the bytes up to `end` (a pointer from `reserve` moved past what was written) as written.
    @inline(__always)
    package func commit(to end: UnsafeMutablePointer<UInt8>) {
        count = base.distance(to: end)
        assert(count <= capacity)
    }

    /// Forgets the bytes written, keeping the memory.
    package func removeAll() {
        count = 0
    }

    private func grow(_ needed: Int) {
        let larger = max(needed, 2 * capacity)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }
}

/// Emptied chunks kept for reuse by threads that hand them to each other: the frames' pipeline
/// gives back each chunk it has written, the bulk batch's committing thread the chunks of a
/// committed block. A chunk taken here is filled again instead of a fresh one being allocated
/// (and the old one freed, often on another thread than the one that filled it).
///
/// Thread-safety: the stack is only touched under `lock`, and a chunk has one owner at a time
/// (whoever gave it up no longer uses it); hence `@unchecked Sendable`.
final class RecordChunkPool: @unchecked Sendable {
    private var chunks: [RecordChunk] = []
    private let lock = ConditionLock()
    private let limit: Int

    /// Creates an empty pool keeping at most `limit` chunks (more given back are freed).
    init(limit: Int = .max) {
        self.limit = limit
    }

    /// A chunk given back earlier, empty; nil while there is none.
    func take() -> RecordChunk? {
        lock.lock()
        defer { lock.unlock() }
        return chunks.popLast()
    }

    /// Empties `chunk` and keeps it for `take()`, unless the pool is full.
    func give(_ chunk: RecordChunk) {
        chunk.removeAll()
        lock.lock()
        if chunks.count < limit { chunks.append(chunk) }
        lock.unlock()
    }
}

/// Writes bytes forward from a pointer into room reserved beforehand (`RecordChunk.reserve`).
struct ByteCursor {
    private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ position: UnsafeMutablePointer<UInt8>) {
        self.position = position
    }

    @inline(__always)
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        ShortCopy.copy(position, source, bytes.count)
        position += bytes.count
    }

    @inline(__always)
    mutating func write(_ literal: StaticString) {
        position.update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
        position += literal.utf8CodeUnitCount
    }

    /// Moves past `count` bytes the caller wrote at `position` itself.
    @inline(__always)
    mutating func skip(_ count: Int) {
        position += count
    }

    @inline(__always)
    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes the decimal digits of `value` (at most 20 bytes).
    @inline(__always)
    mutating func writeDecimal(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        rest = value
        var slot = position + digits
        repeat {
            slot -= 1
            slot.pointee = UInt8(truncatingIfNeeded: rest % 10) + 48
            rest /= 10
        } while rest > 0
        position += digits
    }
}
