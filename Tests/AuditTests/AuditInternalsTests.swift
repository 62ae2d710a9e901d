import CanonicalJSON
import Foundation
import LedgerIntegrity
import LedgerStore
import ParleyTestSupport
import Testing

@testable import Audit

@Suite struct AuditInternalsTests {
    @Test func byteFieldsReadCanonicalValues() {
        func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
            var copy = text
            return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
        #expect(withBytes("12345") { ByteFields.unsignedInteger($0) } == 12345)
        #expect(withBytes("012") { ByteFields.unsignedInteger($0) } == nil)
        #expect(withBytes("-1") { ByteFields.unsignedInteger($0) } == nil)
        let stamp = "2026-11-25T15:00:00.123456Z"
        #expect(withBytes(stamp) { ByteFields.recordedAt($0) } == Timestamp(rfc3339: stamp)?.microseconds)
        #expect(withBytes("2026-02-30T15:00:00.123456Z") { ByteFields.recordedAt($0) } == nil)
        #expect(withBytes("2026-11-25T15:00:00Z") { ByteFields.recordedAt($0) } == nil)
        for valid in ["2005-01-01", "2005-01-01T00:00:00Z", "2005-01-01T00:00:00.5+03:00", "2004-02-29t23:59:60z"] {
            #expect(withBytes(valid) { ByteFields.isDateOrDateTime($0) }, "\(valid)")
        }
        for invalid in ["2005-13-01", "2005-01-01T00:00:00", "2005-01-01 00:00:00Z", "2005-01-01T00:00:00+3:00", ""] {
            #expect(!withBytes(invalid) { ByteFields.isDateOrDateTime($0) }, "\(invalid)")
        }
        let id = "0f914f55-cc62-524c-af66-733ec82ad9cb"
        let halves = withBytes(id) { ByteFields.uuid($0) }
        #expect(halves?.0 == 0x0f91_4f55_cc62_524c && halves?.1 == 0xaf66_733e_c82a_d9cb)
        #expect(withBytes(id.uppercased()) { ByteFields.uuid($0) } == nil)
        #expect(
            withBytes(#""plain""#) { CanonicalString.plainContent($0).map { String(decoding: $0, as: UTF8.self) } } == "plain")
        #expect(withBytes(#""esc\"aped""#) { CanonicalString.plainContent($0) } == nil)
    }

    @Test func eventIDSetFindsDuplicatesAcrossGrowth() {
        var set = EventIDSet()
        var generator = SystemRandomNumberGenerator()
        var keys: [EventKey] = []
        for _ in 0..<200_000 { keys.append(EventKey(high: generator.next(), low: generator.next())) }
        var inserted = 0
        for key in keys where set.insert(key) { inserted += 1 }
        #expect(inserted == keys.count)
        #expect(set.count == keys.count)
        var again = 0
        for key in keys.prefix(1000) where set.insert(key) { again += 1 }
        #expect(again == 0)
        #expect(set.contains(keys[123_456]))
        #expect(!set.contains(EventKey(high: 1, low: 2)))
        let first = set.insert(EventKey(high: 0, low: 0))
        let second = set.insert(EventKey(high: 0, low: 0))
        #expect(first && !second)
    }

    @Test func frameWalkerTellsFramesTruncationAndDamage() throws {
        let marker = CommitMarker(
            firstSeq: 1, lastSeq: 1, root: RFC6962.leafHash(Array("{}".utf8)), committedAt: "2026-01-01T00:00:00Z")
        // An empty frame, content checksum on.
        let data: [UInt8] = [0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, 0xA7, 0, 0, 0, 0, 0, 0, 0, 0]
        let bytes = data + marker.frame
        bytes.withUnsafeBytes { raw in
            guard case .data(let frame) = FrameWalker.step(raw, at: 0) else {
                Issue.record("no data frame")
                return
            }
            #expect(frame.end == data.count && frame.contentChecksum && frame.contentSize == nil)
            guard case .skippable(let end, let magic, _) = FrameWalker.step(raw, at: data.count) else {
                Issue.record("no marker")
                return
            }
            #expect(end == bytes.count && magic == CommitMarker.magic)
            #expect(FrameWalker.nextMarker(in: raw, from: 1) == data.count)
            #expect(FrameWalker.step(UnsafeRawBufferPointer(rebasing: raw[0..<(bytes.count - 3)]), at: data.count) == .needMore)
        }
        var broken = bytes
        broken[4] = 0x00  // version bits 00
        broken.withUnsafeBytes { raw in
            guard case .damaged(let offset, _) = FrameWalker.step(raw, at: 0) else {
                Issue.record("damage not seen")
                return
            }
            #expect(offset == 4)
        }
    }

    @Test func markerPayloadProblemsAreNamed() {
        func parse(_ text: String) -> (CommitMarker?, [String]) {
            var copy = text
            return copy.withUTF8 { CommitMarkerPayload.parse(UnsafeRawBufferPointer($0)) }
        }
        let root = String(repeating: "ab", count: 32)
        let good = #"{"committed_at":"2026-01-01T00:00:00.000000Z","first_seq":3,"last_seq":5,"root":"\#(root)","tree_size":5}"#
        let (marker, problems) = parse(good)
        #expect(marker?.firstSeq == 3 && marker?.lastSeq == 5 && problems.isEmpty)
        #expect(parse(good.replacingOccurrences(of: #""tree_size":5"#, with: #""tree_size":6"#)).1.count == 1)
        #expect(parse(good.replacingOccurrences(of: root, with: root.uppercased())).0 == nil)
        #expect(parse("{" + good.dropFirst().replacingOccurrences(of: ",", with: ", ")).1.contains { $0.contains("canonical") })
        #expect(parse("not json").0 == nil)
    }
}

@Suite struct CanonicalLineCheckTests {
    /// The fast check never calls a line canonical that the encoder would change.
    @Test(arguments: [
        (#"{"a":1,"b":[true,false,null],"c":{"d":"x"}}"#, true),
        (#"{"a": 1}"#, false),
        (#"{"b":1,"a":2}"#, false),
        (#"{"a":1,"a":2}"#, false),
        (#"{"a":"\/"}"#, false),
        (#"{"a":"\u00e9"}"#, false),
        (#"{"a":"\u001f\n\"\\"}"#, true),
        (#"{"a":"\u000a"}"#, false),
        (#"{"a":"\u001F"}"#, false),
        ("{\"a\":\"é — 日本 😀\u{7F}\"}", true),
        (#"{"a":1.0}"#, false),
        (#"{"a":-0}"#, false),
        (#"{"a":01}"#, false),
        (#"{"a":9007199254740991,"b":-9007199254740991}"#, true),
        (#"{"a":9007199254740992}"#, false),
        (#"{"a":1e3}"#, false),
        ("{\"\u{1F600}\":1,\"\u{FF61}\":2}", true),
        ("{\"\u{FF61}\":1,\"\u{1F600}\":2}", false),
        (#"{"a":[]}"#, true),
        (#"{}"#, true),
        (#"{"a":1} "#, false),
        (#"[1]"#, false),
    ])
    func agreesWithTheEncoder(line: String, canonical: Bool) throws {
        var check = CanonicalLineCheck()
        var copy = line
        let fast = copy.withUTF8 { check.isCanonical(UnsafeRawBufferPointer($0)) }
        #expect(fast == canonical, "\(line)")
        if fast {
            #expect(try CanonicalEncoder.canonicalize(Array(line.utf8)) == Array(line.utf8), "\(line)")
        }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        var check = CanonicalLineCheck()
        let invalid: [[UInt8]] = [
            Array(#"{"a":""#.utf8) + [0xC0, 0x80] + Array(#""}"#.utf8),
            Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),
            Array(#"{"a":""#.utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(#""}"#.utf8),
            Array(#"{"a":""#.utf8) + [0x01] + Array(#""}"#.utf8),
        ]
        for bytes in invalid { #expect(!bytes.withUnsafeBytes { check.isCanonical($0) }) }
        let deep = "{\"a\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}"
        #expect(!Array(deep.utf8).withUnsafeBytes { check.isCanonical($0) })
    }

    @Test func everyGeneratedRecordIsSeenAsCanonical() throws {
        try TemporaryDirectory.with { directory in
            let ledger = directory + "/l"
            try LedgerFixture.expectSuccess(CLI.parley(["init", ledger]))
            var input = Data()
            for line in try CLI.generated(2000) {
                input.append(line)
                input.append(0x0A)
            }
            try LedgerFixture.expectSuccess(CLI.parley(["append", "--ledger", ledger, "--file", "-"], input: input))
            var check = CanonicalLineCheck()
            for line in try CLI.parley(["log", "--ledger", ledger]).stdout.split(separator: 0x0A) {
                let bytes = Array(line)
                #expect(bytes.withUnsafeBytes { check.isCanonical($0) })
                #expect(check.members.count == 10)
            }
        }
    }
}
