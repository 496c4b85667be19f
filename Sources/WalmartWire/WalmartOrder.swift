import Foundation
import WireKit

/// An order line's state: some units in one status (`Created`, `Acknowledged`, `Shipped`, `Delivered`,
/// `Cancelled`, or a newer word kept as sent), with tracking for shipped units and a reason for cancelled ones.
/// The same shape is sent to ship and to cancel.
public struct WalmartLineStatus: Codable, Sendable, Hashable {
    public var status: String
    public var statusQuantity: WalmartQuantity?
    public var cancellationReason: String?
    public var trackingInfo: WalmartTrackingInfo?
    public var returnCenterAddress: WalmartAddress?

    public init(
        status: String, quantity: Int, cancellationReason: String? = nil, trackingInfo: WalmartTrackingInfo? = nil,
        returnCenterAddress: WalmartAddress? = nil
    ) {
        self.status = status
        self.statusQuantity = WalmartQuantity(quantity)
        self.cancellationReason = cancellationReason
        self.trackingInfo = trackingInfo
        self.returnCenterAddress = returnCenterAddress
    }

    enum CodingKeys: String, CodingKey { case status, statusQuantity, cancellationReason, trackingInfo, returnCenterAddress }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.requiredString(.status)
        statusQuantity = c.lenient(WalmartQuantity.self, .statusQuantity)
        cancellationReason = c.lenientString(.cancellationReason)
        trackingInfo = c.lenient(WalmartTrackingInfo.self, .trackingInfo)
        returnCenterAddress = c.lenient(WalmartAddress.self, .returnCenterAddress)
    }

    /// Units in this status (1 when Walmart leaves the quantity out: one unit per line before MLMQ).
    public var units: Int { statusQuantity?.amount ?? 1 }
}

/// Where and how units were shipped.
public struct WalmartTrackingInfo: Codable, Sendable, Hashable {
    public struct CarrierName: Codable, Sendable, Hashable {
        public var otherCarrier: String?
        public var carrier: String?

        public init(carrier: String?, otherCarrier: String? = nil) {
            self.carrier = carrier
            self.otherCarrier = otherCarrier
        }

        enum CodingKeys: String, CodingKey { case otherCarrier, carrier }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            otherCarrier = c.lenientString(.otherCarrier)
            carrier = c.lenientString(.carrier)
        }
    }

    public var shipDateTime: WalmartTime?
    public var carrierName: CarrierName?
    public var methodCode: String?
    public var trackingNumber: String?
    public var trackingURL: String?
    /// Walmart's number for the carrier's method (shown in its examples; not sent by us).
    public var carrierMethodCode: Int?

    public init(shipDateTime: Date, carrier: String?, otherCarrier: String? = nil, methodCode: String, trackingNumber: String, trackingURL: String?) {
        self.shipDateTime = WalmartTime(shipDateTime)
        self.carrierName = CarrierName(carrier: carrier, otherCarrier: otherCarrier)
        self.methodCode = methodCode
        self.trackingNumber = trackingNumber
        self.trackingURL = trackingURL
    }

    enum CodingKeys: String, CodingKey { case shipDateTime, carrierName, methodCode, trackingNumber, trackingURL, carrierMethodCode }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        shipDateTime = c.lenient(WalmartTime.self, .shipDateTime)
        carrierName = c.lenient(CarrierName.self, .carrierName)
        methodCode = c.lenientString(.methodCode)
        carrierMethodCode = c.lenientInt(.carrierMethodCode)
        trackingNumber = c.lenientString(.trackingNumber)
        trackingURL = c.lenientString(.trackingURL)
    }

    /// The carrier's name, or the free text of `otherCarrier`.
    public var carrier: String? { carrierName?.carrier ?? carrierName?.otherCarrier }
}

/// A postal address (the customer's, or a return centre).
public struct WalmartAddress: Codable, Sendable, Hashable {
    public var name: String?
    public var address1: String?
    public var address2: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    public var country: String?
    public var addressType: String?
    /// A return centre's contacts.
    public var dayPhone: String?
    public var emailId: String?

