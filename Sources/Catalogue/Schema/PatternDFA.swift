/// A deterministic automaton for the regular-expression subset that schema patterns use.
///
/// Schema patterns are small: anchored character classes with counted repeats, the odd group
/// and alternation (`^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`). Compiling them once into a DFA makes each
/// match one table lookup per character, with no allocation and no backtracking. Patterns
/// outside the subset make `init` return nil and the caller falls back to a Swift `Regex`.
///
/// Semantics are ECMA-262's (what JSON Schema specifies) over Unicode scalars: a pattern
/// matches if it matches anywhere in the string; `^` and `$` are the start and the very end of
/// the string (a trailing newline is not skipped over); `.` matches any scalar but a line
/// terminator (`\n`, `\r`, U+2028, U+2029).
///
/// A final class owning its tables, so that a match touches no reference counts.
final class PatternDFA: @unchecked Sendable {
    // @unchecked: the tables are written once, in `init`, and only read afterwards.

    /// Number of input symbols: the 128 ASCII scalars, then U+2028/U+2029, then any other scalar.
    static let symbolCount = 130
    static let lineSeparatorSymbol = 128
    static let otherSymbol = 129
    /// The largest automaton we build before giving up (and using the fallback).
    static let maximumStates = 2_000

    /// `transitions[state * symbolCount + symbol]`: the next state, or -1 for "no match possible"
    /// (empty when the automaton is simulated).
    private let transitions: UnsafeMutableBufferPointer<Int32>
    private let accepting: UnsafeMutableBufferPointer<Bool>
    /// The NFA, when it is simulated instead of determinised.
    private let simulated: (nfa: NFA, start: Int, accept: Int)?
    private let simulates: Bool
    /// The pattern's shape when it is a class run (most schema patterns are: see `ClassRun`).
    private let classRun: ClassRun?

    /// Compiles `pattern`, or returns nil when it uses anything outside the subset.
    ///
    /// - Parameters:
    ///   - pattern: The schema's `pattern` text.
    ///   - determinise: Build the DFA (one table lookup per character, for a catalogue that
    ///     validates many events), or keep the NFA and simulate it on each match (no set-up
    ///     cost, for a process that validates one event: building the catalogue's DFAs took
    ///     ~0.4 ms of a single `parley append`). Both accept exactly the same strings.
    init?(pattern: String, determinise: Bool = true) {
        var parser = RegexSubsetParser(pattern)
        guard var parsed = try? parser.parse() else { return nil }
        // Search semantics: unanchored ends may be preceded / followed by anything.
        if !parsed.anchoredAtStart { parsed.node = .sequence([.repetition(.set(.all), min: 0, max: nil), parsed.node]) }
        if !parsed.anchoredAtEnd { parsed.node = .sequence([parsed.node, .repetition(.set(.all), min: 0, max: nil)]) }
        classRun = ClassRun(parsed)
        var nfa = NFA()
        guard let fragment = nfa.build(parsed.node) else { return nil }
        guard determinise else {
            simulated = (nfa, fragment.start, fragment.end)
            simulates = true
            transitions = .allocate(capacity: 0)
            accepting = .allocate(capacity: 0)
            return
        }
        guard let (transitions, accepting) = nfa.determinise(start: fragment.start, accept: fragment.end) else { return nil }
        simulated = nil
        simulates = false
        self.transitions = .allocate(capacity: transitions.count)
        _ = self.transitions.initialize(from: transitions)
        self.accepting = .allocate(capacity: accepting.count)
        _ = self.accepting.initialize(from: accepting)
    }

    deinit {
        transitions.deallocate()
        accepting.deallocate()
    }

    /// Whether the automaton is simulated rather than determinised (for tests).
    var isSimulated: Bool { simulates }

    /// Whether matches take the class-run shortcut (for tests).
    var usesClassRun: Bool { classRun != nil }

