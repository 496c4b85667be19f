import Foundation
import WireKit

/// `PUT /orders/{id}/acknowledge` body.
public struct JetAcknowledgeRequest: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var orderItemAcknowledgementStatus: JetItemAcknowledgementStatus
        public var orderItemID: String
        public var altOrderItemID: String?

        enum CodingKeys: String, CodingKey {
            case orderItemAcknowledgementStatus = "order_item_acknowledgement_status", orderItemID = "order_item_id"
            case altOrderItemID = "alt_order_item_id"
        }

        public init(orderItemAcknowledgementStatus: JetItemAcknowledgementStatus, orderItemID: String, altOrderItemID: String? = nil) {
            self.orderItemAcknowledgementStatus = orderItemAcknowledgementStatus
            self.orderItemID = orderItemID
            self.altOrderItemID = altOrderItemID
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            orderItemID = try c.requiredString(.orderItemID)
            altOrderItemID = c.lenientString(.altOrderItemID)
            orderItemAcknowledgementStatus = JetItemAcknowledgementStatus(rawValue: try c.requiredString(.orderItemAcknowledgementStatus))
        }
    }

    public var acknowledgementStatus: JetAcknowledgementStatus
    public var altOrderID: String?
    public var orderItems: [Item]?

    enum CodingKeys: String, CodingKey {
        case acknowledgementStatus = "acknowledgement_status", altOrderID = "alt_order_id", orderItems = "order_items"
    }

    public init(acknowledgementStatus: JetAcknowledgementStatus, altOrderID: String? = nil, orderItems: [Item]?) {
        self.acknowledgementStatus = acknowledgementStatus
        self.altOrderID = altOrderID
        self.orderItems = orderItems
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        acknowledgementStatus = JetAcknowledgementStatus(rawValue: try c.requiredString(.acknowledgementStatus))
        altOrderID = c.lenientString(.altOrderID)
        orderItems = try c.decodeIfPresent([Item].self, forKey: .orderItems)
    }
}

/// `shipment_items[]` of a shipped message (and of shipments Jet sends back).
public struct JetShipmentItem: Codable, Sendable, Hashable {
    public var merchantSKU: String
    public var shipmentItemID: String?
    public var altShipmentItemID: String?
    public var responseShipmentSKUQuantity: Int?
    public var responseShipmentCancelQty: Int?
    public var rmaNumber: String?
    public var daysToReturn: Int?
    public var returnLocation: JetAddress?

    enum CodingKeys: String, CodingKey {
        case merchantSKU = "merchant_sku", shipmentItemID = "shipment_item_id", altShipmentItemID = "alt_shipment_item_id"
        case responseShipmentSKUQuantity = "response_shipment_sku_quantity"
        case responseShipmentCancelQty = "response_shipment_cancel_qty", rmaNumber = "RMA_number"
        case daysToReturn = "days_to_return", returnLocation = "return_location"
    }

    public init(
        merchantSKU: String, shipmentItemID: String? = nil, altShipmentItemID: String? = nil,
        responseShipmentSKUQuantity: Int?, responseShipmentCancelQty: Int?, rmaNumber: String? = nil,
        daysToReturn: Int? = nil, returnLocation: JetAddress? = nil
    ) {
        self.merchantSKU = merchantSKU
        self.shipmentItemID = shipmentItemID
        self.altShipmentItemID = altShipmentItemID
        self.responseShipmentSKUQuantity = responseShipmentSKUQuantity
        self.responseShipmentCancelQty = responseShipmentCancelQty
        self.rmaNumber = rmaNumber
        self.daysToReturn = daysToReturn
        self.returnLocation = returnLocation
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        merchantSKU = try c.requiredString(.merchantSKU)
        shipmentItemID = c.lenientString(.shipmentItemID)
        altShipmentItemID = c.lenientString(.altShipmentItemID)
        responseShipmentSKUQuantity = c.lenientInt(.responseShipmentSKUQuantity)
        responseShipmentCancelQty = c.lenientInt(.responseShipmentCancelQty)
        rmaNumber = c.lenientString(.rmaNumber)
        daysToReturn = c.lenientInt(.daysToReturn)
        returnLocation = c.lenient(JetAddress.self, .returnLocation)
    }
}

