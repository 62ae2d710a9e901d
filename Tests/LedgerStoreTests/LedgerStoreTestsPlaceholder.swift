import Testing

@Suite struct LedgerStoreTestsPlaceholder {
    @Test func moduleBuilds() { #expect(Bool(true)) }
}
