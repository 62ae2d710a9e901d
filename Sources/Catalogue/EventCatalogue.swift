import LedgerStore

/// The event catalogue (placeholder until the schema validator lands: envelope checks only).
public enum EventCatalogue {
    /// The catalogue built into this binary.
    public static func loadDefault() throws -> any EventValidator { EnvelopeOnlyValidator() }
}
