import Foundation

/// An order set aside: its record in the store cannot be read, or what the marketplace sent for it cannot be
/// understood or is absurd. The rest of the store, and every download, go on without it; `status` and `show
/// damaged` list it with what is wrong and what to do.
public struct QuarantineEntry: Codable, Sendable, Hashable {
    public enum Reason: String, Codable, Sendable, Hashable {
        /// The order's record in the store cannot be read (damaged bytes).
        case damagedRecord = "damaged-record"
        /// The marketplace's answer for the order cannot be read.
        case unreadable
        /// The marketplace sent values no order can have (a negative quantity, a price of 10^308 dollars, no lines).
        case absurd
    }

    /// The marketplace's unique id of the order.
    public var id: String
    /// The order number operators know, when known.
    public var reference: String?
    public var reason: Reason
    /// What is wrong, naming the field or the file and byte.
    public var detail: String
    public var since: Date

    public init(id: String, reference: String? = nil, reason: Reason, detail: String, since: Date) {
        self.id = id
        self.reference = reference
        self.reason = reason
        self.detail = detail
        self.since = since
    }

    /// What to do about it.
    public var remedy: String {
        switch reason {
        case .damagedRecord:
            "fix that line by hand (one JSON object per line; a backup of the file helps), then `show damaged` again; the other orders are unaffected"
        case .unreadable, .absurd:
            "nothing is stored from that answer; each download asks again, and the order comes back once the marketplace sends it whole (ask its support if it does not)"
        }
    }
}

/// Values no order can have. An order with any of them is set aside instead of being stored changed (a price
/// held at some limit, a quantity made zero): a person looks at it.
public enum Sanity {
    /// The longest text jom keeps in one field of an order: a name, an address line, a title.
    public static let maxFieldLength = 4096
    /// The most units one line may have.
    public static let maxQuantity = 100_000
    /// The largest amount (a line's price, tax or shipping), in cents: ten million dollars.
    public static let maxAmount = Cents(1_000_000_000)

    /// What is absurd about an order; empty when nothing is.
    public static func problems(_ o: Order) -> [String] {
        var out: [String] = o.unusableValues ?? []
        if o.lines.isEmpty { out.append("it has no lines") }
        for (i, l) in o.lines.enumerated() {
            let name = l.sku.isEmpty ? "line \(i + 1)" : "line \(i + 1) (\(l.sku.prefix(40)))"
            if l.quantity <= 0 || l.quantity > maxQuantity { out.append("\(name) has a quantity of \(l.quantity)") }
            if l.cancelRequested < 0 || l.cancelRequested > max(0, l.quantity) {
                out.append("\(name) asks to cancel \(l.cancelRequested) units")
            }
            for (field, amount) in [
                ("price", l.price.principal), ("tax", l.price.tax), ("shipping", l.price.shipping),
                ("shipping tax", l.price.shippingTax),
            ] where amount.value < 0 || amount > maxAmount {
                out.append("\(name) has a \(field) of \(amount)")
            }
        }
        for (field, text) in texts(o) where text.count > maxFieldLength {
            out.append("\(field) holds \(text.utf8.count) bytes (jom keeps at most \(maxFieldLength) characters in a field)")
        }
        return out
    }

    /// Every text field of an order, by name.
    static func texts(_ o: Order) -> [(String, String)] {
        var t: [(String, String)] = [
            ("the order id", o.merchantOrderID), ("the order number", o.referenceOrderID),
            ("the buyer's name", o.buyer.name), ("the recipient's name", o.recipient.name),
            ("the address", o.address.line1), ("the city", o.address.city), ("the state", o.address.state),
            ("the ZIP code", o.address.zip),
        ]
        t += [
            ("the buyer's phone", o.buyer.phone), ("the recipient's phone", o.recipient.phone), ("the address's second line", o.address.line2),
            ("the customer's order number", o.customerReferenceOrderID), ("the alternative order id", o.altOrderID),
            ("the buyer's e-mail", o.hashEmail), ("the fulfillment node", o.fulfillmentNode), ("the carrier", o.requestedCarrier),
            ("the method", o.requestedMethod), ("the service level", o.serviceLevel),
        ].compactMap { n, v in v.map { (n, $0) } }
        for (i, l) in o.lines.enumerated() {
            t += [("line \(i + 1)'s SKU", l.sku), ("line \(i + 1)'s title", l.title), ("line \(i + 1)'s item id", l.itemID)]
            if let url = l.url { t.append(("line \(i + 1)'s URL", url)) }
        }
        for r in o.returns {
            t += [("the return id", r.id)] + r.lines.flatMap { [("a returned SKU", $0.sku), ("a return reason", $0.reason), ("a returned title", $0.title)] }
        }
        for s in o.shipments {
            t += [("a tracking number", s.tracking), ("a shipment's carrier", s.carrier), ("a shipment's method", s.method)].compactMap { n, v in
                v.map { (n, $0) }
            }
        }
        return t
    }
}
