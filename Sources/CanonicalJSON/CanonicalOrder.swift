/// RFC 8785 member order: keys compared as UTF-16 code units.
public enum CanonicalOrder {
    /// Whether UTF-8 key `a` sorts before UTF-8 key `b` in UTF-16 code-unit order.
    ///
    /// UTF-8 byte order equals code-point order; UTF-16 order differs from it only where a
    /// supplementary character (4-byte UTF-8, lead ≥ 0xF0) meets a character in U+E000…U+FFFF
    /// (lead 0xEE or 0xEF): the surrogate pair sorts first. The first differing bytes of two
    /// valid strings sit at the same character boundary whenever their lead bytes differ.
    ///
    /// - Parameters:
    ///   - a: First key, valid UTF-8.
    ///   - b: Second key, valid UTF-8.
    /// - Returns: -1, 0 or 1.
    public static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        var index = 0
        while index < common {
            let x = a[index]
            let y = b[index]
            if x != y {
                if x >= 0xF0 && (y == 0xEE || y == 0xEF) { return -1 }
                if y >= 0xF0 && (x == 0xEE || x == 0xEF) { return 1 }
                return x < y ? -1 : 1
            }
            index += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Sorts strings in RFC 8785 member order.
    ///
    /// - Parameter keys: The keys.
    /// - Returns: The keys in canonical order.
    public static func sorted(_ keys: some Sequence<String>) -> [String] {
        keys.sorted { lhs, rhs in
            var left = lhs
            var right = rhs
            return left.withUTF8 { l in right.withUTF8 { r in compare(UnsafeRawBufferPointer(l), UnsafeRawBufferPointer(r)) < 0 }
            }
        }
    }
}
