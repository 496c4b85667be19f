// WalmartWire: the Walmart Marketplace Orders and Returns API (v3) on the wire: its JSON models, read
// tolerantly (nulls anywhere, numbers as strings, one object where an array is expected, unknown words kept as
// text), and written exactly as Walmart's documents show them. No HTTP, no desk: the client and the sandbox
// both speak these.
import Foundation
import WireKit

/// A Walmart time: orders carry epoch milliseconds (`1568466571000`), returns and XML ISO strings
/// (`2019-02-21T01:01:08.000Z`); some guides show the milliseconds as a string. All are read; the form it came
/// in is written back.
public struct WalmartTime: Codable, Sendable, Hashable {
    public enum Form: String, Codable, Sendable { case millis, iso }

    public var date: Date?
    /// The value as sent, when it could not be read as a time.
    public var raw: String?
    public var form: Form

    public init(_ date: Date, form: Form = .millis) {
        self.date = date
        self.form = form
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        form = .millis
        if let ms = try? c.decode(Int64.self) {
            date = Date(timeIntervalSince1970: Double(ms) / 1000)
        } else if let ms = try? c.decode(Double.self), ms.isFinite, abs(ms) < 1e16 {
            date = Date(timeIntervalSince1970: ms / 1000)
        } else if let s = try? c.decode(String.self) {
            if let ms = Int64(s.trimmingCharacters(in: .whitespaces)) {
                date = Date(timeIntervalSince1970: Double(ms) / 1000)
            } else if let d = Self.parseISO(s) {
                date = d
                form = .iso
            } else {
                raw = s
                form = .iso
            }
        } else {
            throw DecodingError.typeMismatch(Date.self, .init(codingPath: c.codingPath, debugDescription: "not a time"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        guard let date else { try c.encode(raw ?? ""); return }
        switch form {
        case .millis: try c.encode(Int64((date.timeIntervalSince1970 * 1000).rounded()))
        case .iso: try c.encode(Self.formatISO(date))
        }
    }

    /// `2019-02-21T01:01:08.000Z`, `2020-03-16T10:30:15Z`, `2020-07-17T17:04:42` (read as UTC), `2020-03-16`.
    public static func parseISO(_ text: String) -> Date? {
        let s = text.trimmingCharacters(in: .whitespaces)
        for f in [isoFractional, isoPlain] { if let d = f.date(from: s) { return d } }
        if let d = isoPlain.date(from: s + "Z") { return d }
        if s.count == 10, let d = isoPlain.date(from: s + "T00:00:00Z") { return d }
        return nil
    }

    /// `2019-02-21T01:01:08.000Z`.
    public static func formatISO(_ date: Date) -> String { isoFractional.string(from: date) }

    /// `2020-03-16T10:30:15Z`: the form query parameters take.
    public static func formatQuery(_ date: Date) -> String { isoPlain.string(from: date) }

    nonisolated(unsafe) static let isoFractional: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    nonisolated(unsafe) static let isoPlain: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }()
}

/// An amount of money on an order: `{"currency": "USD", "amount": 19.99}` (refunds: negative).
public struct WalmartMoney: Codable, Sendable, Hashable {
    public var currency: String?
    public var amount: Double

    public init(_ amount: Double, currency: String? = "USD") {
        self.amount = amount
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey { case currency, amount }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        currency = c.lenientString(.currency)
        amount = c.lenientDouble(.amount) ?? 0
    }
}

/// An amount on a return: `{"currencyAmount": 119.95, "currencyUnit": "USD"}`.
public struct WalmartCurrencyAmount: Codable, Sendable, Hashable {
    public var currencyAmount: Double
    public var currencyUnit: String?

    public init(_ amount: Double, unit: String? = "USD") {
        self.currencyAmount = amount
        self.currencyUnit = unit
    }

    enum CodingKeys: String, CodingKey { case currencyAmount, currencyUnit }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        currencyAmount = c.lenientDouble(.currencyAmount) ?? 0
        currencyUnit = c.lenientString(.currencyUnit)
    }
}

/// A quantity on an order: `{"unitOfMeasurement": "EACH", "amount": "1"}` (the amount a string, read from a
/// number too).
public struct WalmartQuantity: Codable, Sendable, Hashable {
    public var unitOfMeasurement: String?
    public var amount: Int

    public init(_ amount: Int, unit: String = "EACH") {
        self.amount = amount
        self.unitOfMeasurement = unit
    }

