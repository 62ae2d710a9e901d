import Dispatch
import Projections

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Parses record lines into events on every core (parsing is pure; folding stays in seq order).
enum ParallelParse {
    /// Lines below this count are parsed on the calling thread.
    static let threshold = 1024

    /// The workers used.
    static let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// Parses the lines of `content` at `ranges`, in order.
    ///
    /// - Parameters:
    ///   - content: The bytes holding the lines.
    ///   - ranges: Where each line is (no newline).
    /// - Returns: One event per range, in order.
    /// - Throws: The first parse error, by line order.
    static func events(_ content: [UInt8], _ ranges: [Range<Int>]) throws -> [ProjectedEvent] {
        if ranges.count < threshold || workers == 1 {
            return try content.withUnsafeBytes { raw in
                try ranges.map { try ProjectedEvent(line: UnsafeRawBufferPointer(rebasing: raw[$0])) }
            }
        }
        let slices = workers
        let size = (ranges.count + slices - 1) / slices
        // Each worker parses its slice into its own array; the slices are then joined into the
        // first one's buffer, grown once to the final size (`flatMap` grows a new one stepwise).
        nonisolated(unsafe) var results = [[ProjectedEvent]](repeating: [], count: slices)
        nonisolated(unsafe) var failures = [Error?](repeating: nil, count: slices)
        content.withUnsafeBytes { raw in
            nonisolated(unsafe) let bytes = raw
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                let lower = slice * size
                let upper = min(ranges.count, lower + size)
                guard lower < upper else { return }
                var parsed: [ProjectedEvent] = []
                parsed.reserveCapacity(upper - lower)
                do {
                    for index in lower..<upper {
                        parsed.append(try ProjectedEvent(line: UnsafeRawBufferPointer(rebasing: bytes[ranges[index]])))
                    }
                } catch {
                    failures[slice] = error
                }
                results[slice] = parsed
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        var events = results[0]
        results[0] = []
        events.reserveCapacity(ranges.count)
        for slice in 1..<slices {
            events.append(contentsOf: results[slice])
            results[slice] = []
        }
        return events
    }

    /// The line ranges of newline-terminated `content`.
    static func lineRanges(_ content: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        content.withUnsafeBytes { raw in
            while start < raw.count {
                let end = RecordLine.lineEnd(raw, from: start)
                ranges.append(start..<end)
                start = end + 1
            }
        }
        return ranges
    }
}
