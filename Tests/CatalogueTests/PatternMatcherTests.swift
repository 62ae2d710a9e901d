import CanonicalJSON
import Foundation
import Testing

@testable import Catalogue

@Suite struct PatternMatcherTests {
    /// Every distinct pattern in `Events/schemas`.
    static let cataloguePatterns: [String] = {
        var found = Set<String>()
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if case .string(let pattern)? = members["pattern"] { found.insert(pattern) }
                members.values.forEach(walk)
            case .array(let elements):
                elements.forEach(walk)
            default:
                break
            }
        }
        for file in Repository.jsonFiles(in: Repository.schemas) {
            if let text = try? Repository.text(Repository.schemas.appendingPathComponent(file)),
                let schema = try? JSONValue(parsing: text)
            {
                walk(schema)
            }
        }
        return found.sorted()
    }()

    static let extraPatterns = [
        "abc", "^a*b+c?$", "^(ab|cd){2,3}$", "x{2,}", "^[^ ]+$", "^.{2}$", "a|b", "^(?:ab)+$",
        "^[-a-z]+$", "^[a\\-z]$", "^\\$\\^\\.\\*$", "(a|)b", "^$", "^[0-9]{1,3}(\\.[0-9]{1,2})??$",
        "^x{2,3}$", "^[a-c][a-c]{1,2}$", "^[a-z][0-9]*$",
    ]

    /// Strings that probe the edges of the catalogue's patterns.
    static let probes: [String] = [
        "", "a", "ab", "abc", "abcd", "zil", "zil-faw", "-zil", "zil-", "ZIL", "Zil", "z_il", "z.il", "z il",
        "0", "00", "01", "10", "-0", "-01", "35000", "35,000", "35 000", "-12.50", "12.", ".5", "1e5", "100",
        "100.0", "100.00", "100.5", "99.99", "101", "USD", "usd", "US", "USDX", "RU", "ru",
        "2880f420-1b90-50c1-bf3f-8ad4e3b4c14f", "2880F420-1B90-50C1-BF3F-8AD4E3B4C14F", "2880f420-1b90-50c1-bf3f-8ad4e3b4c14",
        "2005-01-01", "2005-01-01T10:00:00Z", "2005-01-01T10:00:00.5+03:00", "2005-01-01T10:00Z", "2005-1-1",
        "http://x", "https://example.com/a?b=c", "https://exa mple.com", "ftp://x", "https://", "https://é.com",
        "ä", "äb", "日本", "👍", "a\u{2028}", "$^.*", "abab", "ababab", "abababab", "cdcd", "b", "aaab", "ab\n",
        "x", "xx", "xxx", "123", "12.3", "1.234", "1234",
    ]

    @Test func cataloguePatternsAllUseTheAutomaton() throws {
        #expect(Self.cataloguePatterns.count >= 9)
        for pattern in Self.cataloguePatterns {
            #expect(try PatternMatcher(pattern).usesAutomaton, "\(pattern)")
        }
    }

    /// The automaton and ICU (with ECMA-262 end anchors) agree on every probe.
    @Test(arguments: cataloguePatterns + extraPatterns)
    func automatonAgreesWithNSRegularExpression(pattern: String) throws {
        let automaton = try #require(PatternDFA(pattern: pattern), "\(pattern) should be in the subset")
        let expression = try NSRegularExpression(pattern: PatternMatcher.endAnchoredPattern(pattern))
        for probe in Self.probes + Self.probes.map({ $0 + $0 }) {
            let range = NSRange(probe.startIndex..<probe.endIndex, in: probe)
            let reference = expression.firstMatch(in: probe, range: range) != nil
            #expect(automaton.matches(probe) == reference, "\(pattern) on \(probe.debugDescription)")
        }
    }

    /// The class-run shortcut takes the patterns of its shape (most of the catalogue's), and
    /// only those; `automatonAgreesWithNSRegularExpression` checks what it decides.
    @Test func classRunsTakeTheShortcut() throws {
        for pattern in ["^[a-z0-9][a-z0-9-]*$", "^[A-Za-z0-9][A-Za-z0-9._-]*$", "^[A-Z]{3}$", "^[A-Z]{2}$", "^[-a-z]+$", "^a*$"] {
            #expect(try #require(PatternDFA(pattern: pattern)).usesClassRun, "\(pattern)")
        }
        for pattern in ["^[^ ]+$", "^.{2}$", "[a-z]+", "^[a-z]+", "^https?://[^ ]+$", "^a*b+c?$", "^(ab|cd){2,3}$"] {
            #expect(try !#require(PatternDFA(pattern: pattern)).usesClassRun, "\(pattern)")
        }
        #expect(Self.cataloguePatterns.filter { (try? PatternDFA(pattern: $0)?.usesClassRun) == true }.count >= 4)
    }

    @Test func catalogueExamples() throws {
        let money = try PatternMatcher(#"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"#)
        for good in ["0", "35000", "-12.50", "0.5", "32800000"] { #expect(money.matches(good), "\(good)") }
        for bad in ["35,000", "01", "-", "1.", ".5", "1e3", "+1", " 1", "1 ", "35000\n"] {
            #expect(!money.matches(bad), "\(bad.debugDescription)")
        }
        let slug = try PatternMatcher("^[a-z0-9][a-z0-9-]*$")
        #expect(slug.matches("zil-faw-assembly"))
        #expect(!slug.matches("-zil"))
        #expect(!slug.matches("zil\n"))  // ECMA-262: `$` is the very end (Python's re would accept this)
        #expect(!slug.matches("zïl"))
        let url = try PatternMatcher("^https?://[^ ]+$")
        #expect(url.matches("https://例え.jp/パス"))
        #expect(!url.matches("https://a b"))
    }

    @Test func unanchoredPatternsSearch() throws {
        let matcher = try PatternMatcher("b+c")
        #expect(matcher.matches("abbbcd"))
        #expect(!matcher.matches("abd"))
        #expect(try PatternMatcher("").matches("anything"))
    }

    /// Simulating the NFA (a catalogue compiled for a few types) accepts what the DFA accepts.
    @Test(arguments: cataloguePatterns + extraPatterns)
    func simulatedAutomatonAgreesWithTheTable(pattern: String) throws {
        let table = try #require(PatternDFA(pattern: pattern))
        let simulated = try #require(PatternDFA(pattern: pattern, determinise: false))
        #expect(!table.isSimulated)
        #expect(simulated.isSimulated)
        for probe in Self.probes + Self.probes.map({ $0 + $0 }) {
            #expect(simulated.matches(probe) == table.matches(probe), "\(pattern) on \(probe.debugDescription)")
        }
    }

    /// The fallback (the standard library's `Regex`) and ICU (both with ECMA-262 end anchors)
    /// agree on every probe for patterns outside the automaton's subset. (Neither is ECMA-262 on
    /// non-ASCII digits: ICU's `\w` takes "١٢٣", the standard library's does not, as ECMA-262's
    /// ASCII-only `\w`; both `\d`s take it, ECMA-262's does not. No catalogue pattern uses them.)
    @Test(arguments: [#"^\d{3}$"#, #"^(?=a)a$"#, #"^\w+$"#, "^é+$", "a^b", "^a|b$", #"^[a-z]+(?!x)"#, #"(a)\1"#])
    func fallbackAgreesWithNSRegularExpression(pattern: String) throws {
        let matcher = try PatternMatcher(pattern)
        #expect(!matcher.usesAutomaton)
        let expression = try NSRegularExpression(pattern: PatternMatcher.endAnchoredPattern(pattern))
        for probe in Self.probes + Self.probes.map({ $0 + $0 }) + ["123", "aa", "ax", "éé", "abx"] {
            let range = NSRange(probe.startIndex..<probe.endIndex, in: probe)
            let reference = expression.firstMatch(in: probe, range: range) != nil
            #expect(matcher.matches(probe) == reference, "\(pattern) on \(probe.debugDescription)")
        }
    }

    @Test func patternsOutsideTheSubsetFallBack() throws {
        for pattern in [#"^\d{3}$"#, #"^(?=a)a$"#, #"^\w+$"#, "^é+$", "a^b", "^a|b$"] {
            let matcher = try PatternMatcher(pattern)
            #expect(!matcher.usesAutomaton, "\(pattern)")
        }
        let digits = try PatternMatcher(#"^\d{3}$"#)
        #expect(digits.matches("123"))
        #expect(!digits.matches("123\n"))  // the fallback keeps ECMA-262 end anchors too
        #expect(try PatternMatcher("^é+$").matches("éé"))
        let alternatives = try PatternMatcher("^a|b$")  // (^a)|(b$)
        #expect(alternatives.matches("ax"))
        #expect(alternatives.matches("xb"))
        #expect(!alternatives.matches("xax"))
    }

    @Test func brokenPatternsDoNotCompile() {
        #expect(throws: PatternMatcher.Invalid.self) { try PatternMatcher("^(a$") }
        #expect(throws: PatternMatcher.Invalid.self) { try PatternMatcher("[z-a]") }
    }
}
