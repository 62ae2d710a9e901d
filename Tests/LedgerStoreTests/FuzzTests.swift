import Foundation
import LZ4Codec
import LedgerIntegrity
import LedgerStore
import ParleyTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Property tests ("fuzzing") of the store's readers over damaged segment files: thousands of
// seeded, deterministic cases of bit flips, byte insertions and deletions, truncations, splices
// of two segments, dropped and replayed commits, random garbage and absurd sizes in frame headers,
// fed to `SegmentScan`, `CommitDecoder`, `LedgerReader` and `LedgerWriter` recovery.
//
// Properties: nothing crashes or hangs (every case runs under a watchdog); every failure is a
// `LedgerError`; whatever is read is byte-identical to the original record at that seq (a
// mutation never invents or alters a record); a reader returns a prefix of the original records
// or reports an integrity problem; a writer that opens a damaged ledger reports exactly the
// committed prefix it verified (tree size and root of the original at that size) and can append.
//
// These are property tests, not a coverage-guided fuzzer: no libFuzzer target is built (the
// deterministic seeds make every failure reproducible from its case number).

/// A small pristine ledger (several segments, commits of 1-6 records) and what is known about it.
final class FuzzCorpus: Sendable {
    /// The pristine ledger directory.
    let path: String
    let segmentNames: [String]
    let segments: [[UInt8]]
    /// Record lines (no newline), index = seq - 1.
    let records: [[UInt8]]
    /// The RFC 6962 root at every commit boundary (tree size → root), and at 0.
    let roots: [UInt64: Hash32]
    /// Per segment: commit boundaries (start of each commit and end of the last).
    let boundaries: [[Int]]
    /// The pristine index files (name → bytes).
    let index: [String: [UInt8]]
    static let segmentBytes = 1500

    static func options() -> LedgerWriter.Options {
        var options = LedgerWriter.Options()
        options.segmentBytes = segmentBytes
        // Not 0: a child process that another test is spawning shares the LOCK file's open file
        // description (and so the flock) until it execs, for a moment after the writer closed it.
        options.wait = 5
        return options
    }

    /// Builds the corpus in `directory`.
    init(in directory: String) throws {
        path = directory + "/pristine"
        _ = try LedgerSetup.create(at: path, origin: nil)
        let sizes = [2, 4, 1, 5, 3, 6, 2]
        var n = 0
        for (commit, size) in sizes.enumerated() {
            let writer = try LedgerWriter(path: path, options: Self.options())
            let batch = writer.batch(largeFrames: size > 2)
            for _ in 0..<size {
                n += 1
                batch.add(Self.event(n, commit: commit), label: "line \(n)")
            }
            _ = try batch.finish()
        }
        let reader = try LedgerReader(path: path)
        var lines: [[UInt8]] = []
        try reader.forEachRecord(from: LedgerReader.start(fromSeq: 1)) { seq, line in
            precondition(seq == UInt64(lines.count + 1))
            lines.append(Array(line))
            return true
        }
        records = lines
        segmentNames = reader.segmentNames()
        var segments: [[UInt8]] = []
        var roots: [UInt64: Hash32] = [0: RFC6962.emptyRoot]
        var boundaries: [[Int]] = []
        for name in segmentNames {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path + "/segments/" + name)))
            let scan = bytes.withUnsafeBytes { SegmentScan($0) }
            precondition(scan.tail == nil && !scan.commits.isEmpty)
            for commit in scan.commits { roots[commit.marker.lastSeq] = commit.marker.root }
            boundaries.append(scan.commits.map(\.start) + [scan.committedEnd])
            segments.append(bytes)
        }
        self.segments = segments
        self.roots = roots
        self.boundaries = boundaries
        var index: [String: [UInt8]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path + "/index")) ?? [] {
            index[name] = Array(try Data(contentsOf: URL(fileURLWithPath: path + "/index/" + name)))
        }
        self.index = index
        precondition(segments.count >= 3, "the corpus needs several segments")
    }

    /// Event n: varied streams, escapes, non-ASCII text and repetition (so that LZ4 finds matches).
    static func event(_ n: Int, commit: Int) -> [UInt8] {
        let stream = ["party/zil", "negotiation/zil-faw", "party/faw"][n % 3]
        let text = [
            "Talks are only in the very early stages.", "Переговоры находятся на ранней стадии.",
            #"quote \" backslash \\ tab \t"#, "as soon as this year, as soon as this year, as soon as this year",
        ][n % 4]
        return Array(
            #"{"stream":"\#(stream)","type":"StatementReported","effective_at":"2005-03-0\#(1 + n % 9)T00:00:00Z","data":{"n":\#(n),"commit":\#(commit),"claim":"\#(text)","amount":"\#(n * 1000)"},"meta":{"source":{"publication":"Vedomosti"}}}"#
                .utf8)
    }
}

