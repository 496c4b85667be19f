import Foundation
import JetWire

/// Makes realistic, deterministic demo orders and returns from a seeded generator.
struct Scenario {
    static let firstNames = [
        "Ada", "Grace", "Alan", "Maya", "Luis", "Priya", "Tomás", "Chloé", "Noah", "Emma", "Liam", "Olivia",
        "Aiden", "Sofia", "Mateo", "Zoe", "Ethan", "Isabella", "Kenji", "Fatima", "Oliver", "Amara",
        "Lucas", "Hannah", "Jonas", "Mei", "Diego", "Aaliyah", "Samuel", "Nora",
    ]
    static let lastNames = [
        "Lovelace", "Hopper", "Turing", "Patel", "García", "Nguyen", "Smith", "Johnson", "Okafor", "Kowalski",
        "Müller", "Rossi", "Kim", "Haddad", "O'Brien", "Silva", "Cohen", "Tanaka", "Williams", "Brown",
        "Davis", "Martinez", "Lopez", "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "Lee", "Walker",
    ]
    static let streets = [
        "Maple Ave", "Oak St", "Washington Blvd", "Park Pl", "Hudson St", "Elm St", "Main St", "River Rd",
        "Sunset Dr", "Lake View Ter", "Cedar Ln", "Willow Way", "Franklin St", "Highland Ave", "Bay St",
    ]
    static let cities: [(String, String, String)] = [
        ("Hoboken", "NJ", "07030"), ("Brooklyn", "NY", "11201"), ("Austin", "TX", "78701"), ("Portland", "OR", "97205"),
        ("Denver", "CO", "80202"), ("Chicago", "IL", "60611"), ("Seattle", "WA", "98101"), ("Miami", "FL", "33130"),
        ("Boston", "MA", "02116"), ("Phoenix", "AZ", "85004"), ("Nashville", "TN", "37203"), ("Madison", "WI", "53703"),
        ("Santa Fe", "NM", "87501"), ("Burlington", "VT", "05401"), ("Savannah", "GA", "31401"), ("Boise", "ID", "83702"),
    ]
    static let products: [(String, String, Double)] = [
        ("MUG-RED-12OZ", "Red ceramic mug, 12 oz", 19.99), ("MUG-BLU-16OZ", "Blue stoneware mug, 16 oz", 22.50),
        ("TEA-EARL-50", "Earl Grey tea, 50 bags", 8.75), ("KETTLE-GOOSE-1L", "Gooseneck kettle, 1 l", 64.00),
        ("TOWEL-LIN-2PK", "Linen tea towels, pack of 2", 18.00), ("PLANT-POT-6IN", "Terracotta plant pot, 6 in", 12.49),
        ("CANDLE-CEDAR", "Cedarwood soy candle", 24.00), ("NOTE-A5-DOT", "Dotted notebook, A5", 14.95),
        ("PEN-FOUNT-BLK", "Fountain pen, black", 38.00), ("LAMP-DESK-BRS", "Brass desk lamp", 89.00),
        ("BLANKET-WOOL", "Merino wool throw blanket", 129.00), ("SPOON-WOOD-3", "Olive wood spoons, set of 3", 16.50),
        ("BOARD-CUT-OAK", "Oak cutting board", 45.00), ("GRINDER-PEPPER", "Pepper grinder, walnut", 29.95),
        ("SOCKS-ALP-M", "Alpaca socks, medium", 21.00), ("BOTTLE-STEEL-750", "Steel water bottle, 750 ml", 27.00),
    ]
    static let shipping: [(carrier: String, method: String, level: String)] = [
        ("UPS", "UPS Ground", "Standard"), ("FedEx", "FedEx Home Delivery", "Standard"), ("USPS", "USPS Priority Mail", "Standard"),
        ("UPS", "UPS 2nd Day Air", "Second Day"), ("FedEx", "FedEx Standard Overnight", "Next Day"),
    ]
    static let returnReasons = [
        "No longer want this item", "Item arrived damaged - box intact", "Received the wrong item",
        "Product is defective / does not work", "Better price found elsewhere", "Unwanted gift",
    ]

