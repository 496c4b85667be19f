import Foundation
import JetWire
import OrderDesk

/// Jet's words and the desk's: the same strings (the desk's words began as Jet's), so a word maps by its text,
/// and one Jet adds later arrives as the desk's `.unknown`.
extension StatusWord {
    init<W: JetVocabulary>(jet word: W) { self.init(rawValue: word.rawValue) }
}

extension JetVocabulary {
    init<W: StatusWord>(desk word: W) { self.init(rawValue: word.rawValue) }
}

/// Translating between Jet's wire models and the order desk's.
public enum JetMapping {
    /// Jet's order detail as the desk sees it. Dates Jet sent that cannot be read are kept, by field name.
    public static func order(_ j: JetOrder) -> Order {
        var unreadable: [String: String] = [:]
        func date(_ d: JetDate?, _ field: String) -> Date? {
            guard let d else { return nil }
            if d.date == nil, !d.raw.isEmpty { unreadable[field] = d.raw }
            return d.date
        }
        let recipient = j.shippingTo?.recipient
        let address = j.shippingTo?.address
        let buyerName = j.buyer?.name ?? recipient?.name ?? ""
        let o = Order(
            merchantOrderID: j.merchantOrderID,
            referenceOrderID: j.referenceOrderID ?? j.merchantOrderID,
            customerReferenceOrderID: j.customerReferenceOrderID,
            altOrderID: j.altOrderID,
            fulfillmentNode: j.fulfillmentNode,
            hashEmail: j.hashEmail,
            status: OrderStatus(jet: j.status),
            exceptionState: j.exceptionState.map { ExceptionState(jet: $0) },
            acknowledgementStatus: j.acknowledgementStatus.map { AcknowledgementStatus(jet: $0) },
            directedCancel: j.jetRequestDirectedCancel ?? false,
            placedAt: date(j.orderPlacedDate, "order_placed_date"),
            readyAt: date(j.orderReadyDate, "order_ready_date"),
            acknowledgedAt: date(j.orderAcknowledgeDate, "order_acknowledge_date"),
            buyer: Contact(name: buyerName, phone: j.buyer?.phoneNumber),
            recipient: Contact(name: recipient?.name ?? buyerName, phone: recipient?.phoneNumber),
            address: Address(
                line1: address?.address1 ?? "", line2: (address?.address2).flatMap { $0.isEmpty ? nil : $0 },
                city: address?.city ?? "", state: address?.state ?? "", zip: address?.zipCode ?? ""),
            requestedCarrier: j.orderDetail?.requestShippingCarrier,
            requestedMethod: j.orderDetail?.requestShippingMethod,
            serviceLevel: j.orderDetail?.requestServiceLevel,
            shipBy: date(j.orderDetail?.requestShipBy, "request_ship_by"),
            deliverBy: date(j.orderDetail?.requestDeliveryBy, "request_delivery_by"),
            lines: j.orderItems.map(line),
            fees: j.orderTotals?.itemFees.map(Cents.init(dollars:)),
            shipments: (j.shipments ?? []).map(shipment)
        )
        var result = o
        _ = date(j.orderTransmissionDate, "order_transmission_date")
        result.unreadableDates = unreadable.isEmpty ? nil : unreadable
        // Amounts beyond any price (10^308, infinity) cannot be held as cents: said so, not made zero.
        var unusable: [String] = []
        for (i, item) in j.orderItems.enumerated() {
            let p = item.itemPrice
            for (name, value) in [("price", p?.basePrice), ("tax", p?.itemTax), ("shipping", p?.itemShippingCost), ("shipping tax", p?.itemShippingTax)] {
                if let value, !value.isFinite || abs(value) > 10_000_000 { unusable.append("line \(i + 1) has a \(name) of \(value) dollars") }
            }
        }
        result.unusableValues = unusable.isEmpty ? nil : unusable
        return result
    }

    static func line(_ i: JetOrderItem) -> OrderLine {
        OrderLine(
            itemID: i.orderItemID, altItemID: i.altOrderItemID, sku: i.merchantSKU ?? "", title: i.productTitle ?? "",
            quantity: i.requestOrderQuantity ?? 0, cancelRequested: i.requestOrderCancelQty ?? 0,
            price: amounts(i.itemPrice), url: i.url)
    }

    static func amounts(_ p: JetItemPrice?) -> Amounts {
        Amounts(
            principal: Cents(dollars: p?.basePrice ?? 0), tax: Cents(dollars: p?.itemTax ?? 0),
            shipping: Cents(dollars: p?.itemShippingCost ?? 0), shippingTax: Cents(dollars: p?.itemShippingTax ?? 0))
    }

    static func amounts(_ a: JetRefundAmount?) -> Amounts {
        Amounts(
            principal: Cents(dollars: a?.principal ?? 0), tax: Cents(dollars: a?.tax ?? 0),
            shipping: Cents(dollars: a?.shippingCost ?? 0), shippingTax: Cents(dollars: a?.shippingTax ?? 0))
    }

