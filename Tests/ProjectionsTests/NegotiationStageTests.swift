import Testing

@testable import Projections

@Suite struct NegotiationStageTests {
    @Test func forwardOneStepAtATime() {
        #expect(NegotiationStage.isLegal(from: .exploratory, to: .talks))
        #expect(NegotiationStage.isLegal(from: .talks, to: .termSheet))
        #expect(NegotiationStage.isLegal(from: .termSheet, to: .agreed))
        #expect(NegotiationStage.isLegal(from: .agreed, to: .signed))
        #expect(!NegotiationStage.isLegal(from: .exploratory, to: .signed))
        #expect(!NegotiationStage.isLegal(from: .talks, to: .exploratory))
        #expect(!NegotiationStage.isLegal(from: .talks, to: .talks))
    }

    @Test func stallAndAbandonFromOpenStages() {
        for stage in [NegotiationStage.exploratory, .talks, .termSheet, .agreed] {
            #expect(NegotiationStage.isLegal(from: stage, to: .stalled))
            #expect(NegotiationStage.isLegal(from: stage, to: .abandoned))
        }
        #expect(NegotiationStage.isLegal(from: .stalled, to: .talks))
        #expect(NegotiationStage.isLegal(from: .stalled, to: .abandoned))
        #expect(!NegotiationStage.isLegal(from: .stalled, to: .signed))
    }

    @Test func finalStagesAndUnopenedNegotiations() {
        for next in NegotiationStage.allCases {
            #expect(!NegotiationStage.isLegal(from: .signed, to: next))
            #expect(!NegotiationStage.isLegal(from: .abandoned, to: next))
            #expect(!NegotiationStage.isLegal(from: nil, to: next))
        }
    }
}
