/// One fact a record contributes to the semantic pass, pulled out by a worker thread.
struct SemanticRef: Sendable {
    enum Role: UInt8, Sendable {
        /// `PartyRegistered.party_id`.
        case registersParty
        /// `NegotiationOpened.negotiation_id` (or the stream's).
        case opensNegotiation
        /// A field naming a party (`field` says which).
        case party
        /// The negotiation a negotiation event belongs to.
        case negotiation
        /// A negotiation event that names no negotiation.
        case missingNegotiation
        /// `NegotiationStageChanged.stage` (`time`: its effective_at); `extra`: previous_stage.
        case stage
        /// `EventCorrected.corrects`.
        case corrects
        /// `ClaimRetracted.retracts`; `extra`: its statement_id.
        case retracts
        /// A `StatementReported`; `value`: its statement_id.
        case statement
    }

    /// Index of the record within its frame.
    var index: Int32
    var role: Role
    var value: String
    var field: String = ""
    var extra: String?
    var time: Int64 = 0
}
