// parley-bench: measurements that need the library API rather than the CLI.
//
//   parley-bench group-commit LEDGER_DIR [TASKS] [EVENTS]
//
// Appends EVENTS events from TASKS concurrent tasks through `GroupCommitter` (every event durable:
// fsync per commit) and prints one JSON line with events/s and the number of commits.
import Foundation
import LedgerStore

@main
struct ParleyBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3, arguments[1] == "group-commit" else {
            FileHandle.standardError.write(Data("usage: parley-bench group-commit LEDGER_DIR [TASKS] [EVENTS]\n".utf8))
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
}
