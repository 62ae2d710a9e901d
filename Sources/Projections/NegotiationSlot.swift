/// Which timeline of a negotiation holds an item.
enum NegotiationSlot: Sendable, Equatable {
    case opening
    case stage
    case scope
    case termProposal(String)
    case termAgreement(String)
    case plan(String)
    case statement
    case retraction(target: String)
    case estimate
    case price
}
