import Testing

@Suite struct CanonicalJSONTestsPlaceholder {
    @Test func moduleBuilds() { #expect(Bool(true)) }
}