/// `{ "redirect_node", "is_redirect_for_zero_inventory" }`.
public struct JetRedirectNotification: Codable, Sendable, Hashable {
    public var redirectNode: String?
    public var isRedirectForZeroInventory: Bool?

    enum CodingKeys: String, CodingKey {
        case redirectNode = "redirect_node", isRedirectForZeroInventory = "is_redirect_for_zero_inventory"
    }

    public init(redirectNode: String?, isRedirectForZeroInventory: Bool?) {
        self.redirectNode = redirectNode
        self.isRedirectForZeroInventory = isRedirectForZeroInventory
    }
}

/// One shipment of a shipped message, and the read side of `shipments[]` in an order.
/// On read, the method may come as `response_shipment_method` or Aerodrome's `response_shipping_method`.
public struct JetShipment: Codable, Sendable, Hashable {
    public var shipmentID: String?
    public var altShipmentID: String?
    public var shipmentTrackingNumber: String?
    public var responseShipmentDate: JetDate?
    public var responseShipmentMethod: String?
    public var expectedDeliveryDate: JetDate?
    public var shipFromZipCode: String?
    public var carrierPickUpDate: JetDate?
    public var carrier: String?
    public var shipmentItems: [JetShipmentItem]
    public var redirectNotification: JetRedirectNotification?

    enum CodingKeys: String, CodingKey {
        case shipmentID = "shipment_id", altShipmentID = "alt_shipment_id", shipmentTrackingNumber = "shipment_tracking_number"
        case responseShipmentDate = "response_shipment_date", responseShipmentMethod = "response_shipment_method"
        case expectedDeliveryDate = "expected_delivery_date", shipFromZipCode = "ship_from_zip_code"
        case carrierPickUpDate = "carrier_pick_up_date", carrier, shipmentItems = "shipment_items"
        case redirectNotification = "redirect_notification"
    }

    public init(
        shipmentID: String? = nil, altShipmentID: String?, shipmentTrackingNumber: String?, responseShipmentDate: JetDate?,
        responseShipmentMethod: String?, expectedDeliveryDate: JetDate?, shipFromZipCode: String?,
        carrierPickUpDate: JetDate?, carrier: String?, shipmentItems: [JetShipmentItem],
        redirectNotification: JetRedirectNotification? = nil
    ) {
        self.shipmentID = shipmentID
        self.altShipmentID = altShipmentID
        self.shipmentTrackingNumber = shipmentTrackingNumber
        self.responseShipmentDate = responseShipmentDate
        self.responseShipmentMethod = responseShipmentMethod
        self.expectedDeliveryDate = expectedDeliveryDate
        self.shipFromZipCode = shipFromZipCode
        self.carrierPickUpDate = carrierPickUpDate
        self.carrier = carrier
        self.shipmentItems = shipmentItems
        self.redirectNotification = redirectNotification
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let alt = try decoder.container(keyedBy: AnyKey.self)
        shipmentID = c.lenientString(.shipmentID)
        altShipmentID = c.lenientString(.altShipmentID)
        shipmentTrackingNumber = c.lenientString(.shipmentTrackingNumber)
        responseShipmentDate = c.lenient(JetDate.self, .responseShipmentDate)
        responseShipmentMethod = c.lenientString(.responseShipmentMethod) ?? alt.lenientString(AnyKey("response_shipping_method"))
        expectedDeliveryDate = c.lenient(JetDate.self, .expectedDeliveryDate)
        shipFromZipCode = c.lenientString(.shipFromZipCode)
        carrierPickUpDate = c.lenient(JetDate.self, .carrierPickUpDate)
        carrier = c.lenientString(.carrier)
        shipmentItems = try c.decode([JetShipmentItem].self, forKey: .shipmentItems)
        redirectNotification = c.lenient(JetRedirectNotification.self, .redirectNotification)
    }
}

/// `PUT /orders/{id}/shipped` body.
public struct JetShipRequest: Codable, Sendable, Hashable {
    public var altOrderID: String?
    public var shipments: [JetShipment]

    enum CodingKeys: String, CodingKey { case altOrderID = "alt_order_id", shipments }

    public init(altOrderID: String? = nil, shipments: [JetShipment]) {
        self.altOrderID = altOrderID
        self.shipments = shipments
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        altOrderID = c.lenientString(.altOrderID)
        shipments = try c.decode([JetShipment].self, forKey: .shipments)
    }
}
