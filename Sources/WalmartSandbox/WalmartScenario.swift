import Foundation
import SandboxKit
import WalmartWire

/// Everything the Walmart sandbox remembers; saved as JSON beside the store when embedded.
struct WalmartSandboxState: VersionedSandboxState {
    static let currentVersion = 1
    var version = 1
    var rng: SeededRandom
    var sellerID: String
    /// Scenario time = wall-clock time + offset, or frozen time + offset.
    var clockOffset: TimeInterval = 0
    var frozenAt: Date?
    var nextArrival: Date?
    var orders: [String: WalmartOrder] = [:]
    var orderSeq: [String] = []
    /// When each order last changed (for `lastModifiedStartDate`).
    var modifiedAt: [String: Date] = [:]
    /// When a customer will start a return on a shipped order.
    var plannedReturns: [String: Date] = [:]
    /// When a customer will ask to cancel an acknowledged order.
    var plannedIntents: [String: Date] = [:]
    /// When shipped lines of an order are delivered.
    var plannedDeliveries: [String: Date] = [:]
    var returns: [String: WalmartReturnOrder] = [:]
    var returnSeq: [String] = []
    var ledger: [LedgerEntry] = []

    init(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        self.sellerID = String(Int.random(in: 100_000...999_999, using: &rng))
        self.rng = rng
    }
}

/// The sandbox's customers and their orders: seeded, so the same seed gives the same orders.
enum WalmartScenario {
    static let products: [(sku: String, name: String, price: Double)] = [
        ("MUG-RED-12OZ", "Red ceramic mug, 12 oz", 19.99), ("MUG-BLU-12OZ", "Blue ceramic mug, 12 oz", 19.99),
        ("TEA-50", "Breakfast tea, 50 bags", 7.49), ("KETTLE-1L", "Stovetop kettle, 1 l", 34.00),
        ("BOWL-SET-4", "Stoneware bowls, set of 4", 42.50), ("SPOON-WOOD", "Wooden spoon", 4.25),
        ("APRON-LIN", "Linen apron", 24.00), ("TOWEL-3", "Kitchen towels, 3 pack", 12.99),
    ]
    static let people: [(String, String, String, String, String, String)] = [
        ("Ada Shopper", "12 Example Way", "Bentonville", "AR", "72712", "4795550101"),
        ("Grace Hopper", "7 Navy Yard Rd", "Arlington", "VA", "22202", "7035550172"),
        ("Alan Turing", "3 Bletchley Ln", "Princeton", "NJ", "08540", "6095550134"),
        ("Katherine Johnson", "88 Langley Ave", "Hampton", "VA", "23666", "7575550155"),
        ("Linus Pauling", "41 Crystal St", "Portland", "OR", "97201", "5035550160"),
        ("Barbara Liskov", "9 Substitution Ct", "Cambridge", "MA", "02139", "6175550177"),
    ]

    /// One or several purchase orders under one customer order (a third of the time two), each with one to
    /// three lines of one to three units, released at `at`.
    static func purchaseOrders(rng: inout SeededRandom, at: Date) -> [WalmartOrder] {
        let customerOrder = "1" + rng.digits(12)
        let person = people[Int.random(in: 0..<people.count, using: &rng)]
        let email = rng.hexID().uppercased() + "@relay.walmart.com"
        let count = rng.chance(0.33) ? 2 : 1
        return (0..<count).map { _ in
            let methods = ["Standard", "Standard", "Value", "Express"]
            let method = methods[Int.random(in: 0..<methods.count, using: &rng)]
            let shipDays = method == "Express" ? 1.0 : 2.0
            let info = WalmartOrder.ShippingInfo(
                phone: person.5, estimatedDeliveryDate: at.addingTimeInterval((shipDays + 3) * 86400),
                estimatedShipDate: at.addingTimeInterval(shipDays * 86400), methodCode: method,
                postalAddress: WalmartAddress(name: person.0, address1: person.1, city: person.2, state: person.3, postalCode: person.4))
            var lines: [WalmartOrderLine] = []
            var used = Set<Int>()
            for n in 1...Int.random(in: 1...3, using: &rng) {
                var p = Int.random(in: 0..<products.count, using: &rng)
                while used.contains(p) { p = (p + 1) % products.count }
                used.insert(p)
                let product = products[p]
                let quantity = rng.chance(0.6) ? 1 : Int.random(in: 2...3, using: &rng)
                lines.append(line(number: n, sku: product.sku, name: product.name, unitPrice: product.price, quantity: quantity, at: at))
            }
            return WalmartOrder(
                purchaseOrderId: "1" + rng.digits(12), customerOrderId: customerOrder, customerEmailId: email, orderDate: at, shippingInfo: info,
                lines: lines)
        }
    }

