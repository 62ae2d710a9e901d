import CanonicalJSON
import Foundation
import ParleyTestSupport
import Testing

@Suite struct CanonicalEncoderTests {
    static func canonical(_ text: String) throws -> String {
        String(decoding: try CanonicalEncoder.canonicalize(Array(text.utf8)), as: UTF8.self)
    }

    @Test(arguments: [
        (#"{"b":1,"a":2}"#, #"{"a":2,"b":1}"#),
        (#" { "z" : [ 1 , 2 , { "y":true, "x":null } ] , "a" : "s" } "#, #"{"a":"s","z":[1,2,{"x":null,"y":true}]}"#),
        (#"{"a":"\u0041\/\n\t\u001f\u007f"}"#, "{\"a\":\"A/\\n\\t\\u001f\u{7F}\"}"),
        (#"{"a":"\ud83d\ude00"}"#, "{\"a\":\"😀\"}"),
        (#"{"a":-0}"#, #"{"a":0}"#),
        (#"{"a":-12,"b":9007199254740991}"#, #"{"a":-12,"b":9007199254740991}"#),
        (#"{"\u20ac":1,"\ud83d\ude00":2,"\ufb01":3,"a":4}"#, "{\"a\":4,\"€\":1,\"😀\":2,\"ﬁ\":3}"),
        ("{\"a\":\"\u{2028}\"}", "{\"a\":\"\u{2028}\"}"),
        (#"[]"#, #"[]"#),
        (#"{}"#, #"{}"#),
    ])
    func canonicalForms(input: String, expected: String) throws {
        #expect(try Self.canonical(input) == expected)
    }

    @Test(arguments: [
        (#"{"data":{"price":{"amount":35000.5}}}"#, "data.price.amount", "fractional number"),
        (#"{"a":1e3}"#, "a", "exponent"),
        (#"{"a":9007199254740992}"#, "a", "2^53"),
        (#"{"a":1,"a":2}"#, "a", "duplicate key"),
        (#"{"a":[1,{"b":01}]}"#, "a[1].b", "leading zero"),
        (#"{"a":"\ud800"}"#, "a", "surrogate"),
        (#"{"a":"x"#, "a", "unterminated"),
        (#"{"a":1}x"#, "", "after the JSON value"),
        (#"{"a":tru}"#, "a", "unexpected"),
        ("{\"a\":\"\u{01}\"}", "a", "control character"),
        // Paths are built while the failure unwinds: every level adds its own component once.
        (#"{"x":{"y":[0,{"k":1,"k":2}]}}"#, "x.y[1].k", "duplicate key"),
        (#"{"x":{"y" 1}}"#, "x.y", "expected ':'"),
        (#"{"x":[[0],[1,[2,1.5]]]}"#, "x[1][1][1]", "fractional number"),
        (#"{"p":{"q":1},"r":{"s":[1,2}}"#, "r.s", "expected ',' or ']'"),
    ])
    func rejections(input: String, path: String, fragment: String) throws {
        do {
            _ = try Self.canonical(input)
            Issue.record("accepted \(input)")
        } catch let error as JSONInputError {
            #expect(error.path == path)
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    /// Member order by the 8-byte prefixes (one load, or a byte loop for short names near the end
    /// of the text) agrees with the tree serializer's full comparison: empty and short names,
    /// names that share their first eight bytes, and raw non-ASCII bytes inside the first eight.
    @Test func memberOrderAgreesWithTheTreeSerializerForEveryPrefixShape() throws {
        let names = [
            "", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh0", "abcdefgha", "aé", "aéb", "éa", #"a\u0000"#,
            "zz", "z", "abc", "abcdefghij_longer",
        ]
        var random = SplitMix64(seed: 11)
        for round in 0..<50 {
            let members = names.enumerated().map { #""\#($0.element)":\#($0.offset)"# }
            let shuffled = members.shuffled(using: &random)
            // Nested too, so that some names sit right before the end of the text.
            let text =
                "{" + shuffled.joined(separator: ",") + #","inner":{"# + shuffled.suffix(round % 5 + 1).joined(separator: ",")
                + "}}"
            let canonical = try Self.canonical(text)
            #expect(canonical == (try JSONValue(parsing: Array(text.utf8)).canonicalString), "\(text)")
        }
    }

    /// Duplicates are found by the sort: in small objects (insertion sort, names of up to eight
    /// bytes compared by prefix, longer ones in full) and in big ones (the library sort).
    @Test(arguments: [3, 9, 17, 40])
    func duplicateKeysAreFoundInObjectsOfEverySize(count: Int) throws {
        for name in ["k", "key_0001", "a_much_longer_key_name_0001", "\\u00e9"] {
            var members = (0..<count).map { #""m\#(String(format: "%04d", $0))":\#($0)"# }
            members.insert(#""\#(name)":1"#, at: 0)
            members.insert(#""\#(name)":2"#, at: count / 2 + 1)
            let text = "{" + members.shuffled().joined(separator: ",") + "}"
            do {
                _ = try Self.canonical(text)
                Issue.record("accepted \(text)")
            } catch let error as JSONInputError {
                #expect(error.message == "duplicate key")
                #expect(error.path == (name == "\\u00e9" ? "é" : name))
            }
            members.remove(at: count / 2 + 1)
            let unique = try Self.canonical("{" + members.shuffled().joined(separator: ",") + "}")
            #expect(try JSONValue(parsing: Array(unique.utf8)).canonicalString == unique)
        }
    }

    /// Encoding into the caller's memory writes what `output` would hold, with `topLevel`'s
    /// ranges counted from the destination, and leaves `output` alone; a failure still names the field.
    @Test func encodingIntoCallerMemoryMatchesOutput() throws {
        let documents = [#" { "z" : [ 1 , { "y":true, "x":null } ] , "a" : "\u0041" , "m":{} } "#, #"{"b":-0}"#, "[1, 2]"]
        var encoder = CanonicalEncoder()
        for text in documents {
            let input = Array(text.utf8)
            try input.withUnsafeBytes { raw in try encoder.encode(raw) }
            let expected = encoder.output
            let expectedMembers = encoder.topLevel.map { Array(expected[$0.value]) }
            let destination = UnsafeMutablePointer<UInt8>.allocate(capacity: input.count + 8)
            defer { destination.deallocate() }
            destination.initialize(repeating: 0xEE, count: input.count + 8)
            let written = try input.withUnsafeBytes { raw in try encoder.encode(raw, into: destination + 8) }
            let bytes = Array(UnsafeBufferPointer(start: destination + 8, count: written))
            #expect(bytes == expected)
            #expect(encoder.output == expected)
            #expect(encoder.topLevel.map { Array(bytes[$0.value]) } == expectedMembers)
            #expect(Array(UnsafeBufferPointer(start: destination, count: 8)) == [UInt8](repeating: 0xEE, count: 8))
        }
        let bad = Array(#"{"a":{"b":1.5}}"#.utf8)
        let room = UnsafeMutablePointer<UInt8>.allocate(capacity: bad.count)
        defer { room.deallocate() }
        let failure = #expect(throws: JSONInputError.self) {
            try bad.withUnsafeBytes { raw in try encoder.encode(raw, into: room) }
        }
        #expect(failure?.path == "a.b")
    }

    /// With `topLevelAsRead` the top-level members stay in input order, unchecked for repeats,
    /// while every value (nested objects included) is canonical and nested repeats still fail.
    @Test func topLevelAsReadKeepsInputOrderWithCanonicalValues() throws {
        let text = #"{ "z" : { "b" : 1 , "a" : [ -0 , "\u0041" ] } , "a" : 2 , "z" : null }"#
        let input = Array(text.utf8)
        var encoder = CanonicalEncoder()
        let room = UnsafeMutablePointer<UInt8>.allocate(capacity: input.count)
        defer { room.deallocate() }
        let written = try input.withUnsafeBytes { raw in try encoder.encode(raw, into: room, topLevelAsRead: true) }
        let bytes = Array(UnsafeBufferPointer(start: room, count: written))
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"z":{"a":[0,"A"],"b":1},"a":2,"z":null}"#)
        #expect(encoder.topLevel.indices.map { encoder.topLevelKey($0) } == ["z", "a", "z"])
        #expect(
            encoder.topLevel.map { String(decoding: bytes[$0.value], as: UTF8.self) } == [#"{"a":[0,"A"],"b":1}"#, "2", "null"])
        // The same encoder sorts (and checks) the top level again on the next plain call.
        #expect(throws: JSONInputError.self) { try input.withUnsafeBytes { raw in try encoder.encode(raw, into: room) } }
        let nested = Array(#"{"b":{"k":1,"k":2},"a":1}"#.utf8)
        let failure = #expect(throws: JSONInputError.self) {
            try nested.withUnsafeBytes { raw in try encoder.encode(raw, into: room, topLevelAsRead: true) }
        }
        #expect(failure?.path == "b.k")
        #expect(failure?.message == "duplicate key")
    }

    @Test func fractionalMessageSaysHowToFixIt() throws {
        #expect(throws: JSONInputError.self) { try Self.canonical(#"{"x":35000.5}"#) }
        do { _ = try Self.canonical(#"{"x":35000.5}"#) } catch let error as JSONInputError {
            #expect(error.description == #"x: 35000.5 is a fractional number; write decimals as strings, e.g. "35000.5""#)
        }
    }

    @Test func aByteOrderMarkIsNamed() {
        let failure = #expect(throws: JSONInputError.self) {
            try CanonicalEncoder.canonicalize([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
        }
        #expect(failure?.message.contains("byte-order mark") == true)
        // Only the whole mark is named: a lone 0xEF is just an unexpected byte.
        let lone = #expect(throws: JSONInputError.self) { try CanonicalEncoder.canonicalize([0xEF, 0x7B, 0x7D]) }
        #expect(lone?.message == "unexpected byte 0xef")
    }

    @Test func invalidUTF8IsRejected() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONInputError.self) { try CanonicalEncoder.canonicalize(bytes) }
        let overlong: [UInt8] = Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        #expect(throws: JSONInputError.self) { try CanonicalEncoder.canonicalize(overlong) }
    }

    /// Python's json.dumps(sort_keys=True, separators=(',',':'), ensure_ascii=False) is RFC 8785 for
    /// integer-only documents with BMP keys: compare on the project's generator output.
    @Test func agreesWithPythonOnGeneratorLines() throws {
        let generated = try ProcessRunner.run("python3", [PackagePaths.file("Tools/gen_events.py"), "2000"])
        #expect(generated.status == 0)
        let script = """
            import json, sys
            for line in sys.stdin:
                print(json.dumps(json.loads(line), sort_keys=True, separators=(",", ":"), ensure_ascii=False))
            """
        let python = try ProcessRunner.run("python3", ["-c", script], input: generated.stdout)
        let expected = python.stdoutText.split(separator: "\n")
        let inputs = generated.stdoutText.split(separator: "\n")
        #expect(expected.count == 2000)
        for (input, want) in zip(inputs, expected) {
            #expect(try Self.canonical(String(input)) == String(want))
        }
    }

    @Test func canonicalizationIsIdempotentAndMatchesTheTreeSerializer() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let bytes = value.canonicalBytes
            let again = try CanonicalEncoder.canonicalize(bytes)
            #expect(again == bytes)
            #expect(try JSONValue(parsing: bytes) == value)
        }
    }

    /// The encoder against the tree parser on text that is far from canonical: members shuffled,
    /// whitespace everywhere, characters written as `\u` escapes (pairs for non-BMP), long
    /// strings (the eight-bytes-at-a-time scan), and then one byte of it changed or cut: both
    /// must accept or refuse the same texts, and agree on the bytes when they accept.
    @Test func agreesWithTheTreeParserOnScrambledAndMutatedText() throws {
        var generator = SystemRandomNumberGenerator()
        var mutatedAccepted = 0
        for round in 0..<600 {
            let value = Self.randomValue(depth: 0, using: &generator, longStrings: true)
            let text = Self.scrambled(value, using: &generator)
            #expect(try CanonicalEncoder.canonicalize(text) == value.canonicalBytes, "\(String(decoding: text, as: UTF8.self))")
            var mutated = text
            if round % 3 == 0 {
                mutated.removeLast(Int.random(in: 0...mutated.count, using: &generator))
            } else {
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                let bytes: [UInt8] = [0x22, 0x5C, 0x2C, 0x3A, 0x7B, 0x7D, 0x5B, 0x5D, 0x30, 0x2E, 0x01, 0x80, 0xC3, 0xFF, 0x75]
                mutated[index] = bytes.randomElement(using: &generator)!
            }
            let tree = try? JSONValue(parsing: mutated)
            let encoded = try? CanonicalEncoder.canonicalize(mutated)
            #expect((tree == nil) == (encoded == nil), "\(String(decoding: mutated, as: UTF8.self))")
            if let tree, let encoded {
                #expect(encoded == tree.canonicalBytes)
                mutatedAccepted += 1
            }
        }
        #expect(mutatedAccepted > 0)
    }

    /// A non-canonical rendering of `value`.
    static func scrambled(_ value: JSONValue, using generator: inout SystemRandomNumberGenerator) -> [UInt8] {
        func space() -> String { ["", "", " ", "\n", "\t ", "\r\n  "].randomElement(using: &generator)! }
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                let escape = Int.random(in: 0..<4, using: &generator) == 0
                switch scalar {
                case "\"": out += escape ? "\\u0022" : "\\\""
                case "\\": out += escape ? "\\u005C" : "\\\\"
                case "/": out += escape ? "\\/" : "/"
                case "\n": out += escape ? "\\u000a" : "\\n"
                case _ where scalar.value < 0x20: out += "\\u00" + String(format: "%02X", scalar.value)
                case _ where escape && scalar.value >= 0x10000:
                    let offset = scalar.value - 0x10000
                    out += String(format: "\\u%04X\\u%04x", 0xD800 + (offset >> 10), 0xDC00 + (offset & 0x3FF))
                case _ where escape: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        func render(_ value: JSONValue) -> String {
            switch value {
            case .null, .bool, .integer: return value.canonicalString
            case .string(let text): return quoted(text)
            case .array(let elements):
                return "[" + space() + elements.map(render).joined(separator: space() + "," + space()) + space() + "]"
            case .object(let members):
                let parts = members.shuffled(using: &generator).map {
                    quoted($0.key) + space() + ":" + space() + render($0.value)
                }
                return "{" + space() + parts.joined(separator: "," + space()) + space() + "}"
            }
        }
        return Array((space() + render(value) + space()).utf8)
    }

    static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator, longStrings: Bool) -> JSONValue {
        guard longStrings else { return randomValue(depth: depth, using: &generator) }
        let pick = depth > 3 ? Int.random(in: 0..<4, using: &generator) : Int.random(in: 0..<6, using: &generator)
        let alphabet: [Character] = ["a", "b", "c", "d", "e", "f", "g", "h", "é", "😀", "\n", "\"", "\\", "\u{1}", "€", "ﬁ", "/"]
        func randomString() -> String {
            // Mostly plain ASCII runs of all lengths around the scan's word size.
            let length = Int.random(in: 0..<40, using: &generator)
            let plain = Int.random(in: 0..<2, using: &generator) == 0
            return String(
                (0..<length).map { _ in
                    plain ? alphabet[Int.random(in: 0..<8, using: &generator)] : alphabet.randomElement(using: &generator)!
                })
        }
        switch pick {
        case 3: return .string(randomString())
        case 4:
            return .array(
                (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
                    randomValue(depth: depth + 1, using: &generator, longStrings: true)
                })
        case 5:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<20, using: &generator) {
                members[randomString()] = randomValue(depth: depth + 1, using: &generator, longStrings: true)
            }
            return .object(members)
        default: return randomValue(depth: depth, using: &generator)
        }
    }

    static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONValue {
        let pick = depth > 3 ? Int.random(in: 0..<4, using: &generator) : Int.random(in: 0..<6, using: &generator)
        let alphabet: [Character] = ["a", "b", "é", "😀", "\n", "\"", "\\", "\u{1}", "€", "ﬁ", "/", " "]
        func randomString() -> String {
            String((0..<Int.random(in: 0..<6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .integer(Int64.random(in: -(1 << 53) + 1..<(1 << 53), using: &generator))
        case 3: return .string(randomString())
        case 4:
            return .array(
                (0..<Int.random(in: 0..<4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<5, using: &generator) {
                members[randomString()] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }
}