/// One damaged ledger: segment `segment` replaced by `bytes` (nil: the segment file is gone).
struct FuzzCase: CustomStringConvertible {
    var number: Int
    var segment: Int
    var bytes: [UInt8]?
    var steps: [String]
    var description: String { "case \(number): segment \(segment): " + steps.joined(separator: ", ") }
}

/// Makes damaged segments.
enum Mutator {
    static let dataMagic: [UInt8] = [0x04, 0x22, 0x4D, 0x18]
    static let markerMagic: [UInt8] = [0x5C, 0x2A, 0x4D, 0x18]

    static func make(_ number: Int, corpus: FuzzCorpus, seed: UInt64, allowDrop: Bool) -> FuzzCase {
        var rng = SplitMix64(seed: seed &+ UInt64(number) &* 0x1000_0000_01B3)
        let segment = Int.random(in: 0..<corpus.segments.count, using: &rng)
        var fuzz = FuzzCase(number: number, segment: segment, bytes: corpus.segments[segment], steps: [])
        if allowDrop && Int.random(in: 0..<40, using: &rng) == 0 {
            fuzz.bytes = nil
            fuzz.steps.append("segment file removed")
            return fuzz
        }
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            step(&fuzz, corpus: corpus, rng: &rng)
            if rng.next() % 2 == 0 { break }
        }
        return fuzz
    }

    private static func randomBytes(_ count: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// Frames of the current bytes (as far as the scanner gets).
    private static func frames(_ bytes: [UInt8]) -> [FrameLayout] {
        bytes.withUnsafeBytes { raw in
            var out: [FrameLayout] = []
            var cursor = 0
            while cursor < raw.count, let frame = try? FrameScanner.frame(in: raw, at: cursor) {
                out.append(frame)
                cursor = frame.range.upperBound
            }
            return out
        }
    }

    private static func step(_ fuzz: inout FuzzCase, corpus: FuzzCorpus, rng: inout SplitMix64) {
        var bytes = fuzz.bytes ?? []
        let count = bytes.count
        func offset() -> Int { count == 0 ? 0 : Int.random(in: 0..<count, using: &rng) }
        switch Int.random(in: 0..<14, using: &rng) {
        case 0, 1:
            guard count > 0 else { break }
            var flips: [String] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = offset()
                let bit = UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                bytes[at] ^= bit
                flips.append("\(at)^\(bit)")
            }
            fuzz.steps.append("bit flips " + flips.joined(separator: " "))
        case 2:
            let at = Int.random(in: 0...count, using: &rng)
            var inserted = randomBytes(Int.random(in: 1...16, using: &rng), &rng)
            if rng.next() % 3 == 0 { inserted = (rng.next() % 2 == 0 ? dataMagic : markerMagic) + inserted }
            bytes.insert(contentsOf: inserted, at: at)
            fuzz.steps.append("inserted \(inserted.count) bytes at \(at)")
        case 3:
            guard count > 0 else { break }
            let at = offset()
            let length = min(Int.random(in: 1...16, using: &rng), count - at)
            bytes.removeSubrange(at..<(at + length))
            fuzz.steps.append("deleted \(length) bytes at \(at)")
        case 4:
            let length = Int.random(in: 0...count, using: &rng)
            bytes.removeSubrange(length...)
            fuzz.steps.append("truncated to \(length) bytes")
        case 5:
            guard count > 0 else { break }
            let at = offset()
            let length = min(Int.random(in: 1...8, using: &rng), count - at)
            let value: UInt8 = [0x00, 0xFF, UInt8.random(in: 0...255, using: &rng)][Int.random(in: 0..<3, using: &rng)]
            for index in at..<(at + length) { bytes[index] = value }
            fuzz.steps.append("overwrote \(length) bytes at \(at) with \(value)")
        case 6, 7:
            // Splice: a prefix of this segment and a suffix of another (or the same) one, cut at
            // random offsets or at commit boundaries (which replays, drops or reorders whole commits).
            let other = Int.random(in: 0..<corpus.segments.count, using: &rng)
            let source = corpus.segments[other]
            let aligned = rng.next() % 2 == 0
            let cutA =
                aligned && fuzz.bytes == corpus.segments[fuzz.segment]
                ? corpus.boundaries[fuzz.segment].randomElement(using: &rng)! : Int.random(in: 0...count, using: &rng)
            let cutB =
                aligned ? corpus.boundaries[other].randomElement(using: &rng)! : Int.random(in: 0...source.count, using: &rng)
            bytes = Array(bytes[..<min(cutA, count)]) + Array(source[cutB...])
            fuzz.steps.append("spliced [0,\(cutA)) with segment \(other) from \(cutB)")
        case 8:
            var garbage = randomBytes(Int.random(in: 0...400, using: &rng), &rng)
            if rng.next() % 2 == 0 { garbage = (rng.next() % 2 == 0 ? dataMagic : markerMagic) + garbage }
            bytes = garbage
            fuzz.steps.append("replaced by \(garbage.count) random bytes")
        case 9:
            // An absurd skippable-frame (marker) size.
            let markers = frames(bytes).compactMap { frame -> Int? in
                if case .skippable(let range, _, _) = frame { return range.lowerBound }
                return nil
            }
            guard let at = markers.randomElement(using: &rng) else { break }
            let size: UInt32 = [0xFFFF_FFFF, 0x7FFF_FFFF, UInt32(count), UInt32.random(in: 0...UInt32.max, using: &rng)][
                Int.random(in: 0..<4, using: &rng)]
            bytes.replaceSubrange((at + 4)..<(at + 8), with: le32(size))
            fuzz.steps.append("marker at \(at) declares \(size) bytes")
        case 10:
            // An absurd block size in a data frame (the first block word after the 15-byte header).
            let data = frames(bytes).compactMap { frame -> Int? in
                if case .data(let range, let size) = frame, size != nil, range.count > 19 { return range.lowerBound }
                return nil
            }
            guard let at = data.randomElement(using: &rng) else { break }
            let word: UInt32 = [
                0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000 | UInt32(count), UInt32.random(in: 0...UInt32.max, using: &rng),
            ][
                Int.random(in: 0..<4, using: &rng)]
            bytes.replaceSubrange((at + 15)..<(at + 19), with: le32(word))
            fuzz.steps.append("data frame at \(at) declares a block of \(word & 0x7FFF_FFFF) bytes")
        case 11:
            // A wrong declared content size: slightly off, or absurd (up to 2^63 - 1).
            let data = frames(bytes).compactMap { frame -> (Int, Int)? in
                if case .data(let range, let size?) = frame { return (range.lowerBound, size) }
                return nil
            }
            guard let (at, size) = data.randomElement(using: &rng) else { break }
            let huge: [UInt64] = [1 << 40, 1 << 33, UInt64(Int.max), UInt64.max, UInt64(size) | 1 << 56]
            let wrong =
                rng.next() % 3 == 0
                ? huge.randomElement(using: &rng)! : UInt64(max(0, size + Int.random(in: -200...200, using: &rng)))
            bytes.replaceSubrange(
                (at + 6)..<(at + 14), with: (0..<8).map { UInt8(truncatingIfNeeded: wrong >> (8 * UInt64($0))) })
            fuzz.steps.append("data frame at \(at) declares \(wrong) content bytes (really \(size))")
        case 12:
            // Replay: a whole commit of this segment copied to another commit boundary.
            let bounds = corpus.boundaries[fuzz.segment]
            guard fuzz.bytes == corpus.segments[fuzz.segment], bounds.count >= 2 else { break }
            let which = Int.random(in: 0..<(bounds.count - 1), using: &rng)
            let commit = Array(bytes[bounds[which]..<bounds[which + 1]])
            let at = bounds.randomElement(using: &rng)!
            bytes.insert(contentsOf: commit, at: at)
            fuzz.steps.append("commit \(bounds[which])..<\(bounds[which + 1]) replayed at \(at)")
        default:
            // Drop: a whole commit removed from the middle of the segment.
            let bounds = corpus.boundaries[fuzz.segment]
            guard fuzz.bytes == corpus.segments[fuzz.segment], bounds.count >= 3 else { break }
            let which = Int.random(in: 0..<(bounds.count - 1), using: &rng)
            bytes.removeSubrange(bounds[which]..<bounds[which + 1])
            fuzz.steps.append("commit \(bounds[which])..<\(bounds[which + 1]) removed")
        }
        fuzz.bytes = bytes
    }
}

