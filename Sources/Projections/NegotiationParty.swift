/// A party's role in a negotiation, e.g. zil as assembler.
public struct NegotiationParty: Sendable, Hashable {
    /// The party id.
    public var party: String
    /// The role, e.g. assembler, licensor, negotiator.
    public var role: String
}
