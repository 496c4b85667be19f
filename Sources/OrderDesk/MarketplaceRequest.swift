import Foundation

/// Acknowledging an order: accepting it, or rejecting it (which is how an order is cancelled before approval).
public struct Acknowledgement: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var itemID: String
        public var altItemID: String?
        /// Jet's item status: `fulfillable`, `nonfulfillable - no inventory`, `nonfulfillable - invalid merchant SKU`.
        public var status: ItemAcknowledgementStatus

        public init(itemID: String, altItemID: String? = nil, status: ItemAcknowledgementStatus) {
            self.itemID = itemID
            self.altItemID = altItemID
            self.status = status
        }
    }

    /// Jet's acknowledgement status: `accepted` or one of the `rejected - …` statuses.
    public var status: AcknowledgementStatus
    public var altOrderID: String?
    public var items: [Item]

    public init(status: AcknowledgementStatus, altOrderID: String? = nil, items: [Item]) {
        self.status = status
        self.altOrderID = altOrderID
        self.items = items
    }

    public var isAccepted: Bool { status == .accepted }
}

/// A shipped message: units shipped with tracking, or units cancelled (a cancel-only shipment).
public struct ShipmentReport: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var sku: String
        public var altItemID: String?
        /// The marketplace's id of the order line (Walmart ships and cancels by line; Jet by SKU).
        public var lineID: String?
        public var quantity: Int
        public var cancelQuantity: Int
        /// Units of the line cancelled once this arrives (those before it included): a marketplace with no id
        /// for our cancels (Walmart) shows it arrived by reaching this count.
        public var cancelledAfter: Int?

        public init(sku: String, altItemID: String? = nil, lineID: String? = nil, quantity: Int, cancelQuantity: Int, cancelledAfter: Int? = nil) {
            self.sku = sku
            self.altItemID = altItemID
            self.lineID = lineID
            self.cancelledAfter = cancelledAfter
            self.quantity = quantity
            self.cancelQuantity = cancelQuantity
        }
    }

    /// Our id for the shipment; Jet keeps it, so it tells us later whether a shipment arrived.
    public var altShipmentID: String
    /// For cancelled units: the marketplace's reason code (Walmart's `cancellationReason`); Jet takes none.
    public var cancelReason: String?
    /// Whether a cancel-only message answers Jet's directed cancel (not the merchant's own decision). Absent
    /// in stores of an older jom, where a cancel by shipment message could only be a directed cancel.
    public var directedCancel: Bool?
    public var answersDirectedCancel: Bool { directedCancel ?? true }
    public var tracking: String?
    public var carrier: String?
    public var method: String?
    public var shippedAt: Date?
    public var expectedDeliveryAt: Date?
    public var carrierPickUpAt: Date?
    public var shipFromZip: String?
    /// The customer's return window, in days, sent with shipped units.
    public var daysToReturn: Int?
    public var items: [Item]

    public init(
        altShipmentID: String, tracking: String? = nil, carrier: String? = nil, method: String? = nil,
        shippedAt: Date? = nil, expectedDeliveryAt: Date? = nil, carrierPickUpAt: Date? = nil,
        shipFromZip: String? = nil, daysToReturn: Int? = nil, answersDirectedCancel: Bool = false, cancelReason: String? = nil, items: [Item]
    ) {
        self.directedCancel = answersDirectedCancel
        self.cancelReason = cancelReason
        self.daysToReturn = daysToReturn
        self.altShipmentID = altShipmentID
        self.tracking = tracking
        self.carrier = carrier
        self.method = method
        self.shippedAt = shippedAt
        self.expectedDeliveryAt = expectedDeliveryAt
        self.carrierPickUpAt = carrierPickUpAt
        self.shipFromZip = shipFromZip
        self.items = items
    }

    public var isCancelOnly: Bool { items.allSatisfy { $0.quantity == 0 } }
}

