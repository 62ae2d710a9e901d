import Crypto

/// Rules for key names and key IDs shared by signers, verifiers and signature lines
/// (C2SP signed-note, golang.org/x/mod/sumdb/note).
package enum NoteKeyName {
    /// Signature type byte for Ed25519 in key encodings and key IDs.
    package static let ed25519: UInt8 = 0x01

    /// Why `name` is not a valid key name, or nil when it is.
    ///
    /// A name must be non-empty and contain no Unicode space, no `+` and no control character
    /// (C2SP forbids controls anywhere in a note, so such a name could never sign one).
    package static func problem(with name: String) -> String? {
        if name.isEmpty { return "a key name must not be empty" }
        for scalar in name.unicodeScalars {
            if scalar == "+" { return "key name \"\(name)\" contains \"+\", which separates the fields of a key" }
            if scalar.properties.isWhitespace {
                return "key name \"\(name)\" contains a space (U+\(hex4(scalar.value))); names must not contain Unicode spaces"
            }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                return "key name contains the control character U+\(hex4(scalar.value))"
            }
        }
        return nil
    }

    /// Key ID = first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ encoded key), where the
    /// encoded key is the signature type byte followed by the public key.
    package static func keyID(name: String, encodedKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8))
        hasher.update(data: [0x0A])
        hasher.update(data: encodedKey)
        let digest = Array(hasher.finalize())
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }

    /// The key ID as 8 lowercase hex digits.
    package static func hex(_ keyID: UInt32) -> String {
        let digits = String(keyID, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Parses exactly 8 hex digits (either case) into a key ID.
    package static func parseKeyID(_ text: Substring) -> UInt32? {
        guard text.utf8.count == 8, text.utf8.allSatisfy(\.isHexDigitASCII) else { return nil }
        return UInt32(text, radix: 16)
    }

    /// The 4 big-endian bytes of a key ID.
    package static func bytes(_ keyID: UInt32) -> [UInt8] {
        [UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF), UInt8(keyID & 0xFF)]
    }

    /// Splits `text` at the first `+`: (before, after), or (text, nil) when there is none.
    package static func chop(_ text: Substring) -> (Substring, Substring?) {
        guard let plus = text.firstIndex(of: "+") else { return (text, nil) }
        return (text[..<plus], text[text.index(after: plus)...])
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension UInt8 {
    fileprivate var isHexDigitASCII: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