    public init(
        name: String?, address1: String?, address2: String? = nil, city: String?, state: String?, postalCode: String?, country: String? = "USA",
        addressType: String? = "RESIDENTIAL"
    ) {
        self.name = name
        self.address1 = address1
        self.address2 = address2
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.country = country
        self.addressType = addressType
    }

    enum CodingKeys: String, CodingKey { case name, address1, address2, city, state, postalCode, country, addressType, dayPhone, emailId }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.lenientString(.name)
        address1 = c.lenientString(.address1)
        address2 = c.lenientString(.address2)
        city = c.lenientString(.city)
        state = c.lenientString(.state)
        postalCode = c.lenientString(.postalCode)
        country = c.lenientString(.country)
        addressType = c.lenientString(.addressType)
        dayPhone = c.lenientString(.dayPhone)
        emailId = c.lenientString(.emailId)
    }
}

/// A charge on an order line (`PRODUCT`/`ItemPrice`, `SHIPPING`/`Shipping`), with its tax.
public struct WalmartCharge: Codable, Sendable, Hashable {
    public struct Tax: Codable, Sendable, Hashable {
        public var taxName: String?
        public var taxAmount: WalmartMoney?

        public init(taxName: String? = "Tax1", taxAmount: WalmartMoney) {
            self.taxName = taxName
            self.taxAmount = taxAmount
        }
    }

    public var chargeType: String?
    public var chargeName: String?
    public var chargeAmount: WalmartMoney?
    public var tax: Tax?
    /// Tax and other fees together, where Walmart gives them.
    public var taxAndOtherFees: Tax?

    public init(chargeType: String, chargeName: String, amount: Double, tax: Double?) {
        self.chargeType = chargeType
        self.chargeName = chargeName
        self.chargeAmount = WalmartMoney(amount)
        self.tax = tax.map { Tax(taxAmount: WalmartMoney($0)) }
    }

    enum CodingKeys: String, CodingKey { case chargeType, chargeName, chargeAmount, tax, taxAndOtherFees }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chargeType = c.lenientString(.chargeType)
        chargeName = c.lenientString(.chargeName)
        chargeAmount = c.lenient(WalmartMoney.self, .chargeAmount)
        tax = c.lenient(Tax.self, .tax)
        taxAndOtherFees = c.lenient(Tax.self, .taxAndOtherFees)
    }

    /// A shipping charge (else a product one).
    public var isShipping: Bool { chargeType?.uppercased() == "SHIPPING" || (chargeName ?? "").lowercased().hasPrefix("shipping") }
}

/// A refund on an order line: its charges (negative amounts) and reasons.
public struct WalmartRefund: Codable, Sendable, Hashable {
    public struct Charge: Codable, Sendable, Hashable {
        public var refundReason: String?
        public var charge: WalmartCharge?

        public init(refundReason: String, charge: WalmartCharge) {
            self.refundReason = refundReason
            self.charge = charge
        }
    }

    public var refundId: String?
    public var refundComments: String?
    public var refundCharges: WalmartList<RefundChargeKey, Charge>?

    public init(refundId: String? = nil, refundComments: String?, charges: [Charge]) {
        self.refundId = refundId
        self.refundComments = refundComments
        self.refundCharges = WalmartList(charges)
    }

    enum CodingKeys: String, CodingKey { case refundId, refundComments, refundCharges }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        refundId = c.lenientString(.refundId)
        refundComments = c.lenientString(.refundComments)
        refundCharges = c.lenient(WalmartList<RefundChargeKey, Charge>.self, .refundCharges)
    }

    public var charges: [Charge] { refundCharges?.items ?? [] }
}