/// Findings of a run; filled by the worker thread, read by the test after it finished.
final class FuzzFindings: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String] = []
    private var gaps: [String] = []
    private var counts: [String: Int] = [:]
    private var current = ""
    private var lastProgress = Date()
    private var finished = false

    func fail(_ message: String) { lock.withLock { failures.append(message) } }
    func gap(_ message: String) { lock.withLock { gaps.append(message) } }
    func count(_ key: String, _ amount: Int = 1) { lock.withLock { counts[key, default: 0] += amount } }
    /// Adds the milliseconds `body` takes to the count `key`.
    func time<T>(_ key: String, _ body: () -> T) -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { count(key, Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)) }
        return body()
    }
    func start(_ description: String) {
        lock.withLock {
            current = description
            lastProgress = Date()
        }
    }
    func finish() { lock.withLock { finished = true } }

    var snapshot: (failures: [String], gaps: [String], counts: [String: Int], current: String, idle: TimeInterval, finished: Bool)
    {
        lock.withLock { (failures, gaps, counts, current, Date().timeIntervalSince(lastProgress), finished) }
    }

    /// Runs `body` on a thread with a large stack; records a failure naming the case that stopped
    /// making progress for `stall` seconds (a hang), and returns then.
    static func run(stall: TimeInterval, _ body: @escaping @Sendable (FuzzFindings) -> Void) -> FuzzFindings {
        let findings = FuzzFindings()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body(findings)
            findings.finish()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        while done.wait(timeout: .now() + 1) == .timedOut {
            let state = findings.snapshot
            if state.idle > stall {
                findings.fail("HANG: \(state.current) made no progress for \(Int(state.idle)) s")
                return findings
            }
        }
        return findings
    }

    func report(_ label: String, since started: Date) {
        let state = snapshot
        for failure in state.failures.prefix(25) { Issue.record("\(label): \(failure)") }
        if state.failures.count > 25 { Issue.record("\(label): \(state.failures.count - 25) more failures") }
        if !state.gaps.isEmpty {
            Issue.record("\(label): \(state.gaps.count) cases returned a seq gap without an error, e.g. \(state.gaps[0])")
        }
        print(
            "\(label): \(Int(Date().timeIntervalSince(started))) s: "
                + state.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

/// The checks, shared by the tests.
enum FuzzChecks {
    /// `SegmentScan` and `CommitDecoder` over one damaged segment, in memory.
    static func segment(_ bytes: [UInt8], _ label: String, corpus: FuzzCorpus, findings: FuzzFindings) {
        bytes.withUnsafeBytes { raw in
            let scan = SegmentScan(raw)
            var previousEnd = 0
            for commit in scan.commits {
                guard commit.start >= previousEnd, commit.start <= commit.markerRange.lowerBound,
                    commit.markerRange.upperBound <= raw.count,
                    commit.dataFrames.allSatisfy({
                        $0.range.lowerBound >= commit.start && $0.range.upperBound <= commit.markerRange.lowerBound
                    })
                else {
                    findings.fail("\(label): SegmentScan returned inconsistent ranges")
                    return
                }
                previousEnd = commit.markerRange.upperBound
            }
            if scan.committedEnd != (scan.commits.last?.markerRange.upperBound ?? 0)
                || (scan.tail.map { $0.offset != scan.committedEnd } ?? false)
                || scan.committedEnd > raw.count
            {
                findings.fail("\(label): SegmentScan committedEnd/tail inconsistent")
            }
            findings.count(scan.tail == nil ? "scan.clean" : "scan.tail")
            guard let decoder = try? CommitDecoder() else {
                findings.fail("\(label): no decoder")
                return
            }
            for commit in scan.commits {
                if commit.dataFrames.contains(where: { ($0.contentSize ?? 0) > 1 << 20 }) {
                    findings.count("decode.huge-declared-size")
                }
                do {
                    try decoder.decode(commit, in: raw, segment: "fuzz")
                } catch let error as LedgerError {
                    findings.count(error.code == .integrity ? "decode.integrity-error" : "decode.other-ledger-error")
                    continue
                } catch {
                    findings.fail("\(label): CommitDecoder threw a non-LedgerError: \(error)")
                    continue
                }
                findings.count("decode.ok")
                decoder.content.withUnsafeBytes { content in
                    for (index, line) in decoder.lines.enumerated() {
                        let seq = Int(commit.marker.firstSeq) + index
                        guard seq >= 1, seq <= corpus.records.count,
                            UnsafeRawBufferPointer(rebasing: content[line]).elementsEqual(corpus.records[seq - 1])
                        else {
                            findings.fail("\(label): CommitDecoder returned a record for seq \(seq) that is not the original")
                            return
                        }
                    }
                }
            }
        }
    }

    /// Writes the corpus with `fuzz` applied into `directory` (manifest, LOCK, segments, optionally the index).
    static func materialize(_ fuzz: FuzzCase, corpus: FuzzCorpus, at directory: String, index: Bool) throws {
        let manager = FileManager.default
        try? manager.removeItem(atPath: directory)
        try manager.createDirectory(atPath: directory + "/segments", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/index", withIntermediateDirectories: true)
        try Data(contentsOf: URL(fileURLWithPath: corpus.path + "/ledger.json")).write(
            to: URL(fileURLWithPath: directory + "/ledger.json"))
        try Data().write(to: URL(fileURLWithPath: directory + "/LOCK"))
        for (position, name) in corpus.segmentNames.enumerated() {
            let bytes = position == fuzz.segment ? fuzz.bytes : corpus.segments[position]
            if let bytes { try Data(bytes).write(to: URL(fileURLWithPath: directory + "/segments/" + name)) }
        }
        if index {
            for (name, bytes) in corpus.index { try Data(bytes).write(to: URL(fileURLWithPath: directory + "/index/" + name)) }
        }
    }

    /// Reads everything with `LedgerReader`: each record must be the original at its seq; the
    /// records must be a prefix (a hole is recorded as a gap); failures must be `LedgerError`s.
    @discardableResult
    static func read(
        _ directory: String, _ label: String, corpus: FuzzCorpus, findings: FuzzFindings, extra: [UInt64: [UInt8]] = [:]
    ) -> [UInt64]? {
        var seqs: [UInt64] = []
        do {
            let reader = try LedgerReader(path: directory)
            try reader.forEachRecord(from: LedgerReader.start(fromSeq: 1)) { seq, line in
                let original: [UInt8]? =
                    extra[seq] ?? (seq >= 1 && seq <= UInt64(corpus.records.count) ? corpus.records[Int(seq) - 1] : nil)
                guard let original, line.elementsEqual(original) else {
                    findings.fail("\(label): LedgerReader returned a record for seq \(seq) that is not the original")
                    return false
                }
                if let last = seqs.last, seq <= last {
                    findings.fail("\(label): LedgerReader returned seq \(seq) after \(last)")
                    return false
                }
                seqs.append(seq)
                return true
            }
        } catch let error as LedgerError {
            findings.count("read.\(error.code)-error")
            return nil
        } catch {
            findings.fail("\(label): LedgerReader threw a non-LedgerError: \(error)")
            return nil
        }
        if !isPrefix(seqs) {
            findings.gap("\(label): read seqs \(Self.ranges(seqs))")
        }
        findings.count(seqs.count == corpus.records.count ? "read.all" : "read.prefix")
        return seqs
    }

    /// Opens a writer on the damaged ledger (recovery), appends one event, reads back, reopens.
    static func recover(_ directory: String, _ label: String, indexed: Bool, corpus: FuzzCorpus, findings: FuzzFindings) {
        var lastSeq: UInt64 = 0
        do {
            let writer = try LedgerWriter(path: directory, options: FuzzCorpus.options())
            lastSeq = writer.lastSeq
            guard lastSeq <= UInt64(corpus.records.count), let root = corpus.roots[lastSeq], writer.root == root else {
                findings.fail("\(label): the writer recovered tree size \(lastSeq) with a root that is not the original's")
                return
            }
            let batch = writer.batch(largeFrames: false)
            batch.add(FuzzCorpus.event(10_000, commit: 99), label: "fuzz")
            let summary = try batch.finish()
            guard summary.seqRange == (lastSeq + 1)...(lastSeq + 1) else {
                findings.fail(
                    "\(label): the append after recovery got seqs \(String(describing: summary.seqRange)), expected \(lastSeq + 1)"
                )
                return
            }
            findings.count(indexed ? "recover.ok-with-index" : "recover.ok-rebuilt")
        } catch let error as LedgerError {
            findings.count("recover.\(error.code)-error")
            return
        } catch {
            findings.fail("\(label): LedgerWriter threw a non-LedgerError: \(error)")
            return
        }
        // The appended record: read it back from the ledger (its recorded_at is the writer's).
        var appended: [UInt8]?
        do {
            appended = try LedgerReader(path: directory).record(seq: lastSeq + 1)
        } catch let error as LedgerError {
            findings.count("recover.read-back-\(error.code)-error")
        } catch {
            findings.fail("\(label): LedgerReader threw a non-LedgerError: \(error)")
        }
        if let appended {
            guard let envelope = try? RecordEnvelope(line: appended), envelope.seq == lastSeq + 1,
                envelope.data.elementsEqual(
                    #"{"amount":"10000000","claim":"Talks are only in the very early stages.","commit":99,"n":10000}"#.utf8)
            else {
                findings.fail("\(label): the record appended after recovery reads back wrong")
                return
            }
            let seqs = read(
                directory, label + " (after recovery)", corpus: corpus, findings: findings, extra: [lastSeq + 1: appended])
            // A writer that rebuilt its index verified every record up to lastSeq.
            if let seqs, !indexed, seqs != Array(1...(lastSeq + 1)) {
                findings.fail(
                    "\(label): after a rebuilding recovery the ledger reads as \(ranges(seqs)), expected 1-\(lastSeq + 1)")
            }
        }
        // Recovery is repeatable: a second writer opens the result and sees the same tree.
        do {
            let again = try LedgerWriter(path: directory, options: FuzzCorpus.options())
            if again.lastSeq != lastSeq + 1 {
                findings.fail("\(label): reopening after recovery shows tree size \(again.lastSeq), expected \(lastSeq + 1)")
            }
        } catch let error as LedgerError {
            if !indexed { findings.fail("\(label): reopening after a rebuilding recovery failed: \(error)") }
        } catch {
            findings.fail("\(label): LedgerWriter threw a non-LedgerError: \(error)")
        }
    }

    /// Whether `seqs` is 1, 2, 3 ... (possibly empty).
    static func isPrefix(_ seqs: [UInt64]) -> Bool {
        seqs.enumerated().allSatisfy { $0.element == UInt64($0.offset + 1) }
    }

    static func ranges(_ seqs: [UInt64]) -> String {
        var parts: [String] = []
        var start: UInt64?
        var previous: UInt64 = 0
        for seq in seqs {
            if let first = start, seq != previous + 1 {
                parts.append(first == previous ? "\(first)" : "\(first)-\(previous)")
                start = seq
            } else if start == nil {
                start = seq
            }
            previous = seq
        }
        if let first = start { parts.append(first == previous ? "\(first)" : "\(first)-\(previous)") }
        return parts.isEmpty ? "nothing" : parts.joined(separator: ",")
    }
}

@Suite struct FuzzTests {
    static let seed: UInt64 = 0x5EED_2005_0314
    /// Cases per property test; `PARLEY_FUZZ_CASES` raises it for a longer run by hand.
    static let cases = ProcessInfo.processInfo.environment["PARLEY_FUZZ_CASES"].flatMap { Int($0) } ?? 2000

    /// 2,000 damaged segments through SegmentScan and CommitDecoder (in memory); every tenth also
    /// through LedgerReader (on disk) and every 40th through LedgerWriter recovery (with or without
    /// the index). Debug builds decode slowly (~0.1 s per ledger read), hence the sampling.
    @Test(.timeLimit(.minutes(10))) func mutatedSegments() throws {
        try TemporaryDirectory.with { dir in
            let started = Date()
            let corpus = try FuzzCorpus(in: dir)
            let findings = FuzzFindings.run(stall: 60) { findings in
                for number in 0..<Self.cases {
                    let fuzz = Mutator.make(number, corpus: corpus, seed: Self.seed, allowDrop: true)
                    findings.start(fuzz.description)
                    let label = fuzz.description
                    findings.count("cases")
                    if let bytes = fuzz.bytes {
                        findings.time("ms.segment") { FuzzChecks.segment(bytes, label, corpus: corpus, findings: findings) }
                    }
                    guard number % 10 == 0 else { continue }
                    do {
                        try FuzzChecks.materialize(fuzz, corpus: corpus, at: dir + "/read", index: false)
                    } catch {
                        findings.fail("\(label): cannot write the case: \(error)")
                        continue
                    }
                    _ = findings.time("ms.read") { FuzzChecks.read(dir + "/read", label, corpus: corpus, findings: findings) }
                    if number % 40 == 0 {
                        let indexed = number % 80 == 0
                        let path = dir + "/recover"
                        do {
                            try FuzzChecks.materialize(fuzz, corpus: corpus, at: path, index: indexed)
                        } catch {
                            findings.fail("\(label): cannot write the case: \(error)")
                            continue
                        }
                        findings.time("ms.recover") {
                            FuzzChecks.recover(
                                path, label + (indexed ? " [index kept]" : " [no index]"), indexed: indexed, corpus: corpus,
                                findings: findings)
                        }
                    }
                }
            }
            findings.report("mutatedSegments", since: started)
            #expect(findings.snapshot.finished)
            #expect(findings.snapshot.counts["cases"] == Self.cases)
        }
    }

    /// 2,000 random byte strings (half of them starting with an LZ4 or a skippable-frame magic)
    /// through FrameScanner, SegmentScan, CommitDecoder and CommitMarker's parser.
    @Test(.timeLimit(.minutes(5))) func randomByteStrings() throws {
        try TemporaryDirectory.with { dir in
            let started = Date()
            let corpus = try FuzzCorpus(in: dir)
            let findings = FuzzFindings.run(stall: 60) { findings in
                var rng = SplitMix64(seed: Self.seed ^ 0xB17E5)
                for number in 0..<Self.cases {
                    let count = Int.random(in: 0...600, using: &rng)
                    var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    switch number % 4 {
                    case 0: bytes = Mutator.dataMagic + [0x6C, 0x40] + bytes  // plausible FLG/BD
                    case 1: bytes = Mutator.markerMagic + [UInt8(min(count, 255)), 0, 0, 0] + bytes
                    case 2: bytes = Mutator.dataMagic + bytes
                    default: break
                    }
                    let label = "random string \(number) (\(bytes.count) bytes)"
                    findings.start(label)
                    bytes.withUnsafeBytes { raw in
                        if let frame = try? FrameScanner.frame(in: raw, at: 0),
                            frame.range.upperBound > raw.count || frame.range.lowerBound != 0
                        {
                            findings.fail("\(label): FrameScanner returned a frame outside the bytes")
                        }
                    }
                    FuzzChecks.segment(bytes, label, corpus: corpus, findings: findings)
                    // A marker parses only from exactly the canonical bytes it would write.
                    let payload = Array(bytes.dropFirst(number % 4 == 1 ? 8 : 0))
                    if let marker = CommitMarker(payload: payload), marker.payload != payload {
                        findings.fail("\(label): CommitMarker accepted a payload that is not its canonical form")
                    }
                    findings.count("cases")
                }
                // Damaged marker payloads: every single-byte change of a real one is rejected or round-trips.
                let real = CommitMarker(
                    firstSeq: 3, lastSeq: 7, root: corpus.roots[7] ?? RFC6962.emptyRoot,
                    committedAt: "2026-11-25T15:00:00.000000Z"
                ).payload
                for index in real.indices {
                    for value: UInt8 in [0x00, 0x22, 0x30, 0x39, 0x7B, 0x7D, real[index] ^ 0x01, real[index] ^ 0x20] {
                        var payload = real
                        payload[index] = value
                        findings.start("marker byte \(index) = \(value)")
                        if let marker = CommitMarker(payload: payload) {
                            if marker.payload != payload {
                                findings.fail("marker byte \(index) = \(value): accepted a non-canonical payload")
                            }
                            findings.count("marker.mutant-accepted")
                        }
                    }
                }
            }
            findings.report("randomByteStrings", since: started)
            #expect(findings.snapshot.finished)
            #expect(findings.snapshot.counts["cases"] == Self.cases)
        }
    }

    /// The neighbourhood of the last commit (where a crash tears writes): a truncation at every one
    /// of its bytes (torn writes: readers see exactly the earlier commits) and a bit flip at every
    /// third, through SegmentScan and CommitDecoder; every eighth through the reader and every 24th
    /// through recovery. Plus truncations of the sealed segments, through the reader.
    @Test(.timeLimit(.minutes(10))) func everyByteOfTheLastCommit() throws {
        try TemporaryDirectory.with { dir in
            let started = Date()
            let corpus = try FuzzCorpus(in: dir)
            let findings = FuzzFindings.run(stall: 60) { findings in
                let last = corpus.segments.count - 1
                let pristine = corpus.segments[last]
                let lastCommit = corpus.boundaries[last][corpus.boundaries[last].count - 2]..<pristine.count
                var cases: [FuzzCase] = []
                for cut in lastCommit {
                    cases.append(
                        FuzzCase(
                            number: cases.count, segment: last, bytes: Array(pristine[..<cut]), steps: ["truncated to \(cut)"]))
                }
                for index in lastCommit where index % 3 == 0 {
                    var bytes = pristine
                    bytes[index] ^= UInt8(1) << UInt8(index % 8)
                    cases.append(
                        FuzzCase(
                            number: cases.count, segment: last, bytes: bytes, steps: ["bit \(index % 8) of byte \(index) flipped"]
                        ))
                }
                for segment in 0..<last {
                    for cut in stride(from: 0, to: corpus.segments[segment].count, by: 151) {
                        cases.append(
                            FuzzCase(
                                number: cases.count, segment: segment, bytes: Array(corpus.segments[segment][..<cut]),
                                steps: ["truncated to \(cut)"]))
                    }
                }
                for fuzz in cases {
                    findings.start(fuzz.description)
                    findings.count("cases")
                    findings.time("ms.segment") {
                        FuzzChecks.segment(fuzz.bytes!, fuzz.description, corpus: corpus, findings: findings)
                    }
                    guard fuzz.number % 8 == 0 || fuzz.segment != last else { continue }
                    guard (try? FuzzChecks.materialize(fuzz, corpus: corpus, at: dir + "/read", index: false)) != nil else {
                        findings.fail("\(fuzz.description): cannot write the case")
                        continue
                    }
                    let seqs = findings.time("ms.read") {
                        FuzzChecks.read(dir + "/read", fuzz.description, corpus: corpus, findings: findings)
                    }
                    // Truncating the last segment is a torn write: exactly the earlier commits remain.
                    if fuzz.segment == last, fuzz.steps[0].hasPrefix("truncated"), let seqs {
                        let kept = fuzz.bytes!.withUnsafeBytes { SegmentScan($0).commits.last?.marker.lastSeq }
                        let expected = kept ?? (LedgerLayout.firstSeq(ofSegment: corpus.segmentNames[last])! - 1)
                        if seqs != Array(1...max(expected, 1)).prefix(Int(expected)).map({ $0 }) {
                            findings.fail("\(fuzz.description): read \(FuzzChecks.ranges(seqs)), expected 1-\(expected)")
                        }
                    }
                    if fuzz.number % 24 == 0 {
                        let indexed = fuzz.number % 48 == 0
                        guard (try? FuzzChecks.materialize(fuzz, corpus: corpus, at: dir + "/recover", index: indexed)) != nil
                        else { continue }
                        findings.time("ms.recover") {
                            FuzzChecks.recover(
                                dir + "/recover", fuzz.description, indexed: indexed, corpus: corpus, findings: findings)
                        }
                    }
                }
            }
            findings.report("everyByteOfTheLastCommit", since: started)
            #expect(findings.snapshot.finished)
        }
    }

    // MARK: - Bugs found by the fuzzing

    /// A data frame that declares an absurd content size (one bit flip in its header) is an
    /// integrity error. (It used to crash every reader: `LZ4FrameDecoder` allocated the declared
    /// size before liblz4 checked the header; fixed by capping it at LZ4's maximum ratio.) Runs
    /// in a child process, so that a regression fails this test instead of killing the runner.
    @Test(arguments: [UInt64(1) << 40, UInt64(1) << 33, UInt64(Int.max)])
    func hugeDeclaredContentSize(_ size: UInt64) async {
        switch size {
        case 1 << 40: await #expect(processExitsWith: .success) { try FuzzTests.decodeFrameDeclaring(contentSize: 1 << 40) }
        case 1 << 33: await #expect(processExitsWith: .success) { try FuzzTests.decodeFrameDeclaring(contentSize: 1 << 33) }
        default: await #expect(processExitsWith: .success) { try FuzzTests.decodeFrameDeclaring(contentSize: UInt64(Int.max)) }
        }
    }

    /// The same through `LedgerReader` (what `parley log`, `state` and the writer's idempotency check use).
    @Test func hugeDeclaredContentSizeThroughTheReader() async {
        await #expect(processExitsWith: .success) {
            try FuzzTests.readLedgerDeclaring(contentSize: 1 << 40)
        }
    }

    /// A damaged commit in a sealed (not last) segment is not a torn write: a reader must report
    /// it, not skip to the next segment and return the records after the hole.
    @Test func aDamagedSealedSegmentIsReportedNotSkipped() throws {
        try TemporaryDirectory.with { dir in
            let corpus = try FuzzCorpus(in: dir)
            var bytes = corpus.segments[0]
            let second = corpus.boundaries[0][1]
            bytes[second] ^= 0xFF  // the magic of the segment's second commit
            let fuzz = FuzzCase(number: 0, segment: 0, bytes: bytes, steps: ["magic of the second commit broken"])
            try FuzzChecks.materialize(fuzz, corpus: corpus, at: dir + "/read", index: false)
            try Self.expectPrefixOrIntegrityError(dir + "/read", corpus: corpus)
        }
    }

    /// A missing segment file in the middle of the ledger must be reported by a reader.
    @Test func aMissingSegmentIsReportedNotSkipped() throws {
        try TemporaryDirectory.with { dir in
            let corpus = try FuzzCorpus(in: dir)
            let fuzz = FuzzCase(number: 0, segment: 1, bytes: nil, steps: ["second segment removed"])
            try FuzzChecks.materialize(fuzz, corpus: corpus, at: dir + "/read", index: false)
            try Self.expectPrefixOrIntegrityError(dir + "/read", corpus: corpus)
        }
    }

    static func expectPrefixOrIntegrityError(_ path: String, corpus: FuzzCorpus) throws {
        var seqs: [UInt64] = []
        var failure: LedgerError?
        do {
            try LedgerReader(path: path).forEachRecord(from: LedgerReader.start(fromSeq: 1)) { seq, line in
                #expect(line.elementsEqual(corpus.records[Int(seq) - 1]))
                seqs.append(seq)
                return true
            }
        } catch let error as LedgerError {
            failure = error
        }
        let isPrefix = FuzzChecks.isPrefix(seqs)
        #expect(isPrefix || failure?.code == .integrity, "read \(FuzzChecks.ranges(seqs)) without an error")
    }

    /// Child-process bodies of the exit tests (they may crash: that is what is being tested).
    static func decodeFrameDeclaring(contentSize: UInt64) throws {
        let bytes = try segmentDeclaring(contentSize: contentSize)
        try bytes.withUnsafeBytes { raw in
            let scan = SegmentScan(raw)
            let decoder = try CommitDecoder()
            for commit in scan.commits {
                do {
                    try decoder.decode(commit, in: raw, segment: "huge")
                } catch is LedgerError {
                    return  // the wanted outcome
                }
            }
            // Either the scanner rejected the frame (a tail, no commits) or decode must have thrown.
            if !scan.commits.isEmpty { throw CancellationError() }
        }
    }

    static func readLedgerDeclaring(contentSize: UInt64) throws {
        let directory = NSTemporaryDirectory() + "/parley-huge-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = try segmentDeclaring(contentSize: contentSize, keepLedgerAt: directory)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/segments/" + LedgerLayout.segmentName(firstSeq: 1)))
        do {
            try LedgerReader(path: directory).forEachRecord(from: LedgerReader.start(fromSeq: 1)) { _, _ in true }
        } catch is LedgerError {}
    }

    /// A one-commit ledger's segment with the first data frame's content size field set to `contentSize`.
    static func segmentDeclaring(contentSize: UInt64, keepLedgerAt kept: String? = nil) throws -> [UInt8] {
        let directory = kept ?? NSTemporaryDirectory() + "/parley-huge-segment-\(getpid())"
        defer { if kept == nil { try? FileManager.default.removeItem(atPath: directory) } }
        try? FileManager.default.removeItem(atPath: directory)
        _ = try LedgerSetup.create(at: directory, origin: nil)
        let writer = try LedgerWriter(path: directory)
        let batch = writer.batch(largeFrames: true)
        for n in 1...3 { batch.add(FuzzCorpus.event(n, commit: 0), label: "line \(n)") }
        _ = try batch.finish()
        var bytes = Array(
            try Data(contentsOf: URL(fileURLWithPath: directory + "/segments/" + LedgerLayout.segmentName(firstSeq: 1))))
        precondition(bytes[4] & 0x08 != 0, "the frame has a content size field")
        for index in 0..<8 { bytes[6 + index] = UInt8(truncatingIfNeeded: contentSize >> (8 * UInt64(index))) }
        return bytes
    }
}
