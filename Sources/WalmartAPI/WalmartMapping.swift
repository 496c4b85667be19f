import Foundation
import OrderDesk
import WalmartWire

/// Translating between Walmart's wire models and the order desk's. Walmart keeps a status per line with a
/// quantity and none per order: the desk's order status is derived from the lines, shipments are the shipped
/// units grouped by tracking number, and cancelled units are one cancel-only shipment.
public enum WalmartMapping {
    /// A purchase order as the desk sees it.
    public static func order(_ w: WalmartOrder) -> Order {
        var unreadable: [String: String] = [:]
        func date(_ t: WalmartTime?, _ field: String) -> Date? {
            guard let t else { return nil }
            if t.date == nil, let raw = t.raw, !raw.isEmpty { unreadable[field] = raw }
            return t.date
        }
        let info = w.shippingInfo
        let address = info?.postalAddress
        let name = address?.name ?? ""
        var created = 0, acknowledged = 0, shipped = 0, cancelled = 0, other = 0
        for line in w.lines {
            for s in line.statuses {
                switch s.status.lowercased() {
                case "created": created += s.units
                case "acknowledged": acknowledged += s.units
                case "shipped", "delivered", "refund": shipped += s.units
                case "cancelled", "canceled": cancelled += s.units
                default: other += s.units
                }
            }
        }
        let open = created + acknowledged + other
        let status: OrderStatus =
            open == 0 && (shipped + cancelled) > 0
            ? .complete
            : acknowledged > 0 || other > 0 ? (shipped > 0 ? .inprogress : .acknowledged) : shipped > 0 ? .inprogress : .ready
        let orderedAt = date(w.orderDate, "orderDate")
        var o = Order(
            merchantOrderID: w.purchaseOrderId,
            referenceOrderID: w.purchaseOrderId,
            customerReferenceOrderID: w.customerOrderId,
            fulfillmentNode: w.shipNode?.type,
            hashEmail: w.customerEmailId,
            status: status,
            acknowledgementStatus: acknowledged + shipped > 0 ? .accepted : nil,
            directedCancel: w.lines.contains { intendsCancel($0) && openUnits($0) > 0 },
            placedAt: orderedAt, readyAt: orderedAt,
            buyer: Contact(name: name, phone: info?.phone),
            recipient: Contact(name: name, phone: info?.phone),
            address: Address(
                line1: address?.address1 ?? "", line2: (address?.address2).flatMap { $0.isEmpty ? nil : $0 },
                city: address?.city ?? "", state: address?.state ?? "", zip: address?.postalCode ?? ""),
            requestedMethod: info?.methodCode,
            serviceLevel: w.lines.first?.fulfillment?.shippingProgramType ?? w.lines.first?.fulfillment?.shipMethod,
            shipBy: date(info?.estimatedShipDate, "estimatedShipDate"),
            deliverBy: date(info?.estimatedDeliveryDate, "estimatedDeliveryDate"),
            lines: w.lines.map(line),
            shipments: shipments(w))
        o.unreadableDates = unreadable.isEmpty ? nil : unreadable
        var unusable: [String] = []
        for line in w.lines {
            for c in line.charges?.items ?? [] {
                for value in [c.chargeAmount?.amount, c.tax?.taxAmount?.amount].compactMap({ $0 }) where !value.isFinite || abs(value) > 10_000_000 {
                    unusable.append("line \(line.lineNumber) has a charge of \(value) dollars")
                }
            }
            if line.quantity < 0 || line.quantity > 1_000_000 { unusable.append("line \(line.lineNumber) has a quantity of \(line.quantity)") }
        }
        o.unusableValues = unusable.isEmpty ? nil : unusable
        return o
    }

    /// The customer asked to cancel the line.
    static func intendsCancel(_ line: WalmartOrderLine) -> Bool {
        guard let v = line.intentToCancel?.trimmingCharacters(in: .whitespaces).lowercased(), !v.isEmpty else { return false }
        return !["false", "no", "n", "0", "null"].contains(v)
    }

    static func openUnits(_ line: WalmartOrderLine) -> Int {
        line.units(in: WalmartVocabulary.created) + line.units(in: WalmartVocabulary.acknowledged)
    }

