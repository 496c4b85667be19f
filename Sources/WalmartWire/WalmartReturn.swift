import Foundation
import WireKit

/// A return order (`GET /v3/returns`): its lines point at purchase order lines; its dates are ISO strings.
public struct WalmartReturnOrder: Codable, Sendable, Hashable {
    public struct CustomerName: Codable, Sendable, Hashable {
        public var firstName: String?
        public var lastName: String?

        public init(firstName: String?, lastName: String?) {
            self.firstName = firstName
            self.lastName = lastName
        }
    }

    public var returnOrderId: String
    public var customerEmailId: String?
    public var customerName: CustomerName?
    public var customerOrderId: String?
    public var refundMode: String?
    public var returnOrderDate: WalmartTime?
    public var returnByDate: WalmartTime?
    public var totalRefundAmount: WalmartCurrencyAmount?
    public var returnOrderLines: [WalmartReturnLine]

    public init(
        returnOrderId: String, customerOrderId: String?, customerName: CustomerName?, customerEmailId: String?, returnOrderDate: Date,
        returnByDate: Date, totalRefundAmount: Double, lines: [WalmartReturnLine]
    ) {
        self.returnOrderId = returnOrderId
        self.customerOrderId = customerOrderId
        self.customerName = customerName
        self.customerEmailId = customerEmailId
        self.refundMode = "POST_DELIVERY"
        self.returnOrderDate = WalmartTime(returnOrderDate, form: .iso)
        self.returnByDate = WalmartTime(returnByDate, form: .iso)
        self.totalRefundAmount = WalmartCurrencyAmount(totalRefundAmount)
        self.returnOrderLines = lines
    }

    enum CodingKeys: String, CodingKey {
        case returnOrderId, customerEmailId, customerName, customerOrderId, refundMode, returnOrderDate, returnByDate, totalRefundAmount
        case returnOrderLines
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        returnOrderId = try c.requiredString(.returnOrderId)
        customerEmailId = c.lenientString(.customerEmailId)
        customerName = c.lenient(CustomerName.self, .customerName)
        customerOrderId = c.lenientString(.customerOrderId)
        refundMode = c.lenientString(.refundMode)
        returnOrderDate = c.lenient(WalmartTime.self, .returnOrderDate)
        returnByDate = c.lenient(WalmartTime.self, .returnByDate)
        totalRefundAmount = c.lenient(WalmartCurrencyAmount.self, .totalRefundAmount)
        if let many = try? c.decode([WalmartReturnLine].self, forKey: .returnOrderLines) {
            returnOrderLines = many
        } else if let one = try? c.decode(WalmartReturnLine.self, forKey: .returnOrderLines) {
            returnOrderLines = [one]
        } else {
            returnOrderLines = try c.decode([WalmartReturnLine].self, forKey: .returnOrderLines)  // Fails, naming what is wrong.
        }
    }

    /// The return's status from its lines: `COMPLETED` when every line is, else `DELIVERED` when one is, else
    /// `INITIATED` (or the first newer word).
    public var status: String {
        let statuses = returnOrderLines.map { $0.currentStatus.uppercased() }
        if !statuses.isEmpty, statuses.allSatisfy({ $0 == "COMPLETED" || $0 == "CANCELLED" }) { return "COMPLETED" }
        if statuses.contains("DELIVERED") { return "DELIVERED" }
        return statuses.first { !["INITIATED", "COMPLETED", "CANCELLED", "DELIVERED"].contains($0) } ?? "INITIATED"
    }

    /// The purchase orders the return's lines come from.
    public var purchaseOrderIDs: [String] {
        var seen = Set<String>()
        return returnOrderLines.compactMap(\.purchaseOrderId).filter { seen.insert($0).inserted }
    }
}

