import CanonicalJSON
import ParleyTestSupport
import Testing

/// `JSONValue(parsing:)`: the tree parser behind projections and reports.
@Suite struct JSONValueTests {
    @Test(arguments: [
        (#"{"data":{"price":{"amount":35000.5}}}"#, "data.price.amount", "fractional number"),
        (#"{"a":1e3}"#, "a", "exponent"),
        (#"{"a":1,"a":2}"#, "a", "duplicate key"),
        (#"{"a":[1,{"b":01}]}"#, "a[1].b", "leading zero"),
        (#"{"a":[[1],[2,{"c":[0,1,x]}]]}"#, "a[1][1].c[2]", "unexpected"),
        (#"{"a":{"b":1 "c":2}}"#, "a", "expected ',' or '}'"),
        (#"{"a" 1}"#, "a", "expected ':'"),
        (#"{"a":"\ud800"}"#, "a", "surrogate"),
        (#"{"a":"x"#, "a", "unterminated"),
        (#"{"a":1}x"#, "", "after the JSON value"),
        (#"[1,2"#, "", "unterminated array"),
        (#"{"a":tru}"#, "a", "unexpected"),
    ])
    func rejectionsNameTheField(input: String, path: String, fragment: String) {
        do {
            _ = try JSONValue(parsing: input)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.path == path, "\(input)")
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    /// Objects past the size kept in a list go to a dictionary: both must find duplicates and
    /// keep every member.
    @Test(arguments: [3, 31, 32, 33, 100])
    func objectsOfEverySizeKeepTheirMembersAndRejectDuplicates(count: Int) throws {
        let members = (0..<count).map { #""k\#($0)":\#($0)"# }
        let value = try JSONValue(parsing: "{" + members.joined(separator: ",") + "}")
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.count == count)
        for index in 0..<count { #expect(object["k\(index)"] == .integer(Int64(index))) }
        for duplicate in [0, count - 1] {
            let text = "{" + (members + [#""k\#(duplicate)":true"#]).joined(separator: ",") + "}"
            do {
                _ = try JSONValue(parsing: text)
                Issue.record("accepted a duplicate of k\(duplicate) among \(count) members")
            } catch {
                #expect(error.message.contains("duplicate key"))
                #expect(error.path == "k\(duplicate)")
            }
        }
    }

    /// The tree's canonical bytes are the canonical encoder's, line for line, on generator output.
    @Test func treesReencodeToTheCanonicalEncodersBytes() throws {
        let generated = try ProcessRunner.run("python3", [PackagePaths.file("Tools/gen_events.py"), "1500"])
        #expect(generated.status == 0)
        let lines = generated.stdout.split(separator: 0x0A)
        #expect(lines.count == 1500)
        for line in lines {
            let tree = try JSONValue(parsing: Array(line))
            #expect(tree.canonicalBytes == (try CanonicalEncoder.canonicalize(Array(line))))
        }
    }
}

/// `JSONValue.members(of:named:)`: the values of an object of known shape, or nil.
@Suite struct JSONValueMembersTests {
    static func members(_ text: String, _ names: [String]) -> [JSONValue]? {
        Array(text.utf8).withUnsafeBytes { JSONValue.members(of: $0, named: names.map { Array($0.utf8) }) }
    }

    @Test func readsExactlyTheNamedMembersInOrder() {
        #expect(
            Self.members(#"{"a":1,"b":{"c":[true,null]},"d":"x"}"#, ["a", "b", "d"]) == [
                .integer(1), .object(["c": .array([.bool(true), .null])]), .string("x"),
            ])
        #expect(Self.members(#"{"a":"\u0041"}"#, ["a"]) == [.string("A")])
    }

    @Test(arguments: [
        #"{"b":1,"a":2,"d":3}"#, #"{"a":1,"b":2}"#, #"{"a":1,"b":2,"d":3,"e":4}"#, #"{ "a":1,"b":2,"d":3}"#,
        #"{"a":1,"b":2,"d":3} "#, #"{"a":1,"b":2,"d":3}x"#, #"{"a":1,"b":2,"d":3"#, #"{"a":1.5,"b":2,"d":3}"#,
        #"{"a":1,"b":{"c":1,"c":2},"d":3}"#, #"{"\u0061":1,"b":2,"d":3}"#, #"["a",1]"#, "", #"{"a":1;"b":2,"d":3}"#,
    ])
    func anythingElseIsNil(text: String) {
        #expect(Self.members(text, ["a", "b", "d"]) == nil)
    }

    @Test func noNamesReadNothing() {
        #expect(Self.members("{", []) == nil)
        #expect(Self.members("{}", []) == nil)
    }
}
