// OrderDesk: the rules of the order desk, with no I/O. It owns what an order is (Jet's view plus our actions,
// notes and history), its stage, what may be done to it and the exact request Jet gets for that, deadlines,
// the cancellation rate, tracking-number checks, filters, settings, merging downloads, and the ports the
// desk needs (Marketplace, OrderRepository, WallClock). It must not know files, HTTP, Jet's JSON or the terminal.
import Foundation

/// A person as Jet names them on an order.
public struct Contact: Codable, Sendable, Hashable {
    public var name: String
    public var phone: String?

    public init(name: String, phone: String? = nil) {
        self.name = name
        self.phone = phone
    }
}

/// A US postal address.
public struct Address: Codable, Sendable, Hashable {
    public var line1: String
    public var line2: String?
    public var city: String
    public var state: String
    public var zip: String

    public init(line1: String, line2: String? = nil, city: String, state: String, zip: String) {
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.state = state
        self.zip = zip
    }

    /// `Hoboken, NJ 07030`.
    public var cityLine: String {
        [city, [state, zip].filter { !$0.isEmpty }.joined(separator: " ")].filter { !$0.isEmpty }.joined(separator: ", ")
    }
}

/// One line of an order: a SKU, how many units, and what they cost.
public struct OrderLine: Codable, Sendable, Hashable {
    /// Jet's id of the line (`order_item_id`), used by acknowledgements, returns and refunds.
    public var itemID: String
    public var altItemID: String?
    public var sku: String
    public var title: String
    public var quantity: Int
    /// Units Jet asks the merchant to cancel (a directed cancel); 0 when none.
    public var cancelRequested: Int
    /// The line's price: `principal` is the line total (unit price × quantity), as Jet sends `base_price`.
    public var price: Amounts
    public var url: String?

    public init(
        itemID: String, altItemID: String? = nil, sku: String, title: String, quantity: Int,
        cancelRequested: Int = 0, price: Amounts, url: String? = nil
    ) {
        self.itemID = itemID
        self.altItemID = altItemID
        self.sku = sku
        self.title = title
        self.quantity = quantity
        self.cancelRequested = cancelRequested
        self.price = price
        self.url = url
    }
}

/// A shipment Jet knows about (sent by us or by another tool), with the units it shipped or cancelled.
public struct Shipment: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var sku: String
        /// The marketplace's id of the order line, where it reports by line (Walmart).
        public var lineID: String?
        public var shipped: Int
        public var cancelled: Int

        public init(sku: String, lineID: String? = nil, shipped: Int, cancelled: Int) {
            self.sku = sku
            self.lineID = lineID
            self.shipped = shipped
            self.cancelled = cancelled
        }
    }

    public var altShipmentID: String?
    public var tracking: String?
    public var carrier: String?
    public var method: String?
    public var shippedAt: Date?
    public var items: [Item]

    public init(altShipmentID: String?, tracking: String?, carrier: String?, method: String?, shippedAt: Date?, items: [Item]) {
        self.altShipmentID = altShipmentID
        self.tracking = tracking
        self.carrier = carrier
        self.method = method
        self.shippedAt = shippedAt
        self.items = items
    }
}

/// A customer's return request on Jet.
public struct ReturnRequest: Codable, Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        public var itemID: String
        public var altItemID: String?
        public var sku: String
        public var title: String
        public var reason: String
        public var quantity: Int
        public var requested: Amounts

        public init(itemID: String, altItemID: String? = nil, sku: String, title: String, reason: String, quantity: Int, requested: Amounts) {
            self.itemID = itemID
            self.altItemID = altItemID
            self.sku = sku
            self.title = title
            self.reason = reason
            self.quantity = quantity
            self.requested = requested
        }
    }

    /// Jet's return id (`merchant_return_authorization_id`).
    public var id: String
    public var reference: String?
    /// Jet's `return_status` (`created`, `inprogress`, `completed by merchant`, …).
    public var status: ReturnStatus
    public var requestedAt: Date?
    public var refundWithoutReturn: Bool
    public var returnCharge: Cents
    public var carrier: String?
    public var tracking: String?
    public var lines: [Line]
    /// What was refunded, once the return is completed (Jet's `items`).
    public var refunded: Amounts?

    public init(
        id: String, reference: String? = nil, status: ReturnStatus, requestedAt: Date?, refundWithoutReturn: Bool = false,
        returnCharge: Cents = .zero, carrier: String? = nil, tracking: String? = nil, lines: [Line], refunded: Amounts? = nil
    ) {
        self.id = id
        self.reference = reference
        self.status = status
        self.requestedAt = requestedAt
        self.refundWithoutReturn = refundWithoutReturn
        self.returnCharge = returnCharge
        self.carrier = carrier
        self.tracking = tracking
        self.lines = lines
        self.refunded = refunded
    }

    public var requestedTotal: Amounts { lines.reduce(.zero) { $0 + $1.requested } }

    /// Still waiting for the merchant's answer, as far as Jet says.
    public var isOpen: Bool { status.isOpen }

    /// Jet will not change it any more: completed by the merchant.
    public var isFinalAtJet: Bool { status == .completedByMerchant }
}

