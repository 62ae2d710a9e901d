/// Finds claims about the same thing that disagree.
///
/// The rule: statements of one negotiation are grouped by topic — their `subject`, or for a
/// statement without one, its claim normalised (lowercased, whitespace collapsed, trailing
/// punctuation dropped). Within a topic, two statements contradict when
/// - their stances oppose: one `confirms` while the other `denies` or `qualifies`
///   (`no-comment` asserts nothing and contradicts nothing), or
/// - both `confirm`, they speak for different parties (`on_behalf_of`, else `speaker_party`;
///   statements with neither are not compared this way) and their normalised claims differ.
///
/// A pair with a retracted statement is *resolved*: counted and listed after the open pairs,
/// never dropped. Pair counts are exact; at most `listLimit` pairs are listed per topic, and
/// the work per topic is linear in its statements (plus a fixed budget for listing), so a topic
/// with 100,000 statements is not quadratic.
public enum ContradictionDetector {
    /// The most pairs listed per topic.
    public static let listLimit = 5
    /// The most candidate pairs examined per topic while listing differing claims.
    static let scanBudget = 4096

    /// A statement with what the rule looks at, computed once.
    struct Entry {
        var statement: Statement
        var stance: String
        var side: String?
        var claim: String
        var isRetracted: Bool
    }

    /// The topics of `statements` with at least one disagreeing pair, sorted by topic.
    ///
    /// - Parameter statements: One negotiation's statements, in valid-time order.
    /// - Returns: One entry per topic with contradictions.
    public static func detect(in statements: [Statement]) -> [TopicContradictions] {
        var order: [String] = []
        var groups: [String: [Entry]] = [:]
        for statement in statements {
            let claim = Statement.normalised(statement.claim)
            let topic = statement.subject ?? "claim: " + claim
            let entry = Entry(
                statement: statement, stance: statement.stance, side: statement.side, claim: claim,
                isRetracted: statement.isRetracted)
            if groups[topic] == nil { order.append(topic) }
            groups[topic, default: []].append(entry)
        }
        var result: [TopicContradictions] = []
        for topic in order.sorted() {
            let group = groups[topic]!
            guard group.count > 1 else { continue }
            let allPairs = pairCount(group)
            guard allPairs > 0 else { continue }
            let open = group.filter { !$0.isRetracted }
            let openPairs = open.count == group.count ? allPairs : pairCount(open)
            var listed = pairs(among: open, topic: topic, limit: listLimit)
            if listed.count < listLimit && allPairs > openPairs {
                listed += resolvedPairs(in: group, topic: topic, limit: listLimit - listed.count)
            }
            result.append(
                TopicContradictions(
                    topic: topic, statementCount: group.count, openPairs: openPairs,
                    resolvedPairs: allPairs - openPairs, listed: listed))
        }
        return result
    }

    /// Why `a` and `b` disagree, or nil when they do not.
    static func conflict(_ a: Statement, _ b: Statement) -> Contradiction.Reason? {
        conflict(
            Entry(statement: a, stance: a.stance, side: a.side, claim: Statement.normalised(a.claim), isRetracted: a.isRetracted),
            Entry(statement: b, stance: b.stance, side: b.side, claim: Statement.normalised(b.claim), isRetracted: b.isRetracted))
    }

    static func conflict(_ a: Entry, _ b: Entry) -> Contradiction.Reason? {
        if isOpposing(a.stance, b.stance) { return .opposingStances }
        if a.stance == "confirms", b.stance == "confirms", let sideA = a.side, let sideB = b.side, sideA != sideB,
            a.claim != b.claim
        {
            return .differingClaims
        }
        return nil
    }

    private static func isOpposing(_ a: String, _ b: String) -> Bool {
        (a == "confirms" && (b == "denies" || b == "qualifies")) || (b == "confirms" && (a == "denies" || a == "qualifies"))
    }

    /// The exact number of disagreeing pairs in `group`, in linear time.
    static func pairCount(_ group: [Entry]) -> Int {
        var confirms = 0
        var opposing = 0
        var sided = 0
        var bySide: [String: Int] = [:]
        var byClaim: [String: Int] = [:]
        var bySideAndClaim: [[String]: Int] = [:]
        for entry in group {
            switch entry.stance {
            case "confirms":
                confirms += 1
                if let side = entry.side {
                    sided += 1
                    bySide[side, default: 0] += 1
                    byClaim[entry.claim, default: 0] += 1
                    bySideAndClaim[[side, entry.claim], default: 0] += 1
                }
            case "denies", "qualifies": opposing += 1
            default: break
            }
        }
        func pairs(_ n: Int) -> Int { n * (n - 1) / 2 }
        let differing =
            pairs(sided) - bySide.values.reduce(0) { $0 + pairs($1) } - byClaim.values.reduce(0) { $0 + pairs($1) }
            + bySideAndClaim.values.reduce(0) { $0 + pairs($1) }
        return confirms * opposing + differing
    }

    /// Up to `limit` disagreeing pairs among `group` (in valid-time order).
    static func pairs(among group: [Entry], topic: String, limit: Int) -> [Contradiction] {
        guard limit > 0 else { return [] }
        var found: [Contradiction] = []
        let indexed = Array(group.enumerated())
        let confirming = indexed.filter { $0.element.stance == "confirms" }
        let opposing = indexed.filter { $0.element.stance == "denies" || $0.element.stance == "qualifies" }
        outer: for (i, a) in confirming {
            for (j, b) in opposing {
                found.append(make(topic, .opposingStances, i < j ? (a, b) : (b, a)))
                if found.count >= limit { break outer }
            }
        }
        guard found.count < limit else { return found }
        var seen = Set<[String]>()
        var representatives: [Entry] = []
        for (_, entry) in confirming {
            guard let side = entry.side else { continue }
            if seen.insert([side, entry.claim]).inserted { representatives.append(entry) }
        }
        var budget = scanBudget
        outer: for x in representatives.indices {
            for y in representatives.indices where y > x {
                budget -= 1
                if budget < 0 { break outer }
                if conflict(representatives[x], representatives[y]) == .differingClaims {
                    found.append(make(topic, .differingClaims, (representatives[x], representatives[y])))
                    if found.count >= limit { break outer }
                }
            }
        }
        return found
    }

    /// Up to `limit` disagreeing pairs that involve a retracted statement.
    static func resolvedPairs(in group: [Entry], topic: String, limit: Int) -> [Contradiction] {
        var found: [Contradiction] = []
        var budget = scanBudget
        outer: for (i, retracted) in group.enumerated() where retracted.isRetracted {
            for (j, other) in group.enumerated() where j != i && (!other.isRetracted || j > i) {
                budget -= 1
                if budget < 0 { break outer }
                guard let reason = conflict(retracted, other) else { continue }
                found.append(make(topic, reason, i < j ? (retracted, other) : (other, retracted)))
                if found.count >= limit { break outer }
            }
        }
        return found
    }

    private static func make(_ topic: String, _ reason: Contradiction.Reason, _ pair: (Entry, Entry)) -> Contradiction {
        Contradiction(topic: topic, reason: reason, first: pair.0.statement, second: pair.1.statement)
    }
}
