import Foundation
import WireKit

/// `{ "name", "phone_number" }`.
public struct JetPerson: Codable, Sendable, Hashable {
    public var name: String?
    public var phoneNumber: String?

    enum CodingKeys: String, CodingKey { case name, phoneNumber = "phone_number" }

    public init(name: String?, phoneNumber: String?) {
        self.name = name
        self.phoneNumber = phoneNumber
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.lenientString(.name)
        phoneNumber = c.lenientString(.phoneNumber)
    }
}

/// `{ address1, address2, city, state, zip_code }`.
public struct JetAddress: Codable, Sendable, Hashable {
    public var address1: String?
    public var address2: String?
    public var city: String?
    public var state: String?
    public var zipCode: String?

    enum CodingKeys: String, CodingKey { case address1, address2, city, state, zipCode = "zip_code" }

    public init(address1: String?, address2: String?, city: String?, state: String?, zipCode: String?) {
        self.address1 = address1
        self.address2 = address2
        self.city = city
        self.state = state
        self.zipCode = zipCode
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address1 = c.lenientString(.address1)
        address2 = c.lenientString(.address2)
        city = c.lenientString(.city)
        state = c.lenientString(.state)
        zipCode = c.lenientString(.zipCode)
    }
}

/// `shipping_to`: `{ recipient, address }`.
public struct JetShippingTo: Codable, Sendable, Hashable {
    public var recipient: JetPerson?
    public var address: JetAddress?

    public init(recipient: JetPerson?, address: JetAddress?) {
        self.recipient = recipient
        self.address = address
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        recipient = c.lenient(JetPerson.self, .recipient)
        address = c.lenient(JetAddress.self, .address)
    }

    enum CodingKeys: String, CodingKey { case recipient, address }
}

/// `order_detail`.
public struct JetOrderDetail: Codable, Sendable, Hashable {
    public var requestShippingCarrier: String?
    public var requestShippingMethod: String?
    public var requestServiceLevel: String?
    public var requestShipBy: JetDate?
    public var requestDeliveryBy: JetDate?

    enum CodingKeys: String, CodingKey {
        case requestShippingCarrier = "request_shipping_carrier", requestShippingMethod = "request_shipping_method"
        case requestServiceLevel = "request_service_level", requestShipBy = "request_ship_by"
        case requestDeliveryBy = "request_delivery_by"
    }

    public init(
        requestShippingCarrier: String?, requestShippingMethod: String?, requestServiceLevel: String?,
        requestShipBy: JetDate?, requestDeliveryBy: JetDate?
    ) {
        self.requestShippingCarrier = requestShippingCarrier
        self.requestShippingMethod = requestShippingMethod
        self.requestServiceLevel = requestServiceLevel
        self.requestShipBy = requestShipBy
        self.requestDeliveryBy = requestDeliveryBy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requestShippingCarrier = c.lenientString(.requestShippingCarrier)
        requestShippingMethod = c.lenientString(.requestShippingMethod)
        requestServiceLevel = c.lenientString(.requestServiceLevel)
        requestShipBy = c.lenient(JetDate.self, .requestShipBy)
        requestDeliveryBy = c.lenient(JetDate.self, .requestDeliveryBy)
    }
}

/// `item_price`: `{ base_price, item_tax, item_shipping_cost, item_shipping_tax }`; the taxes may be null.
public struct JetItemPrice: Codable, Sendable, Hashable {
    public var basePrice: Double?
    public var itemTax: Double?
    public var itemShippingCost: Double?
    public var itemShippingTax: Double?

    enum CodingKeys: String, CodingKey {
        case basePrice = "base_price", itemTax = "item_tax", itemShippingCost = "item_shipping_cost", itemShippingTax = "item_shipping_tax"
    }