    /// Whether the pattern matches `text`.
    ///
    /// - Parameter text: The string to test.
    /// - Returns: True on a match.
    func matches(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ run($0) }) { return result }
        return Array(text.utf8).withUnsafeBufferPointer { run($0) }
    }

    /// Whether the pattern matches a string given as UTF-8.
    ///
    /// - Parameter utf8: The string's bytes; they must be valid UTF-8.
    /// - Returns: True on a match.
    func matches(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        run(utf8)
    }

    private func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let classRun { return classRun.matches(bytes) }
        // A flag, not `if let`: binding the optional would retain the NFA's arrays on every match.
        if simulates { return simulated!.nfa.accepts(bytes, start: simulated!.start, accept: simulated!.accept) }
        let table = transitions
        var state = 0
        var index = 0
        while index < bytes.count {
            let symbol = Self.symbol(in: bytes, at: &index)
            let next = table[state &* PatternDFA.symbolCount &+ symbol]
            if next < 0 { return false }
            state = Int(next)
        }
        return accepting[state]
    }

    /// The input symbol of the scalar at `index` (advanced past it).
    @inline(__always)
    fileprivate static func symbol(in bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 {
            index += 1
            return Int(byte)
        }
        // Valid UTF-8 (Swift strings are): the lead byte gives the length.
        let symbol =
            byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
            ? PatternDFA.lineSeparatorSymbol : PatternDFA.otherSymbol
        index += byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
        return symbol
    }
}

/// An anchored pattern that is an optional single-character class, then one class repeated
/// `min...max` times (`^[a-z0-9][a-z0-9-]*$`, `^[A-Z]{3}$`), over ASCII only: matched by testing
/// each byte against the class's bitmap, with no state carried from byte to byte (the table
/// walk's chain of dependent loads was 2% of a bulk import). Both ways accept the same strings:
/// a byte of 0x80 or above is a scalar outside either class.
private struct ClassRun {
    var head: SymbolSet?
    var body: SymbolSet
    var minimum: Int
    var maximum: Int?

    init?(_ parsed: RegexSubsetParser.Parsed) {
        guard parsed.anchoredAtStart && parsed.anchoredAtEnd else { return nil }
        var items: [RegexNode]
        switch parsed.node {
        case .sequence(let sequence): items = sequence
        default: items = [parsed.node]
        }
        if items.count == 2, case .set(let first) = items[0] {
            head = first
            items.removeFirst()
        }
        guard items.count == 1, case .repetition(let repeated, let minimum, let maximum) = items[0],
            case .set(let body) = repeated
        else { return nil }
        self.body = body
        self.minimum = minimum
        self.maximum = maximum
        guard body.rest == 0, head.map({ $0.rest == 0 }) ?? true else { return nil }
    }

    @inline(__always)
    private static func holds(_ set: SymbolSet, _ byte: UInt8) -> Bool {
        if byte < 64 { return set.low & (1 &<< UInt64(byte)) != 0 }
        if byte < 128 { return set.high & (1 &<< UInt64(byte &- 64)) != 0 }
        return false
    }

    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if let head {
            guard let first = bytes.first, Self.holds(head, first) else { return false }
            index = 1
        }
        let repeats = bytes.count - index
        guard repeats >= minimum, maximum.map({ repeats <= $0 }) ?? true else { return false }
        while index < bytes.count {
            guard Self.holds(body, bytes[index]) else { return false }
            index += 1
        }
        return true
    }
}

/// A Thompson NFA, built from `RegexNode`s and turned into a DFA by subset construction.
private struct NFA {
    struct Fragment {
        var start: Int
        var end: Int
    }

    /// Epsilon moves per state.
    var epsilon: [[Int]] = []
    /// The one symbol move per state, if any.
    var move: [(set: SymbolSet, target: Int)?] = []

    private mutating func newState() -> Int {
        epsilon.append([])
        move.append(nil)
        return epsilon.count - 1
    }

    /// Adds the states for `node`; nil when the automaton would grow too large.
    mutating func build(_ node: RegexNode) -> Fragment? {
        guard epsilon.count < PatternDFA.maximumStates * 8 else { return nil }
        switch node {
        case .set(let set):
            let start = newState()
            let end = newState()
            move[start] = (set, end)
            return Fragment(start: start, end: end)
        case .sequence(let items):
            let start = newState()
            var last = start
            for item in items {
                guard let fragment = build(item) else { return nil }
                epsilon[last].append(fragment.start)
                last = fragment.end
            }
            return Fragment(start: start, end: last)
        case .alternation(let branches):
            let start = newState()
            let end = newState()
            for branch in branches {
                guard let fragment = build(branch) else { return nil }
                epsilon[start].append(fragment.start)
                epsilon[fragment.end].append(end)
            }
            return Fragment(start: start, end: end)
        case .repetition(let inner, let min, let max):
            let start = newState()
            var last = start
            for _ in 0..<min {
                guard let fragment = build(inner) else { return nil }
                epsilon[last].append(fragment.start)
                last = fragment.end
            }
            if let max {
                let end = newState()
                epsilon[last].append(end)
                for _ in min..<max {
                    guard let fragment = build(inner) else { return nil }
                    epsilon[last].append(fragment.start)
                    epsilon[fragment.end].append(end)
                    last = fragment.end
                }
                return Fragment(start: start, end: end)
            }
            guard let loop = build(inner) else { return nil }
            let end = newState()
            epsilon[last].append(loop.start)
            epsilon[last].append(end)
            epsilon[loop.end].append(loop.start)
            epsilon[loop.end].append(end)
            return Fragment(start: start, end: end)
        }
    }

