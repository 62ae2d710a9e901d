/// Turns JSON text into its RFC 8785 canonical form in one pass, rejecting what Parley does
/// not accept (fractions, exponents, integers beyond 2^53, duplicate keys, invalid UTF-8,
/// lone surrogates) with the path of the offending field.
///
/// Reuse one encoder for many documents: its buffers keep their capacity, so the hot path of a
/// bulk append allocates nothing per line.
public struct CanonicalEncoder {
    /// One member of the top-level object of the last document encoded.
    public struct Member: Sendable {
        /// The decoded key bytes, a range in `keyBytes`.
        public var key: Range<Int>
        /// The canonical value bytes, a range in `output`.
        public var value: Range<Int>
    }

    private struct PendingMember {
        var spanStart: Int
        var valueStart: Int
        var spanEnd: Int
        var keyStart: Int
        var keyEnd: Int
    }

    private enum PathComponent {
        case key(Int, Int)
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

    /// Creates an encoder.
    public init() {}

    /// Canonicalises one JSON document into `output`.
    ///
    /// - Parameter input: The JSON text (UTF-8).
    /// - Throws: `JSONInputError` naming the field (dotted path) and the problem.
    public mutating func encode(_ input: UnsafeRawBufferPointer) throws(JSONInputError) {
        output.removeAll(keepingCapacity: true)
        keyBytes.removeAll(keepingCapacity: true)
        topLevel.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        path.removeAll(keepingCapacity: true)
        var lexer = JSONLexer(input)
        do throws(JSONLexer.Failure) {
            lexer.skipWhitespace()
            try value(&lexer, depth: 0)
            lexer.skipWhitespace()
            if !lexer.atEnd {
                throw JSONLexer.Failure(message: "unexpected \(lexer.found) after the JSON value", offset: lexer.position)
            }
        } catch {
            throw JSONInputError(path: pathString(), message: error.message, offset: error.offset)
        }
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
            case .key(let start, let end):
                if !text.isEmpty { text += "." }
                text += String(decoding: keyBytes[start..<end], as: UTF8.self)
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    private mutating func value(_ lexer: inout JSONLexer, depth: Int) throws(JSONLexer.Failure) {
        guard !lexer.atEnd else { throw JSONLexer.Failure(message: "missing value", offset: lexer.position) }
        switch lexer.current {
        case UInt8(ascii: "{"): try object(&lexer, depth: depth)
        case UInt8(ascii: "["): try array(&lexer, depth: depth)
        case UInt8(ascii: "\""): try string(&lexer)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (number, raw) = try lexer.scanInteger()
            if number == 0 {
                output.append(UInt8(ascii: "0"))
            } else {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: lexer.input[raw]))
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            switch try lexer.scanLiteral() {
            case .bool(true): output.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
            case .bool(false): output.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
            default: output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            }
        default:
            throw JSONLexer.Failure(message: "unexpected \(lexer.found)", offset: lexer.position)
        }
    }