    public init(basePrice: Double?, itemTax: Double?, itemShippingCost: Double?, itemShippingTax: Double?) {
        self.basePrice = basePrice
        self.itemTax = itemTax
        self.itemShippingCost = itemShippingCost
        self.itemShippingTax = itemShippingTax
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        basePrice = c.lenientDouble(.basePrice)
        itemTax = c.lenientDouble(.itemTax)
        itemShippingCost = c.lenientDouble(.itemShippingCost)
        itemShippingTax = c.lenientDouble(.itemShippingTax)
    }
}

/// `fee_adjustments[]`.
public struct JetFeeAdjustment: Codable, Sendable, Hashable {
    public var adjustmentName: String?
    public var adjustmentType: String?
    public var commissionID: String?
    public var value: Double?

    enum CodingKeys: String, CodingKey {
        case adjustmentName = "adjustment_name", adjustmentType = "adjustment_type", commissionID = "commission_id", value
    }

    public init(adjustmentName: String?, adjustmentType: String?, commissionID: String?, value: Double?) {
        self.adjustmentName = adjustmentName
        self.adjustmentType = adjustmentType
        self.commissionID = commissionID
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        adjustmentName = c.lenientString(.adjustmentName)
        adjustmentType = c.lenientString(.adjustmentType)
        commissionID = c.lenientString(.commissionID)
        value = c.lenientDouble(.value)
    }
}

/// `order_items[]`.
public struct JetOrderItem: Codable, Sendable, Hashable {
    public var orderItemID: String
    public var altOrderItemID: String?
    public var merchantSKU: String?
    public var productTitle: String?
    public var requestOrderQuantity: Int?
    public var requestOrderCancelQty: Int?
    public var adjustmentReason: String?
    public var itemTaxCode: String?
    public var url: String?
    public var priceAdjustment: Double?
    public var itemFees: Double?
    public var feeAdjustments: [JetFeeAdjustment]?
    public var taxInfo: String?
    public var regulatoryFees: Double?
    public var itemPrice: JetItemPrice?
    public var orderItemAcknowledgementStatus: JetItemAcknowledgementStatus?

    enum CodingKeys: String, CodingKey {
        case orderItemID = "order_item_id", altOrderItemID = "alt_order_item_id", merchantSKU = "merchant_sku"
        case productTitle = "product_title", requestOrderQuantity = "request_order_quantity"
        case requestOrderCancelQty = "request_order_cancel_qty", adjustmentReason = "adjustment_reason"
        case itemTaxCode = "item_tax_code", url, priceAdjustment = "price_adjustment", itemFees = "item_fees"
        case feeAdjustments = "fee_adjustments", taxInfo = "tax_info", regulatoryFees = "regulatory_fees"
        case itemPrice = "item_price", orderItemAcknowledgementStatus = "order_item_acknowledgement_status"
    }

    public init(
        orderItemID: String, altOrderItemID: String? = nil, merchantSKU: String?, productTitle: String?,
        requestOrderQuantity: Int?, requestOrderCancelQty: Int? = nil, itemTaxCode: String? = nil, url: String? = nil,
        priceAdjustment: Double? = nil, itemFees: Double? = nil, feeAdjustments: [JetFeeAdjustment]? = nil,
        regulatoryFees: Double? = nil, itemPrice: JetItemPrice?, orderItemAcknowledgementStatus: JetItemAcknowledgementStatus? = nil
    ) {
        self.orderItemID = orderItemID
        self.altOrderItemID = altOrderItemID
        self.merchantSKU = merchantSKU
        self.productTitle = productTitle
        self.requestOrderQuantity = requestOrderQuantity
        self.requestOrderCancelQty = requestOrderCancelQty
        self.itemTaxCode = itemTaxCode
        self.url = url
        self.priceAdjustment = priceAdjustment
        self.itemFees = itemFees
        self.feeAdjustments = feeAdjustments
        self.regulatoryFees = regulatoryFees
        self.itemPrice = itemPrice
        self.orderItemAcknowledgementStatus = orderItemAcknowledgementStatus
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderItemID = try c.requiredString(.orderItemID)
        altOrderItemID = c.lenientString(.altOrderItemID)
        merchantSKU = c.lenientString(.merchantSKU)
        productTitle = c.lenientString(.productTitle)
        requestOrderQuantity = c.lenientInt(.requestOrderQuantity)
        requestOrderCancelQty = c.lenientInt(.requestOrderCancelQty)
        adjustmentReason = c.lenientString(.adjustmentReason)
        itemTaxCode = c.lenientString(.itemTaxCode)
        url = c.lenientString(.url)
        priceAdjustment = c.lenientDouble(.priceAdjustment)
        itemFees = c.lenientDouble(.itemFees)
        feeAdjustments = c.lenientArray(JetFeeAdjustment.self, .feeAdjustments)
        taxInfo = c.lenientString(.taxInfo)
        regulatoryFees = c.lenientDouble(.regulatoryFees)
        itemPrice = c.lenient(JetItemPrice.self, .itemPrice)
        orderItemAcknowledgementStatus = c.lenient(JetItemAcknowledgementStatus.self, .orderItemAcknowledgementStatus)
    }
}

