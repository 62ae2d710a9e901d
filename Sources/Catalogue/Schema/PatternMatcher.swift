/// A schema `pattern`, compiled once: a `PatternDFA` when the pattern is in the common subset
/// (every pattern in Parley's catalogue is), else a Swift `Regex` compiled at run time
/// (unicode-scalar semantics, as close to ECMA-262 as the standard library comes; Foundation's
/// `NSRegularExpression` would bring ICU into every `parley` process).
///
/// Both follow ECMA-262 as JSON Schema asks: the pattern may match anywhere in the string, and
/// `$` is the very end of the string. (Python's `re`, which the `jsonschema` package uses, also
/// lets `$` match before a final newline; Parley does not, so `"zil\n"` is no slug.)
final class PatternMatcher: Sendable {
    /// The pattern as the schema wrote it.
    let source: String
    /// The automaton, for patterns in the subset; else `expression`.
    private let automaton: PatternDFA?
    private let expression: RegularExpressionBox?

    /// Compiles `pattern`.
    ///
    /// - Parameters:
    ///   - pattern: The schema's `pattern`.
    ///   - determinise: Whether the automaton is determinised (see `PatternDFA.init`).
    /// - Throws: `PatternMatcher.Invalid` when the pattern does not compile.
    init(_ pattern: String, determinise: Bool = true) throws(Invalid) {
        source = pattern
        if let automaton = PatternDFA(pattern: pattern, determinise: determinise) {
            self.automaton = automaton
            expression = nil
            return
        }
        automaton = nil
        do {
            let expression = try Regex(Self.endAnchoredPattern(pattern)).matchingSemantics(.unicodeScalar)
            self.expression = RegularExpressionBox(expression: expression)
        } catch {
            throw Invalid(message: "pattern \(pattern) does not compile: \(error)")
        }
    }

    /// Whether this pattern is handled by the automaton (for tests and diagnostics).
    var usesAutomaton: Bool { automaton != nil }

    /// Whether the pattern matches anywhere in `text`.
    ///
    /// - Parameter text: The string to test.
    /// - Returns: True on a match.
    func matches(_ text: String) -> Bool {
        if let automaton { return automaton.matches(text) }
        guard let expression else { return false }
        return (try? expression.expression.firstMatch(in: text)) != nil
    }

    /// Whether the pattern matches anywhere in a string given as UTF-8.
    ///
    /// - Parameter utf8: The string's bytes; they must be valid UTF-8.
    /// - Returns: True on a match.
    func matches(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        // Optional chaining, not `if let`: binding the automaton retained and released it for
        // every string the schema walk checks against a pattern.
        if let matched = automaton?.matches(utf8: utf8) { return matched }
        return matches(String(decoding: utf8, as: UTF8.self))
    }

    /// A pattern that does not compile.
    struct Invalid: Error {
        var message: String
    }

    /// ICU's and the standard library's `$` also match before a final line terminator; ECMA-262's
    /// does not. Rewrites every
    /// unescaped `$` outside a character class as `\z` (the very end of the input).
    static func endAnchoredPattern(_ pattern: String) -> String {
        var out = ""
        var escaped = false
        var inClass = false
        for character in pattern.unicodeScalars {
            if escaped {
                out.unicodeScalars.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\":
                escaped = true
                out.unicodeScalars.append(character)
            case "[":
                inClass = true
                out.unicodeScalars.append(character)
            case "]":
                inClass = false
                out.unicodeScalars.append(character)
            case "$" where !inClass:
                out += "\\z"
            default:
                out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

/// A compiled `Regex` is an immutable value (matching keeps its state per call), safe to share
/// between threads; this box says so to the compiler.
private struct RegularExpressionBox: @unchecked Sendable {
    let expression: Regex<AnyRegexOutput>
}
