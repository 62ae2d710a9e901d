import CanonicalJSON
import Catalogue
// parley-bench: measurements that need the library API rather than the CLI.
//
//   parley-bench group-commit LEDGER_DIR [TASKS] [EVENTS]
//   parley-bench micro FILE
//
// Appends EVENTS events from TASKS concurrent tasks through `GroupCommitter` (every event durable:
// fsync per commit) and prints one JSON line with events/s and the number of commits.
import Crypto
import Foundation
import LedgerIntegrity
import LedgerStore

@main
struct ParleyBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count == 3, arguments[1] == "micro" {
            try micro(arguments[2])
            return
        }
        guard arguments.count >= 3, arguments[1] == "group-commit" else {
            FileHandle.standardError.write(
                Data("usage: parley-bench group-commit LEDGER_DIR [TASKS] [EVENTS] | parley-bench micro FILE\n".utf8))
            exit(64)
        }
        let path = arguments[2]
        let tasks = arguments.count > 3 ? Int(arguments[3]) ?? 8 : 8
        let events = arguments.count > 4 ? Int(arguments[4]) ?? 20_000 : 20_000
        let writer = try LedgerWriter(path: path)
        let committer = GroupCommitter(writer: writer)
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in stride(from: task, to: events, by: tasks) {
                        let line =
                            #"{"stream":"party/bench-\#(task)","type":"PartyRegistered","effective_at":"2005-01-01T00:00:00Z","data":{"party_id":"bench-\#(task)","name":"Bench \#(index)","kind":"manufacturer","country":"RU","aliases":[]}}"#
                        _ = try await committer.append(Array(line.utf8))
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Date().timeIntervalSince(start)
        committer.close()
        print(
            #"{"commits":\#(committer.commits),"syncs":\#(committer.syncs),"events":\#(events),"events_per_second":\#(Int(Double(events) / seconds)),"seconds":\#(String(format: "%.3f", seconds)),"tasks":\#(tasks)}"#
        )
    }

    /// `parley-bench micro FILE`: single-thread CPU of the bulk path's stages over FILE's lines
    /// (canonical encoding, then catalogue validation of the encoded data and meta), best of 3.
    static func micro(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var lines: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            lines.append(start..<index)
            start = index + 1
        }
        let catalogue = try EventCatalogue.loadDefault()
        var encoder = CanonicalEncoder()
        var encoded: [(type: String, data: [UInt8], meta: [UInt8])] = []
        func clock() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        }
        var best = Double.infinity
        for round in 0..<3 {
            let began = clock()
            try bytes.withUnsafeBytes { all in
                for line in lines { try encoder.encode(UnsafeRawBufferPointer(rebasing: all[line])) }
            }
            best = min(best, clock() - began)
            if round == 0 {
                try bytes.withUnsafeBytes { all in
                    for line in lines {
                        try encoder.encode(UnsafeRawBufferPointer(rebasing: all[line]))
                        var type = "", data: [UInt8] = [], meta: [UInt8] = [0x7B, 0x7D]
                        for index in encoder.topLevel.indices {
                            let value = Array(encoder.output[encoder.topLevel[index].value])
                            if encoder.topLevelKey(index, is: "type") {
                                type = String(decoding: value.dropFirst().dropLast(), as: UTF8.self)
                            } else if encoder.topLevelKey(index, is: "data") {
                                data = value
                            } else if encoder.topLevelKey(index, is: "meta") {
                                meta = value
                            }
                        }
                        encoded.append((type, data, meta))
                    }
                }
            }
        }
        let megabytes = Double(bytes.count) / 1e6
        print(String(format: "encode   %7.0f ns/line %6.1f MB/s", best / Double(lines.count) * 1e9, megabytes / best))
        best = .infinity
        var failures = 0
        for _ in 0..<3 {
            // A memo per round, as the bulk path keeps one per validating thread.
            let memo = ValidationMemo()
            let began = clock()
            for event in encoded {
                let verdict = event.data.withUnsafeBytes { data in
                    event.meta.withUnsafeBytes { meta in
                        catalogue.validate(type: event.type, schema: nil, data: data, meta: meta, memo: memo)
                    }
                }
                if case .failure = verdict { failures += 1 }
            }
            best = min(best, clock() - began)
        }
        print(String(format: "validate %7.0f ns/line (%d failures)", best / Double(lines.count) * 1e9, failures / 3))
        // Leaf hashes of the input lines (0x00 then the line, as the bulk writer hashes records),
        // and the same bytes hashed as one stream: the difference is the cost per hash call.
        let prefixed: [UInt8] = lines.reduce(into: []) { all, line in
            all.append(0)
            all.append(contentsOf: bytes[line])
        }
        best = .infinity
        var sink: UInt8 = 0
        for _ in 0..<3 {
            let began = clock()
            prefixed.withUnsafeBytes { all in
                var offset = 0
                for line in lines {
                    sink ^=
                        RFC6962.leafHash(prefixed: UnsafeRawBufferPointer(rebasing: all[offset..<(offset + 1 + line.count)]))[0]
                    offset += 1 + line.count
                }
            }
            best = min(best, clock() - began)
        }
        let leafTime = best
        best = .infinity
        for _ in 0..<3 {
            let began = clock()
            prefixed.withUnsafeBytes { all in
                var offset = 0
                for line in lines {
                    var hasher = SHA256()
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: all[offset..<(offset + 1 + line.count)]))
                    let digest = hasher.finalize()
                    sink ^= digest.withUnsafeBytes { $0[0] }
                    offset += 1 + line.count
                }
            }
            best = min(best, clock() - began)
        }
        print(String(format: "digest only %7.0f ns/line", best / Double(lines.count) * 1e9))
        best = .infinity
        for _ in 0..<3 {
            let began = clock()
            sink ^= prefixed.withUnsafeBytes { RFC6962.leafHash(prefixed: $0)[0] }
            best = min(best, clock() - began)
        }
        print(
            String(
                format: "leafHash %7.0f ns/line; one stream of the same bytes %7.0f ns/line (%d)",
                leafTime / Double(lines.count) * 1e9, best / Double(lines.count) * 1e9, Int(sink)))
    }
}