/// `order_totals`.
public struct JetOrderTotals: Codable, Sendable, Hashable {
    public var itemPrice: JetItemPrice?
    public var itemFees: Double?
    public var feeAdjustments: [JetFeeAdjustment]?
    public var regulatoryFees: Double?

    enum CodingKeys: String, CodingKey {
        case itemPrice = "item_price", itemFees = "item_fees", feeAdjustments = "fee_adjustments", regulatoryFees = "regulatory_fees"
    }

    public init(itemPrice: JetItemPrice?, itemFees: Double?, feeAdjustments: [JetFeeAdjustment]?, regulatoryFees: Double?) {
        self.itemPrice = itemPrice
        self.itemFees = itemFees
        self.feeAdjustments = feeAdjustments
        self.regulatoryFees = regulatoryFees
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        itemPrice = c.lenient(JetItemPrice.self, .itemPrice)
        itemFees = c.lenientDouble(.itemFees)
        feeAdjustments = c.lenientArray(JetFeeAdjustment.self, .feeAdjustments)
        regulatoryFees = c.lenientDouble(.regulatoryFees)
    }
}

/// An order as `GET /orders/withoutShipmentDetail/{id}` returns it. Every key but `merchant_order_id`,
/// `status` and `order_items` is optional; unknown vocabulary words are kept.
public struct JetOrder: Codable, Sendable, Hashable {
    public var merchantOrderID: String
    public var referenceOrderID: String?
    public var customerReferenceOrderID: String?
    public var fulfillmentNode: String?
    public var altOrderID: String?
    public var hashEmail: String?
    public var status: JetOrderStatus
    public var exceptionState: JetExceptionState?
    public var orderPlacedDate: JetDate?
    public var orderTransmissionDate: JetDate?
    public var orderReadyDate: JetDate?
    public var orderAcknowledgeDate: JetDate?
    public var hasShipments: Bool?
    /// Read from `jet_request_directed_cancel`, or Aerodrome's `jet_requested_directed_cancel`.
    public var jetRequestDirectedCancel: Bool?
    public var buyer: JetPerson?
    public var shippingTo: JetShippingTo?
    public var orderDetail: JetOrderDetail?
    public var orderTotals: JetOrderTotals?
    public var orderItems: [JetOrderItem]
    public var acknowledgementStatus: JetAcknowledgementStatus?
    public var shipments: [JetShipment]?

    enum CodingKeys: String, CodingKey {
        case merchantOrderID = "merchant_order_id", referenceOrderID = "reference_order_id"
        case customerReferenceOrderID = "customer_reference_order_id", fulfillmentNode = "fulfillment_node"
        case altOrderID = "alt_order_id", hashEmail = "hash_email", status, exceptionState = "exception_state"
        case orderPlacedDate = "order_placed_date", orderTransmissionDate = "order_transmission_date"
        case orderReadyDate = "order_ready_date", orderAcknowledgeDate = "order_acknowledge_date"
        case hasShipments = "has_shipments", jetRequestDirectedCancel = "jet_request_directed_cancel"
        case buyer, shippingTo = "shipping_to", orderDetail = "order_detail", orderTotals = "order_totals"
        case orderItems = "order_items", acknowledgementStatus = "acknowledgement_status", shipments
    }

