/// Limits of the JSON that Parley accepts (I-JSON with integers only).
public enum JSONLimits {
    /// Integers must have a magnitude below 2^53, so every JSON implementation reads them exactly.
    public static let maxIntegerMagnitude: UInt64 = 1 << 53
    /// Deepest nesting accepted; deeper documents are rejected rather than risking the stack.
    public static let maxDepth = 64
}
