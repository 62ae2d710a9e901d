import Testing

@Suite struct CatalogueTestsPlaceholder {
    @Test func moduleBuilds() { #expect(Bool(true)) }
}
