import CanonicalJSON
import LedgerIntegrity
import LedgerStore
import Projections

/// A point for `parley diff`: a seq (`1234`) or an RFC 3339 time (or date).
public enum ReportPoint: Sendable, Equatable, CustomStringConvertible {
    /// Records up to this seq (0: before the first record).
    case seq(UInt64)
    /// A time: transaction time, or valid time for a valid-time diff.
    case time(Timestamp)

    /// Parses `1234`, `2005-03-15` or `2005-03-15T10:00:00Z`.
    ///
    /// - Parameter text: The point.
    public init?(parsing text: String) {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let seq = UInt64(text) {
            self = .seq(seq)
        } else if let time = Timestamp(dateOrDateTime: text) {
            self = .time(time)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .seq(let seq): return "seq \(seq)"
        case .time(let time): return time.description
        }
    }
}

/// What changed in the projected state between two points, each change with the events that
/// caused it.
///
/// The state is compared entity by entity (a party, an ownership relation, a person's role, a
/// negotiation's title and parties, its stage, scope, each term, plan, statement, estimate,
/// price quote, contradiction and open question, each financial fact, correction and finding).
/// An entity's causes are the events between the two points that it references (its records,
/// corrections, retractions); a change no such event explains — a derived one — is attributed
/// to the events between the points about the same negotiation or party.
public struct StateDiff: Sendable {
    /// One end of the diff.
    public struct End: Sendable {
        /// The point as given.
        public var point: String
        /// The report at that point.
        public var receipt: Report.Receipt
    }

    /// A changed field of an entity.
    public struct FieldChange: Sendable {
        /// The member name.
        public var field: String
        /// Its value before (nil: absent).
        public var before: JSONValue?
        /// Its value after (nil: absent).
        public var after: JSONValue?
    }

    /// One changed entity.
    public struct Change: Sendable {
        /// The entity key, e.g. `negotiation/zil-faw-assembly/term/t-licence-fee`.
        public var entity: String
        /// What it is about, e.g. `negotiation zil-faw-assembly`.
        public var group: String
        /// What it is, e.g. `term t-licence-fee`.
        public var label: String
        /// `added`, `removed` or `changed`.
        public var kind: String
        /// The entity before and after, in words.
        public var beforeText: String?
        public var afterText: String?
        /// The entity before and after (JSON, as in the JSON report).
        public var before: JSONValue?
        public var after: JSONValue?
        /// The members that differ.
        public var fields: [FieldChange]
        /// The events between the points that caused it, in seq order.
        public var causes: [ProjectedEvent]
        /// Whether the causes were found by reference (false: attributed by aggregate).
        public var causesByReference: Bool
    }

    /// Whether the points are valid times (else transaction time).
    public var isValidTime: Bool
    /// The negotiation compared (all when nil).
    public var negotiation: String?
    /// The earlier end.
    public var from: End
    /// The later end.
    public var to: End
    /// The events between the two points, in seq order.
    public var events: [ProjectedEvent]
    /// The changes, grouped (parties, negotiations, financial facts, corrections, findings).
    public var changes: [Change]
    /// Events between the points that no change is attributed to.
    public var unattributed: [ProjectedEvent]
    /// The report at the later point (for summaries of its events).
    public var toReport: Report

    /// Compares the views at two points of the ledger at `path`.
    ///
    /// - Parameters:
    ///   - path: The ledger directory.
    ///   - from: The earlier point.
    ///   - to: The later point.
    ///   - validTime: Whether the points are valid times (`effective_at`), as known now.
    ///   - negotiation: Compare only this negotiation.
    ///   - useSnapshots: Whether views may start from snapshots.
    ///   - now: The present.
    /// - Returns: The diff.
    /// - Throws: `LedgerError(.invalidInput)` for points out of range or out of order, a seq with
    ///   `validTime`; what loading a view throws.
    public static func compute(
        ledgerAt path: String, from: ReportPoint, to: ReportPoint, validTime: Bool = false, negotiation: String? = nil,
        useSnapshots: Bool = true, now: Timestamp = .now()
    ) throws -> (diff: StateDiff, warnings: [String]) {
        func query(_ point: ReportPoint) throws -> ReportQuery {
            var query = ReportQuery(negotiation: negotiation, useSnapshots: useSnapshots)
            switch (point, validTime) {
            case (.seq, true):
                throw LedgerError(.invalidInput, "--valid compares valid times; give RFC 3339 times or dates, not seqs")
            case (.time(let time), true): query.validAt = time
            case (.time(let time), false): query.asOf = time
            case (.seq(let seq), false): query.asOfSeq = seq
            }
            return query
        }
        let toView = try LedgerViews.load(ledgerAt: path, query: try query(to), now: now)
        var fromView: LedgerView
        var fromIsEmpty = false
        switch from {
        case .seq(0): fromIsEmpty = true
        case .time(let time) where validTime: fromIsEmpty = !toView.events.contains { $0.effectiveAt <= time }
        default: break
        }
        if !fromIsEmpty {
            do {
                fromView = try LedgerViews.load(ledgerAt: path, query: try query(from), now: now)
            } catch let error as LedgerError where error.code == .notFound && negotiation != nil {
                fromIsEmpty = true  // the negotiation had no records yet at the earlier point
                fromView = toView
            }
        } else {
            fromView = toView
        }
        if fromIsEmpty {
            fromView.query = (try? query(from)) ?? ReportQuery(asOfSeq: 0, negotiation: negotiation)
            fromView.state = LedgerState()
            fromView.events = []
            fromView.knownEventCount = 0
            fromView.corrections = CorrectionIndex()
            if !validTime {
                switch from {
                case .seq(let seq) where seq > 0:
                    let cut = try Cut(tape: try LedgerTape(path: path), query: ReportQuery(asOfSeq: seq), now: now)
                    fromView.throughSeq = cut.seq
                    fromView.throughRecordedAt = cut.recordedAt
                    fromView.root = try cut.root ?? LedgerViews.root(ledgerAt: path, through: seq)
                case .time(let time):
                    let cut = try Cut(tape: try LedgerTape(path: path), query: ReportQuery(asOf: time), now: now)
                    fromView.throughSeq = cut.seq
                    fromView.throughRecordedAt = cut.recordedAt
                    fromView.root = try cut.root ?? LedgerViews.root(ledgerAt: path, through: cut.seq)
                default:
                    fromView.throughSeq = 0
                    fromView.throughRecordedAt = nil
                    fromView.root = RFC6962.emptyRoot.hexString
                }
            }
        }
        if validTime {
            if case .time(let a) = from, case .time(let b) = to, a > b {
                throw LedgerError(.invalidInput, "--from \(a) is after --to \(b)")
            }
        } else if fromView.throughSeq > toView.throughSeq {
            throw LedgerError(
                .invalidInput, "--from (\(from), seq \(fromView.throughSeq)) is after --to (\(to), seq \(toView.throughSeq))")
        }
        let fromReport = Report(view: fromView)
        let toReport = Report(view: toView)
        let window: [ProjectedEvent]
        if validTime, case .time(let a) = from, case .time(let b) = to {
            window = toView.events.filter { $0.effectiveAt > a && $0.effectiveAt <= b }
        } else {
            window = toView.events.filter { $0.seq > fromView.throughSeq }
        }
        let diff = StateDiff(
            isValidTime: validTime, negotiation: negotiation, from: End(point: from.description, receipt: fromReport.receipt),
            to: End(point: to.description, receipt: toReport.receipt), window: window, fromReport: fromReport,
            toReport: toReport)
        var warnings = fromView.warnings
        for warning in toView.warnings where !warnings.contains(warning) { warnings.append(warning) }
        return (diff, warnings)
    }

