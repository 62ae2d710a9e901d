import CanonicalJSON

/// Shares equal strings and provenance blocks among the items of a state.
///
/// A ledger repeats itself: every record of a commit has the same `recorded_at`, records from
/// one article share their `meta`, and a few streams and types recur millions of times. Parsing
/// gives each record its own copies; sharing them keeps a million-event state to a fraction of
/// the memory. Values stay equal, so it never takes part in equality.
struct ValueInterner: Sendable, Equatable {
    private var strings: [String: String] = [:]
    private var metas: [JSONValue: JSONValue] = [:]
    private var lastRecordedAt = ""
    private var lastEffectiveAt = ""
    /// Whether to share at all (`share` returns its argument otherwise).
    private var sharing = true

    /// The most distinct values kept before starting afresh (bounds the table's memory).
    private static let capacity = 1 << 16

    static func == (lhs: ValueInterner, rhs: ValueInterner) -> Bool { true }

    /// An interner that shares values, or one that does not.
    init(sharing: Bool = true) {
        self.sharing = sharing
    }

    /// `source` with its recurring values shared.
    mutating func share(_ source: EventSource) -> EventSource {
        guard sharing else { return source }
        var shared = source
        shared.stream = string(source.stream)
        shared.type = string(source.type)
        if source.recordedAtText == lastRecordedAt {
            shared.recordedAtText = lastRecordedAt
        } else {
            lastRecordedAt = source.recordedAtText
        }
        if source.effectiveAtText == lastEffectiveAt {
            shared.effectiveAtText = lastEffectiveAt
        } else {
            lastEffectiveAt = source.effectiveAtText
        }
        if let known = metas[source.meta] {
            shared.meta = known
        } else {
            if metas.count >= Self.capacity { metas.removeAll(keepingCapacity: true) }
            metas[source.meta] = source.meta
        }
        return shared
    }

    private mutating func string(_ text: String) -> String {
        if let known = strings[text] { return known }
        if strings.count >= Self.capacity { strings.removeAll(keepingCapacity: true) }
        strings[text] = text
        return text
    }
}
