import CanonicalJSON
import Foundation
import LedgerStore
import Testing

@testable import Catalogue

/// What validating one event came to: the version to record, or the problems as printed.
struct Outcome: Equatable, CustomStringConvertible {
    var version: Int64?
    var problems: [String]
    var description: String { version.map { "v\($0)" } ?? problems.joined(separator: "\n") }

    static func valid(_ version: Int64) -> Outcome { Outcome(version: version, problems: []) }
    static func invalid(_ problems: String...) -> Outcome { Outcome(version: nil, problems: problems) }
}

extension EventCatalogue {
    /// Validates through the store's entry point: canonical bytes of `data` and `meta`.
    func check(_ type: String, schema: Int64? = nil, data: JSONValue, meta: JSONValue = .object([:])) -> Outcome {
        let dataBytes = data.canonicalBytes
        let metaBytes = meta.canonicalBytes
        let result = dataBytes.withUnsafeBytes { dataBuffer in
            metaBytes.withUnsafeBytes { metaBuffer in
                validate(type: type, schema: schema, data: dataBuffer, meta: metaBuffer)
            }
        }
        switch result {
        case .success(let version): return .valid(version)
        case .failure(let failure): return Outcome(version: nil, problems: failure.problems.map(\.description))
        }
    }

    func check(_ type: String, schema: Int64? = nil, data: String, meta: String = "{}") throws -> Outcome {
        check(type, schema: schema, data: try Fixtures.json(data), meta: try Fixtures.json(meta))
    }

    /// Validates through the bulk append's entry point, with a memo of accepted meta blocks.
    func check(_ type: String, data: String, meta: String, memo: ValidationMemo) throws -> Outcome {
        let dataBytes = try Fixtures.json(data).canonicalBytes
        let metaBytes = try Fixtures.json(meta).canonicalBytes
        let result = dataBytes.withUnsafeBytes { dataBuffer in
            metaBytes.withUnsafeBytes { metaBuffer in
                validate(type: type, schema: nil, data: dataBuffer, meta: metaBuffer, memo: memo)
            }
        }
        switch result {
        case .success(let version): return .valid(version)
        case .failure(let failure): return Outcome(version: nil, problems: failure.problems.map(\.description))
        }
    }
}

@Suite struct EventCatalogueTests {
    static let typeSchemaFiles = Repository.jsonFiles(in: Repository.schemas).filter { !$0.hasPrefix("meta.") }

    func catalogue() throws -> EventCatalogue { try Fixtures.catalogue.get() }

    // MARK: - the catalogue

    @Test func describesItsTypes() throws {
        let catalogue = try catalogue()
        #expect(catalogue.catalogueVersion == "1")
        #expect(catalogue.types.count == 16)
        #expect(catalogue.types == catalogue.types.sorted())
        #expect(catalogue.types.contains("FinancialFactReported"))
        #expect(catalogue.latestVersion(of: "RoleAssigned") == 2)
        #expect(catalogue.latestVersion(of: "PartyRegistered") == 1)
        #expect(catalogue.latestVersion(of: "Nope") == nil)
        let text = try #require(catalogue.schemaText(type: "RoleAssigned", version: 1))
        #expect(text == (try Repository.text(Repository.schemas.appendingPathComponent("RoleAssigned.v1.json"))))
        #expect(catalogue.schemaText(type: "meta", version: 1) != nil)
        #expect(catalogue.schemaText(type: "RoleAssigned", version: 3) == nil)
    }

    @Test func theBuiltInCatalogueIsTheOneInEvents() throws {
        let builtIn = try EventCatalogue.loadDefault()
        let fromDisk = try catalogue()
        #expect(builtIn.catalogueVersion == fromDisk.catalogueVersion)
        #expect(builtIn.types == fromDisk.types)
        for type in fromDisk.types {
            let latest = try #require(fromDisk.latestVersion(of: type))
            #expect(builtIn.latestVersion(of: type) == latest)
            for version in 1...latest {
                #expect(builtIn.schemaText(type: type, version: version) == fromDisk.schemaText(type: type, version: version))
            }
        }
    }

