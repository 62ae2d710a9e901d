import CanonicalJSON
import Catalogue
import LedgerIntegrity
import Projections

/// A point-in-time report: a `LedgerView` plus what a reader needs beyond the projected state —
/// a receipt saying exactly what it was derived from, each negotiation's open questions and the
/// events since its last stage change — ready for the renderers (`ReportMarkdown`, `ReportJSON`,
/// `ReportCSV`, `ReportHTML`).
///
/// Deterministic: the same view gives the same report (no wall clock unless `generatedAt` is given).
public struct Report: Sendable {
    /// What the report was derived from.
    public struct Receipt: Sendable, Equatable {
        /// The ledger's id.
        public var ledgerID: String
        /// The ledger's checkpoint origin.
        public var origin: String
        /// The last record the report is derived from (records 1…`throughSeq`; 0 for none).
        public var throughSeq: UInt64
        /// The RFC 6962 root of records 1…`throughSeq` (hex).
        public var root: String
        /// `recorded_at` of record `throughSeq`.
        public var throughRecordedAt: String?
        /// The transaction-time point asked for.
        public var asOf: String?
        /// The transaction-time point asked for, as a seq.
        public var asOfSeq: UInt64?
        /// The valid-time point asked for.
        public var validAt: String?
        /// The negotiation shown (all when nil).
        public var negotiation: String?
        /// Events in view known at the transaction-time point.
        public var eventsKnown: Int
        /// Of those, the events folded (within the valid-time cut).
        public var eventsFolded: Int
        /// The event catalogue's `catalogue_version`.
        public var catalogueVersion: String
        /// When the report was generated, only when asked for (`--generated-at`).
        public var generatedAt: String?
    }

    /// Something the record leaves unsettled.
    public struct OpenQuestion: Sendable, Equatable {
        /// `no-comment`, `contradiction`, `retracted-claim`, `range-not-agreed`, `term-not-agreed`,
        /// `unconfirmed-stage`, `illegal-stage` or `differing-reports`.
        public var kind: String
        /// One sentence.
        public var text: String
        /// The records it is about.
        public var seqs: [UInt64]
    }

    /// One negotiation with what the report adds to it.
    public struct NegotiationSection: Sendable {
        /// The projected negotiation.
        public var negotiation: NegotiationState
        /// The parties its events name (sorted): their financial facts are shown with it.
        public var namedParties: [String]
        /// The events about it (its own and their corrections), in seq order.
        public var events: [ProjectedEvent]
        /// The current stage's step (nil before any).
        public var lastStageStep: StageStep?
        /// Its events after that step in valid time (ties by seq), oldest first.
        public var sinceLastStageStep: [ProjectedEvent]
        /// What is unsettled.
        public var openQuestions: [OpenQuestion]
        /// Its statements in valid time (computed once: the projection derives them on each access).
        public var statements: [Statement]
        /// Its contradictions (computed once).
        public var contradictions: [TopicContradictions]
        /// Its terms (computed once).
        public var terms: [Term]
    }

    /// A note on sources or dates (`meta.source.note`, `meta.time_note`) and the records it is on.
    public struct Note: Sendable, Equatable {
        /// The note.
        public var text: String
        /// The records carrying it.
        public var seqs: [UInt64]
    }

    /// The receipt.
    public var receipt: Receipt
    /// The projected state in view.
    public var state: LedgerState
    /// The events in view, folded, in seq order.
    public var events: [ProjectedEvent]
    /// The negotiations in view, by id.
    public var negotiations: [NegotiationSection]
    /// Notes on sources and dates.
    public var notes: [Note]
    /// The corrections that applied, and each corrected event's current data.
    let corrections: CorrectionIndex
    /// Names of the parties registered at the point.
    let names: PartyNames
    /// Financial facts by party, built once (each fact copies its earlier reports, and every
    /// negotiation of a party shows them).
    let factsByParty: [String: [FinancialFact]]
    /// For each fact, how many earlier reports differ from the latest.
    let differingReports: [FinancialKey: Int]

