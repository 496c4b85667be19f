import Foundation
import WireKit

/// `{ principal, tax, shipping_cost, shipping_tax }`.
public struct JetRefundAmount: Codable, Sendable, Hashable {
    public var principal: Double?
    public var tax: Double?
    public var shippingCost: Double?
    public var shippingTax: Double?

    enum CodingKeys: String, CodingKey { case principal, tax, shippingCost = "shipping_cost", shippingTax = "shipping_tax" }

    public init(principal: Double?, tax: Double?, shippingCost: Double?, shippingTax: Double?) {
        self.principal = principal
        self.tax = tax
        self.shippingCost = shippingCost
        self.shippingTax = shippingTax
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        principal = c.lenientDouble(.principal)
        tax = c.lenientDouble(.tax)
        shippingCost = c.lenientDouble(.shippingCost)
        shippingTax = c.lenientDouble(.shippingTax)
    }

    public var total: Double { (principal ?? 0) + (tax ?? 0) + (shippingCost ?? 0) + (shippingTax ?? 0) }
}

/// `return_merchant_SKUs[]`.
public struct JetReturnSKU: Codable, Sendable, Hashable {
    public var orderItemID: String
    public var altOrderItemID: String?
    public var merchantSKU: String?
    public var merchantSKUTitle: String?
    public var reason: String?
    public var returnQuantity: Int?
    public var requestedRefundAmount: JetRefundAmount?

    enum CodingKeys: String, CodingKey {
        case orderItemID = "order_item_id", altOrderItemID = "alt_order_item_id", merchantSKU = "merchant_sku"
        case merchantSKUTitle = "merchant_sku_title", reason, returnQuantity = "return_quantity"
        case requestedRefundAmount = "requested_refund_amount"
    }

    public init(
        orderItemID: String, altOrderItemID: String? = nil, merchantSKU: String?, merchantSKUTitle: String?, reason: String?,
        returnQuantity: Int?, requestedRefundAmount: JetRefundAmount?
    ) {
        self.orderItemID = orderItemID
        self.altOrderItemID = altOrderItemID
        self.merchantSKU = merchantSKU
        self.merchantSKUTitle = merchantSKUTitle
        self.reason = reason
        self.returnQuantity = returnQuantity
        self.requestedRefundAmount = requestedRefundAmount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderItemID = try c.requiredString(.orderItemID)
        altOrderItemID = c.lenientString(.altOrderItemID)
        merchantSKU = c.lenientString(.merchantSKU)
        merchantSKUTitle = c.lenientString(.merchantSKUTitle)
        reason = c.lenientString(.reason)
        returnQuantity = c.lenientInt(.returnQuantity)
        requestedRefundAmount = c.lenient(JetRefundAmount.self, .requestedRefundAmount)
    }
}

/// An item of `PUT /returns/{id}/complete` (and the `items` a completed return carries).
public struct JetReturnItem: Codable, Sendable, Hashable {
    public var orderItemID: String
    public var altOrderItemID: String?
    public var totalQuantityReturned: Int?
    public var orderReturnRefundQty: Int?
    public var returnRefundFeedback: String?
    public var notes: String?
    public var refundAmount: JetRefundAmount?

    enum CodingKeys: String, CodingKey {
        case orderItemID = "order_item_id", altOrderItemID = "alt_order_item_id", totalQuantityReturned = "total_quantity_returned"
        case orderReturnRefundQty = "order_return_refund_qty", returnRefundFeedback = "return_refund_feedback", notes
        case refundAmount = "refund_amount"
    }

    public init(
        orderItemID: String, altOrderItemID: String? = nil, totalQuantityReturned: Int?, orderReturnRefundQty: Int?,
        returnRefundFeedback: String? = nil, notes: String? = nil, refundAmount: JetRefundAmount?
    ) {
        self.orderItemID = orderItemID
        self.altOrderItemID = altOrderItemID
        self.totalQuantityReturned = totalQuantityReturned
        self.orderReturnRefundQty = orderReturnRefundQty
        self.returnRefundFeedback = returnRefundFeedback
        self.notes = notes
        self.refundAmount = refundAmount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderItemID = try c.requiredString(.orderItemID)
        altOrderItemID = c.lenientString(.altOrderItemID)
        totalQuantityReturned = c.lenientInt(.totalQuantityReturned)
        orderReturnRefundQty = c.lenientInt(.orderReturnRefundQty)
        returnRefundFeedback = c.lenientString(.returnRefundFeedback)
        notes = c.lenientString(.notes)
        refundAmount = c.lenient(JetRefundAmount.self, .refundAmount)
    }
}

/// `GET /returns/state/{id}`.
public struct JetReturn: Codable, Sendable, Hashable {
    public var merchantReturnAuthorizationID: String
    public var referenceReturnAuthorizationID: String?
    public var altReturnAuthorizationID: String?
    public var merchantOrderID: String
    public var referenceOrderID: String?
    public var altOrderID: String?
    public var returnStatus: JetReturnStatus
    public var returnDate: JetDate?
    public var completedDate: JetDate?
    public var refundWithoutReturn: Bool?
    public var merchantReturnCharge: Double?
    public var agreeToReturnCharge: Bool?
    public var returnChargeFeedback: JetReturnChargeFeedback?
    public var shippingCarrier: String?
    public var trackingNumber: String?
    public var returnLocation: [JetAddress]?
    public var returnMerchantSKUs: [JetReturnSKU]
    public var items: [JetReturnItem]?

