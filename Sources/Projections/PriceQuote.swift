/// A quoted price range for a product (`PriceQuoted`).
public struct PriceQuote: Sendable, Equatable {
    /// The body and its source.
    public var record: SourcedData

    /// What is priced, e.g. bus.
    public var product: String { record.string("product") ?? "" }
    /// The product in words.
    public var description: String? { record.string("description") }
    /// sticker, list, retail, wholesale, ex-works, contract or other.
    public var basis: String { record.string("basis") ?? "" }
    /// Low end.
    public var low: Money? { Money(record.data["low"]) }
    /// High end.
    public var high: Money? { Money(record.data["high"]) }
    /// The quoting party.
    public var quotedBy: String? { record.string("quoted_by") }
}
