import CanonicalJSON
import LedgerIntegrity
import LedgerStore

/// Reads a commit marker's payload and says precisely what is wrong with it, where
/// `CommitMarker(payload:)` only accepts or rejects.
enum CommitMarkerPayload {
    /// The marker magic as it appears in a file (little-endian).
    static let magicBytes: [UInt8] = [0x5C, 0x2A, 0x4D, 0x18]

    /// The marker, when its seq range and root can be read, and every problem found.
    ///
    /// Problems that leave the seq range and root readable (not canonical, a bad `committed_at`,
    /// `tree_size` ≠ `last_seq`) still return the marker, so the chain can be checked on.
    static func parse(_ payload: UnsafeRawBufferPointer) -> (marker: CommitMarker?, problems: [String]) {
        let value: JSONValue
        do { value = try JSONValue(parsing: payload) } catch {
            return (nil, ["commit marker payload is not valid JSON: \(error)"])
        }
        guard let object = value.objectValue else { return (nil, ["commit marker payload is not a JSON object"]) }
        var problems: [String] = []
        if !value.canonicalBytes.elementsEqual(payload) {
            problems.append("commit marker payload is not in canonical form")
        }
        let keys = object.keys.sorted()
        if keys != ["committed_at", "first_seq", "last_seq", "root", "tree_size"] {
            problems.append(
                "commit marker keys are \(keys.joined(separator: ",")), expected committed_at,first_seq,last_seq,root,tree_size")
        }
        guard let first = object["first_seq"]?.integerValue, let last = object["last_seq"]?.integerValue, first >= 1,
            last >= first
        else {
            return (nil, problems + ["commit marker first_seq/last_seq are not integers with 1 ≤ first_seq ≤ last_seq"])
        }
        guard let rootText = object["root"]?.stringValue, rootText.utf8.count == 64,
            rootText.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
            let root = [UInt8](hexString: rootText)
        else {
            return (nil, problems + ["commit marker root is not 64 lowercase hex digits"])
        }
        if object["tree_size"]?.integerValue != last {
            problems.append("commit marker tree_size is not its last_seq \(last)")
        }
        let committedAt = object["committed_at"]?.stringValue ?? ""
        if Timestamp(rfc3339: committedAt) == nil {
            problems.append("commit marker committed_at \"\(committedAt.prefix(40))\" is not an RFC 3339 time")
        }
        return (
            CommitMarker(firstSeq: UInt64(first), lastSeq: UInt64(last), root: root, committedAt: committedAt), problems
        )
    }
}
