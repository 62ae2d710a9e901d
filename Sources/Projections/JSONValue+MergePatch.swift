import CanonicalJSON

extension JSONValue {
    /// This value with `patch` applied as an RFC 7396 JSON merge patch.
    ///
    /// A non-object patch replaces the value; `null` members remove keys; object members merge
    /// recursively (a non-object target counts as `{}`).
    ///
    /// - Parameter patch: The merge patch.
    /// - Returns: The patched value.
    func mergePatched(with patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var members = objectValue ?? [:]
        for (key, change) in changes {
            if change == .null {
                members[key] = nil
            } else {
                members[key] = (members[key] ?? .null).mergePatched(with: change)
            }
        }
        return .object(members)
    }
}