    /// A new order, placed at `placedAt`, in status `created` (or `ready` with `readyAt`).
    static func order(rng: inout SeededRandom, node: String, placedAt: Date, readyAt: Date?) -> JetOrder {
        let first = firstNames.randomElement(using: &rng)!
        let last = lastNames.randomElement(using: &rng)!
        let name = "\(first) \(last)"
        let phone = "555-\(rng.digits(3))-\(rng.digits(4))"
        let (city, state, zip) = cities.randomElement(using: &rng)!
        let street = "\(Int.random(in: 1...2400, using: &rng)) \(streets.randomElement(using: &rng)!)"
        let address2 = rng.chance(0.3) ? "Apt \(Int.random(in: 1...40, using: &rng))" : ""
        let ship = shipping.randomElement(using: &rng)!
        let lineCount = [1, 1, 1, 2, 2, 3, 4].randomElement(using: &rng)!
        var picked = products.shuffled(using: &rng).prefix(lineCount)
        if picked.isEmpty { picked = [products[0]] }
        var items: [JetOrderItem] = []
        var base = 0.0, tax = 0.0, shipCost = 0.0, fees = 0.0
        for (sku, title, unit) in picked {
            let qty = [1, 1, 1, 2, 2, 3].randomElement(using: &rng)!
            let lineBase = round2(unit * Double(qty))
            let lineTax = round2(lineBase * 0.07)
            let lineShip = ship.level == "Standard" ? 0 : 4.99
            let lineFee = round2(lineBase * 0.15)
            base += lineBase; tax += lineTax; shipCost += lineShip; fees += lineFee
            items.append(
                JetOrderItem(
                    orderItemID: rng.hexID(), merchantSKU: sku, productTitle: title, requestOrderQuantity: qty,
                    requestOrderCancelQty: 0, itemTaxCode: "", url: "https://example.invalid/\(sku.lowercased()).jpg",
                    priceAdjustment: 0, itemFees: lineFee,
                    feeAdjustments: [JetFeeAdjustment(adjustmentName: "", adjustmentType: "base", commissionID: "", value: lineFee)],
                    regulatoryFees: 0,
                    itemPrice: JetItemPrice(basePrice: lineBase, itemTax: lineTax, itemShippingCost: lineShip, itemShippingTax: 0)))
        }
        let reference = "80" + rng.digits(10)
        let person = JetPerson(name: name, phoneNumber: phone)
        let shipBase = readyAt ?? placedAt
        return JetOrder(
            merchantOrderID: rng.hexID(), referenceOrderID: reference, customerReferenceOrderID: reference,
            fulfillmentNode: node, hashEmail: "\(rng.hexID())@customer.jet.com",
            status: readyAt == nil ? .created : .ready,
            orderPlacedDate: JetDate(raw: JetDate.format(placedAt, style: .zulu7)),
            orderTransmissionDate: JetDate(raw: JetDate.format(placedAt.addingTimeInterval(60), style: .zulu7)),
            orderReadyDate: readyAt.map { JetDate(raw: JetDate.format($0, style: .zulu7)) },
            hasShipments: false, jetRequestDirectedCancel: false,
            buyer: person,
            shippingTo: JetShippingTo(
                recipient: rng.chance(0.15) ? JetPerson(name: "\(firstNames.randomElement(using: &rng)!) \(last)", phoneNumber: phone) : person,
                address: JetAddress(address1: street, address2: address2, city: city, state: state, zipCode: zip)),
            orderDetail: JetOrderDetail(
                requestShippingCarrier: ship.carrier, requestShippingMethod: ship.method, requestServiceLevel: ship.level,
                requestShipBy: JetDate(raw: JetDate.format(shipBase.addingTimeInterval(ship.level == "Standard" ? 2 * 86400 : 86400), style: .zulu7)),
                requestDeliveryBy: JetDate(raw: JetDate.format(shipBase.addingTimeInterval(6 * 86400), style: .zulu7))),
            orderTotals: JetOrderTotals(
                itemPrice: JetItemPrice(basePrice: round2(base), itemTax: round2(tax), itemShippingCost: round2(shipCost), itemShippingTax: 0),
                itemFees: round2(fees),
                feeAdjustments: [JetFeeAdjustment(adjustmentName: "", adjustmentType: "base", commissionID: "", value: round2(fees))],
                regulatoryFees: 0),
            orderItems: items)
    }

    /// A customer's return request on some units of a shipped order.
    static func returnRequest(rng: inout SeededRandom, for order: JetOrder, at date: Date) -> JetReturn {
        let shippedLines = order.orderItems.filter { ($0.requestOrderQuantity ?? 0) > 0 }
        let count = max(1, min(shippedLines.count, Int.random(in: 1...2, using: &rng)))
        let reason = returnReasons.randomElement(using: &rng)!
        let skus: [JetReturnSKU] = shippedLines.prefix(count).map { item in
            let qty = item.requestOrderQuantity ?? 1
            let returned = Int.random(in: 1...max(1, qty), using: &rng)
            let share = Double(returned) / Double(max(1, qty))
            let p = item.itemPrice
            return JetReturnSKU(
                orderItemID: item.orderItemID, altOrderItemID: item.altOrderItemID, merchantSKU: item.merchantSKU,
                merchantSKUTitle: item.productTitle, reason: reason, returnQuantity: returned,
                requestedRefundAmount: JetRefundAmount(
                    principal: round2((p?.basePrice ?? 0) * share), tax: round2((p?.itemTax ?? 0) * share),
                    shippingCost: 0, shippingTax: 0))
        }
        return JetReturn(
            merchantReturnAuthorizationID: rng.hexID(), referenceReturnAuthorizationID: "R-" + rng.digits(6),
            merchantOrderID: order.merchantOrderID, referenceOrderID: order.referenceOrderID, altOrderID: order.altOrderID,
            returnStatus: .created, returnDate: JetDate(raw: JetDate.format(date, style: .zulu7)),
            refundWithoutReturn: rng.chance(0.1), merchantReturnCharge: 0, shippingCarrier: "UPS",
            trackingNumber: "1Z" + rng.digits(16),
            returnLocation: [JetAddress(address1: "1 Returns Dock", address2: "", city: "Edison", state: "NJ", zipCode: "08817")],
            returnMerchantSKUs: skus)
    }

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
}