    /// Builds the report of a view.
    ///
    /// - Parameters:
    ///   - view: The view.
    ///   - generatedAt: The generation time to print, if wanted (RFC 3339).
    public init(view: LedgerView, generatedAt: String? = nil) {
        let query = view.query
        receipt = Receipt(
            ledgerID: view.ledgerID, origin: view.origin, throughSeq: view.throughSeq, root: view.root,
            throughRecordedAt: view.throughRecordedAt, asOf: query.asOf?.description, asOfSeq: query.asOfSeq,
            validAt: query.validAt?.description, negotiation: query.negotiation, eventsKnown: view.knownEventCount,
            eventsFolded: view.events.count, catalogueVersion: Self.catalogueVersion, generatedAt: generatedAt)
        state = view.state
        events = view.events
        corrections = view.corrections
        names = view.names
        var factsByParty: [String: [FinancialFact]] = [:]
        var differingReports: [FinancialKey: Int] = [:]
        for fact in view.state.financials.all {
            factsByParty[fact.key.party, default: []].append(fact)
            let value = fact.record.data["value"]
            differingReports[fact.key] = fact.earlier.reduce(0) { $0 + ($1.data["value"] != value ? 1 : 0) }
        }
        self.factsByParty = factsByParty
        self.differingReports = differingReports
        let state = view.state
        let names = view.names
        let corrections = view.corrections
        var byNegotiation: [String: [ProjectedEvent]] = [:]
        let byID = corrections.targets
        for event in view.events {
            if let id = Self.negotiationID(of: event, corrections: corrections, byID: byID) {
                byNegotiation[id, default: []].append(event)
            }
        }
        negotiations = state.negotiations.all.map { negotiation in
            Self.section(
                negotiation, events: byNegotiation[negotiation.id] ?? [], state: state, corrections: corrections, names: names,
                facts: factsByParty, differing: differingReports)
        }
        var order: [String] = []
        var seqs: [String: [UInt64]] = [:]
        for event in view.events {
            // Only the two notes: a whole `Provenance` per event would cost a dozen lookups.
            let notes = [Provenance.sourceNote(in: event.meta), Provenance.timeNote(in: event.meta)]
            for note in notes.compactMap({ $0 }) {
                if seqs[note] == nil { order.append(note) }
                seqs[note, default: []].append(event.seq)
            }
        }
        notes = order.map { Note(text: $0, seqs: seqs[$0]!) }
    }

    /// The catalogue version built into this binary.
    /// (Read from the embedded `Events/catalogue.json` text; compiling the catalogue's schemas,
    /// as `EventCatalogue.loadDefault()` does, would cost more than a small report.)
    static let catalogueVersion: String = {
        let text = EmbeddedCatalogue.catalogueJSON
        guard let value = try? JSONValue(parsing: text), let version = value["catalogue_version"]?.stringValue else {
            return (try? EventCatalogue.loadDefault().catalogueVersion) ?? "unknown"
        }
        return version
    }()

    /// The negotiation an event is about: where its current data places it, or for a correction,
    /// where the corrected event is.
    static func negotiationID(
        of event: ProjectedEvent, corrections: CorrectionIndex, byID: [String: ProjectedEvent], depth: Int = 0
    ) -> String? {
        // Only negotiation events and corrections can be about a negotiation (corrections never
        // change an event's type): the rest need no look at their data.
        guard event.type == "EventCorrected" || AggregateKey.negotiationTypes.contains(event.type) else { return nil }
        let data = corrections.currentData(of: event)
        switch AggregateKey.of(type: event.type, stream: event.stream, data: data) {
        case .negotiation(let id): return id
        case .corrections:
            guard depth < 8, let target = event.data["corrects"]?.stringValue, let corrected = byID[target] else { return nil }
            return negotiationID(of: corrected, corrections: corrections, byID: byID, depth: depth + 1)
        default: return nil
        }
    }

    /// The financial facts about `party`, sorted by period and metric.
    func facts(about party: String) -> [FinancialFact] { factsByParty[party] ?? [] }

    /// The current data of an event (corrections merged), or its data as recorded.
    func data(of event: ProjectedEvent) -> JSONValue { corrections.currentData(of: event) }

    /// The negotiation an event is about (see `negotiationID(of:corrections:byID:)`).
    func negotiationID(of event: ProjectedEvent) -> String? {
        guard event.type == "EventCorrected" else { return Self.negotiationID(of: event, corrections: corrections, byID: [:]) }
        var byID: [String: ProjectedEvent] = [:]
        if let target = event.data["corrects"]?.stringValue, let corrected = corrections.targets[target] {
            byID[target] = corrected
        }
        return Self.negotiationID(of: event, corrections: corrections, byID: byID)
    }

    private static func section(
        _ negotiation: NegotiationState, events: [ProjectedEvent], state: LedgerState, corrections: CorrectionIndex,
        names: PartyNames, facts: [String: [FinancialFact]], differing: [FinancialKey: Int]
    ) -> NegotiationSection {
        var named: Set<String> = []
        for event in events {
            named.formUnion(AggregateKey.namedParties(in: corrections.currentData(of: event)))
        }
        let last = negotiation.stageHistory.last
        var since: [ProjectedEvent] = []
        if let last {
            let mark = last.record.source
            since = events.filter { event in
                event.seq != mark.seq
                    && (event.effectiveAt > mark.effectiveAt || (event.effectiveAt == mark.effectiveAt && event.seq > mark.seq))
            }.sorted { ($0.effectiveAt, $0.seq) < ($1.effectiveAt, $1.seq) }
        }
        let statements = negotiation.statements
        let contradictions = ContradictionDetector.detect(in: statements)
        let terms = negotiation.terms
        return NegotiationSection(
            negotiation: negotiation, namedParties: named.sorted(), events: events, lastStageStep: last,
            sinceLastStageStep: since,
            openQuestions: OpenQuestions.of(
                negotiation, statements: statements, contradictions: contradictions, terms: terms,
                parties: named.sorted(), names: names, facts: facts, differing: differing),
            statements: statements, contradictions: contradictions, terms: terms)
    }
}