    static func line(_ l: WalmartOrderLine) -> OrderLine {
        var price = Amounts()
        for c in l.charges?.items ?? [] {
            let amount = Cents(dollars: finite(c.chargeAmount?.amount)), tax = Cents(dollars: finite(c.tax?.taxAmount?.amount))
            if c.isShipping {
                price.shipping = price.shipping + amount
                price.shippingTax = price.shippingTax + tax
            } else {
                price.principal = price.principal + amount
                price.tax = price.tax + tax
            }
        }
        return OrderLine(
            itemID: l.lineNumber, sku: l.item.sku, title: l.item.productName ?? "", quantity: l.quantity,
            cancelRequested: intendsCancel(l) ? openUnits(l) : 0, price: price)
    }

    static func finite(_ d: Double?) -> Double {
        guard let d, d.isFinite, abs(d) <= 10_000_000 else { return 0 }
        return d
    }

    /// Shipped units grouped by tracking number (one parcel each), then every cancelled unit in one shipment.
    static func shipments(_ w: WalmartOrder) -> [Shipment] {
        var parcels: [Shipment] = []
        var cancelled: [Shipment.Item] = []
        for line in w.lines {
            for s in line.statuses {
                switch s.status.lowercased() {
                case "shipped", "delivered", "refund":
                    let t = s.trackingInfo
                    let number = t?.trackingNumber
                    let item = Shipment.Item(sku: line.item.sku, lineID: line.lineNumber, shipped: s.units, cancelled: 0)
                    if let i = parcels.firstIndex(where: { $0.tracking == number }) {
                        parcels[i].items.append(item)
                    } else {
                        parcels.append(
                            Shipment(
                                altShipmentID: nil, tracking: number, carrier: t?.carrier, method: t?.methodCode, shippedAt: t?.shipDateTime?.date,
                                items: [item]))
                    }
                case "cancelled", "canceled":
                    cancelled.append(Shipment.Item(sku: line.item.sku, lineID: line.lineNumber, shipped: 0, cancelled: s.units))
                default:
                    break
                }
            }
        }
        if !cancelled.isEmpty {
            parcels.append(Shipment(altShipmentID: nil, tracking: nil, carrier: nil, method: nil, shippedAt: nil, items: cancelled))
        }
        return parcels
    }

    /// A return order's lines of one purchase order, as the desk's return request.
    public static func returnRequest(_ r: WalmartReturnOrder, purchaseOrderID: String?) -> ReturnRequest {
        let lines = r.returnOrderLines.filter { purchaseOrderID == nil || $0.purchaseOrderId == nil || $0.purchaseOrderId == purchaseOrderID }
        let status: ReturnStatus =
            switch r.status {
            case WalmartVocabulary.initiated: .created
            case WalmartVocabulary.returnDelivered: .inprogress
            case WalmartVocabulary.completed: .completedByMerchant
            case let other: .unknown(other)
            }
        var refunded = Amounts()
        var anyRefund = false
        let mapped: [ReturnRequest.Line] = lines.map { l in
            let requested = amounts(l)
            let done = l.refundedQty ?? (l.currentStatus == WalmartVocabulary.completed ? l.units : 0)
            if done > 0 {
                anyRefund = true
                refunded = refunded + requested.scaled(toTotal: Cents(requested.total.value * min(done, l.units) / max(1, l.units)))
            }
            return ReturnRequest.Line(
                itemID: String(l.returnOrderLineNumber), altItemID: l.purchaseOrderLineNumber.map(String.init), sku: l.item?.sku ?? "",
                title: l.item?.productName ?? "", reason: l.returnReason ?? "", quantity: l.units, requested: requested)
        }
        return ReturnRequest(
            id: r.returnOrderId, reference: nil, status: status,
            requestedAt: r.returnOrderDate?.date, lines: mapped,
            refunded: status == .completedByMerchant ? refunded : anyRefund ? refunded : nil)
    }

