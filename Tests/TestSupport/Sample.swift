import Foundation
import JetWire
import OrderDesk

/// Orders for tests: distinct ids, names and stages, built directly (no I/O).
package enum Sample {
    /// Saturday 28 November 2026, 09:00 UTC: the instant test sandboxes and jom start at.
    package static let t0 = Date(timeIntervalSince1970: 1_795_856_400)

    package static func order(_ n: Int, status: OrderStatus = .ready, buyer: String? = nil) -> Order {
        Order(
            merchantOrderID: String(format: "%08x", n) + "aaaabbbbccccddddeeeeffff",
            referenceOrderID: String(format: "80%010d", n),
            status: status, placedAt: t0.addingTimeInterval(Double(-n * 60)), readyAt: t0.addingTimeInterval(Double(-n * 60)),
            buyer: Contact(name: buyer ?? "Buyer \(n)", phone: "555-000-\(String(format: "%04d", n % 10000))"),
            recipient: Contact(name: buyer ?? "Buyer \(n)"),
            address: Address(line1: "\(n) Main St", city: n % 2 == 0 ? "Hoboken" : "Austin", state: n % 2 == 0 ? "NJ" : "TX", zip: "07030"),
            requestedCarrier: "UPS", requestedMethod: "UPS Ground",
            shipBy: t0.addingTimeInterval(86400),
            lines: [
                OrderLine(
                    itemID: "i\(n)", sku: "SKU-\(n % 7)", title: "Thing number \(n % 7)", quantity: 1 + n % 3,
                    price: Amounts(principal: Cents(1000 + n)))
            ])
    }

    package static func record(_ n: Int, status: OrderStatus = .ready, buyer: String? = nil) -> OrderRecord {
        OrderRecord(order: order(n, status: status, buyer: buyer))
    }

    /// A shipped order of `n` with an open return request for one unit of its line.
    package static func returned(_ n: Int) -> Order {
        var o = order(n, status: .complete)
        o.acknowledgementStatus = .accepted
        o.shipments = [
            Shipment(
                altShipmentID: "S-\(n)", tracking: "1Z999AA10123456784", carrier: "UPS", method: "UPS Ground",
                shippedAt: t0.addingTimeInterval(-86400),
                items: o.lines.map { .init(sku: $0.sku, shipped: $0.quantity, cancelled: 0) })
        ]
        o.returns = [
            ReturnRequest(
                id: "ret-\(n)", reference: "R-\(n)", status: .created, requestedAt: t0.addingTimeInterval(-3600),
                lines: [
                    .init(
                        itemID: o.lines[0].itemID, sku: o.lines[0].sku, title: o.lines[0].title,
                        reason: "Unwanted gift", quantity: 1, requested: Amounts(principal: Cents(1000)))
                ])
        ]
        return o
    }

    /// Settings that allow shipping (a ship-from ZIP).
    package static var settings: Settings {
        var s = Settings()
        s.shipFromZip = "07030"
        return s
    }
}
