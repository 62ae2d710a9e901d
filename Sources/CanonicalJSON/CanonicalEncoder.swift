/// Turns JSON text into its RFC 8785 canonical form in one pass, rejecting what Parley does
/// not accept (fractions, exponents, integers beyond 2^53, duplicate keys, invalid UTF-8,
/// lone surrogates) with the path of the offending field.
///
/// The canonical form of a document is never longer than its text (whitespace goes, escapes
/// only shrink or stay, `-0` becomes `0`), so the output is written through a pointer into a
/// buffer of the input's size: no capacity checks per byte. Member names without escapes are
/// compared where they sit in the output; only escaped names are decoded aside. Reuse one
/// encoder for many documents: its work buffers keep their capacity.
public struct CanonicalEncoder {
    /// One member of the top-level object of the last document encoded.
    public struct Member: Sendable {
        /// The decoded key bytes, a range in `keyBytes`.
        public var key: Range<Int>
        /// The canonical value bytes: a range in `output`, or of offsets from the destination of
        /// `encode(_:into:)`.
        public var value: Range<Int>
    }

    /// A member of an object being encoded: `"key":value` at `spanStart..<spanEnd` of the output.
    private struct PendingMember {
        var spanStart: Int
        var valueStart: Int
        var spanEnd: Int
        /// The decoded key in `keyBytes` when it had escapes; otherwise `escapedKeyStart` is -1
        /// and the key is the output's bytes between the quotes.
        var escapedKeyStart: Int
        var escapedKeyEnd: Int
        /// The key's first eight bytes, big-endian, zero-padded, when they are ASCII and the key
        /// had no escapes (see `compareKeys`); 0 otherwise.
        var prefix: UInt64

        /// Where a key without escapes sits in the output: after the span's opening quote.
        var plainKeyOffset: Int { spanStart + 1 }
        /// Its length: the span's `"key":` before the value, less the quotes and the colon.
        var plainKeyLength: Int { valueStart - spanStart - 3 }
    }

    private enum PathComponent {
        case key(String)
        case index(Int)
    }

    /// Canonical bytes of the last document encoded.
    public private(set) var output: [UInt8] = []
    /// Decoded keys of the last document's top-level object (see `topLevel`).
    public private(set) var keyBytes: [UInt8] = []
    /// Members of the last document's top-level object, in canonical order; empty for non-objects.
    public private(set) var topLevel: [Member] = []

    private var pending: [PendingMember] = []
    /// The failing field's path, innermost component first: built only while a failure unwinds
    /// (each level adds its own), so a document that encodes keeps no path at all.
    private var path: [PathComponent] = []
    private var scratch: [UInt8] = []
    private var sortedMembers: [PendingMember] = []
    private var decoded: [UInt8] = []
    private var spareKeyBytes: [UInt8] = []
    /// The output being written (valid only during `encode`) and how much of it is written.
    private var out: UnsafeMutablePointer<UInt8>?
    private var written = 0
    private var capacity = 0
    /// Whether the top-level object's members stay as read (see `encode(_:into:topLevelAsRead:)`).
    private var topLevelAsRead = false

    /// Creates an encoder.
    public init() {}

    /// Canonicalises one JSON document into `output`.
    ///
    /// - Parameter input: The JSON text (UTF-8).
    /// - Throws: `JSONInputError` naming the field (dotted path) and the problem.
    public mutating func encode(_ input: UnsafeRawBufferPointer) throws(JSONInputError) {
        var failure: JSONLexer.Failure?
        output = [UInt8](unsafeUninitializedCapacity: max(input.count, 1)) { buffer, initialized in
            let result = run(input, into: buffer.baseAddress.unsafelyUnwrapped)
            initialized = result.written
            failure = result.failure
        }
        if let failure {
            output.removeAll()
            throw JSONInputError(path: pathString(), message: failure.message, offset: failure.offset)
        }
    }

    /// Canonicalises one JSON document into memory the caller owns, skipping `output`: the bulk
    /// append writes each record straight into the buffer of its frame this way.
    ///
    /// - Parameters:
    ///   - input: The JSON text (UTF-8).
    ///   - destination: Room for `input.count` bytes (canonical text is never longer).
    /// - Returns: How many bytes were written; `topLevel`'s value ranges are offsets from
    ///   `destination`. `output` is left as it was.
    /// - Throws: `JSONInputError` naming the field (dotted path) and the problem; what was
    ///   written at `destination` is then meaningless.
    public mutating func encode(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutablePointer<UInt8>)
        throws(JSONInputError) -> Int
    {
        try encode(input, into: destination, topLevelAsRead: false)
    }