/// One line of a purchase order: a SKU, its quantity, its charges, and the states its units are in.
public struct WalmartOrderLine: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var productName: String?
        public var sku: String
        public var condition: String?

        public init(productName: String?, sku: String, condition: String? = nil) {
            self.productName = productName
            self.sku = sku
            self.condition = condition
        }

        enum CodingKeys: String, CodingKey { case productName, sku, condition }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            productName = c.lenientString(.productName)
            sku = try c.requiredString(.sku)
            condition = c.lenientString(.condition)
        }
    }

    public struct Fulfillment: Codable, Sendable, Hashable {
        public var fulfillmentOption: String?
        public var shipMethod: String?
        public var shippingProgramType: String?
        /// For pick-up in store (not an order manager's concern, kept as sent).
        public var storeId: String?
        public var pickUpDateTime: WalmartTime?
        public var pickUpBy: String?

        public init(fulfillmentOption: String? = "S2H", shipMethod: String?, shippingProgramType: String? = nil) {
            self.fulfillmentOption = fulfillmentOption
            self.shipMethod = shipMethod
            self.shippingProgramType = shippingProgramType
        }

        enum CodingKeys: String, CodingKey { case fulfillmentOption, shipMethod, shippingProgramType, storeId, pickUpDateTime, pickUpBy }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fulfillmentOption = c.lenientString(.fulfillmentOption)
            shipMethod = c.lenientString(.shipMethod)
            shippingProgramType = c.lenientString(.shippingProgramType)
            storeId = c.lenientString(.storeId)
            pickUpDateTime = c.lenient(WalmartTime.self, .pickUpDateTime)
            pickUpBy = c.lenientString(.pickUpBy)
        }
    }

    public var lineNumber: String
    public var item: Item
    public var charges: WalmartList<ChargeKey, WalmartCharge>?
    public var orderLineQuantity: WalmartQuantity?
    public var statusDate: WalmartTime?
    public var orderLineStatuses: WalmartList<OrderLineStatusKey, WalmartLineStatus>?
    public var refund: WalmartRefund?
    public var returnOrderId: String?
    /// Set when the customer asked to cancel (its value is not documented).
    public var intentToCancel: String?
    public var sellerOrderId: String?
    public var fulfillment: Fulfillment?

    public init(lineNumber: String, item: Item, charges: [WalmartCharge], quantity: Int, statusDate: Date, statuses: [WalmartLineStatus]) {
        self.lineNumber = lineNumber
        self.item = item
        self.charges = WalmartList(charges)
        self.orderLineQuantity = WalmartQuantity(quantity)
        self.statusDate = WalmartTime(statusDate)
        self.orderLineStatuses = WalmartList(statuses)
    }

    enum CodingKeys: String, CodingKey {
        case lineNumber, item, charges, orderLineQuantity, statusDate, orderLineStatuses, refund, returnOrderId, intentToCancel, sellerOrderId
        case fulfillment
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lineNumber = try c.requiredString(.lineNumber)
        item = try c.decode(Item.self, forKey: .item)
        charges = c.lenient(WalmartList<ChargeKey, WalmartCharge>.self, .charges)
        orderLineQuantity = c.lenient(WalmartQuantity.self, .orderLineQuantity)
        statusDate = c.lenient(WalmartTime.self, .statusDate)
        orderLineStatuses = try c.decodeIfPresent(WalmartList<OrderLineStatusKey, WalmartLineStatus>.self, forKey: .orderLineStatuses)
        refund = c.lenient(WalmartRefund.self, .refund)
        returnOrderId = c.lenientString(.returnOrderId)
        intentToCancel = c.lenientString(.intentToCancel)
        sellerOrderId = c.lenientString(.sellerOrderId)
        fulfillment = c.lenient(Fulfillment.self, .fulfillment)
    }

    public var quantity: Int { orderLineQuantity?.amount ?? 1 }
    public var statuses: [WalmartLineStatus] { orderLineStatuses?.items ?? [] }

    /// Units of the line in `status` (any case).
    public func units(in status: String) -> Int {
        statuses.filter { $0.status.lowercased() == status.lowercased() }.reduce(0) { $0 + $1.units }
    }
}

