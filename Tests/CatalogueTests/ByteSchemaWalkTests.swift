import CanonicalJSON
import Foundation
import ParleyTestSupport
import Testing

@testable import Catalogue

/// The byte walk must decide exactly as the tree walk does: `SchemaValidator.accepts(canonical:)`
/// is true when and only when `validate(_:)` finds no problem, and `EventCatalogue`'s fast path
/// accepts exactly the events the tree path accepts. The one allowed difference is that the
/// byte walk declines documents whose member names are not plain ASCII (false where the tree
/// says valid); canonical form escapes only control characters, `"` and `\`.
@Suite struct ByteSchemaWalkTests {
    /// One event to compare: its type, body and provenance block as canonical bytes.
    struct Event {
        var type: String
        var data: [UInt8]
        var meta: [UInt8]
    }

    /// What a comparison run saw.
    struct Tally {
        var accepted = 0
        var rejected = 0
        var declined = 0
        var disagreements: [String] = []

        mutating func record(byteVerdict: Bool, treeVerdict: Bool, document: [UInt8], declineAllowed: Bool, _ what: String) {
            switch (byteVerdict, treeVerdict) {
            case (true, true): accepted += 1
            case (false, false): rejected += 1
            case (false, true) where declineAllowed: declined += 1
            default:
                if disagreements.count < 10 {
                    disagreements.append(
                        "\(what): bytes say \(byteVerdict), tree says \(treeVerdict): "
                            + String(decoding: document, as: UTF8.self))
                }
            }
        }
    }

    // MARK: - Generated workloads

    @Test(arguments: [3, 11, 2024])
    func generatedEventsAgree(seed: Int) throws {
        let events = try Self.generatedEvents(seed: seed)
        #expect(events.count == 3000)
        let catalogue = try Fixtures.catalogue.get()
        var tally = Tally()
        for event in events {
            try Self.compare(event, catalogue: catalogue, into: &tally)
        }
        #expect(tally.disagreements == [])
        #expect(tally.accepted > 0)
    }

    // MARK: - Member spans for the cross-field rules

