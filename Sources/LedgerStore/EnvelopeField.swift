#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The top-level fields an input event may have, told apart by their bytes without building
/// strings (the bulk path asks this for every member of every line).
enum EnvelopeField {
    case data, effectiveAt, expectedVersion, id, meta, schema, stream, type

    /// The field named by `key` (the decoded member name), or nil for a name Parley does not know.
    @inline(__always)
    init?(_ key: UnsafeRawBufferPointer) {
        func named(_ name: StaticString) -> Bool {
            name.utf8CodeUnitCount == key.count
                && memcmp(key.baseAddress.unsafelyUnwrapped, name.utf8Start, key.count) == 0
        }
        guard let first = key.first else { return nil }
        switch (key.count, first) {
        case (4, UInt8(ascii: "d")) where named("data"): self = .data
        case (12, UInt8(ascii: "e")) where named("effective_at"): self = .effectiveAt
        case (16, UInt8(ascii: "e")) where named("expected_version"): self = .expectedVersion
        case (2, UInt8(ascii: "i")) where named("id"): self = .id
        case (4, UInt8(ascii: "m")) where named("meta"): self = .meta
        case (6, UInt8(ascii: "s")) where named("schema"): self = .schema
        case (6, UInt8(ascii: "s")) where named("stream"): self = .stream
        case (4, UInt8(ascii: "t")) where named("type"): self = .type
        default: return nil
        }
    }
}
