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

    @Test func fractionalMessageSaysHowToFixIt() throws {
        #expect(throws: JSONInputError.self) { try Self.canonical(#"{"x":35000.5}"#) }
        do { _ = try Self.canonical(#"{"x":35000.5}"#) } catch let error as JSONInputError {
            #expect(error.description == #"x: 35000.5 is a fractional number; write decimals as strings, e.g. "35000.5""#)
        }
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
