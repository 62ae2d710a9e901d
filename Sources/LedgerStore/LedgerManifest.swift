import CanonicalJSON

/// The ledger's identity, stored as canonical JSON in `ledger.json`.
public struct LedgerManifest: Sendable, Equatable {
    /// The on-disk format name.
    public static let formatName = "parley-ledger"
    /// The on-disk format version this code writes and reads.
    public static let formatVersion: Int64 = 1

    /// The ledger's UUID (lowercase).
    public var ledgerID: String
    /// The checkpoint origin line.
    public var origin: String
    /// When the ledger was created (RFC 3339, microseconds, UTC).
    public var createdAt: String

    /// Creates a manifest.
    ///
    /// - Parameters:
    ///   - ledgerID: The ledger's UUID.
    ///   - origin: The checkpoint origin; defaults to `parley.local/ledger/<id>`.
    ///   - createdAt: Creation time.
    public init(ledgerID: String, origin: String? = nil, createdAt: String) {
        self.ledgerID = ledgerID
        self.origin = origin ?? "parley.local/ledger/" + ledgerID
        self.createdAt = createdAt
    }

    /// The canonical JSON line of the manifest.
    public var canonicalBytes: [UInt8] {
        JSONValue.object([
            "format": .string(Self.formatName), "format_version": .integer(Self.formatVersion),
            "ledger_id": .string(ledgerID), "origin": .string(origin), "created_at": .string(createdAt),
        ]).canonicalBytes + [0x0A]
    }

    /// Parses `ledger.json`.
    ///
    /// - Parameter bytes: The file content.
    /// - Throws: `LedgerError` when it is not a Parley manifest this version can read.
    public init(parsing bytes: [UInt8]) throws {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            throw LedgerError(.integrity, "ledger.json is not valid JSON: \(error)")
        }
        guard value["format"]?.stringValue == Self.formatName else {
            throw LedgerError(.notFound, "ledger.json does not describe a Parley ledger")
        }
        guard value["format_version"]?.integerValue == Self.formatVersion else {
            throw LedgerError(.integrity, "ledger.json has an unsupported format_version")
        }
        guard let id = value["ledger_id"]?.stringValue, let origin = value["origin"]?.stringValue,
            let created = value["created_at"]?.stringValue
        else { throw LedgerError(.integrity, "ledger.json lacks ledger_id, origin or created_at") }
        self.init(ledgerID: id, origin: origin, createdAt: created)
    }
}