    /// What a return line asks for: its totals when Walmart gives them, else its per-unit charges × units.
    static func amounts(_ l: WalmartReturnLine) -> Amounts {
        if let subTotal = l.total("lineSubTotal") ?? l.total("lineUnitPrice").map({ $0 * Double(l.units) }) {
            let tax = l.total("lineProductTaxes") ?? l.total("lineTotalTaxes") ?? 0
            let shipping = l.total("lineShippingFee") ?? 0
            return Amounts(principal: Cents(dollars: finite(subTotal)), tax: Cents(dollars: finite(tax)), shipping: Cents(dollars: finite(shipping)))
        }
        var a = Amounts()
        for c in l.charges ?? [] {
            let each = finite(c.chargePerUnit?.currencyAmount) * Double(l.units)
            let tax = (c.tax ?? []).reduce(0.0) { $0 + finite($1.taxPerUnit?.currencyAmount) } * Double(l.units)
            if (c.chargeCategory ?? "").uppercased() == "PRODUCT" {
                a.principal = a.principal + Cents(dollars: each)
                a.tax = a.tax + Cents(dollars: tax)
            } else {
                a.shipping = a.shipping + Cents(dollars: each)
                a.shippingTax = a.shippingTax + Cents(dollars: tax)
            }
        }
        return a
    }

    // MARK: the desk's requests as Walmart's

    /// Shipped units as Walmart's ship request: one line entry per order line, with the tracking.
    public static func shipRequest(_ s: ShipmentReport, purchaseOrderID: String) -> WalmartShipmentRequest {
        let tracking = WalmartTrackingInfo(
            shipDateTime: s.shippedAt ?? Date(), carrier: s.carrier, methodCode: s.method ?? "Standard", trackingNumber: s.tracking ?? "",
            trackingURL: nil)
        return WalmartShipmentRequest(
            lines: s.items.filter { $0.quantity > 0 }.map { item in
                WalmartLineUpdate(
                    lineNumber: item.lineID ?? item.altItemID ?? "", sellerOrderId: String(purchaseOrderID.suffix(30)),
                    statuses: [WalmartLineStatus(status: WalmartVocabulary.shipped, quantity: item.quantity, trackingInfo: tracking)])
            })
    }

    /// Cancelled units as Walmart's cancel request, with the reason's code.
    public static func cancelRequest(_ s: ShipmentReport) -> WalmartCancellationRequest? {
        guard let reason = s.cancelReason ?? (s.answersDirectedCancel ? "CUSTOMER_REQUESTED_SELLER_TO_CANCEL" : nil) else { return nil }
        return WalmartCancellationRequest(
            lines: s.items.filter { $0.cancelQuantity > 0 }.map { item in
                WalmartLineUpdate(
                    lineNumber: item.lineID ?? item.altItemID ?? "",
                    statuses: [WalmartLineStatus(status: WalmartVocabulary.cancelled, quantity: item.cancelQuantity, cancellationReason: reason)])
            })
    }

    /// The marker a refund carries in its comments, so jom finds it again: `jom:REFUND-ID`.
    public static func refundMarker(_ altRefundID: String) -> String { "jom:\(altRefundID)" }

    /// A refund without a return as Walmart's refund request: amounts negative, product and shipping apart.
    public static func refundRequest(_ r: MerchantRefund) -> WalmartRefundRequest {
        let reason = r.reasonCode ?? "Others"
        let comments = ([refundMarker(r.altRefundID)] + [r.notes].compactMap { $0 }).joined(separator: " ")
        return WalmartRefundRequest(
            purchaseOrderId: r.merchantOrderID,
            lines: r.items.map { item in
                var charges: [WalmartRefund.Charge] = []
                let a = item.amount
                if a.principal + a.tax > .zero {
                    charges.append(
                        .init(
                            refundReason: reason,
                            charge: WalmartCharge(chargeType: "PRODUCT", chargeName: "ItemPrice", amount: -a.principal.dollars, tax: -a.tax.dollars)))
                }
                if a.shipping + a.shippingTax > .zero {
                    charges.append(
                        .init(
                            refundReason: reason,
                            charge: WalmartCharge(chargeType: "SHIPPING", chargeName: "Shipping", amount: -a.shipping.dollars, tax: -a.shippingTax.dollars)))
                }
                return WalmartRefundRequest.Line(lineNumber: item.itemID, refunds: [WalmartRefund(refundComments: comments, charges: charges)])
            })
    }

    /// A return's refund as Walmart's: units of its lines; Walmart prices them.
    public static func returnRefundRequest(_ c: ReturnCompletion) -> WalmartReturnRefundRequest {
        WalmartReturnRefundRequest(
            customerOrderId: c.customerOrderID,
            refundLines: c.items.filter { $0.refundQuantity > 0 }.map {
                WalmartReturnRefundRequest.Line(returnOrderLineNumber: Int($0.itemID), quantity: $0.refundQuantity)
            })
    }
}