    enum CodingKeys: String, CodingKey {
        case merchantReturnAuthorizationID = "merchant_return_authorization_id"
        case referenceReturnAuthorizationID = "reference_return_authorization_id"
        case altReturnAuthorizationID = "alt_return_authorization_id", merchantOrderID = "merchant_order_id"
        case referenceOrderID = "reference_order_id", altOrderID = "alt_order_id", returnStatus = "return_status"
        case returnDate = "return_date", completedDate = "completed_date", refundWithoutReturn = "refund_without_return"
        case merchantReturnCharge = "merchant_return_charge", agreeToReturnCharge = "agree_to_return_charge"
        case returnChargeFeedback = "return_charge_feedback", shippingCarrier = "shipping_carrier"
        case trackingNumber = "tracking_number", returnLocation = "return_location"
        case returnMerchantSKUs = "return_merchant_SKUs", items
    }

    public init(
        merchantReturnAuthorizationID: String, referenceReturnAuthorizationID: String?, merchantOrderID: String,
        referenceOrderID: String?, altOrderID: String? = nil, returnStatus: JetReturnStatus, returnDate: JetDate?,
        refundWithoutReturn: Bool? = false, merchantReturnCharge: Double? = 0, shippingCarrier: String?, trackingNumber: String?,
        returnLocation: [JetAddress]?, returnMerchantSKUs: [JetReturnSKU]
    ) {
        self.merchantReturnAuthorizationID = merchantReturnAuthorizationID
        self.referenceReturnAuthorizationID = referenceReturnAuthorizationID
        self.merchantOrderID = merchantOrderID
        self.referenceOrderID = referenceOrderID
        self.altOrderID = altOrderID
        self.returnStatus = returnStatus
        self.returnDate = returnDate
        self.refundWithoutReturn = refundWithoutReturn
        self.merchantReturnCharge = merchantReturnCharge
        self.shippingCarrier = shippingCarrier
        self.trackingNumber = trackingNumber
        self.returnLocation = returnLocation
        self.returnMerchantSKUs = returnMerchantSKUs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        merchantReturnAuthorizationID = try c.requiredString(.merchantReturnAuthorizationID)
        referenceReturnAuthorizationID = c.lenientString(.referenceReturnAuthorizationID)
        altReturnAuthorizationID = c.lenientString(.altReturnAuthorizationID)
        merchantOrderID = try c.requiredString(.merchantOrderID)
        referenceOrderID = c.lenientString(.referenceOrderID)
        altOrderID = c.lenientString(.altOrderID)
        returnStatus = JetReturnStatus(rawValue: try c.requiredString(.returnStatus))
        returnDate = c.lenient(JetDate.self, .returnDate)
        completedDate = c.lenient(JetDate.self, .completedDate)
        refundWithoutReturn = c.lenientBool(.refundWithoutReturn)
        merchantReturnCharge = c.lenientDouble(.merchantReturnCharge)
        agreeToReturnCharge = c.lenientBool(.agreeToReturnCharge)
        returnChargeFeedback = c.lenient(JetReturnChargeFeedback.self, .returnChargeFeedback)
        shippingCarrier = c.lenientString(.shippingCarrier)
        trackingNumber = c.lenientString(.trackingNumber)
        // One source reads an array; accept a single address object too.
        returnLocation = c.lenientArray(JetAddress.self, .returnLocation) ?? c.lenient(JetAddress.self, .returnLocation).map { [$0] }
        returnMerchantSKUs = try c.decode([JetReturnSKU].self, forKey: .returnMerchantSKUs)
        items = c.lenientArray(JetReturnItem.self, .items)
    }
}

/// `PUT /returns/{id}/complete` body.
public struct JetCompleteReturnRequest: Codable, Sendable, Hashable {
    public var merchantOrderID: String
    public var altOrderID: String?
    public var items: [JetReturnItem]
    public var agreeToReturnCharge: Bool
    public var returnChargeFeedback: JetReturnChargeFeedback?

    enum CodingKeys: String, CodingKey {
        case merchantOrderID = "merchant_order_id", altOrderID = "alt_order_id", items
        case agreeToReturnCharge = "agree_to_return_charge", returnChargeFeedback = "return_charge_feedback"
    }

    public init(
        merchantOrderID: String, altOrderID: String? = nil, items: [JetReturnItem], agreeToReturnCharge: Bool,
        returnChargeFeedback: JetReturnChargeFeedback? = nil
    ) {
        self.merchantOrderID = merchantOrderID
        self.altOrderID = altOrderID
        self.items = items
        self.agreeToReturnCharge = agreeToReturnCharge
        self.returnChargeFeedback = returnChargeFeedback
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        merchantOrderID = try c.requiredString(.merchantOrderID)
        altOrderID = c.lenientString(.altOrderID)
        items = try c.decode([JetReturnItem].self, forKey: .items)
        agreeToReturnCharge = c.lenientBool(.agreeToReturnCharge) ?? true
        returnChargeFeedback = c.lenient(JetReturnChargeFeedback.self, .returnChargeFeedback)
    }
}
