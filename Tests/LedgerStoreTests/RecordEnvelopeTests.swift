import Foundation
import Testing

@testable import LedgerStore

@Suite struct RecordEnvelopeTests {
    static let canonical =
        #"{"data":{"a":1},"effective_at":"2005-01-01T00:00:00Z","id":"01234567-89ab-cdef-fedc-ba9876543210","meta":{},"recorded_at":"2026-12-03T10:00:00.000001Z","schema":2,"seq":7,"stream":"party/zil","type":"PartyRegistered","version":3}"#

    static func envelope(_ text: String) throws -> RecordEnvelope {
        try RecordEnvelope(line: Array(text.utf8))
    }

    static func failure(_ text: String) -> String? {
        do {
            _ = try envelope(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aCanonicalRecordGivesEveryField() throws {
        let record = try Self.envelope(Self.canonical)
        #expect(record.isCanonical)
        #expect(record.seq == 7 && record.version == 3 && record.schema == 2)
        #expect(record.id == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(record.stream == "party/zil" && record.type == "PartyRegistered")
        #expect(record.effectiveAt == "2005-01-01T00:00:00Z" && record.recordedAt == "2026-12-03T10:00:00.000001Z")
        #expect(record.data == Array(#"{"a":1}"#.utf8) && record.meta == Array("{}".utf8))
    }

    /// Out of order, spaced, or with escapes: the same fields, decoded, and not canonical.
    @Test func otherSpellingsGiveTheSameFieldsButAreNotCanonical() throws {
        let shuffled =
            #"{ "version":3, "type":"Party\u0052egistered", "stream":"party\/zil", "seq":7, "schema":2, "recorded_at":"2026-12-03T10:00:00.000001Z", "meta":{}, "id":"01234567-89ab-cdef-fedc-ba9876543210", "effective_at":"\u0032005-01-01T00:00:00Z", "data":{ "a" : 1 } }"#
        let record = try Self.envelope(shuffled)
        let reference = try Self.envelope(Self.canonical)
        #expect(!record.isCanonical)
        #expect(record.type == reference.type && record.stream == reference.stream)
        #expect(record.effectiveAt == reference.effectiveAt && record.data == reference.data)
        #expect(record.seq == reference.seq && record.id == reference.id)
    }

    @Test func missingExtraAndMistypedFieldsAreNamed() {
        let missing = Self.canonical.replacingOccurrences(of: #","version":3"#, with: "")
        #expect(
            Self.failure(missing)?.contains("record fields are data,effective_at,id,meta,recorded_at,schema,seq,stream,type;")
                == true)
        let extra = Self.canonical.replacingOccurrences(of: #","version":3"#, with: #","version":3,"zz":1"#)
        #expect(Self.failure(extra)?.contains("version,zz; expected") == true)
        let renamed = Self.canonical.replacingOccurrences(of: #""seq":7"#, with: #""sequence":7"#)
        #expect(Self.failure(renamed)?.contains("record fields are") == true)
        #expect(
            Self.failure(Self.canonical.replacingOccurrences(of: #""seq":7"#, with: #""seq":"7""#))?
                .contains("record field seq is not an integer") == true)
        #expect(
            Self.failure(Self.canonical.replacingOccurrences(of: #""type":"PartyRegistered""#, with: #""type":5"#))?
                .contains("record field type is not a string") == true)
        #expect(Self.failure(Self.canonical.replacingOccurrences(of: #""seq":7"#, with: #""seq":0"#))?.contains("≥ 1") == true)
        #expect(
            Self.failure(Self.canonical.replacingOccurrences(of: #""meta":{}"#, with: #""meta":[]"#))?.contains("objects") == true
        )
    }
}