    /// Canonicalises one JSON document into memory the caller owns, as `encode(_:into:)` does,
    /// but with `topLevelAsRead` leaves the members of a top-level object in the order read and
    /// does not check their names for duplicates: every value is canonical, the object as a
    /// whole is not. For a caller that takes the object apart by member name and rebuilds it
    /// (the bulk append, whose envelope fields are a fixed set it checks for repeats itself):
    /// sorting the top level and moving its bytes was a quarter of canonicalisation's work.
    ///
    /// - Parameters:
    ///   - input: The JSON text (UTF-8).
    ///   - destination: Room for `input.count` bytes (canonical text is never longer).
    ///   - topLevelAsRead: Whether to leave the top-level object's members as read; `topLevel`
    ///     then lists them in that order.
    /// - Returns: How many bytes were written; `topLevel`'s value ranges are offsets from
    ///   `destination`.
    /// - Throws: As `encode(_:into:)`.
    public mutating func encode(
        _ input: UnsafeRawBufferPointer, into destination: UnsafeMutablePointer<UInt8>, topLevelAsRead: Bool
    ) throws(JSONInputError) -> Int {
        self.topLevelAsRead = topLevelAsRead
        defer { self.topLevelAsRead = false }
        let result = run(input, into: destination)
        if let failure = result.failure {
            throw JSONInputError(path: pathString(), message: failure.message, offset: failure.offset)
        }
        return result.written
    }

    /// Encodes `input` at `destination` (room for `input.count` bytes, at least one).
    private mutating func run(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutablePointer<UInt8>)
        -> (written: Int, failure: JSONLexer.Failure?)
    {
        keyBytes.removeAll(keepingCapacity: true)
        topLevel.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        path.removeAll(keepingCapacity: true)
        capacity = max(input.count, 1)
        out = destination
        written = 0
        defer { out = nil }
        var lexer = JSONLexer(input)
        do throws(JSONLexer.Failure) {
            lexer.skipWhitespace()
            try value(&lexer, depth: 0)
            lexer.skipWhitespace()
            if !lexer.atEnd {
                throw JSONLexer.Failure(message: "unexpected \(lexer.found) after the JSON value", offset: lexer.position)
            }
        } catch {
            return (written, error)
        }
        return (written, nil)
    }

    /// Canonicalises one JSON document given as bytes.
    ///
    /// - Parameter bytes: The JSON text.
    /// - Returns: The canonical bytes.
    /// - Throws: `JSONInputError` naming the field and the problem.
    public static func canonicalize(_ bytes: [UInt8]) throws(JSONInputError) -> [UInt8] {
        var encoder = CanonicalEncoder()
        let result: Result<Void, JSONInputError> = bytes.withUnsafeBytes { raw in
            do throws(JSONInputError) {
                try encoder.encode(raw)
                return .success(())
            } catch { return .failure(error) }
        }
        try result.get()
        return encoder.output
    }

    /// Whether top-level member `index` has the key `name`.
    ///
    /// - Parameters:
    ///   - index: Index into `topLevel`.
    ///   - name: The key to compare with (ASCII).
    public func topLevelKey(_ index: Int, is name: StaticString) -> Bool {
        let range = topLevel[index].key
        guard range.count == name.utf8CodeUnitCount else { return false }
        let pointer = name.utf8Start
        for offset in 0..<range.count where keyBytes[range.lowerBound + offset] != pointer[offset] { return false }
        return true
    }

    /// The decoded key of top-level member `index`.
    ///
    /// - Parameter index: Index into `topLevel`.
    /// - Returns: The key as a string.
    public func topLevelKey(_ index: Int) -> String {
        String(decoding: keyBytes[topLevel[index].key], as: UTF8.self)
    }

