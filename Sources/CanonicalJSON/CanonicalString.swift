#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading string values out of canonical JSON (RFC 8785) without a parser where possible: the
/// record and marker readers, the bulk append's envelope checks and the audit use these.
package enum CanonicalString {
    /// The content of a canonical JSON string (between its quotes) when it holds no escape.
    ///
    /// Canonical text escapes only control characters, `"` and `\`, so without a backslash the
    /// bytes between the quotes are the string's text.
    ///
    /// - Parameter bytes: A value's canonical bytes.
    /// - Returns: nil when `bytes` is not a string or holds a backslash (the caller then decodes).
    @inlinable
    package static func plainContent(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard bytes.count >= 2, bytes[0] == 0x22, bytes[bytes.count - 1] == 0x22 else { return nil }
        let inner = UnsafeRawBufferPointer(rebasing: bytes[1..<(bytes.count - 1)])
        if let base = inner.baseAddress, memchr(base, 0x5C, inner.count) != nil { return nil }
        return inner
    }

    /// The text of a canonical JSON string value: its content as it is when it has no escape,
    /// decoded otherwise.
    ///
    /// - Parameter bytes: A value's canonical bytes.
    /// - Returns: nil when `bytes` is not a JSON string.
    package static func text(_ bytes: UnsafeRawBufferPointer) -> String? {
        if let plain = plainContent(bytes) { return String(decoding: plain, as: UTF8.self) }
        guard case .string(let text)? = try? JSONValue(parsing: bytes) else { return nil }
        return text
    }
}

extension CanonicalEncoder {
    /// Whether the last document's top-level members have exactly `names`, in this order (for
    /// readers of fixed records: canonical order is sorted order for ASCII names).
    ///
    /// - Parameter names: The expected member names, in canonical order.
    public func topLevelKeys(are names: [StaticString]) -> Bool {
        topLevel.count == names.count && topLevel.indices.allSatisfy { topLevelKey($0, is: names[$0]) }
    }

    /// The text of the last document's top-level member `index` when its value is a string
    /// (see `CanonicalString.text`); nil otherwise.
    public func topLevelText(_ index: Int) -> String? {
        output.withUnsafeBytes { CanonicalString.text(UnsafeRawBufferPointer(rebasing: $0[topLevel[index].value])) }
    }

    /// The last document's top-level member `index` when its value is an integer that fits in
    /// 64 bits; nil otherwise.
    public func topLevelInteger(_ index: Int) -> Int64? {
        Int64(String(decoding: output[topLevel[index].value], as: UTF8.self))
    }
}