/// An order as Jet describes it: what `download` and `import` bring in. Local knowledge (notes, our
/// actions) lives beside it in ``OrderRecord``.
public struct Order: Codable, Sendable, Hashable {
    /// Jet's unique id (`merchant_order_id`), 32 hex characters on Jet.
    public var merchantOrderID: String
    /// Jet's human-readable order number (`reference_order_id`).
    public var referenceOrderID: String
    public var customerReferenceOrderID: String?
    public var altOrderID: String?
    public var fulfillmentNode: String?
    public var hashEmail: String?
    /// Jet's order status: `created`, `ready`, `acknowledged`, `inprogress`, `complete`, or something newer.
    public var status: OrderStatus
    public var exceptionState: ExceptionState?
    public var acknowledgementStatus: AcknowledgementStatus?
    public var directedCancel: Bool
    public var placedAt: Date?
    public var readyAt: Date?
    public var acknowledgedAt: Date?
    /// Dates Jet sent that could not be read, by field name, kept as sent.
    public var unreadableDates: [String: String]?
    /// Values the marketplace sent that no order can have and that could not be kept as sent (a price beyond any
    /// number): set by the adapter, never stored (such an order is set aside, see ``Sanity``).
    public var unusableValues: [String]?
    public var buyer: Contact
    public var recipient: Contact
    public var address: Address
    public var requestedCarrier: String?
    public var requestedMethod: String?
    public var serviceLevel: String?
    public var shipBy: Date?
    public var deliverBy: Date?
    public var lines: [OrderLine]
    public var fees: Cents?
    public var shipments: [Shipment]
    public var returns: [ReturnRequest]

    public init(
        merchantOrderID: String, referenceOrderID: String, customerReferenceOrderID: String? = nil,
        altOrderID: String? = nil, fulfillmentNode: String? = nil, hashEmail: String? = nil, status: OrderStatus,
        exceptionState: ExceptionState? = nil, acknowledgementStatus: AcknowledgementStatus? = nil, directedCancel: Bool = false,
        placedAt: Date? = nil, readyAt: Date? = nil, acknowledgedAt: Date? = nil,
        unreadableDates: [String: String]? = nil, buyer: Contact, recipient: Contact, address: Address,
        requestedCarrier: String? = nil, requestedMethod: String? = nil, serviceLevel: String? = nil,
        shipBy: Date? = nil, deliverBy: Date? = nil, lines: [OrderLine], fees: Cents? = nil,
        shipments: [Shipment] = [], returns: [ReturnRequest] = []
    ) {
        self.merchantOrderID = merchantOrderID
        self.referenceOrderID = referenceOrderID
        self.customerReferenceOrderID = customerReferenceOrderID
        self.altOrderID = altOrderID
        self.fulfillmentNode = fulfillmentNode
        self.hashEmail = hashEmail
        self.status = status
        self.exceptionState = exceptionState
        self.acknowledgementStatus = acknowledgementStatus
        self.directedCancel = directedCancel
        self.placedAt = placedAt
        self.readyAt = readyAt
        self.acknowledgedAt = acknowledgedAt
        self.unreadableDates = unreadableDates
        self.buyer = buyer
        self.recipient = recipient
        self.address = address
        self.requestedCarrier = requestedCarrier
        self.requestedMethod = requestedMethod
        self.serviceLevel = serviceLevel
        self.shipBy = shipBy
        self.deliverBy = deliverBy
        self.lines = lines
        self.fees = fees
        self.shipments = shipments
        self.returns = returns
    }

    /// The sum of every line's price.
    public var totals: Amounts { lines.reduce(.zero) { $0 + $1.price } }
    public var units: Int { lines.reduce(0) { $0 + $1.quantity } }
    /// When the order reached us: ready date, else placed date.
    public var receivedAt: Date? { readyAt ?? placedAt }
    /// The most recent return request, if any.
    public var latestReturn: ReturnRequest? {
        returns.max { ($0.requestedAt ?? .distantPast) < ($1.requestedAt ?? .distantPast) }
    }

    /// Jet may still change this order: it is not complete there, or one of its returns is not closed.
    public var isOpenAtJet: Bool {
        !status.isFinal || returns.contains { !$0.isFinalAtJet }
    }

    /// Units of `sku` that Jet has seen shipped or cancelled.
    public func settledUnits(of sku: String) -> (shipped: Int, cancelled: Int) {
        var s = 0, c = 0
        for shipment in shipments {
            for item in shipment.items where item.sku == sku {
                s += item.shipped
                c += item.cancelled
            }
        }
        return (s, c)
    }
}