    /// A line: its charges are for all its units (the unit price × quantity), taxed at 7%.
    static func line(number: Int, sku: String, name: String, unitPrice: Double, quantity: Int, at: Date) -> WalmartOrderLine {
        let price = (unitPrice * Double(quantity) * 100).rounded() / 100
        let tax = (price * 7).rounded() / 100
        var charges = [WalmartCharge(chargeType: "PRODUCT", chargeName: "ItemPrice", amount: price, tax: tax)]
        if price < 35 { charges.append(WalmartCharge(chargeType: "SHIPPING", chargeName: "Shipping", amount: 2.99, tax: 0.21)) }
        var l = WalmartOrderLine(
            lineNumber: String(number), item: .init(productName: name, sku: sku, condition: "New"), charges: charges, quantity: quantity,
            statusDate: at, statuses: [WalmartLineStatus(status: WalmartVocabulary.created, quantity: quantity)])
        l.fulfillment = .init(shipMethod: "STANDARD")
        return l
    }

    static let returnReasons = ["DEFECTIVE", "NO_LONGER_WANTED", "WRONG_SIZE/POOR_FIT", "DAMAGED", "NOT_AS_DESCRIBED", "ARRIVED_LATE"]

    /// A customer starts a return of one shipped line (all its shipped units, or one of them).
    static func returnOrder(rng: inout SeededRandom, for order: WalmartOrder, at: Date) -> WalmartReturnOrder? {
        let shipped = order.lines.filter { $0.units(in: WalmartVocabulary.shipped) + $0.units(in: WalmartVocabulary.delivered) > 0 }
        guard !shipped.isEmpty else { return nil }
        let line = shipped[Int.random(in: 0..<shipped.count, using: &rng)]
        let units = line.units(in: WalmartVocabulary.shipped) + line.units(in: WalmartVocabulary.delivered)
        let quantity = rng.chance(0.7) ? units : 1
        let product = (line.charges?.items ?? []).filter { !$0.isShipping }
        let linePrice = product.reduce(0) { $0 + ($1.chargeAmount?.amount ?? 0) }
        let lineTax = product.reduce(0) { $0 + ($1.tax?.taxAmount?.amount ?? 0) }
        let each = (linePrice / Double(max(1, line.quantity)) * 100).rounded() / 100
        let taxEach = (lineTax / Double(max(1, line.quantity)) * 100).rounded() / 100
        let subTotal = (each * Double(quantity) * 100).rounded() / 100
        let taxes = (taxEach * Double(quantity) * 100).rounded() / 100
        let reason = returnReasons[Int.random(in: 0..<returnReasons.count, using: &rng)]
        let name = order.shippingInfo?.postalAddress?.name ?? ""
        let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
        var l = WalmartReturnLine(
            number: 1, purchaseOrderId: order.purchaseOrderId, purchaseOrderLineNumber: Int(line.lineNumber) ?? 1, reason: reason,
            description: reason.replacingOccurrences(of: "_", with: " ").capitalized, item: .init(sku: line.item.sku, productName: line.item.productName),
            charges: [.init(category: "PRODUCT", name: "ItemPrice", perUnit: each, taxPerUnit: taxEach)], unitPrice: each,
            totals: [
                .init(name: "lineUnitPrice", value: each), .init(name: "lineProductTaxes", value: taxes), .init(name: "lineSubTotal", value: subTotal),
                .init(name: "lineTotal", value: subTotal + taxes),
            ], quantity: quantity)
        l.status = WalmartVocabulary.initiated
        l.statusTime = WalmartTime(at, form: .iso)
        l.currentTrackingStatuses = [.init(status: WalmartVocabulary.initiated, statusTime: at, currentRefundStatus: nil, quantity: quantity)]
        l.returnTrackingDetail = [.init(sequenceNo: 1, eventTag: "RETURN_INITIATED", eventDescription: "Return initiated", eventTime: at)]
        return WalmartReturnOrder(
            returnOrderId: "1" + rng.digits(17), customerOrderId: order.customerOrderId,
            customerName: .init(firstName: parts.first, lastName: parts.count > 1 ? parts[1] : nil), customerEmailId: order.customerEmailId,
            returnOrderDate: at, returnByDate: at.addingTimeInterval(30 * 86400), totalRefundAmount: subTotal + taxes, lines: [l])
    }
}
