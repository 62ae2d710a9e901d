import ParleyTestSupport
import Testing

@testable import Projections

@Suite struct StatementTests {
    @Test(arguments: [
        "Talks are only in the very early stages.", "  Assembly  could\tstart\nTHIS year!? ", "...", "", "a_b (c) [d]...",
        "Переговоры находятся на ранней стадии.",
    ])
    func fastNormalisationAgreesWithTheGeneralOne(text: String) {
        #expect(Statement.normalised(text) == Statement.unicodeNormalised(text))
        if let ascii = Statement.asciiNormalised(text) { #expect(ascii == Statement.unicodeNormalised(text)) }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomASCIIAgrees(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let alphabet = Array(" \t\nAbZz09.,!?;:-_()[]{}'\"@#$%^&*+=<>/\\|~`")
        for _ in 0..<200 {
            let text = String((0..<Int.random(in: 0..<30, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            #expect(Statement.asciiNormalised(text) == Statement.unicodeNormalised(text), "\(text.debugDescription)")
        }
    }
}
