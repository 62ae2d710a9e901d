import Testing

@Suite struct LZ4CodecTestsPlaceholder {
    @Test func moduleBuilds() { #expect(Bool(true)) }
}