    static func shipment(_ s: JetShipment) -> Shipment {
        Shipment(
            altShipmentID: s.altShipmentID, tracking: s.shipmentTrackingNumber, carrier: s.carrier,
            method: s.responseShipmentMethod, shippedAt: s.responseShipmentDate?.date,
            items: s.shipmentItems.map {
                .init(sku: $0.merchantSKU, shipped: $0.responseShipmentSKUQuantity ?? 0, cancelled: $0.responseShipmentCancelQty ?? 0)
            })
    }

    /// A return request as the desk sees it.
    public static func returnRequest(_ r: JetReturn) -> ReturnRequest {
        let refunded = r.items.map { items in items.reduce(Amounts.zero) { $0 + amounts($1.refundAmount) } }
        return ReturnRequest(
            id: r.merchantReturnAuthorizationID, reference: r.referenceReturnAuthorizationID, status: ReturnStatus(jet: r.returnStatus),
            requestedAt: r.returnDate?.date, refundWithoutReturn: r.refundWithoutReturn ?? false,
            returnCharge: Cents(dollars: r.merchantReturnCharge ?? 0), carrier: r.shippingCarrier, tracking: r.trackingNumber,
            lines: r.returnMerchantSKUs.map {
                .init(
                    itemID: $0.orderItemID, altItemID: $0.altOrderItemID, sku: $0.merchantSKU ?? "", title: $0.merchantSKUTitle ?? "",
                    reason: $0.reason ?? "", quantity: $0.returnQuantity ?? 0, requested: amounts($0.requestedRefundAmount))
            },
            refunded: refunded)
    }

    // MARK: requests

    public static func acknowledgeRequest(_ a: Acknowledgement) -> JetAcknowledgeRequest {
        JetAcknowledgeRequest(
            acknowledgementStatus: JetAcknowledgementStatus(desk: a.status), altOrderID: a.altOrderID,
            orderItems: a.items.isEmpty
                ? nil
                : a.items.map {
                    .init(
                        orderItemAcknowledgementStatus: JetItemAcknowledgementStatus(desk: $0.status), orderItemID: $0.itemID,
                        altOrderItemID: $0.altItemID)
                })
    }

    public static func shipRequest(_ s: ShipmentReport, altOrderID: String? = nil) -> JetShipRequest {
        let shipment = JetShipment(
            altShipmentID: s.altShipmentID, shipmentTrackingNumber: s.tracking,
            responseShipmentDate: s.shippedAt.map(JetDate.init), responseShipmentMethod: s.method,
            expectedDeliveryDate: s.expectedDeliveryAt.map(JetDate.init), shipFromZipCode: s.shipFromZip,
            carrierPickUpDate: s.carrierPickUpAt.map(JetDate.init), carrier: s.carrier,
            shipmentItems: s.items.map {
                JetShipmentItem(
                    merchantSKU: $0.sku, altShipmentItemID: $0.altItemID, responseShipmentSKUQuantity: $0.quantity,
                    responseShipmentCancelQty: $0.cancelQuantity,
                    daysToReturn: $0.quantity > 0 ? s.daysToReturn : nil)
            })
        return JetShipRequest(altOrderID: altOrderID, shipments: [shipment])
    }

    public static func refundRequest(_ r: MerchantRefund) -> JetRefundRequest {
        JetRefundRequest(
            items: r.items.map {
                JetRefundItem(
                    orderItemID: $0.itemID, altOrderItemID: $0.altItemID, totalQuantityReturned: 0, orderReturnRefundQty: 0,
                    refundReason: r.reasonCode ?? RefundReason(rawValue: r.reason)?.jetValue ?? r.reason, notes: r.notes,
                    refundAmount: JetRefundAmount(
                        principal: $0.amount.principal.dollars, tax: $0.amount.tax.dollars,
                        shippingCost: $0.amount.shipping.dollars, shippingTax: $0.amount.shippingTax.dollars))
            })
    }

    public static func completeReturnRequest(_ c: ReturnCompletion) -> JetCompleteReturnRequest {
        JetCompleteReturnRequest(
            merchantOrderID: c.merchantOrderID, altOrderID: c.altOrderID,
            items: c.items.map {
                JetReturnItem(
                    orderItemID: $0.itemID, altOrderItemID: $0.altItemID, totalQuantityReturned: $0.quantityReturned,
                    orderReturnRefundQty: $0.refundQuantity, returnRefundFeedback: $0.feedback, notes: $0.notes,
                    refundAmount: JetRefundAmount(
                        principal: $0.amount.principal.dollars, tax: $0.amount.tax.dollars,
                        shippingCost: $0.amount.shipping.dollars,
                        shippingTax: $0.amount.shippingTax.dollars))
            },
            agreeToReturnCharge: c.agreeToReturnCharge,
            returnChargeFeedback: c.returnChargeFeedback.map { JetReturnChargeFeedback(desk: $0) })
    }
}
