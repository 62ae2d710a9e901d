#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CrossFieldRule {
    /// Whether the rule holds for a body given as canonical JSON bytes, decided without building
    /// a tree (the fast path; `check(_:into:)` on the parsed body is the reference).
    ///
    /// - Parameter data: Canonical JSON of a body that `ByteSchemaWalk` accepted: well formed, its
    ///   member names ASCII without escapes and in canonical order.
    /// - Returns: True when the rule holds. False when it does not, and also when the bytes alone
    ///   do not settle it (compared strings with escapes, or non-ASCII text that `String`
    ///   comparison might read differently); the caller then runs `check(_:into:)`.
    func holds(canonical data: UnsafeRawBufferPointer) -> Bool {
        holds(canonical: data, members: nil)
    }

    /// Decides as `holds(canonical:)` does, finding members in `members` (what the schema walk
    /// that accepted `data` noted) instead of scanning the bytes, when given.
    func holds(canonical data: UnsafeRawBufferPointer, members: MemberTable?) -> Bool {
        guard let body = CanonicalObject(data, 0..<data.count, members: members) else { return true }
        switch self {
        case .financialValueShape:
            return financialValueHolds(body)
        case .moneyRange:
            return moneyRangeHolds(body)
        case .countRange(let field):
            let range: CanonicalObject?
            if let field {
                range = body.object(field)
            } else {
                range = body
            }
            guard let range else { return true }
            guard let low = range.integer("low"), let high = range.integer("high") else { return true }
            return low <= high
        case .period(let field):
            guard let period = body.object(field) else { return true }
            return Self.isOrdered(period.text("from"), period.text("to"))
        case .dateRange:
            return Self.isOrdered(body.text("from"), body.text("to"))
        case .noShareWhenManaging:
            switch body.text("relation") {
            case .missing: return true
            case .undecidable: return false
            case .plain(let relation, let isASCII):
                guard isASCII else { return false }
                return !relation.elementsEqual("manages".utf8) || body.member("share_percent") == nil
            }
        }
    }

    /// `from` ≤ `to` when both are strings (`String` order is byte order for ASCII).
    private static func isOrdered(_ from: CanonicalObject.Text, _ to: CanonicalObject.Text) -> Bool {
        guard case .plain(let low, let lowIsASCII) = from, case .plain(let high, let highIsASCII) = to else {
            if case .undecidable = from { return false }
            if case .undecidable = to { return false }
            return true
        }
        guard lowIsASCII && highIsASCII else { return false }
        return !high.lexicographicallyPrecedes(low)
    }

    private func financialValueHolds(_ body: CanonicalObject) -> Bool {
        let metric: UnsafeBufferPointer<UInt8>
        switch body.text("metric") {
        case .missing: return true
        case .undecidable: return false
        case .plain(let bytes, let isASCII):
            guard isASCII else { return false }
            metric = bytes
        }
        guard let value = body.object("value") else { return true }
        if Self.countMetrics.contains(where: { $0.utf8.elementsEqual(metric) }) {
            return value.count == 1 && value.member("count") != nil
        }
        return value.count == 2 && value.member("amount") != nil && value.member("currency") != nil
    }

    private func moneyRangeHolds(_ body: CanonicalObject) -> Bool {
        let low = body.member("low")
        let high = body.member("high")
        if (low == nil) != (high == nil) { return false }
        guard let low, let high else { return true }
        // `low?["amount"]` is nil unless `low` is an object.
        guard let lowMoney = body.object(at: low), let highMoney = body.object(at: high) else {
            return true
        }
        let lowAmount = lowMoney.text("amount")
        let highAmount = highMoney.text("amount")
        if case .undecidable = lowAmount { return false }
        if case .undecidable = highAmount { return false }
        guard case .plain(let lowBytes, _) = lowAmount, case .plain(let highBytes, _) = highAmount else { return true }
        switch (lowMoney.text("currency"), highMoney.text("currency")) {
        case (.missing, .missing):
            break
        case (.plain(let a, true), .plain(let b, true)):
            guard a.elementsEqual(b) else { return false }
        case (.plain, .missing), (.missing, .plain):
            return false
        default:
            return false
        }
        // DecimalString reads UTF-8 bytes, so non-ASCII amounts compare as their `String`s do.
        guard let order = DecimalString.compare(lowBytes, highBytes) else { return true }
        return order <= 0
    }
}

/// A JSON object inside canonical bytes that `ByteSchemaWalk` accepted: its members found by
/// scanning (names are plain ASCII in increasing order), decoding only what is asked for.
private struct CanonicalObject {
    let input: UnsafeRawBufferPointer
    /// From `{` to just past `}`.
    let span: Range<Int>
    /// The members of every object in `input`, when the walk noted them.
    let members: MemberTable?

