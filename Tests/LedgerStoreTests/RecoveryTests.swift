import Foundation
import LedgerStore
import ParleyTestSupport
import Testing

@Suite struct RecoveryTests {
    /// Truncate the last segment at every offset inside the last commit: the ledger opens,
    /// shows exactly the earlier commits, keeps the torn bytes in quarantine/ and takes new appends.
    @Test func truncationAtEveryByteOfTheLastCommit() throws {
        try TemporaryDirectory.with { dir in
            let pristine = dir + "/pristine"
            _ = try LedgerSetup.create(at: pristine, origin: nil)
            try LedgerFixture.commit(pristine, count: 3, stream: "party/a")
            let segmentName = LedgerLayout.segmentName(firstSeq: 1)
            let committedSize = try Data(contentsOf: URL(fileURLWithPath: pristine + "/segments/" + segmentName)).count
            try LedgerFixture.commit(pristine, count: 4, stream: "party/b", start: 10)
            let full = try Data(contentsOf: URL(fileURLWithPath: pristine + "/segments/" + segmentName))
            let earlier = Array(try LedgerFixture.lines(pristine).prefix(3))
            #expect(full.count > committedSize)
            for cut in committedSize..<full.count {
                let copy = dir + "/cut"
                try? FileManager.default.removeItem(atPath: copy)
                try FileManager.default.copyItem(atPath: pristine, toPath: copy)
                let segment = copy + "/segments/" + segmentName
                try full.prefix(cut).write(to: URL(fileURLWithPath: segment))
                // Readers see exactly the earlier commits, before any recovery.
                #expect(try LedgerFixture.lines(copy) == earlier, "cut at \(cut)")
                // The next writer quarantines the torn bytes and appends after them.
                try LedgerFixture.commit(copy, count: 1, stream: "party/c", start: 99)
                let after = try LedgerFixture.lines(copy)
                #expect(after.count == 4)
                #expect(Array(after.prefix(3)) == earlier)
                let quarantined = FileManager.default.enumerator(atPath: copy + "/quarantine")?.allObjects as? [String] ?? []
                if cut > committedSize {
                    #expect(quarantined.count == 1, "cut at \(cut)")
                    let kept = try Data(contentsOf: URL(fileURLWithPath: copy + "/quarantine/" + quarantined[0]))
                    #expect(kept == full.subdata(in: committedSize..<cut))
                } else {
                    #expect(quarantined.isEmpty)
                }
            }
        }
    }

    @Test func aStaleOrCorruptIndexIsRebuiltFromTheSegments() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            try LedgerFixture.commit(path, count: 5, stream: "party/a")
            let saved = try Data(contentsOf: URL(fileURLWithPath: path + "/index/state.txt"))
            try LedgerFixture.commit(path, count: 2, stream: "party/a", start: 5)
            // Roll the index back (as if the process died after the commit's fsync).
            try saved.write(to: URL(fileURLWithPath: path + "/index/state.txt"))
            var writer: LedgerWriter? = try LedgerWriter(path: path)
            #expect(writer?.lastSeq == 7)
            #expect(writer?.version(of: "party/a") == 7)
            let root = writer?.root
            writer = nil
            // A state file missing its last stream line (a foreign or torn copy): rebuilt.
            try LedgerFixture.commit(path, count: 1, stream: "party/b", start: 7)
            let full = try Data(contentsOf: URL(fileURLWithPath: path + "/index/state.txt"))
            let cut = full.dropLast().lastIndex(of: 0x0A)!
            try full[..<(cut + 1)].write(to: URL(fileURLWithPath: path + "/index/state.txt"))
            writer = try LedgerWriter(path: path)
            #expect(writer?.lastSeq == 8)
            #expect(writer?.version(of: "party/a") == 7)
            #expect(writer?.version(of: "party/b") == 1)
            #expect(writer?.recoveryNotes.contains { $0.contains("rebuilt") } == true)
            let rootAt8 = writer?.root
            writer = nil
            // Garbage index: rebuilt, same answers.
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: path + "/index/state.txt"))
            let rebuilt = try LedgerWriter(path: path)
            #expect(rebuilt.lastSeq == 8)
            #expect(rebuilt.root == rootAt8)
            #expect(rebuilt.root != root)
        }
    }

    @Test func anEditedCommittedRecordStopsTheWriter() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            try LedgerFixture.commit(path, count: 3)
            try FileManager.default.removeItem(atPath: path + "/index/state.txt")
            let segment = path + "/segments/" + LedgerLayout.segmentName(firstSeq: 1)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            bytes[bytes.count / 3] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: segment))
            #expect(throws: LedgerError.self) { _ = try LedgerWriter(path: path) }
        }
    }
}
