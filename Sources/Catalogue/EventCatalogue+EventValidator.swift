import CanonicalJSON
import LedgerStore

extension EventCatalogue: EventValidator {
    /// Validates an event as the store appends it: the type and version must exist, `data`
    /// must satisfy `<Type>.v<N>.json` (N = `schema`, or the latest) and the type's cross-field
    /// rules, and `meta` must satisfy `meta.v1.json`.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - schema: The schema version the input names, or nil for the latest.
    ///   - data: Canonical JSON of the event body.
    ///   - meta: Canonical JSON of the provenance block.
    /// - Returns: The schema version to record, or every problem found (paths rooted at
    ///   `type`, `schema`, `data.` or `meta.`).
    public func validate(type: String, schema: Int64?, data: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer)
        -> Result<Int64, ValidationProblems>
    {
        validate(type: type, schema: schema, data: data, meta: meta, memo: nil)
    }

    /// Validates as `validate(type:schema:data:meta:)` does; a `meta` block the memo holds is
    /// known to be valid (this thread accepted the same bytes earlier, against this catalogue),
    /// and one accepted here is remembered.
    public func validate(
        type: String, schema: Int64?, data: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer, memo: ValidationMemo
    ) -> Result<Int64, ValidationProblems> {
        validate(type: type, schema: schema, data: data, meta: meta, memo: Optional(memo))
    }

    private func validate(
        type: String, schema: Int64?, data: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer, memo: ValidationMemo?
    ) -> Result<Int64, ValidationProblems> {
        if let version = acceptedVersion(
            type: type, schema: schema, canonicalData: data, canonicalMeta: meta, memo: memo)
        {
            return .success(version)
        }
        var problems: [JSONInputError] = []
        let version = checkData(type: type, schema: schema, problems: &problems) { () throws(JSONInputError) in
            try JSONValue(parsing: data)
        }
        // `{}` is by far the most common meta block; it is valid under the meta schema, which requires nothing.
        if !(meta.count == 2 && meta[0] == UInt8(ascii: "{") && meta[1] == UInt8(ascii: "}") && metaAcceptsEmpty) {
            checkMeta(problems: &problems) { () throws(JSONInputError) in try JSONValue(parsing: meta) }
        }
        guard problems.isEmpty, let version else { return .failure(ValidationProblems(problems)) }
        return .success(version)
    }
}