    /// A string member, as far as the bytes tell.
    enum Text {
        /// Absent, or not a string.
        case missing
        /// A string without escapes: its UTF-8, and whether that is all ASCII.
        case plain(UnsafeBufferPointer<UInt8>, isASCII: Bool)
        /// A string with escapes.
        case undecidable
    }

    /// The object at `span`, or nil when the value there is not an object.
    init?(_ input: UnsafeRawBufferPointer, _ span: Range<Int>, members: MemberTable?) {
        guard !span.isEmpty, input[span.lowerBound] == UInt8(ascii: "{") else { return nil }
        self.input = input
        self.span = span
        self.members = members
    }

    /// The object at `span` of the same input, or nil when the value there is not an object.
    func object(at span: Range<Int>) -> CanonicalObject? {
        CanonicalObject(input, span, members: members)
    }

    /// Number of members.
    var count: Int {
        if let members { return members.memberCount(ofObjectAt: span.lowerBound) }
        var count = 0
        Self.forEachMember(input, span) { _, _ in
            count += 1
            return true
        }
        return count
    }

    /// The span of member `name`'s value.
    func member(_ name: String) -> Range<Int>? {
        var name = name
        return name.withUTF8 { wanted in
            if let members {
                return members.value(of: UnsafeRawBufferPointer(wanted), inObjectAt: span.lowerBound, in: input)
            }
            var found: Range<Int>?
            Self.forEachMember(input, span) { key, value in
                let order = ByteOrder.compare(UnsafeRawBufferPointer(rebasing: input[key]), UnsafeRawBufferPointer(wanted))
                if order == 0 { found = value }
                return order < 0  // names are in increasing order: stop at or past `name`
            }
            return found
        }
    }

    func object(_ name: String) -> CanonicalObject? {
        member(name).flatMap { object(at: $0) }
    }

    /// Member `name` if it is an integer.
    func integer(_ name: String) -> Int64? {
        guard let span = member(name) else { return nil }
        var index = span.lowerBound
        let negative = input[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < span.upperBound else { return nil }
        var magnitude: Int64 = 0
        while index < span.upperBound {
            let byte = input[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            magnitude = magnitude * 10 + Int64(byte - UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -magnitude : magnitude
    }

    func text(_ name: String) -> Text {
        guard let span = member(name), input[span.lowerBound] == UInt8(ascii: "\"") else { return .missing }
        let content = UnsafeRawBufferPointer(rebasing: input[(span.lowerBound + 1)..<(span.upperBound - 1)])
        if content.contains(UInt8(ascii: "\\")) { return .undecidable }
        return .plain(content.assumingMemoryBound(to: UInt8.self), isASCII: content.allSatisfy { $0 < 0x80 })
    }

    /// Calls `body` with each member's name content and value span, until it returns false.
    private static func forEachMember(
        _ input: UnsafeRawBufferPointer, _ span: Range<Int>, _ body: (Range<Int>, Range<Int>) -> Bool
    ) {
        var index = span.lowerBound + 1
        while index < span.upperBound, input[index] == UInt8(ascii: "\"") {
            let nameEnd = stringEnd(input, index)
            let valueStart = nameEnd + 1  // past ':'
            let valueEnd = valueEnd(input, valueStart)
            guard body((index + 1)..<(nameEnd - 1), valueStart..<valueEnd) else { return }
            index = valueEnd + 1  // past ',' or '}'
        }
    }

    /// Just past the closing quote of the string whose opening quote is at `start`.
    private static func stringEnd(_ input: UnsafeRawBufferPointer, _ start: Int) -> Int {
        guard let base = input.baseAddress else { return input.count }
        var index = start + 1
        // The next quote (libc's vectorised search), unless an odd run of backslashes escapes it.
        while index < input.count, let found = memchr(base + index, 0x22, input.count - index) {
            let quote = base.distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            while quote - 1 - backslashes > start, input[quote - 1 - backslashes] == UInt8(ascii: "\\") {
                backslashes += 1
            }
            if backslashes % 2 == 0 { return quote + 1 }
            index = quote + 1
        }
        return input.count
    }

    /// Just past the value starting at `start`.
    private static func valueEnd(_ input: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var index = start
        var depth = 0
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "\""):
                index = stringEnd(input, index)
                if depth == 0 { return index }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return index }
                depth -= 1
                if depth == 0 { return index + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return index }
            default:
                break
            }
            index += 1
        }
        return index
    }
}