    /// Loaded without the meta schema (a single append without `--meta`), the catalogue gives
    /// an empty meta block the full catalogue's verdict; the embedded meta schema's root settles it.
    @Test func aCatalogueWithoutTheMetaSchemaValidatesEmptyMetaAsTheFullOneDoes() throws {
        let full = try catalogue()
        let party = try EventCatalogue.loadDefault(compiling: ["PartyRegistered"], compilingMeta: false)
        let metaSchema = try JSONValue(parsing: try #require(EmbeddedCatalogue.schemas["meta.v1.json"]))
        #expect(SchemaCompiler.acceptsEmptyObject(metaSchema) == true)
        #expect(party.metaAcceptsEmpty == full.metaAcceptsEmpty)
        let good = #"{"party_id":"zil","name":"ZIL","kind":"manufacturer","country":"RU","aliases":[]}"#
        let bad = #"{"party_id":"ZIL!","name":"ZIL","kind":"car-maker","aliases":[]}"#
        for data in [good, bad] {
            #expect(try party.check("PartyRegistered", data: data) == (try full.check("PartyRegistered", data: data)))
        }
    }

    /// A memo of accepted meta blocks changes no verdict: a remembered block still needs a valid
    /// body, and a block that differs from a remembered one by a byte is validated (and its
    /// problems reported) as without the memo. The memo is actually used: after the first
    /// acceptance it holds the block.
    @Test func aMemoOfAcceptedMetaBlocksChangesNoVerdict() throws {
        let catalogue = try catalogue()
        // One slot: every block meets the remembered one, so only an exact comparison tells them apart.
        let memo = ValidationMemo(slotCount: 1)
        let good = #"{"party_id":"zil","name":"ZIL","kind":"manufacturer","country":"RU","aliases":[]}"#
        let bad = #"{"party_id":"ZIL!","name":"ZIL","kind":"car-maker","aliases":[]}"#
        let meta = #"{"confidence":"reported","source":{"publication":"Vedomosti"},"via":"Interfax"}"#
        let badMeta = #"{"confidence":"reportet","source":{"publication":"Vedomosti"},"via":"Interfax"}"#
        let remembered = Array(try Fixtures.json(meta).canonicalBytes)
        #expect(!remembered.withUnsafeBytes { memo.contains($0) })
        for (data, metaText) in [(good, meta), (good, meta), (bad, meta), (good, badMeta), (good, meta), (bad, badMeta)] {
            let withMemo = try catalogue.check("PartyRegistered", data: data, meta: metaText, memo: memo)
            let without = try catalogue.check("PartyRegistered", data: data, meta: metaText)
            #expect(withMemo == without, "\(data) \(metaText)")
        }
        #expect(remembered.withUnsafeBytes { memo.contains($0) })
        #expect(try catalogue.check("PartyRegistered", data: bad, meta: meta, memo: memo).version == nil)
        #expect(try catalogue.check("PartyRegistered", data: good, meta: badMeta, memo: memo).version == nil)
    }

    @Test func aCatalogueCompilingOneTypeValidatesItAsTheFullOneDoes() throws {
        let full = try catalogue()
        let party = try EventCatalogue.loadDefault(compiling: ["PartyRegistered"])
        #expect(party.types == full.types)
        #expect(party.latestVersion(of: "RoleAssigned") == full.latestVersion(of: "RoleAssigned"))
        let good = #"{"party_id":"zil","name":"ZIL","kind":"manufacturer","country":"RU","aliases":[]}"#
        let bad = #"{"party_id":"ZIL!","name":"ZIL","kind":"car-maker","aliases":[]}"#
        let meta = #"{"confidence":"guessed"}"#
        for (data, metaText) in [(good, "{}"), (bad, "{}"), (good, meta)] {
            let subset = try party.check("PartyRegistered", data: data, meta: metaText)
            #expect(subset == (try full.check("PartyRegistered", data: data, meta: metaText)))
        }
        #expect(try party.check("PartyRegistered", data: good) == .valid(1))
        #expect(try party.check("PartyRegistered", data: bad).problems.count >= 2)
        #expect(try party.check("NoSuchType", data: good) == (try full.check("NoSuchType", data: good)))
    }

    // MARK: - cases, sample, generator

    @Test("cases validate through the catalogue", arguments: typeSchemaFiles)
    func casesThroughTheCatalogue(file: String) throws {
        let catalogue = try catalogue()
        let parts = file.split(separator: ".")
        let type = String(parts[0])
        let version = try #require(Int64(parts[1].dropFirst()))
        let cases = try Fixtures.cases(file)
        for (index, data) in cases.accept.enumerated() {
            #expect(catalogue.check(type, schema: version, data: data) == .valid(version), "\(file) accept[\(index)]")
        }
        for (index, rejected) in cases.reject.enumerated() {
            guard case .success(let data) = rejected.data else { continue }  // refused by the parser
            let outcome = catalogue.check(type, schema: version, data: data)
            #expect(outcome.version == nil, "\(file) reject[\(index)] (\(rejected.why)) was accepted")
            #expect(outcome.problems.count == 1, "\(file) reject[\(index)]: \(outcome)")
            #expect(outcome.problems.allSatisfy { $0.hasPrefix("data") }, "\(outcome)")
        }
    }

    @Test func metaCasesValidateThroughTheCatalogue() throws {
        let catalogue = try catalogue()
        let cases = try Fixtures.cases("meta.v1.json")
        let data = try Fixtures.json(#"{"party_id": "zil", "name": "ZIL", "kind": "manufacturer"}"#)
        for meta in cases.accept {
            #expect(catalogue.check("PartyRegistered", data: data, meta: meta) == .valid(1), "\(meta)")
        }
        for rejected in cases.reject {
            guard case .success(let meta) = rejected.data else { continue }  // refused by the parser
            let outcome = catalogue.check("PartyRegistered", data: data, meta: meta)
            #expect(outcome.problems.count == 1, "\(rejected.why): \(outcome)")
            #expect(outcome.problems.allSatisfy { $0.hasPrefix("meta") }, "\(outcome)")
        }
    }

    /// An input line as `parley append --file` reads it.
    struct InputLine {
        var type: String
        var schema: Int64?
        var data: [UInt8]
        var meta: [UInt8]

        init(_ line: Substring) throws {
            let value = try JSONValue(parsing: Array(line.utf8))
            type = try #require(value["type"]?.stringValue)
            schema = value["schema"]?.integerValue
            data = try #require(value["data"]).canonicalBytes
            meta = (value["meta"] ?? .object([:])).canonicalBytes
        }

        func validate(with catalogue: EventCatalogue) -> Bool {
            data.withUnsafeBytes { dataBuffer in
                meta.withUnsafeBytes { metaBuffer in
                    if case .success = catalogue.validate(type: type, schema: schema, data: dataBuffer, meta: metaBuffer) {
                        return true
                    }
                    return false
                }
            }
        }
    }

    @Test func everySampleLineValidates() throws {
        let catalogue = try catalogue()
        let text = try Repository.text(Repository.events.appendingPathComponent("samples/zil-faw.ndjson"))
        let lines = text.split(separator: "\n")
        #expect(lines.count >= 20)
        for (index, line) in lines.enumerated() {
            let input = try InputLine(line)
            let value = try JSONValue(parsing: Array(line.utf8))
            let outcome = catalogue.check(
                input.type, schema: input.schema, data: value["data"] ?? .null, meta: value["meta"] ?? .object([:]))
            #expect(
                outcome == .valid(input.schema ?? catalogue.latestVersion(of: input.type) ?? 0), "line \(index + 1): \(outcome)")
        }
    }

    /// 100,000 lines of the project's own generator validate; prints the cost per event.
    @Test func generatedEventsValidate() throws {
        let catalogue = try catalogue()
        let count = 100_000
        let run = try ProcessRun.run(["python3", "Tools/gen_events.py", String(count)])
        try #require(run.status == 0, "gen_events.py failed: \(run.stderr)")
        let lines = run.stdoutText.split(separator: "\n")
        #expect(lines.count == count)
        let inputs = try lines.map(InputLine.init)
        var failures = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for input in inputs where !input.validate(with: catalogue) { failures += 1 }
        }
        #expect(failures == 0)
        // Parsing alone (what any validator over the bytes pays), to show the schema walk's share.
        var members = 0
        let parsing = clock.measure {
            for input in inputs {
                members += (try? JSONValue(parsing: input.data))?.objectValue?.count ?? 0
                members += (try? JSONValue(parsing: input.meta))?.objectValue?.count ?? 0
            }
        }
        #expect(members > 0)
        // The schema walk and rules alone, over trees parsed beforehand.
        let trees = try inputs.map { input in
            (input.type, input.schema, try JSONValue(parsing: input.data), try JSONValue(parsing: input.meta))
        }
        var treeFailures = 0
        let walking = clock.measure {
            for (type, schema, data, meta) in trees {
                if case .failure = catalogue.validate(type: type, schema: schema, data: data, meta: meta) { treeFailures += 1 }
            }
        }
        #expect(treeFailures == 0)
        func perEvent(_ duration: Duration) -> String {
            let micros = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
            return String(format: "%.2f", micros / Double(inputs.count))
        }
        print(
            "catalogue validation: \(inputs.count) events, \(perEvent(elapsed)) µs/event "
                + "(parsing data and meta alone: \(perEvent(parsing)) µs/event; "
                + "schemas and rules over parsed trees alone: \(perEvent(walking)) µs/event)")
    }

