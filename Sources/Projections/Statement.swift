/// A claim attributed to a party, person or anonymous source (`StatementReported`), with its
/// retraction if one is recorded (a retracted statement stays listed).
public struct Statement: Sendable, Equatable {
    /// The body and its source (publication, via, confidence, ... in `record.source.provenance`).
    public var record: SourcedData
    /// The latest `ClaimRetracted` aimed at it, if any.
    public var retraction: SourcedData?

    /// The statement's client id.
    public var statementID: String { record.string("statement_id") ?? "" }
    /// Who spoke.
    public var speaker: String { record.string("speaker") ?? "" }
    /// party, person or anonymous.
    public var speakerKind: String? { record.string("speaker_kind") }
    /// The speaker's party (or the party an anonymous source is close to).
    public var speakerParty: String? { record.string("speaker_party") }
    /// The speaker's title as reported.
    public var speakerTitle: String? { record.string("speaker_title") }
    /// The party whose position the statement expresses.
    public var onBehalfOf: String? { record.string("on_behalf_of") }
    /// The claim as reported.
    public var claim: String { record.string("claim") ?? "" }
    /// confirms, denies, no-comment or qualifies.
    public var stance: String { record.string("stance") ?? "" }
    /// What the claim is about, e.g. `assembly-start`.
    public var subject: String? { record.string("subject") }
    /// The side the statement speaks for: `on_behalf_of`, else `speaker_party`.
    public var side: String? { onBehalfOf ?? speakerParty }
    /// Whether a retraction is recorded.
    public var isRetracted: Bool { retraction != nil }

    /// The key statements are grouped by for contradiction checks: the subject, or lacking
    /// one, the claim normalised (lowercased, whitespace collapsed, trailing punctuation dropped).
    public var topic: String {
        if let subject { return subject }
        return "claim: " + Self.normalised(claim)
    }

    /// `text` lowercased, with runs of whitespace made one space and trailing punctuation dropped.
    static func normalised(_ text: String) -> String {
        asciiNormalised(text) ?? unicodeNormalised(text)
    }

    /// The general case, for any text.
    static func unicodeNormalised(_ text: String) -> String {
        let words = text.lowercased().split(whereSeparator: { $0.isWhitespace })
        var joined = words.joined(separator: " ")
        while let last = joined.last, last.isPunctuation { joined.removeLast() }
        return joined
    }

    /// The same for ASCII text, byte by byte (the common case; nil for other text).
    static func asciiNormalised(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                pendingSpace = !bytes.isEmpty
            default:
                if pendingSpace {
                    bytes.append(0x20)
                    pendingSpace = false
                }
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            }
        }
        while let last = bytes.last, Self.isASCIIPunctuation(last) { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        // Character.isPunctuation for ASCII: ! " # % & ' ( ) * , - . / : ; ? @ [ \ ] _ { }
        switch byte {
        case 0x21, 0x22, 0x23, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3B, 0x3F, 0x40, 0x5B,
            0x5C, 0x5D, 0x5F, 0x7B, 0x7D:
            return true
        default:
            return false
        }
    }
}
