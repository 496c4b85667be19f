import Foundation

/// An amount of US dollars in whole cents: money is never a floating-point number inside jom.
public struct Cents: Codable, Sendable, Hashable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    public var value: Int

    public init(_ value: Int) { self.value = value }

    /// Converts a dollar amount as Jet sends it (a JSON number such as `19.99`), rounding to the nearest cent.
    /// A number that is not finite counts as zero; an absurd one is held at a trillion dollars, so sums of
    /// many of them can never overflow.
    public init(dollars: Double) {
        let cents = (dollars * 100).rounded()
        guard cents.isFinite else {
            self.value = 0
            return
        }
        self.value = Int(min(max(cents, -Self.limit), Self.limit))
    }

    private static let limit = 100_000_000_000_000.0

    /// Parses what an operator types: `19.99`, `$19.99`, `19`, `0.5`. Returns nil for anything else.
    public init?(parsing text: String) {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("$") { t.removeFirst() }
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        var cents = 0
        if parts.count == 2 {
            let frac = parts[1]
            guard frac.count <= 2, frac.count > 0 || !parts[0].isEmpty else { return nil }
            let padded = frac.count == 1 ? frac + "0" : (frac.isEmpty ? "00" : String(frac))
            guard let c = Int(padded) else { return nil }
            cents = c
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        self.value = product + cents
    }

    public static var zero: Cents { Cents(0) }
    public static func + (a: Cents, b: Cents) -> Cents { Cents(a.value + b.value) }
    public static func - (a: Cents, b: Cents) -> Cents { Cents(a.value - b.value) }
    public static func < (a: Cents, b: Cents) -> Bool { a.value < b.value }

    /// The amount in dollars, for the wire.
    public var dollars: Double { Double(value) / 100 }

    /// `$19.99`, `-$1.05`, `$79,463.74`: as people read money, with thousands separators.
    public var description: String {
        let sign = value < 0 ? "-" : ""
        let v = value.magnitude
        let cents = v % 100
        var whole = String(v / 100)
        var i = whole.count - 3
        while i > 0 {
            whole.insert(",", at: whole.index(whole.startIndex, offsetBy: i))
            i -= 3
        }
        return "\(sign)$\(whole).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// `19.99` without the currency sign, for CSV.
    public var plain: String {
        let sign = value < 0 ? "-" : ""
        let v = abs(value)
        let cents = v % 100
        return "\(sign)\(v / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// The four parts of a price or refund as Jet splits them.
public struct Amounts: Codable, Sendable, Hashable {
    public var principal: Cents
    public var tax: Cents
    public var shipping: Cents
    public var shippingTax: Cents

    public init(principal: Cents = .zero, tax: Cents = .zero, shipping: Cents = .zero, shippingTax: Cents = .zero) {
        self.principal = principal
        self.tax = tax
        self.shipping = shipping
        self.shippingTax = shippingTax
    }

    public static let zero = Amounts()

    public var total: Cents { principal + tax + shipping + shippingTax }

    public static func + (a: Amounts, b: Amounts) -> Amounts {
        Amounts(
            principal: a.principal + b.principal, tax: a.tax + b.tax,
            shipping: a.shipping + b.shipping, shippingTax: a.shippingTax + b.shippingTax)
    }

    /// These amounts scaled so that their total is `target` (≤ the current total), each part rounded to the cent.
    /// The last part takes the rounding remainder, so the result's total is exactly `target`.
    public func scaled(toTotal target: Cents) -> Amounts {
        let whole = total.value
        guard whole > 0, target.value < whole else { return target.value >= whole ? self : .zero }
        func part(_ c: Cents) -> Cents { Cents(Int((Double(c.value) * Double(target.value) / Double(whole)).rounded(.down))) }
        var result = Amounts(principal: part(principal), tax: part(tax), shipping: part(shipping), shippingTax: part(shippingTax))
        result.principal = result.principal + Cents(target.value - result.total.value)
        return result
    }
}