/// Completing a return request: a refund (full or partial) or a denial (nothing refunded).
public struct ReturnCompletion: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var itemID: String
        public var altItemID: String?
        public var quantityReturned: Int
        public var refundQuantity: Int
        /// Jet's `return_refund_feedback`: why less than requested is refunded.
        public var feedback: String?
        public var notes: String?
        public var amount: Amounts

        public init(
            itemID: String, altItemID: String? = nil, quantityReturned: Int, refundQuantity: Int,
            feedback: String? = nil, notes: String? = nil, amount: Amounts
        ) {
            self.itemID = itemID
            self.altItemID = altItemID
            self.quantityReturned = quantityReturned
            self.refundQuantity = refundQuantity
            self.feedback = feedback
            self.notes = notes
            self.amount = amount
        }
    }

    public var returnID: String
    public var merchantOrderID: String
    public var altOrderID: String?
    /// The customer's order number, which Walmart's return refund names.
    public var customerOrderID: String?
    public var items: [Item]
    public var agreeToReturnCharge: Bool
    public var returnChargeFeedback: ReturnChargeFeedback?

    public init(
        returnID: String, merchantOrderID: String, altOrderID: String? = nil, customerOrderID: String? = nil, items: [Item],
        agreeToReturnCharge: Bool = true, returnChargeFeedback: ReturnChargeFeedback? = nil
    ) {
        self.returnID = returnID
        self.merchantOrderID = merchantOrderID
        self.altOrderID = altOrderID
        self.customerOrderID = customerOrderID
        self.items = items
        self.agreeToReturnCharge = agreeToReturnCharge
        self.returnChargeFeedback = returnChargeFeedback
    }

    public var refundTotal: Cents { items.reduce(.zero) { $0 + $1.amount.total } }
}

/// Accepting a customer's return request (Jet's `PUT /returns/{id}/acknowledge`): the item may come back; the
/// credit is decided when it has (a refund or a denial).
public struct ReturnAcceptance: Codable, Sendable, Hashable {
    public var returnID: String
    public var merchantOrderID: String

    public init(returnID: String, merchantOrderID: String) {
        self.returnID = returnID
        self.merchantOrderID = merchantOrderID
    }
}

/// A refund the merchant starts without a return (`POST /refunds/{order}/{alt_refund_id}`): a price adjustment,
/// a parcel lost in transit. `altRefundID` is ours, so a repeated call is the same refund.
public struct MerchantRefund: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var itemID: String
        public var altItemID: String?
        public var amount: Amounts

        public init(itemID: String, altItemID: String? = nil, amount: Amounts) {
            self.itemID = itemID
            self.altItemID = altItemID
            self.amount = amount
        }
    }

    public var altRefundID: String
    public var merchantOrderID: String
    /// The reason as the desk names it (`price-adjustment`).
    public var reason: String
    /// The reason as the marketplace takes it (`better price available`); absent in stores of an older jom,
    /// where it follows from `reason`.
    public var reasonCode: String?
    public var notes: String?
    public var items: [Item]

    public init(altRefundID: String, merchantOrderID: String, reason: MarketplaceReason, notes: String? = nil, items: [Item]) {
        self.altRefundID = altRefundID
        self.merchantOrderID = merchantOrderID
        self.reason = reason.slug
        self.reasonCode = reason.code
        self.notes = notes
        self.items = items
    }

    public var total: Cents { items.reduce(.zero) { $0 + $1.amount.total } }
}

/// One call that changes something at the marketplace. Every operator action that reaches Jet is one of these,
/// written to the outbox before it is sent.
public enum MarketplaceRequest: Codable, Sendable, Hashable {
    case acknowledge(Acknowledgement)
    case ship(ShipmentReport)
    case acceptReturn(ReturnAcceptance)
    case completeReturn(ReturnCompletion)
    case merchantRefund(MerchantRefund)

    private enum CodingKeys: String, CodingKey {
        case kind, acknowledge, ship, acceptReturn = "accept_return", completeReturn = "complete_return", merchantRefund = "merchant_refund"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "acknowledge": self = .acknowledge(try c.decode(Acknowledgement.self, forKey: .acknowledge))
        case "ship": self = .ship(try c.decode(ShipmentReport.self, forKey: .ship))
        case "accept_return": self = .acceptReturn(try c.decode(ReturnAcceptance.self, forKey: .acceptReturn))
        case "complete_return": self = .completeReturn(try c.decode(ReturnCompletion.self, forKey: .completeReturn))
        case "merchant_refund": self = .merchantRefund(try c.decode(MerchantRefund.self, forKey: .merchantRefund))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown request kind \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .acknowledge(let a):
            try c.encode("acknowledge", forKey: .kind)
            try c.encode(a, forKey: .acknowledge)
        case .ship(let s):
            try c.encode("ship", forKey: .kind)
            try c.encode(s, forKey: .ship)
        case .acceptReturn(let a):
            try c.encode("accept_return", forKey: .kind)
            try c.encode(a, forKey: .acceptReturn)
        case .completeReturn(let r):
            try c.encode("complete_return", forKey: .kind)
            try c.encode(r, forKey: .completeReturn)
        case .merchantRefund(let r):
            try c.encode("merchant_refund", forKey: .kind)
            try c.encode(r, forKey: .merchantRefund)
        }
    }
}