    private func pathString() -> String {
        var text = ""
        for component in path.reversed() {
            switch component {
            case .key(let name):
                if !text.isEmpty { text += "." }
                text += name
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    // MARK: - Writing

    // Every write copies or shrinks bytes already read, so `written` never passes the input's
    // size, which is the output's capacity (debug builds check it).
    @inline(__always)
    private mutating func write(_ byte: UInt8) {
        assert(written < capacity)
        out.unsafelyUnwrapped[written] = byte
        written += 1
    }

    @inline(__always)
    private mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        assert(written + bytes.count <= capacity)
        ShortCopy.copy(out.unsafelyUnwrapped + written, base, bytes.count)
        written += bytes.count
    }

    // MARK: - Values

    private mutating func value(_ lexer: inout JSONLexer, depth: Int) throws(JSONLexer.Failure) {
        guard !lexer.atEnd else { throw JSONLexer.Failure(message: "missing value", offset: lexer.position) }
        switch lexer.current {
        case UInt8(ascii: "{"): try object(&lexer, depth: depth)
        case UInt8(ascii: "\""): try string(&lexer)
        case UInt8(ascii: "["): try array(&lexer, depth: depth)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (number, raw) = try lexer.scanInteger()
            if number == 0 {
                write(UInt8(ascii: "0"))
            } else {
                write(UnsafeRawBufferPointer(rebasing: lexer.input[raw]))
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let start = lexer.position
            _ = try lexer.scanLiteral()
            // The literal's own text is its canonical form.
            write(UnsafeRawBufferPointer(rebasing: lexer.input[start..<lexer.position]))
        default:
            throw JSONLexer.Failure(message: "unexpected \(lexer.found)", offset: lexer.position)
        }
    }

    private mutating func string(_ lexer: inout JSONLexer) throws(JSONLexer.Failure) {
        if !decoded.isEmpty { decoded.removeAll(keepingCapacity: true) }
        let (raw, escaped) = try lexer.scanString(decoded: &decoded)
        if escaped {
            written = decoded.withUnsafeBytes { JSONLexer.writeCanonicalString($0, to: out.unsafelyUnwrapped, at: written) }
        } else {
            write(UnsafeRawBufferPointer(rebasing: lexer.input[(raw.lowerBound - 1)..<(raw.upperBound + 1)]))
        }
    }

    private mutating func array(_ lexer: inout JSONLexer, depth: Int) throws(JSONLexer.Failure) {
        guard depth < JSONLimits.maxDepth else {
            throw JSONLexer.Failure(message: "nested deeper than \(JSONLimits.maxDepth) levels", offset: lexer.position)
        }
        lexer.position += 1
        write(UInt8(ascii: "["))
        lexer.skipWhitespace()
        if !lexer.atEnd && lexer.current == UInt8(ascii: "]") {
            lexer.position += 1
            write(UInt8(ascii: "]"))
            return
        }
        var index = 0
        while true {
            lexer.skipWhitespace()
            do throws(JSONLexer.Failure) {
                try value(&lexer, depth: depth + 1)
            } catch {
                path.append(.index(index))
                throw error
            }
            lexer.skipWhitespace()
            guard !lexer.atEnd else { throw JSONLexer.Failure(message: "unterminated array", offset: lexer.position) }
            if lexer.current == UInt8(ascii: ",") {
                lexer.position += 1
                write(UInt8(ascii: ","))
                index += 1
                continue
            }
            guard lexer.current == UInt8(ascii: "]") else {
                throw JSONLexer.Failure(message: "expected ',' or ']' but found \(lexer.found)", offset: lexer.position)
            }
            lexer.position += 1
            write(UInt8(ascii: "]"))
            return
        }
    }

    private mutating func object(_ lexer: inout JSONLexer, depth: Int) throws(JSONLexer.Failure) {
        guard depth < JSONLimits.maxDepth else {
            throw JSONLexer.Failure(message: "nested deeper than \(JSONLimits.maxDepth) levels", offset: lexer.position)
        }
        lexer.position += 1
        let objectStart = written
        write(UInt8(ascii: "{"))
        let pendingBase = pending.count
        let keyBase = keyBytes.count
        lexer.skipWhitespace()
        if !lexer.atEnd && lexer.current == UInt8(ascii: "}") {
            lexer.position += 1
            write(UInt8(ascii: "}"))
            return
        }
        while true {
            lexer.skipWhitespace()
            guard !lexer.atEnd, lexer.current == UInt8(ascii: "\"") else {
                throw JSONLexer.Failure(message: "expected a member name but found \(lexer.found)", offset: lexer.position)
            }
            let spanStart = written
            let keyMark = keyBytes.count
            let (raw, escaped) = try lexer.scanString(decoded: &keyBytes)
            let escapedKeyStart = escaped ? keyMark : -1
            if escaped {
                written = keyBytes.withUnsafeBytes { all in
                    JSONLexer.writeCanonicalString(
                        UnsafeRawBufferPointer(rebasing: all[keyMark...]), to: out.unsafelyUnwrapped, at: written)
                }
            } else {
                // Without escapes the raw text (quotes included) is already canonical.
                write(UnsafeRawBufferPointer(rebasing: lexer.input[(raw.lowerBound - 1)..<(raw.upperBound + 1)]))
            }
            let escapedKeyEnd = escaped ? keyBytes.count : -1
            lexer.skipWhitespace()
            guard !lexer.atEnd, lexer.current == UInt8(ascii: ":") else {
                path.append(.key(keyText(spanStart: spanStart, escapedStart: escapedKeyStart, escapedEnd: escapedKeyEnd)))
                throw JSONLexer.Failure(message: "expected ':' but found \(lexer.found)", offset: lexer.position)
            }
            // Written only once read: the output never gets ahead of the input it came from.
            write(UInt8(ascii: ":"))
            lexer.position += 1
            lexer.skipWhitespace()
            let valueStart = written
            do throws(JSONLexer.Failure) {
                try value(&lexer, depth: depth + 1)
            } catch {
                path.append(.key(keyText(spanStart: spanStart, escapedStart: escapedKeyStart, escapedEnd: escapedKeyEnd)))
                throw error
            }
            pending.append(
                PendingMember(
                    spanStart: spanStart, valueStart: valueStart, spanEnd: written, escapedKeyStart: escapedKeyStart,
                    escapedKeyEnd: escapedKeyEnd,
                    prefix: escaped ? 0 : Self.prefix(lexer.input, raw)))
            lexer.skipWhitespace()
            guard !lexer.atEnd else { throw JSONLexer.Failure(message: "unterminated object", offset: lexer.position) }
            if lexer.current == UInt8(ascii: ",") {
                lexer.position += 1
                write(UInt8(ascii: ","))
                continue
            }
            guard lexer.current == UInt8(ascii: "}") else {
                throw JSONLexer.Failure(message: "expected ',' or '}' but found \(lexer.found)", offset: lexer.position)
            }
            lexer.position += 1
            break
        }
        if depth > 0 || !topLevelAsRead {
            try order(objectStart: objectStart, pendingBase: pendingBase, at: lexer.position)
        }
        write(UInt8(ascii: "}"))
        if depth == 0 {
            collectTopLevel()
        } else {
            if keyBytes.count > keyBase { keyBytes.removeLast(keyBytes.count - keyBase) }
        }
        // One element at a time: `removeLast(_:)` goes through the general `replaceSubrange`.
        while pending.count > pendingBase { pending.removeLast() }
    }

    /// The key of a member being read, for an error's path.
    private func keyText(spanStart: Int, escapedStart: Int, escapedEnd: Int) -> String {
        if escapedStart >= 0 { return String(decoding: keyBytes[escapedStart..<escapedEnd], as: UTF8.self) }
        let key = UnsafeBufferPointer(start: out.unsafelyUnwrapped + spanStart + 1, count: written - spanStart - 1)
        // The written text is `"key":` up to here (or `"key"` when the colon is missing).
        let end = key.firstIndex(of: UInt8(ascii: "\"")) ?? key.count
        return String(decoding: UnsafeBufferPointer(rebasing: key[..<end]), as: UTF8.self)
    }

    /// Fills `topLevel` and `keyBytes` from the top-level object's ordered members.
    private mutating func collectTopLevel() {
        // The names go to the spare buffer, which then swaps places with `keyBytes` (no allocation).
        var names = spareKeyBytes
        spareKeyBytes = []
        names.removeAll(keepingCapacity: true)
        let base = out.unsafelyUnwrapped
        for member in pending {
            let keyStart = names.count
            if member.escapedKeyStart >= 0 {
                names.append(contentsOf: keyBytes[member.escapedKeyStart..<member.escapedKeyEnd])
            } else {
                names.append(
                    contentsOf: UnsafeBufferPointer(
                        start: base + member.plainKeyOffset, count: member.plainKeyLength))
            }
            topLevel.append(Member(key: keyStart..<names.count, value: member.valueStart..<member.spanEnd))
        }
        spareKeyBytes = keyBytes
        keyBytes = names
    }

    // MARK: - Member order

    /// The decoded key of a pending member.
    @inline(__always)
    private func withKey<R>(_ member: PendingMember, _ keys: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if member.escapedKeyStart >= 0 {
            return body(UnsafeRawBufferPointer(rebasing: keys[member.escapedKeyStart..<member.escapedKeyEnd]))
        }
        return body(
            UnsafeRawBufferPointer(
                start: out.unsafelyUnwrapped + member.plainKeyOffset, count: member.plainKeyLength))
    }

    /// The sort key of a plain member name at `key` in `input`: its first eight bytes as a
    /// big-endian number, zero padded, or 0 (compare in full) when one of them is not ASCII.
    /// One unaligned load where the input has eight bytes from the name's start (it always has
    /// the closing quote after the name, so only short names near the end need the byte loop).
    @inline(__always)
    private static func prefix(_ input: UnsafeRawBufferPointer, _ key: Range<Int>) -> UInt64 {
        let count = min(key.count, 8)
        var word: UInt64 = 0
        if key.lowerBound &+ 8 <= input.count {
            word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: key.lowerBound, as: UInt64.self))
            if count < 8 { word &= (1 &<< (UInt64(count) &* 8)) &- 1 }
        } else {
            for index in 0..<count { word |= UInt64(input[key.lowerBound + index]) << (8 * UInt64(index)) }
        }
        if word & 0x8080_8080_8080_8080 != 0 { return 0 }
        return word.byteSwapped
    }

    /// RFC 8785 order of two members' keys. Different nonzero prefixes settle it: they are
    /// ASCII, where byte order is UTF-16 order, and names without escapes hold no byte below
    /// 0x20, so the zero padding sorts a shorter name first as the full comparison would. Equal
    /// prefixes of names of at most eight bytes mean equal names.
    @inline(__always)
    private func compareKeys(_ a: PendingMember, _ b: PendingMember, _ keys: UnsafeRawBufferPointer) -> Int {
        if a.prefix != 0 && b.prefix != 0 {
            if a.prefix != b.prefix { return a.prefix < b.prefix ? -1 : 1 }
            if a.plainKeyLength <= 8 && b.plainKeyLength <= 8 { return 0 }
        }
        return withKey(a, keys) { left in withKey(b, keys) { right in CanonicalOrder.compare(left, right) } }
    }

    /// Puts the members of the object just parsed into canonical order, rejecting duplicates.
    private mutating func order(objectStart: Int, pendingBase: Int, at offset: Int) throws(JSONLexer.Failure) {
        let count = pending.count - pendingBase
        guard count > 1 else { return }
        let inOrder = keyBytes.withUnsafeBytes { keys in
            pending.withUnsafeBufferPointer { all in
                for index in (pendingBase + 1)..<all.count where compareKeys(all[index - 1], all[index], keys) >= 0 {
                    return false
                }
                return true
            }
        }
        if inOrder { return }
        var members = sortedMembers
        sortedMembers = []
        defer { sortedMembers = members }
        members.removeAll(keepingCapacity: true)
        // Through a pointer: an `ArraySlice` of `pending` would retain its buffer.
        pending.withUnsafeBufferPointer { members.append(contentsOf: UnsafeBufferPointer(rebasing: $0[pendingBase...])) }
        let duplicate: PendingMember? = keyBytes.withUnsafeBytes { keys in
            members.withUnsafeMutableBufferPointer { members in
                guard members.count <= 16 else {
                    members.sort { compareKeys($0, $1, keys) < 0 }
                    for index in 1..<members.count where compareKeys(members[index - 1], members[index], keys) == 0 {
                        return members[index]
                    }
                    return nil
                }
                // Insertion sort: objects are small, and this stays free of closures. Every
                // member meets its sorted neighbour, so an equal key shows as a zero.
                for index in 1..<members.count {
                    let member = members[index]
                    var slot = index
                    while slot > 0 {
                        let order = compareKeys(member, members[slot - 1], keys)
                        if order == 0 { return member }
                        if order > 0 { break }
                        members[slot] = members[slot - 1]
                        slot -= 1
                    }
                    members[slot] = member
                }
                return nil
            }
        }
        if let duplicate {
            path.append(
                .key(
                    keyText(
                        spanStart: duplicate.spanStart, escapedStart: duplicate.escapedKeyStart,
                        escapedEnd: duplicate.escapedKeyEnd)))
            throw JSONLexer.Failure(message: "duplicate key", offset: offset)
        }
        let bodyStart = objectStart + 1
        let bodyCount = written - bodyStart
        if scratch.count < bodyCount { scratch = [UInt8](repeating: 0, count: max(bodyCount, 2 * scratch.count)) }
        let base = out.unsafelyUnwrapped
        scratch.withUnsafeMutableBufferPointer { body in
            let saved = body.baseAddress.unsafelyUnwrapped
            saved.update(from: base + bodyStart, count: bodyCount)
            pending.withUnsafeMutableBufferPointer { pending in
                var cursor = bodyStart
                for index in 0..<members.count {
                    let member = members[index]
                    if index > 0 {
                        base[cursor] = UInt8(ascii: ",")
                        cursor += 1
                    }
                    let length = member.spanEnd - member.spanStart
                    (base + cursor).update(from: saved + (member.spanStart - bodyStart), count: length)
                    let shift = cursor - member.spanStart
                    pending[pendingBase + index] = PendingMember(
                        spanStart: cursor, valueStart: member.valueStart + shift, spanEnd: member.spanEnd + shift,
                        escapedKeyStart: member.escapedKeyStart, escapedKeyEnd: member.escapedKeyEnd, prefix: member.prefix)
                    cursor += length
                }
            }
        }
    }
}
