import Foundation
import LedgerIntegrity
import Testing

@testable import LedgerStore

@Suite struct CommitMarkerTests {
    static let root = RFC6962.leafHash(Array("x".utf8))
    static let marker = CommitMarker(firstSeq: 3, lastSeq: 7, root: root, committedAt: "2026-11-25T15:00:00.000000Z")
    static let text = String(decoding: marker.payload, as: UTF8.self)

    static func parse(_ text: String) -> CommitMarker? { CommitMarker(payload: Array(text.utf8)) }

    @Test func theWrittenPayloadParsesBackAndIsCanonical() {
        #expect(
            Self.text == #"{"committed_at":"2026-11-25T15:00:00.000000Z","first_seq":3,"last_seq":7,"root":""#
                + Self.root.hexString + #"","tree_size":7}"#)
        #expect(Self.parse(Self.text) == Self.marker)
    }

    /// Only exactly the canonical bytes of a well-formed marker parse.
    @Test(arguments: [
        (#""first_seq":3"#, #""first_seq":0"#),  // seqs start at 1
        (#""first_seq":3"#, #""first_seq":9"#),  // first after last
        (#""tree_size":7"#, #""tree_size":8"#),  // tree size is the last seq
        (#""first_seq":3"#, #""first_seq":"3""#),  // a string, not an integer
        (#""committed_at":"2026-11-25T15:00:00.000000Z""#, #""committed_at":5"#),  // not a string
        (#","tree_size":7"#, ""),  // a field missing
        (#""tree_size":7"#, #""tree_size":7,"zz":1"#),  // a field too many
        (#""first_seq":3"#, #""first_seq": 3"#),  // not canonical (space)
        (#""first_seq":3"#, #""first_seq":3.0"#),  // a fraction
    ])
    func otherPayloadsAreRejected(original: String, replacement: String) {
        let damaged = Self.text.replacingOccurrences(of: original, with: replacement)
        #expect(damaged != Self.text)
        #expect(Self.parse(damaged) == nil)
    }

    @Test func aRootMustBeSixtyFourLowercaseHexDigits() {
        let hex = Self.root.hexString
        #expect(Self.parse(Self.text.replacingOccurrences(of: hex, with: hex.uppercased())) == nil)
        #expect(Self.parse(Self.text.replacingOccurrences(of: hex, with: String(hex.dropLast(2)))) == nil)
        #expect(Self.parse(Self.text.replacingOccurrences(of: hex, with: String(hex.dropLast()) + "g")) == nil)
    }

    /// Members out of canonical order are not the canonical form.
    @Test func membersOutOfOrderAreRejected() {
        let reordered =
            #"{"first_seq":3,"committed_at":"2026-11-25T15:00:00.000000Z","last_seq":7,"root":""# + Self.root.hexString
            + #"","tree_size":7}"#
        #expect(Self.parse(reordered) == nil)
    }
}
