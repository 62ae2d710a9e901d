/// A set of input symbols (see `PatternDFA.symbolCount`), as a 192-bit mask.
struct SymbolSet: Equatable {
    var low: UInt64 = 0
    var high: UInt64 = 0
    var rest: UInt64 = 0

    static let all: SymbolSet = {
        var set = SymbolSet()
        for symbol in 0..<PatternDFA.symbolCount { set.insert(symbol) }
        return set
    }()

    /// ECMA-262 `.`: anything but a line terminator.
    static let dot: SymbolSet = {
        var set = SymbolSet.all
        set.remove(0x0A)
        set.remove(0x0D)
        set.remove(PatternDFA.lineSeparatorSymbol)
        return set
    }()

    mutating func insert(_ symbol: Int) {
        switch symbol {
        case 0..<64: low |= 1 << UInt64(symbol)
        case 64..<128: high |= 1 << UInt64(symbol - 64)
        default: rest |= 1 << UInt64(symbol - 128)
        }
    }

    mutating func remove(_ symbol: Int) {
        switch symbol {
        case 0..<64: low &= ~(1 << UInt64(symbol))
        case 64..<128: high &= ~(1 << UInt64(symbol - 64))
        default: rest &= ~(1 << UInt64(symbol - 128))
        }
    }

    func contains(_ symbol: Int) -> Bool {
        switch symbol {
        case 0..<64: return low & (1 << UInt64(symbol)) != 0
        case 64..<128: return high & (1 << UInt64(symbol - 64)) != 0
        default: return rest & (1 << UInt64(symbol - 128)) != 0
        }
    }

    /// Everything not in this set.
    var complement: SymbolSet {
        var set = SymbolSet.all
        set.low &= ~low
        set.high &= ~high
        set.rest &= ~rest
        return set
    }

    mutating func formUnion(_ other: SymbolSet) {
        low |= other.low
        high |= other.high
        rest |= other.rest
    }
}

/// A parsed pattern in the subset.
indirect enum RegexNode {
    case set(SymbolSet)
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
}

/// Recursive-descent parser for the pattern subset (ECMA-262 syntax, ASCII literals only):
/// literals, escaped punctuation, `.`, classes with ranges and negation, groups (capturing or
/// `(?:`), `|`, and the quantifiers `* + ? {n} {n,} {n,m}` (lazy forms too: laziness does not
/// change whether a pattern matches). `^` only as the first character, `$` only as the last.
struct RegexSubsetParser {
    struct Unsupported: Error {}

    struct Parsed {
        var node: RegexNode
        var anchoredAtStart: Bool
        var anchoredAtEnd: Bool
    }

    /// Escapable punctuation (the set `Tools/check-catalogue.py` allows in patterns).
    private static let escapable = Set(".-+*?()[]{}|^$/\\".unicodeScalars)
    /// The largest counted repeat we expand into the automaton.
    private static let maximumCount = 1_000

    private let scalars: [Unicode.Scalar]
    private var position = 0
    /// Group nesting depth while parsing.
    private var depth = 0
    /// Whether `|` occurs outside any group (`^a|b$` is `(^a)|(b$)`, not `^(a|b)$`).
    private var hasTopLevelAlternation = false

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func parse() throws(Unsupported) -> Parsed {
        var end = scalars.count
        let anchoredAtStart = scalars.first == "^"
        if anchoredAtStart { position = 1 }
        var anchoredAtEnd = false
        if end > position, scalars[end - 1] == "$", !isEscaped(at: end - 1) {
            anchoredAtEnd = true
            end -= 1
        }
        let node = try alternation(until: end)
        guard position == end else { throw Unsupported() }
        // Anchors bind to the first / last branch only; leave such patterns to the fallback.
        if hasTopLevelAlternation, anchoredAtStart || anchoredAtEnd { throw Unsupported() }
        return Parsed(node: node, anchoredAtStart: anchoredAtStart, anchoredAtEnd: anchoredAtEnd)
    }

    /// Whether the scalar at `index` is preceded by an odd number of backslashes.
    private func isEscaped(at index: Int) -> Bool {
        var backslashes = 0
        var cursor = index - 1
        while cursor >= 0, scalars[cursor] == "\\" {
            backslashes += 1
            cursor -= 1
        }
        return backslashes % 2 == 1
    }

