/// A deal term: its proposals and, once agreed, its agreement (`TermProposed`, `TermAgreed`).
public struct Term: Sendable, Equatable {
    /// The term's client id.
    public var termID: String
    /// Proposals in valid time; the last is current.
    public var proposals: [SourcedData]
    /// Agreements in valid time; the last is current.
    public var agreements: [SourcedData]

    /// The current proposal.
    public var proposal: SourcedData? { proposals.last }
    /// The current agreement.
    public var agreement: SourcedData? { agreements.last }
    /// `agreed` once an agreement is recorded, else `proposed`.
    public var status: String { agreement == nil ? "proposed" : "agreed" }
    /// unit-price, licence-fee, royalty, volume, ...
    public var kind: String? { proposal?.string("kind") }
    /// Lower bound of the proposed amount.
    public var low: Money? { Money(proposal?.data["low"]) }
    /// Upper bound of the proposed amount.
    public var high: Money? { Money(proposal?.data["high"]) }
    /// The term in words.
    public var description: String? { proposal?.string("description") }
    /// The proposing party.
    public var proposedBy: String? { proposal?.string("proposed_by") }
    /// The agreeing parties.
    public var agreedBy: [String] { (agreement?.data["agreed_by"]?.arrayValue ?? []).compactMap(\.stringValue) }
    /// The agreed amount, for money terms.
    public var agreedValue: Money? { Money(agreement?.data["value"]) }
    /// The agreed term in words.
    public var agreedDescription: String? { agreement?.string("description") }
}
