import Foundation
import LedgerIntegrity
import ParleyTestSupport
import Testing

@testable import LedgerStore

/// The writer's stream table read lazily from `state.txt` lines gives what parsing them all gives.
@Suite struct StreamVersionsTests {
    static func lines(_ streams: [(String, UInt64)]) -> [UInt8] {
        Array(streams.map { "\($0.1) \($0.0)\n" }.joined().utf8)
    }

    static let sample: [(String, UInt64)] = [
        ("party/zil", 3), ("party/zi", 12), ("negotiation/zil-faw-assembly", 907), ("party/faw", 1),
        ("plan/zil", 40), ("party/l", 7), ("x/zil", 5),
    ]

    @Test func lookupsFindEachStreamAndNoOther() throws {
        let bytes = Self.lines(Self.sample)
        var versions = try #require(StreamVersions(lines: bytes[...], count: Self.sample.count))
        for (name, version) in Self.sample { #expect(versions[name] == version, "\(name)") }
        // Names that are prefixes, suffixes or parts of others are not found by accident.
        for missing in ["party/z", "zil", "party/zil-faw", "l", "/zil", "arty/zil", "party/zill", "7 party/l"] {
            #expect(versions[missing] == nil, "\(missing)")
        }
        #expect(versions.count == Self.sample.count)
    }

    @Test func changesWinOverTheLinesAndSurviveMaterialising() throws {
        let bytes = Self.lines(Self.sample)
        var versions = try #require(StreamVersions(lines: bytes[...], count: Self.sample.count))
        versions["party/zil"] = 4
        versions["party/new"] = 1
        #expect(versions["party/zil"] == 4)
        #expect(versions.count == Self.sample.count + 1)
        var expected = Dictionary(uniqueKeysWithValues: Self.sample)
        expected["party/zil"] = 4
        expected["party/new"] = 1
        #expect(versions.all() == expected)
        #expect(versions["party/zi"] == 12)
    }

    /// The lines are a slice of the file after its header, as the loader passes them: the first
    /// and last lines are found, and the header's bytes before the slice are not read as a version.
    @Test func lookupsInASliceAfterAHeader() throws {
        let header = Array("{\"count\":7} 99\n".utf8)
        let file = header + Self.lines(Self.sample)
        let slice = file[header.count...]
        var versions = try #require(StreamVersions(lines: slice, count: Self.sample.count))
        #expect(versions["party/zil"] == 3)
        #expect(versions["x/zil"] == 5)
        #expect(versions["99"] == nil)
        #expect(versions["{\"count\":7}"] == nil)
    }

    /// A new stream is looked up more than once before its first version is set (its miss is
    /// remembered); once set it is found, counted once, and survives materialising.
    @Test func aNewStreamMissesUntilItIsSet() throws {
        let sameLength = (0..<10).map { ("party/p\($0)", UInt64($0 + 1)) }
        let bytes = Self.lines(sameLength)
        var versions = try #require(StreamVersions(lines: bytes[...], count: sameLength.count))
        #expect(versions["party/q0"] == nil)
        #expect(versions["party/q0"] == nil)
        #expect(versions["party/p9"] == 10)
        #expect(versions["party/p0"] == 1)
        versions["party/q0"] = 1
        #expect(versions["party/q0"] == 1)
        #expect(versions.count == sameLength.count + 1)
        var expected = Dictionary(uniqueKeysWithValues: sameLength)
        expected["party/q0"] = 1
        #expect(versions.all() == expected)
    }

    /// Past a few look-ups the lines are parsed once; answers do not change.
    @Test func manyLookupsGiveTheSameAnswers() throws {
        let many = (0..<500).map { ("party/p\($0)", UInt64($0 * 3 + 1)) }
        let bytes = Self.lines(many)
        var versions = try #require(StreamVersions(lines: bytes[...], count: many.count))
        for (name, version) in many.shuffled() { #expect(versions[name] == version) }
        #expect(versions["party/p500"] == nil)
        #expect(versions.count == 500)
    }

    /// Saving writes the lines that are not superseded and then the changed streams: every
    /// stream once, with its newest version, whether it was looked up first or only set.
    @Test func serialisedLinesHoldEveryStreamOnceWithoutParsing() throws {
        let bytes = Self.lines(Self.sample)
        var untouched = try #require(StreamVersions(lines: bytes[...], count: Self.sample.count))
        _ = untouched["party/zi"]
        #expect(untouched.serialized().count == bytes.count)
        #expect(StreamVersions.parse(untouched.serialized()[...]) == Dictionary(uniqueKeysWithValues: Self.sample))

        var versions = try #require(StreamVersions(lines: bytes[...], count: Self.sample.count))
        #expect(versions["party/zil"] == 3)
        versions["party/zil"] = 4
        versions["x/zil"] = 6  // set without a look-up first: its line must not stay beside it
        versions["party/new"] = 1
        #expect(versions["party/nothere"] == nil)
        versions["party/l"] = 8
        let out = versions.serialized()
        var expected = Dictionary(uniqueKeysWithValues: Self.sample)
        expected["party/zil"] = 4
        expected["x/zil"] = 6
        expected["party/new"] = 1
        expected["party/l"] = 8
        #expect(StreamVersions.parse(out[...]) == expected)
        #expect(out.count(where: { $0 == 0x0A }) == expected.count)
        #expect(versions.count == expected.count)
        // What was saved loads back to the same streams, and saves again to the same set.
        var reloaded = try #require(StreamVersions(lines: out[...], count: expected.count))
        for (name, version) in expected { #expect(reloaded[name] == version, "\(name)") }
        #expect(StreamVersions.parse(reloaded.serialized()[...]) == expected)
        #expect(reloaded.all() == expected)
    }

    /// Past the look-up limit the lines are parsed; changes made before and after survive, and
    /// serialising then writes the parsed table.
    @Test func serialisingAfterMaterialisingKeepsEveryChange() throws {
        let many = (0..<100).map { ("party/p\($0)", UInt64($0 + 1)) }
        let bytes = Self.lines(many)
        var versions = try #require(StreamVersions(lines: bytes[...], count: many.count))
        var expected = Dictionary(uniqueKeysWithValues: many)
        for index in stride(from: 0, to: 100, by: 2) {
            let name = "party/p\(index)"
            versions[name] = (versions[name] ?? 0) + 1
            expected[name]! += 1
        }
        #expect(versions.count == 100)
        #expect(StreamVersions.parse(versions.serialized()[...]) == expected)
        #expect(versions.serialized().count(where: { $0 == 0x0A }) == 100)
    }

    /// The index's line checksum is XXH3-64 in hex (the values libxxhash's `XXH3_64bits` gives
    /// from C for these bytes; the first is XXH3's published value for empty input).
    @Test func theLineChecksumIsXXH3() {
        #expect(LedgerIndex.linesChecksum([][...]) == "2d06800538d394c2")
        #expect(LedgerIndex.linesChecksum(Array("1 party/a\n".utf8)[...]) == "932d182061aeb9bc")
    }

    @Test func linesOfTheWrongShapeAreRefused() {
        let bytes = Self.lines(Self.sample)
        #expect(StreamVersions(lines: bytes[...], count: Self.sample.count + 1) == nil)
        #expect(StreamVersions(lines: bytes.dropLast(), count: Self.sample.count) == nil)
        #expect(StreamVersions.parse(bytes[...]) == Dictionary(uniqueKeysWithValues: Self.sample))
        #expect(StreamVersions.parse(Array("3 party/zil\nx party/faw\n".utf8)[...]) == nil)
        #expect(StreamVersions.parse(Array("3 party zil\n".utf8)[...]) == nil)
    }

    /// A stream line edited in place (still well formed) no longer matches the header's checksum:
    /// the writer rebuilds the index instead of trusting the edited version.
    @Test func anEditedStreamLineIsCaught() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            try LedgerFixture.commit(path, count: 5, stream: "party/a")
            let state = path + "/index/state.txt"
            let text = try String(contentsOfFile: state, encoding: .utf8)
            #expect(text.contains("\n5 party/a\n"))
            try text.replacingOccurrences(of: "\n5 party/a\n", with: "\n2 party/a\n").write(
                toFile: state, atomically: true, encoding: .utf8)
            let writer = try LedgerWriter(path: path)
            #expect(writer.version(of: "party/a") == 5)
            #expect(writer.recoveryNotes.contains { $0.contains("rebuilt") })
        }
    }

    /// An index written before the XXH3 checksum, with `streams_sha256`, is still read (no
    /// rebuild), and the next save writes `streams_xxh3`.
    @Test func anIndexWithTheOlderSHA256ChecksumIsRead() throws {
        try TemporaryDirectory.with { dir in
            let path = dir + "/l"
            _ = try LedgerSetup.create(at: path, origin: nil)
            try LedgerFixture.commit(path, count: 3, stream: "party/a")
            try LedgerFixture.commit(path, count: 2, stream: "party/b")
            let state = path + "/index/state.txt"
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: state)))
            let headerEnd = try #require(bytes.firstIndex(of: 0x0A))
            let lines = bytes[(headerEnd + 1)...]
            var header = try #require(String(bytes: bytes[..<headerEnd], encoding: .utf8))
            let xxh3 = "\"streams_xxh3\":\"\(LedgerIndex.linesChecksum(lines))\""
            #expect(header.contains(xxh3))
            let sha = lines.withUnsafeBytes { ContentHash.sha256($0) }.hexString
            header = header.replacingOccurrences(of: xxh3, with: "\"streams_sha256\":\"\(sha)\"")
            try Data(Array(header.utf8) + [0x0A] + lines).write(to: URL(fileURLWithPath: state))
            let writer = try LedgerWriter(path: path)
            #expect(writer.version(of: "party/a") == 3)
            #expect(writer.version(of: "party/b") == 2)
            #expect(writer.streamCount == 2)
            #expect(writer.recoveryNotes.isEmpty)
            try writer.saveIndex()
            #expect(try String(contentsOfFile: state, encoding: .utf8).contains("\"streams_xxh3\""))
        }
    }
}
