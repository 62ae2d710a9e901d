import Testing

@Suite struct ParleyCLITestsPlaceholder {
    @Test func moduleBuilds() { #expect(Bool(true)) }
}