/// A purchase order: what `GET /v3/orders` lists and `GET /v3/orders/{purchaseOrderId}` answers (wrapped in
/// `{"order": …}`).
public struct WalmartOrder: Codable, Sendable, Hashable {
    public struct ShippingInfo: Codable, Sendable, Hashable {
        public var phone: String?
        public var estimatedDeliveryDate: WalmartTime?
        public var estimatedShipDate: WalmartTime?
        public var methodCode: String?
        public var postalAddress: WalmartAddress?

        public init(phone: String?, estimatedDeliveryDate: Date, estimatedShipDate: Date, methodCode: String, postalAddress: WalmartAddress) {
            self.phone = phone
            self.estimatedDeliveryDate = WalmartTime(estimatedDeliveryDate)
            self.estimatedShipDate = WalmartTime(estimatedShipDate)
            self.methodCode = methodCode
            self.postalAddress = postalAddress
        }

        enum CodingKeys: String, CodingKey { case phone, estimatedDeliveryDate, estimatedShipDate, methodCode, postalAddress }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            phone = c.lenientString(.phone)
            estimatedDeliveryDate = c.lenient(WalmartTime.self, .estimatedDeliveryDate)
            estimatedShipDate = c.lenient(WalmartTime.self, .estimatedShipDate)
            methodCode = c.lenientString(.methodCode)
            postalAddress = c.lenient(WalmartAddress.self, .postalAddress)
        }
    }

    public struct ShipNode: Codable, Sendable, Hashable {
        public var type: String?
        public var name: String?
        public var id: String?

        public init(type: String? = "SellerFulfilled") { self.type = type }
    }

    public var purchaseOrderId: String
    public var customerOrderId: String?
    public var customerEmailId: String?
    public var orderType: String?
    public var orderDate: WalmartTime?
    public var shippingInfo: ShippingInfo?
    public var orderLines: WalmartList<OrderLineKey, WalmartOrderLine>
    public var shipNode: ShipNode?
    /// The seller's own order number, once a shipment gave one.
    public var sellerOrderId: String?
    /// For replacement orders: the customer order replaced.
    public var originalCustomerOrderID: String?

    public init(
        purchaseOrderId: String, customerOrderId: String, customerEmailId: String?, orderDate: Date, shippingInfo: ShippingInfo,
        lines: [WalmartOrderLine]
    ) {
        self.purchaseOrderId = purchaseOrderId
        self.customerOrderId = customerOrderId
        self.customerEmailId = customerEmailId
        self.orderType = "REGULAR"
        self.orderDate = WalmartTime(orderDate)
        self.shippingInfo = shippingInfo
        self.orderLines = WalmartList(lines)
        self.shipNode = ShipNode()
    }

    enum CodingKeys: String, CodingKey {
        case purchaseOrderId, customerOrderId, customerEmailId, orderType, orderDate, shippingInfo, orderLines, shipNode, sellerOrderId
        case originalCustomerOrderID
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        purchaseOrderId = try c.requiredString(.purchaseOrderId)
        customerOrderId = c.lenientString(.customerOrderId)
        customerEmailId = c.lenientString(.customerEmailId)
        orderType = c.lenientString(.orderType)
        orderDate = c.lenient(WalmartTime.self, .orderDate)
        shippingInfo = c.lenient(ShippingInfo.self, .shippingInfo)
        orderLines = try c.decode(WalmartList<OrderLineKey, WalmartOrderLine>.self, forKey: .orderLines)
        shipNode = c.lenient(ShipNode.self, .shipNode)
        sellerOrderId = c.lenientString(.sellerOrderId)
        originalCustomerOrderID = c.lenientString(.originalCustomerOrderID)
    }

    public var lines: [WalmartOrderLine] {
        get { orderLines.items }
        set { orderLines.items = newValue }
    }
}

/// `{"order": {…}}`, or the order itself (the current schema's form, which the examples contradict).
public struct WalmartOrderEnvelope: Codable, Sendable {
    public var order: WalmartOrder

    public init(_ order: WalmartOrder) { self.order = order }