/// One line of a return: units of one purchase order line, what they cost, and how far the return has got.
public struct WalmartReturnLine: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var sku: String?
        public var condition: String?
        public var productName: String?

        public init(sku: String?, productName: String?) {
            self.sku = sku
            self.productName = productName
        }
    }

    public struct Charge: Codable, Sendable, Hashable {
        public struct Tax: Codable, Sendable, Hashable {
            public var taxName: String?
            public var taxPerUnit: WalmartCurrencyAmount?

            public init(taxPerUnit: Double) {
                self.taxName = "Tax1"
                self.taxPerUnit = WalmartCurrencyAmount(taxPerUnit)
            }
        }

        public var chargeCategory: String?
        public var chargeName: String?
        public var chargePerUnit: WalmartCurrencyAmount?
        public var isDiscount: Bool?
        public var isBillable: Bool?
        public var tax: [Tax]?

        public init(category: String, name: String, perUnit: Double, taxPerUnit: Double?) {
            self.chargeCategory = category
            self.chargeName = name
            self.chargePerUnit = WalmartCurrencyAmount(perUnit)
            self.isDiscount = false
            self.isBillable = true
            self.tax = taxPerUnit.map { [Tax(taxPerUnit: $0)] }
        }

        enum CodingKeys: String, CodingKey { case chargeCategory, chargeName, chargePerUnit, isDiscount, isBillable, tax }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            chargeCategory = c.lenientString(.chargeCategory)
            chargeName = c.lenientString(.chargeName)
            chargePerUnit = c.lenient(WalmartCurrencyAmount.self, .chargePerUnit)
            isDiscount = c.lenientBool(.isDiscount)
            isBillable = c.lenientBool(.isBillable)
            tax = c.lenientArray(Tax.self, .tax)
        }
    }

    public struct NamedAmount: Codable, Sendable, Hashable {
        public var name: String?
        public var value: WalmartCurrencyAmount?

        public init(name: String, value: Double) {
            self.name = name
            self.value = WalmartCurrencyAmount(value)
        }
    }

    public struct TrackingStatus: Codable, Sendable, Hashable {
        public var status: String?
        public var statusTime: WalmartTime?
        public var currentRefundStatus: String?
        public var quantity: WalmartMeasure?

        public init(status: String, statusTime: Date, currentRefundStatus: String?, quantity: Int) {
            self.status = status
            self.statusTime = WalmartTime(statusTime, form: .iso)
            self.currentRefundStatus = currentRefundStatus
            self.quantity = WalmartMeasure(quantity)
        }

        enum CodingKeys: String, CodingKey { case status, statusTime, currentRefundStatus, quantity }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            status = c.lenientString(.status)
            statusTime = c.lenient(WalmartTime.self, .statusTime)
            currentRefundStatus = c.lenientString(.currentRefundStatus)
            quantity = c.lenient(WalmartMeasure.self, .quantity)
        }
    }

    public struct TrackingEvent: Codable, Sendable, Hashable {
        public var sequenceNo: Int?
        public var eventTag: String?
        public var eventDescription: String?
        public var eventTime: WalmartTime?

        public init(sequenceNo: Int, eventTag: String, eventDescription: String, eventTime: Date) {
            self.sequenceNo = sequenceNo
            self.eventTag = eventTag
            self.eventDescription = eventDescription
            self.eventTime = WalmartTime(eventTime, form: .iso)
        }

        enum CodingKeys: String, CodingKey { case sequenceNo, eventTag, eventDescription, eventTime }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sequenceNo = c.lenientInt(.sequenceNo)
            eventTag = c.lenientString(.eventTag)
            eventDescription = c.lenientString(.eventDescription)
            eventTime = c.lenient(WalmartTime.self, .eventTime)
        }
    }

    public var returnOrderLineNumber: Int
    public var salesOrderLineNumber: Int?
    public var purchaseOrderId: String?
    /// The order's `lineNumber`, as an integer.
    public var purchaseOrderLineNumber: Int?
    public var sellerOrderId: String?
    public var returnReason: String?
    public var returnDescription: String?
    public var item: Item?
    public var charges: [Charge]?
    public var unitPrice: WalmartCurrencyAmount?
    public var chargeTotals: [NamedAmount]?
    public var quantity: WalmartMeasure?
    public var cancellableQty: Int?
    public var refundedQty: Int?
    public var status: String?
    public var statusTime: WalmartTime?
    public var currentRefundStatus: String?
    public var currentTrackingStatuses: [TrackingStatus]?
    public var returnTrackingDetail: [TrackingEvent]?
    public var refundCoveredBy: String?

    public init(
        number: Int, purchaseOrderId: String, purchaseOrderLineNumber: Int, reason: String, description: String?, item: Item, charges: [Charge],
        unitPrice: Double, totals: [NamedAmount], quantity: Int
    ) {
        self.returnOrderLineNumber = number
        self.salesOrderLineNumber = purchaseOrderLineNumber
        self.purchaseOrderId = purchaseOrderId
        self.purchaseOrderLineNumber = purchaseOrderLineNumber
        self.returnReason = reason
        self.returnDescription = description
        self.item = item
        self.charges = charges
        self.unitPrice = WalmartCurrencyAmount(unitPrice)
        self.chargeTotals = totals
        self.quantity = WalmartMeasure(quantity)
        self.cancellableQty = quantity
        self.refundedQty = 0
    }

    enum CodingKeys: String, CodingKey {
        case returnOrderLineNumber, salesOrderLineNumber, purchaseOrderId, purchaseOrderLineNumber, sellerOrderId, returnReason, returnDescription
        case item, charges, unitPrice, chargeTotals, quantity, cancellableQty, refundedQty, status, statusTime, currentRefundStatus
        case currentTrackingStatuses, returnTrackingDetail, refundCoveredBy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let number = c.lenientInt(.returnOrderLineNumber) else {
            throw DecodingError.keyNotFound(
                CodingKeys.returnOrderLineNumber, .init(codingPath: c.codingPath, debugDescription: "returnOrderLineNumber is missing"))
        }
        returnOrderLineNumber = number
        salesOrderLineNumber = c.lenientInt(.salesOrderLineNumber)
        purchaseOrderId = c.lenientString(.purchaseOrderId)
        purchaseOrderLineNumber = c.lenientInt(.purchaseOrderLineNumber)
        sellerOrderId = c.lenientString(.sellerOrderId)
        returnReason = c.lenientString(.returnReason)
        returnDescription = c.lenientString(.returnDescription)
        item = c.lenient(Item.self, .item)
        charges = c.lenientArray(Charge.self, .charges)
        unitPrice = c.lenient(WalmartCurrencyAmount.self, .unitPrice)
        chargeTotals = c.lenientArray(NamedAmount.self, .chargeTotals)
        quantity = c.lenient(WalmartMeasure.self, .quantity)
        cancellableQty = c.lenientInt(.cancellableQty)
        refundedQty = c.lenientInt(.refundedQty)
        status = c.lenientString(.status)
        statusTime = c.lenient(WalmartTime.self, .statusTime)
        currentRefundStatus = c.lenientString(.currentRefundStatus)
        currentTrackingStatuses = c.lenientArray(TrackingStatus.self, .currentTrackingStatuses)
        returnTrackingDetail = c.lenientArray(TrackingEvent.self, .returnTrackingDetail)
        refundCoveredBy = c.lenientString(.refundCoveredBy)
    }

    public var units: Int { quantity?.measurementValue ?? 1 }

    /// The line's status: the per-quantity statuses (MLMQ) when given, the deprecated line status otherwise.
    public var currentStatus: String {
        if let tracking = currentTrackingStatuses, !tracking.isEmpty {
            let all = tracking.compactMap { $0.status?.uppercased() }
            if !all.isEmpty, all.allSatisfy({ $0 == "COMPLETED" }) { return "COMPLETED" }
            if all.contains("DELIVERED") { return "DELIVERED" }
            return all.first { $0 != "COMPLETED" } ?? "INITIATED"
        }
        return status?.uppercased() ?? "INITIATED"
    }

    /// A named total (`lineTotal`, `lineProductTaxes`, …).
    public func total(_ name: String) -> Double? { chargeTotals?.first { $0.name == name }?.value?.currencyAmount }
}

/// `GET /v3/returns`: `{"meta": {…, "nextCursor": "?…"}, "returnOrders": [...]}`.
public struct WalmartReturnList: Decodable, Sendable {
    public var meta: WalmartListMeta?
    public var returnOrders: [WalmartListed<WalmartReturnOrder>]

    enum CodingKeys: String, CodingKey { case meta, returnOrders }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        meta = c.lenient(WalmartListMeta.self, .meta)
        returnOrders = (try? c.decode([WalmartListed<WalmartReturnOrder>].self, forKey: .returnOrders)) ?? []
    }
}

/// The return list as the sandbox writes it.
public struct WalmartReturnListBody: Encodable, Sendable {
    public var meta: WalmartListMeta
    public var returnOrders: [WalmartReturnOrder]

    public init(meta: WalmartListMeta, returnOrders: [WalmartReturnOrder]) {
        self.meta = meta
        self.returnOrders = returnOrders
    }
}