    private mutating func alternation(until end: Int) throws(Unsupported) -> RegexNode {
        var branches = [try sequence(until: end)]
        while position < end, scalars[position] == "|" {
            if depth == 0 { hasTopLevelAlternation = true }
            position += 1
            branches.append(try sequence(until: end))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence(until end: Int) throws(Unsupported) -> RegexNode {
        var items: [RegexNode] = []
        while position < end, scalars[position] != "|", scalars[position] != ")" {
            let atom = try self.atom(until: end)
            items.append(try quantified(atom, until: end))
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func atom(until end: Int) throws(Unsupported) -> RegexNode {
        let scalar = scalars[position]
        position += 1
        switch scalar {
        case "(":
            if position < end, scalars[position] == "?" {
                // Only the non-capturing group; lookarounds and flags are outside the subset.
                guard position + 1 < end, scalars[position + 1] == ":" else { throw Unsupported() }
                position += 2
            }
            depth += 1
            let inner = try alternation(until: end)
            depth -= 1
            guard position < end, scalars[position] == ")" else { throw Unsupported() }
            position += 1
            return inner
        case "[":
            return .set(try characterClass(until: end))
        case ".":
            return .set(.dot)
        case "\\":
            return .set(try single(escaped(until: end)))
        case "^", "$", "*", "+", "?", "{", "}", "]", ")", "|":
            throw Unsupported()
        default:
            return .set(try single(scalar))
        }
    }

    private mutating func escaped(until end: Int) throws(Unsupported) -> Unicode.Scalar {
        guard position < end, Self.escapable.contains(scalars[position]) else { throw Unsupported() }
        position += 1
        return scalars[position - 1]
    }

    private func single(_ scalar: Unicode.Scalar) throws(Unsupported) -> SymbolSet {
        guard scalar.isASCII else { throw Unsupported() }
        var set = SymbolSet()
        set.insert(Int(scalar.value))
        return set
    }

    private mutating func characterClass(until end: Int) throws(Unsupported) -> SymbolSet {
        var negated = false
        if position < end, scalars[position] == "^" {
            negated = true
            position += 1
        }
        // `[]` and `[]...]` mean different things in ECMA-262 and Python: leave them to the fallback.
        guard position < end, scalars[position] != "]" else { throw Unsupported() }
        var set = SymbolSet()
        while true {
            guard position < end else { throw Unsupported() }
            if scalars[position] == "]" {
                position += 1
                break
            }
            let first = try classMember(until: end)
            if position + 1 < end, scalars[position] == "-", scalars[position + 1] != "]" {
                position += 1
                let last = try classMember(until: end)
                guard first.value <= last.value else { throw Unsupported() }
                for value in first.value...last.value { set.insert(Int(value)) }
            } else {
                set.insert(Int(first.value))
            }
        }
        return negated ? set.complement : set
    }

    private mutating func classMember(until end: Int) throws(Unsupported) -> Unicode.Scalar {
        let scalar = scalars[position]
        position += 1
        if scalar == "\\" { return try escaped(until: end) }
        // `[` inside a class is literal in ECMA-262 but starts a nested set in some engines.
        guard scalar.isASCII, scalar != "[" else { throw Unsupported() }
        return scalar
    }

    private mutating func quantified(_ atom: RegexNode, until end: Int) throws(Unsupported) -> RegexNode {
        guard position < end else { return atom }
        var result: RegexNode
        switch scalars[position] {
        case "*":
            position += 1
            result = .repetition(atom, min: 0, max: nil)
        case "+":
            position += 1
            result = .repetition(atom, min: 1, max: nil)
        case "?":
            position += 1
            result = .repetition(atom, min: 0, max: 1)
        case "{":
            position += 1
            let low = try number(until: end)
            var high: Int? = low
            if position < end, scalars[position] == "," {
                position += 1
                high = position < end && scalars[position] != "}" ? try number(until: end) : nil
            }
            guard position < end, scalars[position] == "}" else { throw Unsupported() }
            position += 1
            if let high, high < low { throw Unsupported() }
            result = .repetition(atom, min: low, max: high)
        default:
            return atom
        }
        if position < end, scalars[position] == "?" { position += 1 }  // lazy: same language
        if position < end, "*+?{".unicodeScalars.contains(scalars[position]) { throw Unsupported() }
        return result
    }

    private mutating func number(until end: Int) throws(Unsupported) -> Int {
        var value = 0
        var digits = 0
        while position < end, ("0"..."9").contains(scalars[position]) {
            value = value * 10 + Int(scalars[position].value - 48)
            digits += 1
            position += 1
            guard value <= Self.maximumCount else { throw Unsupported() }
        }
        guard digits > 0 else { throw Unsupported() }
        return value
    }
}
