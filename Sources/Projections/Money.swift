import CanonicalJSON

/// A money amount: a decimal string (never a binary float) and an ISO 4217 currency.
public struct Money: Sendable, Hashable {
    /// Decimal string, e.g. `"32800000"` or `"-12.50"`.
    public var amount: String
    /// ISO 4217 code, e.g. `USD`.
    public var currency: String

    /// Creates an amount.
    ///
    /// - Parameters:
    ///   - amount: Decimal string.
    ///   - currency: ISO 4217 code.
    public init(amount: String, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// Reads `{"amount","currency"}`; nil when either is missing.
    ///
    /// - Parameter value: The JSON object.
    public init?(_ value: JSONValue?) {
        guard let amount = value?["amount"]?.stringValue, let currency = value?["currency"]?.stringValue else {
            return nil
        }
        self.init(amount: amount, currency: currency)
    }
}