    private mutating func string(_ lexer: inout JSONLexer) throws(JSONLexer.Failure) {
        decoded.removeAll(keepingCapacity: true)
        let (raw, escaped) = try lexer.scanString(decoded: &decoded)
        if escaped {
            decoded.withUnsafeBytes { JSONLexer.appendCanonicalString($0, to: &output) }
        } else {
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: lexer.input[(raw.lowerBound - 1)..<(raw.upperBound + 1)]))
        }
    }

    private mutating func array(_ lexer: inout JSONLexer, depth: Int) throws(JSONLexer.Failure) {
        guard depth < JSONLimits.maxDepth else {
            throw JSONLexer.Failure(message: "nested deeper than \(JSONLimits.maxDepth) levels", offset: lexer.position)
        }
        lexer.position += 1
        output.append(UInt8(ascii: "["))
        lexer.skipWhitespace()
        if !lexer.atEnd && lexer.current == UInt8(ascii: "]") {
            lexer.position += 1
            output.append(UInt8(ascii: "]"))
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
                output.append(UInt8(ascii: ","))
                index += 1
                continue
            }
            guard lexer.current == UInt8(ascii: "]") else {
                throw JSONLexer.Failure(message: "expected ',' or ']' but found \(lexer.found)", offset: lexer.position)
            }
            lexer.position += 1
            output.append(UInt8(ascii: "]"))
            return
        }
    }

    private mutating func object(_ lexer: inout JSONLexer, depth: Int) throws(JSONLexer.Failure) {
        guard depth < JSONLimits.maxDepth else {
            throw JSONLexer.Failure(message: "nested deeper than \(JSONLimits.maxDepth) levels", offset: lexer.position)
        }
        lexer.position += 1
        let objectStart = output.count
        output.append(UInt8(ascii: "{"))
        let pendingBase = pending.count
        let keyBase = keyBytes.count
        lexer.skipWhitespace()
        if !lexer.atEnd && lexer.current == UInt8(ascii: "}") {
            lexer.position += 1
            output.append(UInt8(ascii: "}"))
            return
        }
        while true {
            lexer.skipWhitespace()
            guard !lexer.atEnd, lexer.current == UInt8(ascii: "\"") else {
                throw JSONLexer.Failure(message: "expected a member name but found \(lexer.found)", offset: lexer.position)
            }
            let spanStart = output.count
            let keyStart = keyBytes.count
            let (raw, escaped) = try lexer.scanString(decoded: &keyBytes)
            if escaped {
                keyBytes.withUnsafeBytes { all in
                    JSONLexer.appendCanonicalString(UnsafeRawBufferPointer(rebasing: all[keyStart..<keyBytes.count]), to: &output)
                }
            } else {
                // Without escapes the raw text (quotes included) is already canonical.
                let quoted = UnsafeRawBufferPointer(rebasing: lexer.input[(raw.lowerBound - 1)..<(raw.upperBound + 1)])
                keyBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: quoted[1..<(quoted.count - 1)]))
                output.append(contentsOf: quoted)
            }
            let keyEnd = keyBytes.count
            output.append(UInt8(ascii: ":"))
            lexer.skipWhitespace()
            guard !lexer.atEnd, lexer.current == UInt8(ascii: ":") else {
                path.append(.key(keyStart, keyEnd))
                throw JSONLexer.Failure(message: "expected ':' but found \(lexer.found)", offset: lexer.position)
            }
            lexer.position += 1
            lexer.skipWhitespace()
            let valueStart = output.count
            do throws(JSONLexer.Failure) {
                try value(&lexer, depth: depth + 1)
            } catch {
                path.append(.key(keyStart, keyEnd))
                throw error
            }
            pending.append(
                PendingMember(
                    spanStart: spanStart, valueStart: valueStart, spanEnd: output.count, keyStart: keyStart,
                    keyEnd: keyEnd))
            lexer.skipWhitespace()
            guard !lexer.atEnd else { throw JSONLexer.Failure(message: "unterminated object", offset: lexer.position) }
            if lexer.current == UInt8(ascii: ",") {
                lexer.position += 1
                output.append(UInt8(ascii: ","))
                continue
            }
            guard lexer.current == UInt8(ascii: "}") else {
                throw JSONLexer.Failure(message: "expected ',' or '}' but found \(lexer.found)", offset: lexer.position)
            }
            lexer.position += 1
            break
        }
        try order(objectStart: objectStart, pendingBase: pendingBase, at: lexer.position)
        output.append(UInt8(ascii: "}"))
        if depth == 0 {
            for member in pending[pendingBase...] {
                topLevel.append(Member(key: member.keyStart..<member.keyEnd, value: member.valueStart..<member.spanEnd))
            }
        } else {
            keyBytes.removeSubrange(keyBase...)
        }
        pending.removeSubrange(pendingBase...)
    }

    /// Puts the members of the object just parsed into canonical order, rejecting duplicates.
    private mutating func order(objectStart: Int, pendingBase: Int, at offset: Int) throws(JSONLexer.Failure) {
        let count = pending.count - pendingBase
        guard count > 1 else { return }
        var inOrder = true
        keyBytes.withUnsafeBytes { keys in
            for index in (pendingBase + 1)..<pending.count {
                let previous = pending[index - 1]
                let next = pending[index]
                let comparison = CanonicalOrder.compare(
                    UnsafeRawBufferPointer(rebasing: keys[previous.keyStart..<previous.keyEnd]),
                    UnsafeRawBufferPointer(rebasing: keys[next.keyStart..<next.keyEnd]))
                if comparison >= 0 {
                    inOrder = false
                    break
                }
            }
        }
        if inOrder { return }
        sortedMembers.removeAll(keepingCapacity: true)
        sortedMembers.append(contentsOf: pending[pendingBase...])
        var members = sortedMembers
        sortedMembers = []
        defer { sortedMembers = members }
        var duplicate: PendingMember?
        keyBytes.withUnsafeBytes { keys in
            members.sort { lhs, rhs in
                CanonicalOrder.compare(
                    UnsafeRawBufferPointer(rebasing: keys[lhs.keyStart..<lhs.keyEnd]),
                    UnsafeRawBufferPointer(rebasing: keys[rhs.keyStart..<rhs.keyEnd])) < 0
            }
            for index in 1..<members.count {
                let previous = members[index - 1]
                let next = members[index]
                if CanonicalOrder.compare(
                    UnsafeRawBufferPointer(rebasing: keys[previous.keyStart..<previous.keyEnd]),
                    UnsafeRawBufferPointer(rebasing: keys[next.keyStart..<next.keyEnd])) == 0
                {
                    duplicate = next
                    break
                }
            }
        }
        if let duplicate {
            path.append(.key(duplicate.keyStart, duplicate.keyEnd))
            throw JSONLexer.Failure(message: "duplicate key", offset: offset)
        }
        let bodyStart = objectStart + 1
        scratch.removeAll(keepingCapacity: true)
        output.withUnsafeBytes { scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[bodyStart...])) }
        output.removeSubrange(bodyStart...)
        scratch.withUnsafeBytes { body in
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                let newStart = output.count
                output.append(
                    contentsOf: UnsafeRawBufferPointer(
                        rebasing: body[(member.spanStart - bodyStart)..<(member.spanEnd - bodyStart)]))
                let shift = newStart - member.spanStart
                pending[pendingBase + index] = PendingMember(
                    spanStart: newStart, valueStart: member.valueStart + shift, spanEnd: member.spanEnd + shift,
                    keyStart: member.keyStart, keyEnd: member.keyEnd)
            }
        }
    }
}
