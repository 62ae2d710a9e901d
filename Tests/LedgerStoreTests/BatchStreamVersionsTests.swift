import Testing

@testable import LedgerStore

@Suite struct BatchStreamVersionsTests {
    static func entry(_ table: BatchStreamVersions, _ name: String) -> Int? {
        var table = table
        return Array(name.utf8).withUnsafeBytes { table.entry($0) }
    }

    /// Hundreds of streams (several rehashes), short and long names, names that share their
    /// first and last eight bytes: each is found by its bytes alone, with its own version, and
    /// names never added are not found.
    @Test func everyStreamIsFoundByItsBytesAfterGrowing() {
        var table = BatchStreamVersions()
        var expected: [String: UInt64] = [:]
        var names = ["a/b", "party/zil", "negotiation/zil-faw-assembly"]
        for index in 0..<400 { names.append("negotiation/aaaaaaaa-\(index)-zzzzzzzz") }
        for index in 0..<100 { names.append("p/\(index)") }
        for (index, name) in names.enumerated() {
            #expect(Self.entry(table, name) == nil)
            let entry = Array(name.utf8).withUnsafeBytes { table.add($0, version: UInt64(index + 1)) }
            #expect(table.names[entry] == name)
            expected[name] = UInt64(index + 1)
        }
        for name in names {
            guard let entry = Self.entry(table, name) else {
                Issue.record("\(name) not found")
                continue
            }
            #expect(table.names[entry] == name)
            #expect(table.versions[entry] == expected[name])
            table.versions[entry] += 10
        }
        for name in names { #expect(Self.entry(table, name).map { table.versions[$0] } == expected[name]! + 10) }
        for missing in ["", "a/", "a/bc", "negotiation/aaaaaaaa-400-zzzzzzzz", "p/100", "party/zi"] {
            #expect(Self.entry(table, missing) == nil)
        }
        #expect(table.names.count == names.count)
    }
}
