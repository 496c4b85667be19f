import Foundation
import JetWire
import OrderDesk

/// Orders in every stage, built directly (no I/O).
enum Build {
    static let t0 = Date(timeIntervalSince1970: 1_795_856_400)  // Sat 2026-11-28 09:00 UTC

    static func order(status: OrderStatus = .ready, lines: [(String, Int)] = [("MUG-RED", 2), ("TEA-50", 1)]) -> Order {
        Order(
            merchantOrderID: "2ab4c8b414124f0fa04072d615ec0610", referenceOrderID: "801234567890", status: status,
            placedAt: t0.addingTimeInterval(-600), readyAt: t0,
            buyer: Contact(name: "Ada Shopper", phone: "555-010-0199"), recipient: Contact(name: "Ada Shopper"),
            address: Address(line1: "12 Example Way", city: "Hoboken", state: "NJ", zip: "07030"),
            requestedCarrier: "UPS", requestedMethod: "UPS Ground", shipBy: t0.addingTimeInterval(2 * 86400),
            lines: lines.enumerated().map { i, l in
                OrderLine(
                    itemID: "item-\(i)", sku: l.0, title: "Title \(l.0)", quantity: l.1,
                    price: Amounts(principal: Cents(1999 * l.1), tax: Cents(140 * l.1)))
            })
    }

    static func shipped(_ o: Order) -> Order {
        var o = o
        o.status = .complete
        o.acknowledgementStatus = .accepted
        o.shipments = [
            Shipment(
                altShipmentID: "S-1", tracking: "1Z999AA10123456784", carrier: "UPS", method: "UPS Ground", shippedAt: t0,
                items: o.lines.map { .init(sku: $0.sku, shipped: $0.quantity, cancelled: 0) })
        ]
        return o
    }

    static func withReturn(_ o: Order) -> Order {
        var o = shipped(o)
        o.returns = [
            ReturnRequest(
                id: "ret-1", reference: "R-1", status: .created, requestedAt: t0.addingTimeInterval(3600),
                lines: [
                    .init(
                        itemID: "item-0", sku: "MUG-RED", title: "Mug", reason: "Item arrived damaged - box intact",
                        quantity: 1, requested: Amounts(principal: Cents(1999), tax: Cents(140))),
                    .init(
                        itemID: "item-1", sku: "TEA-50", title: "Tea", reason: "Unwanted gift",
                        quantity: 1, requested: Amounts(principal: Cents(1000))),
                ])
        ]
        return o
    }

    static let context = Rules.Context(
        now: t0.addingTimeInterval(7200), by: "ada",
        settings: {
            var s = Settings()
            s.shipFromZip = "07030"
            return s
        }(), actionID: "a-000000000001")

    /// A record in `stage`.
    static func record(_ stage: OrderStage) -> OrderRecord {
        switch stage {
        case .held: return OrderRecord(order: order(status: .created))
        case .new: return OrderRecord(order: order())
        case .approved: return OrderRecord(order: order(status: .acknowledged))
        case .shipped: return OrderRecord(order: shipped(order()))
        case .cancelled:
            var o = order(status: .complete)
            o.acknowledgementStatus = .rejectedOther
            o.exceptionState = .orderRejected
            return OrderRecord(order: o)
        case .cancelRequested:
            var o = order(status: .acknowledged)
            o.directedCancel = true
            o.lines[0].cancelRequested = 1
            return OrderRecord(order: o)
        case .returnRequested: return OrderRecord(order: withReturn(order()))
        case .returnAccepted:
            let r = OrderRecord(order: withReturn(order()))
            return appending(try! Rules.accept(r, context), to: r)
        case .refunded:
            let r = OrderRecord(order: withReturn(order()))
            return appending(try! Rules.refund(r, amount: nil, feedback: nil, context), to: r)
        case .refundDenied:
            let r = OrderRecord(order: withReturn(order()))
            return appending(try! Rules.deny(r, reason: .outsideWindow, context), to: r)
        }
    }

    static func appending(_ a: OrderAction, to r: OrderRecord) -> OrderRecord {
        var r = r
        r.actions.append(a)
        return r
    }
}