    /// Runs the automaton on `bytes` state set by state set (what `determinise` tabulates).
    func accepts(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, accept: Int) -> Bool {
        var current = closure([start])
        var index = 0
        while index < bytes.count {
            let symbol = PatternDFA.symbol(in: bytes, at: &index)
            var targets: [Int] = []
            for state in current {
                if let edge = move[state], edge.set.contains(symbol) { targets.append(edge.target) }
            }
            if targets.isEmpty { return false }
            current = closure(targets)
        }
        return current.contains(accept)
    }

    /// The states reachable from `states` by epsilon moves, in increasing order.
    ///
    /// A flag per state rather than a `Set<Int>`: states are small dense numbers, and in a
    /// single append the first `Set<Int>` of the process paid a cold generic-metadata look-up
    /// (~0.25M instructions, 1.6% of the append).
    private func closure(_ states: [Int]) -> [Int] {
        var seen = [Bool](repeating: false, count: epsilon.count)
        var stack: [Int] = []
        for state in states where !seen[state] {
            seen[state] = true
            stack.append(state)
        }
        while let state = stack.popLast() {
            for next in epsilon[state] where !seen[next] {
                seen[next] = true
                stack.append(next)
            }
        }
        return seen.indices.filter { seen[$0] }
    }

    /// Subset construction; nil when the DFA would exceed `PatternDFA.maximumStates`.
    func determinise(start: Int, accept: Int) -> (transitions: [Int32], accepting: [Bool])? {
        let symbols = PatternDFA.symbolCount
        var index: [[Int]: Int32] = [:]
        var sets: [[Int]] = []
        var transitions: [Int32] = []
        var accepting: [Bool] = []

        func add(_ set: [Int]) -> Int32? {
            if let known = index[set] { return known }
            guard sets.count < PatternDFA.maximumStates else { return nil }
            let id = Int32(sets.count)
            index[set] = id
            sets.append(set)
            transitions.append(contentsOf: repeatElement(-1, count: symbols))
            accepting.append(set.contains(accept))
            return id
        }

        guard add(closure([start])) != nil else { return nil }
        let classes = symbolClasses()
        var next = 0
        while next < sets.count {
            let current = sets[next]
            for symbolClass in classes {
                var targets: [Int] = []
                for state in current {
                    if let edge = move[state], edge.set.contains(symbolClass.representative) {
                        targets.append(edge.target)
                    }
                }
                guard !targets.isEmpty else { continue }
                guard let id = add(closure(targets)) else { return nil }
                for symbol in symbolClass.members { transitions[next * symbols + symbol] = id }
            }
            next += 1
        }
        return (transitions, accepting)
    }

    /// The symbols partitioned into classes that no set of the automaton tells apart (for
    /// `^[0-9a-f]{8}$`: the sixteen hex digits, and everything else), each with its first
    /// symbol: subset construction then works per class instead of per symbol.
    private func symbolClasses() -> [(representative: Int, members: [Int])] {
        var distinct: [SymbolSet] = []
        for case let edge? in move where !distinct.contains(edge.set) { distinct.append(edge.set) }
        var classBySignature: [[Bool]: Int] = [:]
        var classes: [(representative: Int, members: [Int])] = []
        for symbol in 0..<PatternDFA.symbolCount {
            let signature = distinct.map { $0.contains(symbol) }
            if let known = classBySignature[signature] {
                classes[known].members.append(symbol)
            } else {
                classBySignature[signature] = classes.count
                classes.append((symbol, [symbol]))
            }
        }
        return classes
    }
}
