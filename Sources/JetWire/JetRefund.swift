import Foundation
import WireKit

/// An item of a merchant refund (`POST /refunds/{order}/{alt_refund_id}`), and of its state.
public struct JetRefundItem: Codable, Sendable, Hashable {
    public var orderItemID: String
    public var altOrderItemID: String?
    public var totalQuantityReturned: Int?
    public var orderReturnRefundQty: Int?
    public var refundReason: String?
    public var refundFeedback: String?
    public var notes: String?
    public var refundAmount: JetRefundAmount?

    enum CodingKeys: String, CodingKey {
        case orderItemID = "order_item_id", altOrderItemID = "alt_order_item_id", totalQuantityReturned = "total_quantity_returned"
        case orderReturnRefundQty = "order_return_refund_qty", refundReason = "refund_reason", refundFeedback = "refund_feedback"
        case notes, refundAmount = "refund_amount"
    }

    public init(
        orderItemID: String, altOrderItemID: String? = nil, totalQuantityReturned: Int?, orderReturnRefundQty: Int?,
        refundReason: String?, refundFeedback: String? = nil, notes: String? = nil, refundAmount: JetRefundAmount?
    ) {
        self.orderItemID = orderItemID
        self.altOrderItemID = altOrderItemID
        self.totalQuantityReturned = totalQuantityReturned
        self.orderReturnRefundQty = orderReturnRefundQty
        self.refundReason = refundReason
        self.refundFeedback = refundFeedback
        self.notes = notes
        self.refundAmount = refundAmount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderItemID = try c.requiredString(.orderItemID)
        altOrderItemID = c.lenientString(.altOrderItemID)
        totalQuantityReturned = c.lenientInt(.totalQuantityReturned)
        orderReturnRefundQty = c.lenientInt(.orderReturnRefundQty)
        refundReason = c.lenientString(.refundReason)
        refundFeedback = c.lenientString(.refundFeedback)
        notes = c.lenientString(.notes)
        refundAmount = c.lenient(JetRefundAmount.self, .refundAmount)
    }
}

/// `POST /refunds/{order}/{alt_refund_id}` body.
public struct JetRefundRequest: Codable, Sendable, Hashable {
    public var items: [JetRefundItem]

    public init(items: [JetRefundItem]) { self.items = items }
}

/// `POST /refunds/…` answer (201).
public struct JetRefundCreated: Codable, Sendable, Hashable {
    public var refundAuthorizationID: String
    public var refundStatus: JetRefundStatus?

    enum CodingKeys: String, CodingKey { case refundAuthorizationID = "refund_authorization_id", refundStatus = "refund_status" }

    public init(refundAuthorizationID: String, refundStatus: JetRefundStatus?) {
        self.refundAuthorizationID = refundAuthorizationID
        self.refundStatus = refundStatus
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        refundAuthorizationID = try c.requiredString(.refundAuthorizationID)
        refundStatus = c.lenient(JetRefundStatus.self, .refundStatus)
    }
}

/// `GET /refunds/state/{refund_authorization_id}`.
public struct JetRefund: Codable, Sendable, Hashable {
    public var refundAuthorizationID: String
    public var altRefundID: String?
    public var merchantOrderID: String?
    public var referenceOrderID: String?
    public var referenceMerchantOrderID: String?
    public var altOrderID: String?
    public var refundStatus: JetRefundStatus
    public var items: [JetRefundItem]?

    enum CodingKeys: String, CodingKey {
        case refundAuthorizationID = "refund_authorization_id", altRefundID = "alt_refund_id", merchantOrderID = "merchant_order_id"
        case referenceOrderID = "reference_order_id", referenceMerchantOrderID = "reference_merchant_order_id"
        case altOrderID = "alt_order_id", refundStatus = "refund_status", items
    }

    public init(
        refundAuthorizationID: String, altRefundID: String?, merchantOrderID: String?, referenceOrderID: String?,
        altOrderID: String? = nil, refundStatus: JetRefundStatus, items: [JetRefundItem]?
    ) {
        self.refundAuthorizationID = refundAuthorizationID
        self.altRefundID = altRefundID
        self.merchantOrderID = merchantOrderID
        self.referenceOrderID = referenceOrderID
        self.referenceMerchantOrderID = referenceOrderID
        self.altOrderID = altOrderID
        self.refundStatus = refundStatus
        self.items = items
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        refundAuthorizationID = try c.requiredString(.refundAuthorizationID)
        altRefundID = c.lenientString(.altRefundID)
        merchantOrderID = c.lenientString(.merchantOrderID)
        referenceOrderID = c.lenientString(.referenceOrderID)
        referenceMerchantOrderID = c.lenientString(.referenceMerchantOrderID)
        altOrderID = c.lenientString(.altOrderID)
        refundStatus = JetRefundStatus(rawValue: try c.requiredString(.refundStatus))
        items = c.lenientArray(JetRefundItem.self, .items)
    }
}
