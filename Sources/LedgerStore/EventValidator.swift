import CanonicalJSON

/// Checks an event's body against the catalogue; the store calls it for every appended event.
///
/// The store itself only checks the envelope; `Catalogue` supplies the real validator, keeping
/// dependencies pointing one way (catalogue → store).
public protocol EventValidator: Sendable {
    /// Validates `data` and `meta` of an event of `type`.
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - schema: The schema version the input names, or nil for the latest.
    ///   - data: Canonical JSON of the event body.
    ///   - meta: Canonical JSON of the provenance block.
    /// - Returns: The schema version to record, or the problems (paths relative to the record, e.g. `data.low.amount`).
    func validate(type: String, schema: Int64?, data: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer)
        -> Result<Int64, ValidationProblems>

    /// Validates as `validate(type:schema:data:meta:)` does, with the calling thread's memo of
    /// recently accepted blocks (the bulk append keeps one per validating thread).
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - schema: The schema version the input names, or nil for the latest.
    ///   - data: Canonical JSON of the event body.
    ///   - meta: Canonical JSON of the provenance block.
    ///   - memo: What this thread's validator accepted recently (the default ignores it).
    /// - Returns: The same as `validate(type:schema:data:meta:)`.
    func validate(
        type: String, schema: Int64?, data: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer, memo: ValidationMemo
    ) -> Result<Int64, ValidationProblems>
}

extension EventValidator {
    public func validate(
        type: String, schema: Int64?, data: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer, memo: ValidationMemo
    ) -> Result<Int64, ValidationProblems> {
        validate(type: type, schema: schema, data: data, meta: meta)
    }
}

/// Accepts any body: the envelope checks alone. Records schema 1 unless the input names one.
public struct EnvelopeOnlyValidator: EventValidator {
    /// Creates the validator.
    public init() {}

    public func validate(type: String, schema: Int64?, data: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer)
        -> Result<Int64, ValidationProblems>
    {
        .success(schema ?? 1)
    }
}

/// The problems a validator found in one event, each with its field path.
public struct ValidationProblems: Error, Sendable {
    /// The problems, paths relative to the record (e.g. `data.low.amount`).
    public var problems: [JSONInputError]

    /// Creates the list.
    ///
    /// - Parameter problems: The problems.
    public init(_ problems: [JSONInputError]) {
        self.problems = problems
    }
}