    init(
        isValidTime: Bool, negotiation: String?, from: End, to: End, window: [ProjectedEvent], fromReport: Report,
        toReport: Report
    ) {
        self.isValidTime = isValidTime
        self.negotiation = negotiation
        self.from = from
        self.to = to
        self.events = window
        self.toReport = toReport
        let before = DiffEntities.of(fromReport)
        let after = DiffEntities.of(toReport)
        let windowSeqs = Set(window.map(\.seq))
        var byID: [String: ProjectedEvent] = [:]
        for event in toReport.events { byID[event.id] = event }
        var changes: [Change] = []
        var entitySeqs: [Set<UInt64>] = []
        var aggregates: [String] = []
        for key in Set(before.keys).union(after.keys).sorted(by: DiffEntities.order) {
            let old = before[key]
            let new = after[key]
            guard old?.value != new?.value else { continue }
            let entity = (new ?? old)!
            let fields = old != nil && new != nil ? Self.differences(old!.value, new!.value, path: "") : []
            let seqs = (old?.seqs ?? []).union(new?.seqs ?? [])
            let causes = seqs.intersection(windowSeqs)
            entitySeqs.append(seqs)
            aggregates.append(entity.aggregate)
            changes.append(
                Change(
                    entity: key, group: entity.group, label: entity.label,
                    kind: old == nil ? "added" : new == nil ? "removed" : "changed", beforeText: old?.summary,
                    afterText: new?.summary, before: old?.value, after: new?.value, fields: fields,
                    causes: window.filter { causes.contains($0.seq) }, causesByReference: !causes.isEmpty))
        }
        // A derived change (an open question closing, say) that references no event between the
        // points follows from the changes that touched the same records; failing that, from the
        // events between the points about the same negotiation or party.
        var attributed: Set<UInt64> = []
        for index in changes.indices where changes[index].causes.isEmpty {
            var related: Set<UInt64> = []
            for other in changes.indices where other != index && changes[other].causesByReference {
                if !entitySeqs[other].subtracting(windowSeqs).isDisjoint(with: entitySeqs[index]) {
                    related.formUnion(changes[other].causes.map(\.seq))
                }
            }
            if related.isEmpty {
                related = Set(
                    window.filter { DiffEntities.aggregate(of: $0, report: toReport, byID: byID) == aggregates[index] }.map(\.seq)
                )
            }
            changes[index].causes = window.filter { related.contains($0.seq) }
        }
        for change in changes { attributed.formUnion(change.causes.map(\.seq)) }
        self.changes = changes
        unattributed = window.filter { !attributed.contains($0.seq) }
    }

    /// The differing leaves of two JSON values, as paths (`current.start_window`, `pairs[0].open`);
    /// arrays of different lengths are one difference.
    static func differences(_ old: JSONValue?, _ new: JSONValue?, path: String) -> [FieldChange] {
        if old == new { return [] }
        switch (old, new) {
        case (.object(let a)?, .object(let b)?) where !path.hasSuffix("record") || path.isEmpty:
            if path.split(separator: ".").count >= 4 { return [FieldChange(field: path, before: old, after: new)] }
            return Set(a.keys).union(b.keys).sorted().flatMap { key in
                differences(a[key], b[key], path: path.isEmpty ? key : path + "." + key)
            }
        case (.array(let a)?, .array(let b)?) where a.count == b.count:
            return a.indices.flatMap { differences(a[$0], b[$0], path: path + "[\($0)]") }
        default:
            return [FieldChange(field: path, before: old, after: new)]
        }
    }
}