    public init(
        merchantOrderID: String, referenceOrderID: String?, customerReferenceOrderID: String? = nil,
        fulfillmentNode: String? = nil, altOrderID: String? = nil, hashEmail: String? = nil, status: JetOrderStatus,
        exceptionState: JetExceptionState? = nil, orderPlacedDate: JetDate? = nil, orderTransmissionDate: JetDate? = nil,
        orderReadyDate: JetDate? = nil, orderAcknowledgeDate: JetDate? = nil, hasShipments: Bool? = false,
        jetRequestDirectedCancel: Bool? = false, buyer: JetPerson?, shippingTo: JetShippingTo?,
        orderDetail: JetOrderDetail?, orderTotals: JetOrderTotals?, orderItems: [JetOrderItem],
        acknowledgementStatus: JetAcknowledgementStatus? = nil, shipments: [JetShipment]? = nil
    ) {
        self.merchantOrderID = merchantOrderID
        self.referenceOrderID = referenceOrderID
        self.customerReferenceOrderID = customerReferenceOrderID
        self.fulfillmentNode = fulfillmentNode
        self.altOrderID = altOrderID
        self.hashEmail = hashEmail
        self.status = status
        self.exceptionState = exceptionState
        self.orderPlacedDate = orderPlacedDate
        self.orderTransmissionDate = orderTransmissionDate
        self.orderReadyDate = orderReadyDate
        self.orderAcknowledgeDate = orderAcknowledgeDate
        self.hasShipments = hasShipments
        self.jetRequestDirectedCancel = jetRequestDirectedCancel
        self.buyer = buyer
        self.shippingTo = shippingTo
        self.orderDetail = orderDetail
        self.orderTotals = orderTotals
        self.orderItems = orderItems
        self.acknowledgementStatus = acknowledgementStatus
        self.shipments = shipments
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        merchantOrderID = try c.requiredString(.merchantOrderID)
        referenceOrderID = c.lenientString(.referenceOrderID)
        customerReferenceOrderID = c.lenientString(.customerReferenceOrderID)
        fulfillmentNode = c.lenientString(.fulfillmentNode)
        altOrderID = c.lenientString(.altOrderID)
        hashEmail = c.lenientString(.hashEmail)
        guard let s = c.lenientString(.status) else {
            throw DecodingError.keyNotFound(CodingKeys.status, .init(codingPath: c.codingPath, debugDescription: "status is missing"))
        }
        status = JetOrderStatus(rawValue: s)
        exceptionState = c.lenient(JetExceptionState.self, .exceptionState)
        orderPlacedDate = c.lenient(JetDate.self, .orderPlacedDate)
        orderTransmissionDate = c.lenient(JetDate.self, .orderTransmissionDate)
        orderReadyDate = c.lenient(JetDate.self, .orderReadyDate)
        orderAcknowledgeDate = c.lenient(JetDate.self, .orderAcknowledgeDate)
        hasShipments = c.lenientBool(.hasShipments)
        let alt = try decoder.container(keyedBy: AnyKey.self)
        jetRequestDirectedCancel = c.lenientBool(.jetRequestDirectedCancel) ?? alt.lenientBool(AnyKey("jet_requested_directed_cancel"))
        buyer = c.lenient(JetPerson.self, .buyer)
        shippingTo = c.lenient(JetShippingTo.self, .shippingTo)
        orderDetail = c.lenient(JetOrderDetail.self, .orderDetail)
        orderTotals = c.lenient(JetOrderTotals.self, .orderTotals)
        orderItems = try c.decode([JetOrderItem].self, forKey: .orderItems)
        acknowledgementStatus = c.lenient(JetAcknowledgementStatus.self, .acknowledgementStatus)
        shipments = c.lenientArray(JetShipment.self, .shipments)
    }
}
