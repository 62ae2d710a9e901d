import Testing

@Suite struct ProjectionsTestsPlaceholder {
    @Test func moduleBuilds() { #expect(Bool(true)) }
}