    enum CodingKeys: String, CodingKey { case order }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.order) {
            order = try c.decode(WalmartOrder.self, forKey: .order)
        } else {
            order = try WalmartOrder(from: decoder)
        }
    }
}

/// The paging part of a list: how many there are, and the query string of the next page (`?limit=…`), if any.
public struct WalmartListMeta: Codable, Sendable, Hashable {
    public var totalCount: Int?
    public var limit: Int?
    public var nextCursor: String?

    public init(totalCount: Int, limit: Int, nextCursor: String?) {
        self.totalCount = totalCount
        self.limit = limit
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey { case totalCount, limit, nextCursor }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        totalCount = c.lenientInt(.totalCount)
        limit = c.lenientInt(.limit)
        nextCursor = c.lenientString(.nextCursor).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// One element of a list: the order, or why it could not be read (with its purchase order id when that could be
/// read), so one broken order does not cost the others.
public enum WalmartListed<T: Decodable & Sendable>: Decodable, Sendable {
    case read(T)
    case unreadable(id: String?, problem: String)

    public init(from decoder: any Decoder) throws {
        do {
            self = .read(try T(from: decoder))
        } catch {
            // One of Walmart's examples wraps a list element in `{"order": …}` as a single order is.
            if let c = try? decoder.container(keyedBy: AnyKey.self), let inner = try? c.decode(T.self, forKey: AnyKey("order")) {
                self = .read(inner)
                return
            }
            let c = try? decoder.container(keyedBy: AnyKey.self)
            let id = c?.lenientString(AnyKey("purchaseOrderId")) ?? c?.lenientString(AnyKey("returnOrderId"))
            self = .unreadable(id: id, problem: WalmartDecoding.describe(error))
        }
    }
}

/// `GET /v3/orders` and `GET /v3/orders/released`: `{"list": {"meta": …, "elements": {"order": [...]}}}`.
public struct WalmartOrderList: Decodable, Sendable {
    public var meta: WalmartListMeta?
    public var orders: [WalmartListed<WalmartOrder>]

    enum Outer: String, CodingKey { case list }
    enum Inner: String, CodingKey { case meta, elements }
    enum Elements: String, CodingKey { case order }

    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: Outer.self)
        let list = try outer.nestedContainer(keyedBy: Inner.self, forKey: .list)
        meta = list.lenient(WalmartListMeta.self, .meta)
        if let elements = try? list.nestedContainer(keyedBy: Elements.self, forKey: .elements) {
            if let many = try? elements.decode([WalmartListed<WalmartOrder>].self, forKey: .order) {
                orders = many
            } else if let one = try? elements.decode(WalmartListed<WalmartOrder>.self, forKey: .order) {
                orders = [one]
            } else {
                orders = []
            }
        } else {
            orders = []
        }
    }
}

/// The list as the sandbox writes it.
public struct WalmartOrderListBody: Encodable, Sendable {
    public var meta: WalmartListMeta
    public var orders: [WalmartOrder]

    public init(meta: WalmartListMeta, orders: [WalmartOrder]) {
        self.meta = meta
        self.orders = orders
    }

    enum Outer: String, CodingKey { case list }
    enum Inner: String, CodingKey { case meta, elements }
    enum Elements: String, CodingKey { case order }

    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Outer.self)
        var list = outer.nestedContainer(keyedBy: Inner.self, forKey: .list)
        try list.encode(meta, forKey: .meta)
        var elements = list.nestedContainer(keyedBy: Elements.self, forKey: .elements)
        try elements.encode(orders, forKey: .order)
    }
}

/// Decoding errors in words: `orderLines.orderLine[0].item.sku is missing`.
public enum WalmartDecoding {
    public static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the answer" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(_, let ctx): return "\(path(ctx.codingPath)) has the wrong type"
        case DecodingError.valueNotFound(_, let ctx): return "\(path(ctx.codingPath)) is null"
        default: return "the answer is not valid JSON"
        }
    }
}
