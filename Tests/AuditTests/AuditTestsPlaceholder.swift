import Testing

@Suite struct AuditTestsPlaceholder {
    @Test func moduleBuilds() { #expect(Bool(true)) }
}