    /// The rules decide the same on the members the walk noted as on scanning the bytes, for
    /// every case document (accepted and rejected) of every type that has rules, and the table
    /// holds every member of every object once its duplicates (a `$ref` walked twice) are
    /// counted once.
    @Test(arguments: Repository.jsonFiles(in: Repository.cases))
    func rulesDecideTheSameOnNotedMembers(file: String) throws {
        guard file != EventCatalogue.metaSchemaFile else { return }
        let type = String(file.split(separator: ".")[0])
        let rules = CrossFieldRule.rules(for: type)
        guard !rules.isEmpty else { return }
        let validator = try Fixtures.validator(file)
        let cases = try Fixtures.cases(file)
        var walked = 0
        for document in cases.accept.map({ Result<JSONValue, JSONInputError>.success($0) }) + cases.reject.map(\.data) {
            guard case .success(let parsed) = document else { continue }
            let canonical = try CanonicalEncoder.canonicalize(parsed.canonicalBytes)
            try canonical.withUnsafeBytes { data in
                try withUnsafeTemporaryAllocation(of: MemberSpan.self, capacity: 256) { room in
                    var spans: MemberSpans? = MemberSpans(room)
                    guard validator.accepts(canonical: data, recording: &spans) else { return }
                    walked += 1
                    let table = try #require(spans?.table)
                    for rule in rules {
                        #expect(
                            rule.holds(canonical: data, members: table) == rule.holds(canonical: data, members: nil),
                            "\(rule) \(String(decoding: canonical, as: UTF8.self))")
                    }
                    if case .object(let members) = parsed {
                        #expect(table.memberCount(ofObjectAt: 0) == members.count)
                        for name in members.keys {
                            let found = Array(name.utf8).withUnsafeBytes { table.value(of: $0, inObjectAt: 0, in: data) }
                            #expect(found != nil, "\(name)")
                        }
                        let absent = Array("no_such_member".utf8).withUnsafeBytes { table.value(of: $0, inObjectAt: 0, in: data) }
                        #expect(absent == nil)
                    }
                }
            }
        }
        #expect(walked > 0)
    }

    /// A `$ref` with sibling keywords walks the object twice, noting its members twice: they
    /// are still counted and found once.
    @Test func membersNotedTwiceCountOnce() throws {
        let validator = try SchemaValidator(
            text: ##"{"$defs":{"o":{"type":"object"}},"$ref":"#/$defs/o","required":["a"]}"##)
        let document = Array(#"{"a":1,"b":{"c":2}}"#.utf8)
        try document.withUnsafeBytes { data in
            try withUnsafeTemporaryAllocation(of: MemberSpan.self, capacity: 16) { room in
                var spans: MemberSpans? = MemberSpans(room)
                #expect(validator.accepts(canonical: data, recording: &spans))
                let table = try #require(spans?.table)
                #expect(table.spans.count == 6)
                #expect(table.memberCount(ofObjectAt: 0) == 2)
                #expect(table.memberCount(ofObjectAt: 11) == 1)
            }
        }
    }

    /// A walk with less room than members stops noting them and offers no table (the rules then scan).
    @Test func tooManyMembersLeaveNoTable() throws {
        let validator = try SchemaValidator(text: #"{"type":"object"}"#)
        let document = Array(#"{"a":1,"b":{"c":2,"d":3},"e":4}"#.utf8)
        try document.withUnsafeBytes { data in
            try withUnsafeTemporaryAllocation(of: MemberSpan.self, capacity: 3) { room in
                var spans: MemberSpans? = MemberSpans(room)
                #expect(validator.accepts(canonical: data, recording: &spans))
                #expect(spans?.overflowed == true)
                #expect(spans?.table == nil)
            }
            try withUnsafeTemporaryAllocation(of: MemberSpan.self, capacity: 5) { room in
                var spans: MemberSpans? = MemberSpans(room)
                #expect(validator.accepts(canonical: data, recording: &spans))
                let table = try #require(spans?.table)
                #expect(table.memberCount(ofObjectAt: 0) == 3)
                #expect(table.memberCount(ofObjectAt: 11) == 2)
                let d = Array("d".utf8).withUnsafeBytes { table.value(of: $0, inObjectAt: 11, in: data) }
                #expect(d.map { String(decoding: data[$0], as: UTF8.self) } == "3")
            }
        }
    }

    // MARK: - Case files

    @Test(arguments: Repository.jsonFiles(in: Repository.cases))
    func caseFilesAgree(file: String) throws {
        let validator = try Fixtures.validator(file)
        let cases = try Fixtures.cases(file)
        let catalogue = try Fixtures.catalogue.get()
        // `<Type>.v<N>.json`; for `meta.v1.json`, the documents are meta blocks of a PartyRegistered event.
        let parts = file.split(separator: ".")
        let isMeta = file == EventCatalogue.metaSchemaFile
        let type = isMeta ? "PartyRegistered" : String(parts[0])
        let version = isMeta ? nil : Int64(parts[1].dropFirst())
        let sample = Array(#"{"aliases":[],"country":"RU","kind":"manufacturer","name":"ZIL","party_id":"zil"}"#.utf8)
        var tally = Tally()
        var events = Tally()
        let documents = cases.accept.map { Result<JSONValue, JSONInputError>.success($0) } + cases.reject.map(\.data)
        for document in documents {
            guard case .success(let parsed) = document else { continue }
            let canonical = try CanonicalEncoder.canonicalize(parsed.canonicalBytes)
            Self.compare(canonical, validator: validator, into: &tally, file)
            // The whole event, with the type's cross-field rules.
            let data = isMeta ? sample : canonical
            let meta = isMeta ? canonical : Array("{}".utf8)
            let fast = data.withUnsafeBytes { data in
                meta.withUnsafeBytes { meta in
                    catalogue.acceptedVersion(type: type, schema: version, canonicalData: data, canonicalMeta: meta)
                }
            }
            let tree = try? catalogue.validate(
                type: type, schema: version, data: try #require(value(of: data)), meta: try #require(value(of: meta))
            ).get()
            #expect(fast == tree, "\(String(decoding: data, as: UTF8.self)) \(String(decoding: meta, as: UTF8.self))")
            events.record(
                byteVerdict: fast != nil, treeVerdict: tree != nil, document: data + meta, declineAllowed: false, "event")
        }
        #expect(tally.disagreements == [])
        #expect(events.disagreements == [])
        #expect(tally.accepted >= cases.accept.count)
        #expect(events.accepted == cases.accept.count)
        #expect(tally.rejected > 0)
        #expect(events.rejected > 0)
        // The files are pretty-printed: not canonical, so never accepted on the bytes.
        let raw = Array(try Data(contentsOf: Repository.cases.appendingPathComponent(file)))
        for item in RawJSON.items(raw[...]) where item.key == "accept" {
            for entry in RawJSON.items(item.value) {
                let bytes = Array(entry.value)
                let accepted = bytes.withUnsafeBytes { validator.accepts(canonical: $0) }
                if accepted { #expect(bytes == value(of: bytes)?.canonicalBytes) }
            }
        }
    }

    // MARK: - Mutations

    @Test func mutatedEventsAgree() throws {
        let catalogue = try Fixtures.catalogue.get()
        let events = try Self.generatedEvents(seed: 5)
        var generator = SplitMix64(seed: 0x5EED)
        var tally = Tally()
        var mutationCount = 0
        for event in events {
            for _ in 0..<4 {
                guard var data = value(of: event.data), var meta = value(of: event.meta) else {
                    Issue.record("an event does not parse")
                    return
                }
                if generator.next() % 4 == 0 {
                    Mutation.apply(to: &meta, using: &generator)
                } else {
                    Mutation.apply(to: &data, using: &generator)
                }
                let mutated = Event(
                    type: event.type, data: try CanonicalEncoder.canonicalize(data.canonicalBytes),
                    meta: try CanonicalEncoder.canonicalize(meta.canonicalBytes))
                try Self.compare(mutated, catalogue: catalogue, into: &tally)
                mutationCount += 1
            }
        }
        #expect(tally.disagreements == [])
        #expect(mutationCount == 12000)
        // Both outcomes must be well represented, or the comparison proves little.
        #expect(tally.accepted > 5000)
        #expect(tally.rejected > 5000)
    }

    /// Damaged bytes (not canonical, or not JSON) are never accepted unless the tree path accepts
    /// them too; when the damage leaves canonical JSON, the verdicts are equal.
    @Test func damagedBytesAreNeverAcceptedWrongly() throws {
        let events = try Self.generatedEvents(seed: 9)
        var generator = SplitMix64(seed: 0xBAD)
        let damage: [UInt8] = Array(#" {}[]",:\.0123456789-eEtrufalsn"#.utf8) + [0x00, 0x0A, 0x7F, 0x80, 0xC3, 0xE2, 0xFF]
        var byteAccepted = 0
        var checked = 0
        for event in events.prefix(1000) {
            let validator = try Self.validator(for: event.type)
            for _ in 0..<3 {
                var bytes = event.data
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[position] = damage[Int(generator.next() % UInt64(damage.count))]
                case 1: bytes.insert(damage[Int(generator.next() % UInt64(damage.count))], at: position)
                case 2: bytes.remove(at: position)
                default: bytes.removeLast(bytes.count - position)
                }
                let accepted = bytes.withUnsafeBytes { validator.accepts(canonical: $0) }
                let tree = value(of: bytes)
                let treeValid = tree.map { validator.validate($0).isEmpty } ?? false
                if accepted {
                    byteAccepted += 1
                    #expect(treeValid, "accepted damaged bytes: \(String(decoding: bytes, as: UTF8.self))")
                } else if treeValid, let tree, tree.canonicalBytes == bytes, !Self.hasUnplainName(tree) {
                    Issue.record("declined canonical valid bytes: \(String(decoding: bytes, as: UTF8.self))")
                }
                checked += 1
            }
        }
        #expect(checked == 3000)
        #expect(byteAccepted > 0)
    }

    /// Hand-picked edges of the JSON the parser reads.
    @Test(arguments: [
        (#"{"a":1}"#, true), (#"{"a":-0}"#, true), (#"{"a":9007199254740991}"#, true),
        (#"{"a":9007199254740992}"#, false), (#"{"a":01}"#, false), (#"{"a":1.0}"#, false), (#"{"a":1e2}"#, false),
        (#"{"a":"\u0041"}"#, true), (#"{"a":"\ud800"}"#, false), (#"{"a":"\ud83d\ude8c"}"#, true), (#"{"a":"\x"}"#, false),
        (#"{"a":1,"a":2}"#, false), (#"{"b":1,"a":2}"#, false), (#"{"a":1} "#, false), (#"{"a":tru}"#, false),
        (#"[1,]"#, false), (#"{"a":"é"}"#, true), (#"{"é":1}"#, false), (#"{"\u0061":1}"#, false), ("", false),
        (String(repeating: "[", count: 64) + String(repeating: "]", count: 64), true),
        (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), false),
    ])
    func parserEdges(text: String, accepted: Bool) throws {
        let validator = try SchemaValidator(schema: .bool(true))
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { validator.accepts(canonical: $0) } == accepted)
        // Declined only for what the walk declines by design: keys out of order or not ASCII, whitespace.
        let declinedByDesign = [#"{"b":1,"a":2}"#, #"{"é":1}"#, #"{"\u0061":1}"#, #"{"a":1} "#].contains(text)
        #expect((value(of: bytes) != nil) == (accepted || declinedByDesign))
    }

    /// `String` equality equates canonically equivalent spellings; the byte walk must agree.
    @Test func canonicallyEquivalentStringsCompareAsStrings() throws {
        let validator = try SchemaValidator(
            text: #"{"type":"object","properties":{"a":{"enum":["é","K"]},"b":{"const":"é"}}}"#)
        for (text, valid) in [
            (#"{"a":"é"}"#, true), (#"{"a":"e\u0301"}"#, true), (#"{"a":"\u212a"}"#, true), (#"{"a":"e"}"#, false),
            (#"{"b":"é"}"#, true), (#"{"b":"e\u0301"}"#, true), (#"{"b":"ê"}"#, false),
        ] {
            let canonical = try CanonicalEncoder.canonicalize(Array(text.utf8))
            let tree = try #require(value(of: canonical))
            #expect(validator.validate(tree).isEmpty == valid, "\(text)")
            #expect(canonical.withUnsafeBytes { validator.accepts(canonical: $0) } == valid, "\(text)")
        }
    }

    // MARK: - Helpers

    private static func generatedEvents(seed: Int) throws -> [Event] {
        let run = try ProcessRun.run(["python3", "Tools/gen_events.py", "3000", "--seed", String(seed)])
        try #require(run.status == 0, "gen_events.py failed: \(run.stderr)")
        var events: [Event] = []
        for line in Array(run.stdout).split(separator: UInt8(ascii: "\n")) {
            let members = Dictionary(uniqueKeysWithValues: RawJSON.items(line).map { ($0.key ?? "", $0.value) })
            let typeBytes = try #require(members["type"])
            let dataBytes = try #require(members["data"])
            let type = try #require(value(of: Array(typeBytes))?.stringValue)
            let data = try CanonicalEncoder.canonicalize(Array(dataBytes))
            let meta = try CanonicalEncoder.canonicalize(Array(members["meta"] ?? Array("{}".utf8)[...]))
            events.append(Event(type: type, data: data, meta: meta))
        }
        return events
    }

    /// The latest schema of every type, compiled once.
    private static let latestSchemas: Result<[String: SchemaValidator], any Error> = Result {
        let catalogue = try Fixtures.catalogue.get()
        var schemas: [String: SchemaValidator] = [:]
        for type in catalogue.types {
            guard let version = catalogue.latestVersion(of: type) else { continue }
            schemas[type] = try Fixtures.validator("\(type).v\(version).json")
        }
        schemas[metaKey] = try Fixtures.validator(EventCatalogue.metaSchemaFile)
        return schemas
    }

    /// The key of the meta schema in `latestSchemas` (no event type is lower-case).
    private static let metaKey = "meta"

    private static func validator(for type: String) throws -> SchemaValidator {
        let schemas = try latestSchemas.get()
        return try #require(schemas[type])
    }

    /// Compares the schema verdicts for data and meta, and the catalogue's fast path with its tree path.
    private static func compare(_ event: Event, catalogue: EventCatalogue, into tally: inout Tally) throws {
        compare(event.data, validator: try validator(for: event.type), into: &tally, "\(event.type) data")
        compare(event.meta, validator: try validator(for: metaKey), into: &tally, "meta")
        guard let data = value(of: event.data), let meta = value(of: event.meta) else {
            tally.disagreements.append("does not parse")
            return
        }
        let fast = event.data.withUnsafeBytes { data in
            event.meta.withUnsafeBytes { meta in
                catalogue.acceptedVersion(type: event.type, schema: nil, canonicalData: data, canonicalMeta: meta)
            }
        }
        let tree = catalogue.validate(type: event.type, schema: nil, data: data, meta: meta)
        let treeVersion = try? tree.get()
        if let fast { #expect(fast == treeVersion) }
        tally.record(
            byteVerdict: fast != nil, treeVerdict: treeVersion != nil, document: event.data + event.meta,
            declineAllowed: hasUnplainName(data) || hasUnplainName(meta), "\(event.type) event")
    }

    private static func compare(_ bytes: [UInt8], validator: SchemaValidator, into tally: inout Tally, _ what: String) {
        let byteVerdict = bytes.withUnsafeBytes { validator.accepts(canonical: $0) }
        let tree = value(of: bytes)
        let treeVerdict = tree.map { validator.validate($0).isEmpty } ?? false
        tally.record(
            byteVerdict: byteVerdict, treeVerdict: treeVerdict, document: bytes,
            declineAllowed: tree.map(hasUnplainName) ?? false, what)
    }

    static func hasUnplainName(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            return members.contains { name, member in
                name.utf8.contains { $0 >= 0x80 || $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } || hasUnplainName(member)
            }
        case .array(let elements):
            return elements.contains(where: hasUnplainName)
        default:
            return false
        }
    }
}

/// Parses bytes, or nil.
private func value(of bytes: [UInt8]) -> JSONValue? {
    try? JSONValue(parsing: bytes)
}

/// Seeded edits of a valid document, aimed at what schemas and cross-field rules check.
enum Mutation {
    static let strings: [String] = [
        "12.50", "-0.5", "1e5", "35 000", "0", "-12", "007", ".5", "1.", "zzz-not-listed", "", "a",
        "2005-13-01", "2005-02-30", "2004-02-29", "2005-01-01T25:00:00Z", "2005-01-01t00:00:00z",
        "2005-01-01 00:00:00Z", "2005-01-01T00:00:00.5+03:00", "2005-01-01T00:00:00", "2005-01-01",
        "a\"b", "line\nbreak", "tab\t", "\u{1}", "back\\slash", "zil\n", "Zürich", "日本", "e\u{301}", "\u{212A}",
        "🚌", "USD", "usd", "RUB", "manages", "owner", "units-sold", "revenue", "bus", "truck", "sticker",
        String(repeating: "x", count: 301), String(repeating: "é", count: 150),
    ]
    static let names = [
        "zz_extra", "aaa", "amount", "count", "currency", "share_percent", "é", "low", "high", "quo\"te", "ctl\u{1}",
    ]

    /// Applies one random edit somewhere in `value`.
    static func apply(to value: inout JSONValue, using generator: inout SplitMix64) {
        var paths: [[PathStep]] = []
        collect(value, [], into: &paths)
        let path = paths[Int(generator.next() % UInt64(paths.count))]
        let sibling = paths[Int(generator.next() % UInt64(paths.count))]
        let copied = get(value, sibling)
        edit(&value, path[...]) { target in
            switch generator.next() % 12 {
            case 0:
                target = nil  // drop a member or element
            case 1:
                target = .string(strings[Int(generator.next() % UInt64(strings.count))])
            case 2:
                if case .string(let text) = target {
                    let extra = strings[Int(generator.next() % UInt64(strings.count))]
                    target = .string(generator.next() % 2 == 0 ? text + extra : extra + text)
                } else {
                    target = .string("x")
                }
            case 3:
                let numbers: [Int64] = [0, -1, 1, 1_000_000, 9_007_199_254_740_991, -9_007_199_254_740_991, 1900, 2100]
                target = .integer(numbers[Int(generator.next() % UInt64(numbers.count))])
            case 4:
                target = [.null, .bool(true), .bool(false)][Int(generator.next() % 3)]
            case 5:
                target = .array([])
            case 6:
                target = .object([:])
            case 7:
                if case .object(var members) = target {
                    let name = names[Int(generator.next() % UInt64(names.count))]
                    members[name] = generator.next() % 2 == 0 ? .string("x") : .integer(1)
                    target = .object(members)
                } else {
                    target = .array([target ?? .null])
                }
            case 8:
                if case .array(let elements) = target {
                    target = .array(elements + elements)
                } else if case .integer(let number) = target {
                    target = .integer(number &+ Int64(generator.next() % 2001) - 1000)
                } else {
                    target = .integer(42)
                }
            default:
                target = copied  // copy another value here: swaps ranges, currencies, dates
            }
        }
    }

    enum PathStep {
        case member(String)
        case element(Int)
    }

    private static func collect(_ value: JSONValue, _ path: [PathStep], into paths: inout [[PathStep]]) {
        paths.append(path)
        switch value {
        case .object(let members):
            for (name, member) in members { collect(member, path + [.member(name)], into: &paths) }
        case .array(let elements):
            for (index, element) in elements.enumerated() { collect(element, path + [.element(index)], into: &paths) }
        default:
            break
        }
    }

    private static func get(_ value: JSONValue, _ path: [PathStep]) -> JSONValue {
        var current = value
        for step in path {
            switch step {
            case .member(let name): current = current[name] ?? .null
            case .element(let index): current = current.arrayValue?[index] ?? .null
            }
        }
        return current
    }

    /// Replaces the value at `path` with what `change` makes of it (nil removes it).
    private static func edit(_ value: inout JSONValue, _ path: ArraySlice<PathStep>, _ change: (inout JSONValue?) -> Void) {
        guard let step = path.first else {
            var target: JSONValue? = value
            change(&target)
            value = target ?? .object([:])
            return
        }
        switch (step, value) {
        case (.member(let name), .object(var members)):
            if path.count == 1 {
                var target = members[name]
                change(&target)
                members[name] = target
            } else if var member = members[name] {
                edit(&member, path.dropFirst(), change)
                members[name] = member
            }
            value = .object(members)
        case (.element(let index), .array(var elements)):
            if path.count == 1 {
                var target: JSONValue? = elements[index]
                change(&target)
                if let target { elements[index] = target } else { elements.remove(at: index) }
            } else {
                edit(&elements[index], path.dropFirst(), change)
            }
            value = .array(elements)
        default:
            break
        }
    }
}
