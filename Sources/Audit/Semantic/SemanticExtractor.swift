import CanonicalJSON
import LedgerStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Pulls the references the semantic pass needs out of a record's canonical `data` bytes,
/// without parsing the whole body.
enum SemanticExtractor {
    /// The event types that belong to a negotiation (as `Projections.NegotiationState` folds them).
    static let negotiationTypes: Set<String> = [
        "NegotiationOpened", "NegotiationStageChanged", "ScopeProposed", "TermProposed", "TermAgreed",
        "AssemblyPlanDrafted", "AssemblyPlanRevised", "StatementReported", "ClaimRetracted", "DemandEstimated",
        "PriceQuoted",
    ]
    /// Other event types that name parties, define them, or point at events.
    static let otherTypes: Set<String> = [
        "PartyRegistered", "RoleAssigned", "FinancialFactReported", "OwnershipRecorded", "EventCorrected",
    ]
    /// Fields of negotiation events that name a party.
    static let negotiationPartyFields: [StaticString] = [
        "proposed_by", "quoted_by", "estimated_by", "speaker_party", "on_behalf_of", "assembler", "retracted_by",
    ]

    /// Appends the references of one record.
    ///
    /// - Parameters:
    ///   - index: The record's index in its frame.
    ///   - type: Its event type.
    ///   - stream: Its stream.
    ///   - effectiveAt: Its effective_at text.
    ///   - data: Canonical JSON of its body.
    ///   - members: A reusable buffer.
    ///   - refs: Where the references go.
    static func extract(
        index: Int, type: String, stream: UnsafeRawBufferPointer, effectiveAt: UnsafeRawBufferPointer,
        data: UnsafeRawBufferPointer, members: inout [(key: Range<Int>, value: Range<Int>)], into refs: inout [SemanticRef]
    ) {
        guard negotiationTypes.contains(type) || otherTypes.contains(type) else { return }
        let at = Int32(index)
        members.removeAll(keepingCapacity: true)
        CanonicalMembers.forEach(data) { key, value in members.append((key, value)) }
        let members = members
        func isKey(_ range: Range<Int>, _ name: StaticString) -> Bool {
            range.count == name.utf8CodeUnitCount
                && memcmp(data.baseAddress! + range.lowerBound, name.utf8Start, range.count) == 0
        }
        func value(_ key: StaticString) -> UnsafeRawBufferPointer? {
            members.first { isKey($0.key, key) }.map { UnsafeRawBufferPointer(rebasing: data[$0.value]) }
        }
        func string(_ key: StaticString) -> String? { value(key).flatMap(CanonicalMembers.string) }
        func add(_ role: SemanticRef.Role, _ value: String?, field: String = "", extra: String? = nil, time: Int64 = 0) {
            guard let value else { return }
            refs.append(SemanticRef(index: at, role: role, value: value, field: field, extra: extra, time: time))
        }
        switch type {
        case "PartyRegistered":
            add(.registersParty, string("party_id"))
        case "RoleAssigned", "FinancialFactReported":
            add(.party, string("party"), field: "party")
        case "OwnershipRecorded":
            add(.party, string("owner"), field: "owner")
            add(.party, string("owned"), field: "owned")
        case "EventCorrected":
            add(.corrects, string("corrects"))
        default:
            break
        }
        guard negotiationTypes.contains(type) else { return }
        let prefix: StaticString = "negotiation/"
        let fromStream: String? =
            stream.count > prefix.utf8CodeUnitCount
                && memcmp(stream.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
            ? String(decoding: stream[prefix.utf8CodeUnitCount...], as: UTF8.self) : nil
        guard let negotiation = string("negotiation_id") ?? fromStream else {
            add(.missingNegotiation, type)
            return
        }
        add(type == "NegotiationOpened" ? .opensNegotiation : .negotiation, negotiation)
        for member in members {
            for field in negotiationPartyFields where isKey(member.key, field) {
                add(.party, CanonicalMembers.string(UnsafeRawBufferPointer(rebasing: data[member.value])), field: "\(field)")
            }
        }
        switch type {
        case "NegotiationOpened":
            if let parties = value("parties"), let list = try? JSONValue(parsing: parties) {
                for party in list.arrayValue ?? [] { add(.party, party["party"]?.stringValue, field: "parties") }
            }
        case "TermAgreed":
            if let agreed = value("agreed_by"), let list = try? JSONValue(parsing: agreed) {
                for party in list.arrayValue ?? [] { add(.party, party.stringValue, field: "agreed_by") }
            }
        case "NegotiationStageChanged":
            let time = Timestamp(dateOrDateTime: String(decoding: effectiveAt, as: UTF8.self))?.microseconds ?? 0
            add(.stage, string("stage") ?? "", extra: string("previous_stage"), time: time)
        case "StatementReported":
            add(.statement, string("statement_id") ?? "")
        case "ClaimRetracted":
            add(.retracts, string("retracts"), extra: string("statement_id"))
        default:
            break
        }
    }
}

/// Walks the members of a canonical JSON object (no whitespace; strings may hold escapes).
enum CanonicalMembers {
    /// Calls `body` with the byte range of each member's key (between its quotes, as written) and value.
    static func forEach(_ object: UnsafeRawBufferPointer, _ body: (Range<Int>, Range<Int>) -> Void) {
        guard object.count >= 2, object[0] == UInt8(ascii: "{") else { return }
        var cursor = 1
        while cursor < object.count, object[cursor] == 0x22 {
            let keyEnd = skipString(object, cursor)
            guard keyEnd < object.count, object[keyEnd] == UInt8(ascii: ":") else { return }
            let key = (cursor + 1)..<(keyEnd - 1)
            let valueStart = keyEnd + 1
            let valueEnd = skipValue(object, valueStart)
            body(key, valueStart..<valueEnd)
            guard valueEnd < object.count, object[valueEnd] == UInt8(ascii: ",") else { return }
            cursor = valueEnd + 1
        }
    }

    /// The text of a JSON string value, or nil when the bytes are not a string.
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        if let plain = CanonicalString.plainContent(bytes) { return String(decoding: plain, as: UTF8.self) }
        guard bytes.first == 0x22, case .string(let text)? = try? JSONValue(parsing: bytes) else { return nil }
        return text
    }

    /// The index after the string that starts at `start` (a quote).
    private static func skipString(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case 0x5C: index += 2
            case 0x22: return index + 1
            default: index += 1
            }
        }
        return index
    }

    /// The index after the value that starts at `start`.
    private static func skipValue(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> Int {
        guard start < bytes.count else { return start }
        switch bytes[start] {
        case 0x22:
            return skipString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case 0x22:
                    index = skipString(bytes, index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return index
        default:
            var index = start
            while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}"),
                bytes[index] != UInt8(ascii: "]")
            {
                index += 1
            }
            return index
        }
    }
}