    enum CodingKeys: String, CodingKey { case unitOfMeasurement, amount }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        unitOfMeasurement = c.lenientString(.unitOfMeasurement)
        guard let n = c.lenientInt(.amount) else {
            throw DecodingError.keyNotFound(CodingKeys.amount, .init(codingPath: c.codingPath, debugDescription: "amount is missing"))
        }
        amount = n
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(unitOfMeasurement, forKey: .unitOfMeasurement)
        try c.encode(String(amount), forKey: .amount)
    }
}

/// A quantity on a return: `{"unitOfMeasure": "EA", "measurementValue": 2}`.
public struct WalmartMeasure: Codable, Sendable, Hashable {
    public var unitOfMeasure: String?
    public var measurementValue: Int

    public init(_ value: Int, unit: String? = "EACH") {
        self.measurementValue = value
        self.unitOfMeasure = unit
    }

    enum CodingKeys: String, CodingKey { case unitOfMeasure, measurementValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        unitOfMeasure = c.lenientString(.unitOfMeasure)
        measurementValue = c.lenientInt(.measurementValue) ?? 0
    }
}

/// Walmart's lists wrapped in an object of one key (`"orderLines": {"orderLine": [...]}`): read from an
/// array, a single object (as some answers have it) or null; elements that cannot be read are dropped when
/// `Key.lenient`, else they fail the list naming where.
public protocol WalmartListKey: Sendable {
    static var name: String { get }
}

public struct WalmartList<Key: WalmartListKey, Element: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var items: [Element]

    public init(_ items: [Element]) { self.items = items }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let key = AnyKey(Key.name)
        if (try? c.decodeNil(forKey: key)) ?? true {
            items = []
        } else if let many = try? c.decode([Element].self, forKey: key) {
            items = many
        } else if let one = try? c.decode(Element.self, forKey: key) {
            items = [one]
        } else {
            items = try c.decode([Element].self, forKey: key)  // Fails, naming what is wrong.
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(items, forKey: AnyKey(Key.name))
    }
}

public enum OrderLineKey: WalmartListKey { public static let name = "orderLine" }
public enum OrderLineStatusKey: WalmartListKey { public static let name = "orderLineStatus" }
public enum ChargeKey: WalmartListKey { public static let name = "charge" }
public enum RefundChargeKey: WalmartListKey { public static let name = "refundCharge" }
public enum RefundKey: WalmartListKey { public static let name = "refund" }

/// A failure as Walmart words it: `{"errors": [{"code": "…", "description": "…", "info": "…"}]}` (services),
/// `{"error": [...]}` (the gateway), or problem+json (`title`, `detail`).
public struct WalmartErrorBody: Codable, Sendable {
    public struct Item: Codable, Sendable, Hashable {
        public var code: String?
        public var field: String?
        public var description: String?
        public var info: String?
        public var severity: String?
        public var category: String?

        public init(code: String, field: String? = nil, description: String, info: String? = nil, severity: String = "ERROR", category: String = "DATA") {
            self.code = code
            self.field = field
            self.description = description
            self.info = info
            self.severity = severity
            self.category = category
        }
    }

    public var errors: [Item]?
    public var error: [Item]?
    public var title: String?
    public var detail: String?

    public init(errors: [Item]) { self.errors = errors }
    public init(gateway: [Item]) { self.error = gateway }

    enum CodingKeys: String, CodingKey { case errors, error, title, detail }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errors = c.lenientArray(Item.self, .errors)
        error = c.lenientArray(Item.self, .error)
        title = c.lenientString(.title)
        detail = c.lenientString(.detail)
    }

    /// The codes, first the service's then the gateway's.
    public var codes: [String] { ((errors ?? []) + (error ?? [])).compactMap(\.code) }

    /// `Invalid request content. (INVALID_REQUEST_CONTENT.GMP_ORDER_API): line 3 is already shipped`.
    public var text: String? {
        let items = (errors ?? []) + (error ?? [])
        if !items.isEmpty {
            return items.map { item in
                [item.description, item.code.map { "(\($0))" }, item.info].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            }.joined(separator: "; ")
        }
        return [title, detail].compactMap { $0 }.joined(separator: ": ").nilIfEmpty
    }
}

/// `POST /v3/token`'s answer.
public struct WalmartToken: Codable, Sendable, Hashable {
    public var accessToken: String
    public var tokenType: String?
    /// Seconds the token lives (900).
    public var expiresIn: Int?

    public init(accessToken: String, tokenType: String = "Bearer", expiresIn: Int = 900) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
    }

    enum CodingKeys: String, CodingKey { case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.requiredString(.accessToken)
        tokenType = c.lenientString(.tokenType)
        expiresIn = c.lenientInt(.expiresIn)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