    // MARK: - type and version

    @Test func unknownTypeIsReportedAtType() throws {
        let catalogue = try catalogue()
        let outcome = try catalogue.check("Foo", data: "{}")
        #expect(outcome.problems.count == 1)
        #expect(
            outcome.problems.first
                == "type: unknown event type \"Foo\"; known: " + catalogue.types.joined(separator: ", "))
        // meta is still checked, so one pass reports everything.
        let both = try catalogue.check("Foo", data: "{}", meta: #"{"confidence": "rumour"}"#)
        #expect(both.problems.count == 2)
    }

    @Test func unknownVersionIsReportedAtSchema() throws {
        let catalogue = try catalogue()
        #expect(
            try catalogue.check("RoleAssigned", schema: 3, data: "{}")
                == .invalid("schema: RoleAssigned has no schema version 3; known versions: 1, 2"))
        #expect(
            try catalogue.check("PartyRegistered", schema: 0, data: "{}")
                == .invalid("schema: PartyRegistered has no schema version 0; known versions: 1"))
    }

    @Test func eventsKeepTheVersionTheyNameAndDefaultToTheLatest() throws {
        let catalogue = try catalogue()
        let v1 = #"{"party": "zil", "role": "director", "person": "Konstantin Laptev"}"#
        let v2 = #"{"party": "zil", "role": "director", "person": {"name": "Konstantin Laptev"}}"#
        #expect(try catalogue.check("RoleAssigned", schema: 1, data: v1) == .valid(1))
        #expect(try catalogue.check("RoleAssigned", schema: 2, data: v2) == .valid(2))
        #expect(try catalogue.check("RoleAssigned", data: v2) == .valid(2))
        #expect(
            try catalogue.check("RoleAssigned", data: v1)
                == .invalid(#"data.person: expected an object, got "Konstantin Laptev""#))
    }

    // MARK: - messages through the store's entry point

    @Test func schemaProblemsAreRootedAtDataAndMeta() throws {
        let catalogue = try catalogue()
        let outcome = try catalogue.check(
            "PriceQuoted",
            data:
                #"{"product": "bus", "basis": "sticker", "low": {"amount": "35,000", "currency": "USD"}, "high": {"amount": "40000", "currency": "USD"}}"#,
            meta: #"{"confidence": "rumour", "colour": "red", "source": {}}"#)
        #expect(
            outcome
                == .invalid(
                    #"data.low.amount: expected a decimal string matching ^-?(0|[1-9][0-9]*)(\.[0-9]+)?$, got "35,000""#,
                    "meta.colour: unknown field (allowed: actor, attributed_to, causation_id, confidence, correlation_id, illustrative, source, time_note, time_precision, via)",
                    #"meta.confidence: "rumour" is not one of reported, confirmed, estimate, anonymous, disputed, unverified, illustrative"#,
                    "meta.source.publication: missing (required)"))
    }

    @Test func handfulOfBadInputs() throws {
        let catalogue = try catalogue()
        #expect(
            try catalogue.check(
                "StatementReported", data: #"{"statement_id": "s1", "speaker": "MAC", "claim": "x", "stance": "maybe"}"#)
                == .invalid(#"data.stance: "maybe" is not one of confirms, denies, no-comment, qualifies"#))
        #expect(
            try catalogue.check("TermAgreed", data: #"{"agreed_by": ["zil"]}"#)
                == .invalid("data.term_id: missing (required)"))
        #expect(
            try catalogue.check("TermAgreed", data: #"{"term_id": "t1", "agreed_by": ["zil", "FAW"]}"#)
                == .invalid(#"data.agreed_by[1]: expected a lowercase slug matching ^[a-z0-9][a-z0-9-]*$, got "FAW""#))
        #expect(
            try catalogue.check(
                "PriceQuoted",
                data:
                    #"{"product": "bus", "basis": "sticker", "low": {"amount": 35000, "currency": "USD"}, "high": {"amount": "40000", "currency": "USD"}}"#
            )
                == .invalid(#"data.low.amount: expected a decimal string, got 35000; write decimals as strings, e.g. "35000""#))
        #expect(
            try catalogue.check(
                "NegotiationOpened",
                data:
                    #"{"negotiation_id": "zil-faw", "title": "t", "parties": [{"party": "zil", "role": "assembler"}], "colour": 1}"#
            ).problems
                .first?.hasPrefix("data.colour: unknown field (allowed: ") == true)
        #expect(
            try catalogue.check("OwnershipRecorded", data: #"{"owner": "moscow-city", "owned": "zil", "from": "2005-02-30"}"#)
                == .invalid(#"data.from: expected a calendar date YYYY-MM-DD, got "2005-02-30""#))
    }

    // MARK: - cross-field rules

    struct RuleCase: Sendable, CustomStringConvertible {
        var type: String
        var data: String
        var expected: [String]
        var description: String { "\(type) \(data)" }
    }

    static let ruleCases: [RuleCase] = [
        RuleCase(
            type: "PriceQuoted",
            data:
                #"{"product": "bus", "basis": "sticker", "low": {"amount": "40000", "currency": "USD"}, "high": {"amount": "35000.00", "currency": "USD"}}"#,
            expected: [#"data.low.amount: "40000" is greater than data.high.amount "35000.00""#]),
        RuleCase(
            type: "PriceQuoted",
            data:
                #"{"product": "bus", "basis": "sticker", "low": {"amount": "35000", "currency": "USD"}, "high": {"amount": "40000", "currency": "EUR"}}"#,
            expected: [#"data.high.currency: expected "USD" as in data.low.currency (a range has one currency), got "EUR""#]),
        RuleCase(
            type: "PriceQuoted",
            data:
                #"{"product": "bus", "basis": "sticker", "low": {"amount": "35000.5", "currency": "USD"}, "high": {"amount": "35000.50", "currency": "USD"}}"#,
            expected: []),
        RuleCase(
            type: "TermProposed",
            data: #"{"term_id": "t1", "kind": "unit-price", "proposed_by": "zil", "low": {"amount": "1", "currency": "USD"}}"#,
            expected: ["data.high: missing (data.low is given: give both low and high, or neither)"]),
        RuleCase(
            type: "TermProposed",
            data: #"{"term_id": "t1", "kind": "unit-price", "proposed_by": "zil", "high": {"amount": "1", "currency": "USD"}}"#,
            expected: ["data.low: missing (data.high is given: give both low and high, or neither)"]),
        RuleCase(
            type: "TermProposed", data: #"{"term_id": "t1", "kind": "exclusivity", "proposed_by": "zil", "description": "x"}"#,
            expected: []),
        RuleCase(
            type: "TermProposed",
            data:
                #"{"term_id": "t1", "kind": "royalty", "proposed_by": "zil", "low": {"amount": "-0.5", "currency": "USD"}, "high": {"amount": "-0.75", "currency": "USD"}}"#,
            expected: [#"data.low.amount: "-0.5" is greater than data.high.amount "-0.75""#]),
        RuleCase(
            type: "FinancialFactReported",
            data:
                #"{"party": "zil", "metric": "units-sold", "period": {"from": "2004-01-01", "to": "2004-12-31"}, "value": {"amount": "14778", "currency": "USD"}}"#,
            expected: ["data.value: metric units-sold takes exactly the field count; got amount, currency"]),
        RuleCase(
            type: "FinancialFactReported",
            data:
                #"{"party": "zil", "metric": "revenue", "period": {"from": "2004-01-01", "to": "2004-09-30"}, "value": {"count": 1}}"#,
            expected: ["data.value: metric revenue takes exactly the fields amount and currency; got count"]),
        RuleCase(
            type: "FinancialFactReported",
            data: #"{"party": "zil", "metric": "net-loss", "period": {"from": "2004-01-01", "to": "2004-09-30"}, "value": {}}"#,
            expected: ["data.value: metric net-loss takes exactly the fields amount and currency; got no fields"]),
        RuleCase(
            type: "FinancialFactReported",
            data:
                #"{"party": "zil", "metric": "units-sold", "period": {"from": "2004-12-31", "to": "2004-01-01"}, "value": {"count": 14778}}"#,
            expected: [#"data.period.from: "2004-12-31" is after data.period.to "2004-01-01""#]),
        RuleCase(
            type: "DemandEstimated",
            data:
                #"{"market": "Moscow", "segment": "small buses", "period": "year", "low": 7000, "high": 5000, "unit": "vehicles"}"#,
            expected: ["data.low: 7000 is greater than data.high 5000"]),
        RuleCase(
            type: "DemandEstimated",
            data:
                #"{"market": "Moscow", "segment": "small buses", "period": "year", "low": 5000, "high": 7000, "unit": "vehicles", "horizon": {"from": "2006-01-01", "to": "2005-12-31"}}"#,
            expected: [#"data.horizon.from: "2006-01-01" is after data.horizon.to "2005-12-31""#]),
        RuleCase(
            type: "AssemblyPlanDrafted",
            data:
                #"{"plan_id": "p1", "negotiation_id": "zil-faw", "products": [{"category": "bus", "models": 2}], "annual_volume": {"low": 7000, "high": 5000}, "start_window": {"from": "2005-06-01", "to": "2005-01-01"}}"#,
            expected: [
                "data.annual_volume.low: 7000 is greater than data.annual_volume.high 5000",
                #"data.start_window.from: "2005-06-01" is after data.start_window.to "2005-01-01""#,
            ]),
        RuleCase(
            type: "AssemblyPlanRevised",
            data: #"{"plan_id": "p1", "reason": "r", "annual_volume": {"low": 2, "high": 1}}"#,
            expected: ["data.annual_volume.low: 2 is greater than data.annual_volume.high 1"]),
        RuleCase(
            type: "OwnershipRecorded",
            data: #"{"owner": "mac", "owned": "zil", "relation": "manages", "share_percent": "10"}"#,
            expected: ["data.share_percent: not used with relation manages (only an owner holds a share)"]),
        RuleCase(
            type: "OwnershipRecorded", data: #"{"owner": "moscow-city", "owned": "zil", "share_percent": "90"}"#,
            expected: []),
        RuleCase(
            type: "OwnershipRecorded",
            data: #"{"owner": "moscow-city", "owned": "zil", "from": "2006-01-01", "to": "2005-01-01"}"#,
            expected: [#"data.from: "2006-01-01" is after data.to "2005-01-01""#]),
        RuleCase(
            type: "RoleAssigned",
            data:
                #"{"party": "mac", "role": "director", "person": {"name": "Konstantin Laptev"}, "from": "2005-01-02", "to": "2005-01-01"}"#,
            expected: [#"data.from: "2005-01-02" is after data.to "2005-01-01""#]),
        // Escaped quotes and a trailing escaped backslash in a member the byte scan passes over
        // on its way to `to`: it must find each string's real end.
        RuleCase(
            type: "RoleAssigned",
            data:
                #"{"party": "mac", "role": "director", "person": {"name": "K \"the\" L\\"}, "from": "2005-01-02", "to": "2005-01-01"}"#,
            expected: [#"data.from: "2005-01-02" is after data.to "2005-01-01""#]),
        RuleCase(
            type: "RoleAssigned",
            data:
                #"{"party": "mac", "role": "director", "person": {"name": "\\\"x\\"}, "from": "2005-01-01", "to": "2005-01-02"}"#,
            expected: []),
    ]

    /// The bulk path notes member spans for the rules in its memo's scratch, reused from event to
    /// event: one memo taken through every rule case, forwards then backwards (bodies of other
    /// types and sizes before each), gives each case the verdict it gets without a memo.
    @Test func rulesDecideTheSameOnAMemosReusedScratch() throws {
        let catalogue = try catalogue()
        let memo = ValidationMemo()
        // Else the walk would use a temporary allocation and this would test nothing new.
        #expect(memo.scratch.count >= EventCatalogue.spanRoomCapacity * MemoryLayout<MemberSpan>.stride)
        for example in Self.ruleCases + Self.ruleCases.reversed() {
            let withMemo = try catalogue.check(example.type, data: example.data, meta: "{}", memo: memo)
            #expect(withMemo == (try catalogue.check(example.type, data: example.data)), "\(example)")
            #expect((withMemo.version != nil) == example.expected.isEmpty, "\(example): \(withMemo)")
        }
    }

    @Test("cross-field rules", arguments: ruleCases)
    func crossFieldRules(_ example: RuleCase) throws {
        let outcome = try catalogue().check(example.type, data: example.data)
        if example.expected.isEmpty {
            #expect(outcome.version != nil, "\(outcome)")
        } else {
            #expect(outcome == Outcome(version: nil, problems: example.expected))
        }
    }

    @Test func rulesWaitForASchemaValidBody() throws {
        // low > high and a bad currency: only the schema problem is reported, since the rules
        // assume the shapes the schema guarantees.
        let outcome = try catalogue().check(
            "PriceQuoted",
            data:
                #"{"product": "bus", "basis": "sticker", "low": {"amount": "9", "currency": "usd"}, "high": {"amount": "1", "currency": "USD"}}"#
        )
        #expect(
            outcome.problems == [#"data.low.currency: expected a three-letter upper-case code matching ^[A-Z]{3}$, got "usd""#])
    }

    @Test func validatesConcurrently() async throws {
        let catalogue = try catalogue()
        let data = try Fixtures.json(#"{"party_id": "zil", "name": "ZIL", "kind": "manufacturer"}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<500).allSatisfy { _ in catalogue.check("PartyRegistered", data: data) == .valid(1) }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }

    // MARK: - loading

    /// Copies `Events/` to a temporary directory, lets `edit` change it, and loads it.
    func loadEdited(_ edit: (URL) throws -> Void) throws -> Result<EventCatalogue, CatalogueError> {
        try withTemporaryDirectory { directory in
            let events = directory.appendingPathComponent("Events")
            try FileManager.default.copyItem(at: Repository.events, to: events)
            try edit(events)
            return Result { () throws(CatalogueError) in try EventCatalogue.load(directory: events) }
        }
    }

    @Test func unknownKeywordInASchemaFailsTheLoad() throws {
        let result = try loadEdited { events in
            let url = events.appendingPathComponent("schemas/TermAgreed.v1.json")
            let text = try Repository.text(url).replacingOccurrences(
                of: #""minItems": 1,"#, with: #""minItems": 1, "uniqueItems": true,"#)
            try Data(text.utf8).write(to: url)
        }
        let error = try #require(throws: CatalogueError.self) { try result.get() }
        #expect(error.code == .unsupportedKeyword)
        #expect(error.file == "TermAgreed.v1.json")
        #expect(error.message.hasPrefix("#/properties/agreed_by: keyword \"uniqueItems\" is outside the supported subset"))
    }

    @Test func catalogueAndSchemaFilesMustAgree() throws {
        let unlisted = try loadEdited { events in
            try FileManager.default.copyItem(
                at: events.appendingPathComponent("schemas/TermAgreed.v1.json"),
                to: events.appendingPathComponent("schemas/TermAgreed.v2.json"))
        }
        let unlistedError = try #require(throws: CatalogueError.self) { try unlisted.get() }
        #expect(unlistedError.description == "TermAgreed.v2.json: this schema file is not listed in catalogue.json")

        let missing = try loadEdited { events in
            try FileManager.default.removeItem(at: events.appendingPathComponent("schemas/ClaimRetracted.v1.json"))
        }
        let missingError = try #require(throws: CatalogueError.self) { try missing.get() }
        #expect(missingError.code == .invalidCatalogue)
        #expect(missingError.message.contains("no schema file ClaimRetracted.v1.json"))

        let noMeta = try loadEdited { events in
            try FileManager.default.removeItem(at: events.appendingPathComponent("schemas/meta.v1.json"))
        }
        #expect(throws: CatalogueError.self) { try noMeta.get() }

        let notJSON = try loadEdited { events in
            try Data("{".utf8).write(to: events.appendingPathComponent("schemas/PriceQuoted.v1.json"))
        }
        let notJSONError = try #require(throws: CatalogueError.self) { try notJSON.get() }
        #expect(notJSONError.code == .invalidJSON)
        #expect(notJSONError.file == "PriceQuoted.v1.json")
    }

    @Test func missingDirectoryIsUnreadable() {
        let error = #expect(throws: CatalogueError.self) {
            try EventCatalogue.load(directory: URL(fileURLWithPath: "/nonexistent/Events"))
        }
        #expect(error?.code == .unreadable)
    }
}
