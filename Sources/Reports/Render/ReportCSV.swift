import CanonicalJSON
import Projections

/// Renders one table of a report as CSV (RFC 4180): a header row, CRLF line ends, and fields
/// that contain a comma, a double quote, CR or LF enclosed in double quotes with inner quotes
/// doubled. Decimal amounts stay decimal strings; times are as recorded.
public enum ReportCSV {
    /// The tables.
    public enum Table: String, Sendable, CaseIterable {
        /// Every event in view: `seq,event_id,stream,type,negotiation,effective_at,recorded_at,summary,
        /// publication,via,attributed_to,confidence,illustrative`.
        case events
        /// Every statement: `negotiation,topic,statement_id,seq,event_id,effective_at,recorded_at,speaker,
        /// speaker_kind,speaker_party,speaker_title,on_behalf_of,stance,claim,publication,published_at,via,
        /// attributed_to,confidence,retracted,retraction_seq,retracted_by,retraction_reason`.
        case statements
        /// Every financial fact: `party,metric,period_from,period_to,count,amount,currency,unit,seq,event_id,
        /// effective_at,recorded_at,publication,via,confidence,earlier_reports,differing_reports,corrected`.
        case financials
        /// Every term: `negotiation,term_id,kind,status,low_amount,low_currency,high_amount,high_currency,
        /// proposed_by,proposal_seq,agreed_by,agreed_amount,agreed_currency,agreement_seq,description,
        /// publication,confidence,corrected`.
        case terms
    }

    /// The CSV text of `table`.
    ///
    /// - Parameters:
    ///   - report: The report.
    ///   - table: Which table.
    /// - Returns: CSV, every record ending with CRLF.
    public static func render(_ report: Report, table: Table) -> String {
        var rows: [[String]] = []
        switch table {
        case .events: rows = events(report)
        case .statements: rows = statements(report)
        case .financials: rows = financials(report)
        case .terms: rows = terms(report)
        }
        var out = ""
        for row in rows {
            out += row.map(field).joined(separator: ",")
            out += "\r\n"
        }
        return out
    }

    /// One field, quoted when it must be.
    static func field(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else { return text }
        var out: [UInt8] = [0x22]
        out.reserveCapacity(utf8.count + 8)
        for byte in utf8 {
            out.append(byte)
            if byte == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    private static func flag(_ value: Bool) -> String { value ? "true" : "false" }

    static func events(_ report: Report) -> [[String]] {
        var rows = [
            [
                "seq", "event_id", "stream", "type", "negotiation", "effective_at", "recorded_at", "summary", "publication",
                "via",
                "attributed_to", "confidence", "illustrative",
            ]
        ]
        for event in report.events {
            let provenance = Provenance(meta: event.meta)
            rows.append([
                String(event.seq), event.id, event.stream, event.type,
                report.negotiationID(of: event) ?? "", event.effectiveAtText,
                event.recordedAtText, EventSummary.text(event, in: report), provenance.publication ?? "", provenance.via ?? "",
                provenance.attributedTo ?? "", provenance.confidence ?? "", flag(provenance.isIllustrative),
            ])
        }
        return rows
    }

    static func statements(_ report: Report) -> [[String]] {
        var rows = [
            [
                "negotiation", "topic", "statement_id", "seq", "event_id", "effective_at", "recorded_at", "speaker",
                "speaker_kind", "speaker_party", "speaker_title", "on_behalf_of", "stance", "claim", "publication",
                "published_at", "via", "attributed_to", "confidence", "retracted", "retraction_seq", "retracted_by",
                "retraction_reason",
            ]
        ]
        for section in report.negotiations {
            for group in StatementGroups.of(section.statements) {
                for statement in group.statements {
                    let source = statement.record.source
                    let provenance = source.provenance
                    rows.append([
                        section.negotiation.id, group.topic, statement.statementID, String(source.seq), source.id,
                        source.effectiveAtText, source.recordedAtText, statement.speaker, statement.speakerKind ?? "",
                        statement.speakerParty ?? "", statement.speakerTitle ?? "", statement.onBehalfOf ?? "",
                        statement.stance, statement.claim, provenance.publication ?? "", provenance.publishedAt ?? "",
                        provenance.via ?? "", provenance.attributedTo ?? "", provenance.confidence ?? "",
                        flag(statement.isRetracted), statement.retraction.map { String($0.source.seq) } ?? "",
                        statement.retraction?.string("retracted_by") ?? "", statement.retraction?.string("reason") ?? "",
                    ])
                }
            }
        }
        return rows
    }

    static func financials(_ report: Report) -> [[String]] {
        var rows = [
            [
                "party", "metric", "period_from", "period_to", "count", "amount", "currency", "unit", "seq", "event_id",
                "effective_at", "recorded_at", "publication", "via", "confidence", "earlier_reports", "differing_reports",
                "corrected",
            ]
        ]
        for fact in report.state.financials.all {
            let source = fact.record.source
            var count = ""
            var amount = ""
            var currency = ""
            switch fact.value {
            case .count(let value): count = String(value)
            case .money(let money):
                amount = money.amount
                currency = money.currency
            case .missing: break
            }
            rows.append([
                fact.key.party, fact.key.metric, fact.key.period.from, fact.key.period.to, count, amount, currency,
                fact.unit ?? "", String(source.seq), source.id, source.effectiveAtText, source.recordedAtText,
                source.provenance.publication ?? "", source.provenance.via ?? "", source.provenance.confidence ?? "",
                String(fact.earlier.count), flag(fact.hasDifferingReports), flag(fact.record.isCorrected),
            ])
        }
        return rows
    }

    static func terms(_ report: Report) -> [[String]] {
        var rows = [
            [
                "negotiation", "term_id", "kind", "status", "low_amount", "low_currency", "high_amount", "high_currency",
                "proposed_by", "proposal_seq", "agreed_by", "agreed_amount", "agreed_currency", "agreement_seq", "description",
                "publication", "confidence", "corrected",
            ]
        ]
        for section in report.negotiations {
            for term in section.terms {
                let provenance = term.proposal?.source.provenance
                rows.append([
                    section.negotiation.id, term.termID, term.kind ?? "", term.status, term.low?.amount ?? "",
                    term.low?.currency ?? "", term.high?.amount ?? "", term.high?.currency ?? "", term.proposedBy ?? "",
                    term.proposal.map { String($0.source.seq) } ?? "", term.agreedBy.joined(separator: " "),
                    term.agreedValue?.amount ?? "", term.agreedValue?.currency ?? "",
                    term.agreement.map { String($0.source.seq) } ?? "", term.description ?? "",
                    provenance?.publication ?? "", provenance?.confidence ?? "",
                    flag((term.proposal?.isCorrected ?? false) || (term.agreement?.isCorrected ?? false)),
                ])
            }
        }
        return rows
    }
}
