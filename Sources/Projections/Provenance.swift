import CanonicalJSON

/// The provenance block of a record (`meta`, see `Events/schemas/meta.v1.json`), typed.
public struct Provenance: Sendable, Equatable {
    /// The publication that originally reported it (`meta.source.publication`).
    public var publication: String?
    /// Address of the report.
    public var url: String?
    /// When the report was published (date or date-time), if known.
    public var publishedAt: String?
    /// Free-text note about the source.
    public var sourceNote: String?
    /// The outlet that relayed the report.
    public var via: String?
    /// Who the information is attributed to.
    public var attributedTo: String?
    /// How the information is held: reported, confirmed, estimate, anonymous, disputed, unverified, illustrative.
    public var confidence: String?
    /// Who appended the event.
    public var actor: String?
    /// The event that caused this one.
    public var causationID: String?
    /// Groups events from one source or workflow.
    public var correlationID: String?
    /// Precision of `effective_at`: instant, day, month, quarter, year, unknown.
    public var timePrecision: String?
    /// Free-text note about `effective_at`.
    public var timeNote: String?
    /// Whether this is made-up example data.
    public var isIllustrative: Bool

    /// Reads the provenance fields of a `meta` object; absent fields are nil.
    ///
    /// - Parameter meta: The record's `meta`.
    public init(meta: JSONValue) {
        let source = meta["source"]
        publication = source?["publication"]?.stringValue
        url = source?["url"]?.stringValue
        publishedAt = source?["published_at"]?.stringValue
        sourceNote = Self.sourceNote(in: meta)
        via = meta["via"]?.stringValue
        attributedTo = meta["attributed_to"]?.stringValue
        confidence = meta["confidence"]?.stringValue
        actor = meta["actor"]?.stringValue
        causationID = meta["causation_id"]?.stringValue
        correlationID = meta["correlation_id"]?.stringValue
        timePrecision = meta["time_precision"]?.stringValue
        timeNote = Self.timeNote(in: meta)
        isIllustrative = meta["illustrative"]?.boolValue == true || meta["confidence"]?.stringValue == "illustrative"
    }

    /// `meta.source.note` alone (for callers that need only the notes of many records).
    ///
    /// - Parameter meta: The record's `meta`.
    /// - Returns: The note, if any.
    public static func sourceNote(in meta: JSONValue) -> String? { meta["source"]?["note"]?.stringValue }

    /// `meta.time_note` alone.
    ///
    /// - Parameter meta: The record's `meta`.
    /// - Returns: The note, if any.
    public static func timeNote(in meta: JSONValue) -> String? { meta["time_note"]?.stringValue }
}
