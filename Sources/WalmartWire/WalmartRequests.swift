import Foundation
import WireKit

/// One line of a ship or cancel request: which line, and the units that move to a status.
public struct WalmartLineUpdate: Codable, Sendable, Hashable {
    public var lineNumber: String
    /// Ship despite the customer's request to cancel.
    public var intentToCancelOverride: Bool?
    /// The seller's order id, printed on return labels (at most 30 characters).
    public var sellerOrderId: String?
    public var orderLineStatuses: WalmartList<OrderLineStatusKey, WalmartLineStatus>

    public init(lineNumber: String, intentToCancelOverride: Bool? = nil, sellerOrderId: String? = nil, statuses: [WalmartLineStatus]) {
        self.lineNumber = lineNumber
        self.intentToCancelOverride = intentToCancelOverride
        self.sellerOrderId = sellerOrderId
        self.orderLineStatuses = WalmartList(statuses)
    }

    enum CodingKeys: String, CodingKey { case lineNumber, intentToCancelOverride, sellerOrderId, orderLineStatuses }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lineNumber = try c.requiredString(.lineNumber)
        intentToCancelOverride = c.lenientBool(.intentToCancelOverride)
        sellerOrderId = c.lenientString(.sellerOrderId)
        orderLineStatuses = try c.decode(WalmartList<OrderLineStatusKey, WalmartLineStatus>.self, forKey: .orderLineStatuses)
    }
}

/// `POST /v3/orders/{purchaseOrderId}/shipping`: `{"orderShipment": {"orderLines": {"orderLine": [...]}}}`.
public struct WalmartShipmentRequest: Codable, Sendable, Hashable {
    public struct Body: Codable, Sendable, Hashable {
        public var processMode: String?
        public var orderLines: WalmartList<OrderLineKey, WalmartLineUpdate>
    }

    public var orderShipment: Body

    public init(lines: [WalmartLineUpdate]) { orderShipment = Body(orderLines: WalmartList(lines)) }
    public var lines: [WalmartLineUpdate] { orderShipment.orderLines.items }
}

/// `POST /v3/orders/{purchaseOrderId}/cancel`: `{"orderCancellation": {"orderLines": {"orderLine": [...]}}}`.
public struct WalmartCancellationRequest: Codable, Sendable, Hashable {
    public struct Body: Codable, Sendable, Hashable {
        public var orderLines: WalmartList<OrderLineKey, WalmartLineUpdate>
    }

    public var orderCancellation: Body

    public init(lines: [WalmartLineUpdate]) { orderCancellation = Body(orderLines: WalmartList(lines)) }
    public var lines: [WalmartLineUpdate] { orderCancellation.orderLines.items }
}

/// `POST /v3/orders/{purchaseOrderId}/refund`: refunds of shipped lines, amounts negative.
public struct WalmartRefundRequest: Codable, Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        public var lineNumber: String
        public var isFullRefund: Bool?
        public var refunds: WalmartList<RefundKey, WalmartRefund>

        public init(lineNumber: String, isFullRefund: Bool = false, refunds: [WalmartRefund]) {
            self.lineNumber = lineNumber
            self.isFullRefund = isFullRefund
            self.refunds = WalmartList(refunds)
        }

        enum CodingKeys: String, CodingKey { case lineNumber, isFullRefund, refunds }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            lineNumber = try c.requiredString(.lineNumber)
            isFullRefund = c.lenientBool(.isFullRefund)
            refunds = try c.decode(WalmartList<RefundKey, WalmartRefund>.self, forKey: .refunds)
        }
    }

    public struct Body: Codable, Sendable, Hashable {
        public var purchaseOrderId: String?
        public var orderLines: WalmartList<OrderLineKey, Line>
    }

    public var orderRefund: Body

    public init(purchaseOrderId: String, lines: [Line]) { orderRefund = Body(purchaseOrderId: purchaseOrderId, orderLines: WalmartList(lines)) }
    public var lines: [Line] { orderRefund.orderLines.items }
}

/// `POST /v3/returns/{returnOrderId}/refund`: units of return lines; Walmart prices them itself.
public struct WalmartReturnRefundRequest: Codable, Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        /// Left out when the return has one line.
        public var returnOrderLineNumber: Int?
        public var quantity: WalmartMeasure

        public init(returnOrderLineNumber: Int?, quantity: Int) {
            self.returnOrderLineNumber = returnOrderLineNumber
            self.quantity = WalmartMeasure(quantity, unit: "EA")
        }

        enum CodingKeys: String, CodingKey { case returnOrderLineNumber, quantity }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            returnOrderLineNumber = c.lenientInt(.returnOrderLineNumber)
            quantity = try c.decode(WalmartMeasure.self, forKey: .quantity)
        }
    }

    public var customerOrderId: String?
    public var refundLines: [Line]

    public init(customerOrderId: String?, refundLines: [Line]) {
        self.customerOrderId = customerOrderId
        self.refundLines = refundLines
    }
}

/// The answer to a return refund: the request echoed with the return's id.
public struct WalmartReturnRefundResponse: Codable, Sendable, Hashable {
    public var returnOrderId: String?
    public var customerOrderId: String?
    public var refundLines: [WalmartReturnRefundRequest.Line]?

    public init(returnOrderId: String, customerOrderId: String?, refundLines: [WalmartReturnRefundRequest.Line]) {
        self.returnOrderId = returnOrderId
        self.customerOrderId = customerOrderId
        self.refundLines = refundLines
    }
}
