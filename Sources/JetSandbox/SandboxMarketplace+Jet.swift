import Foundation
import JetWire

/// Jet's state machines for the calls under `/api` (protocol §2–§8); `buildSandboxRouter` routes to them.
extension SandboxMarketplace {
    // MARK: orders

    func listOrders(status raw: String, query: [String: String]) -> SandboxReply {
        let status = JetOrderStatus(rawValue: raw)
        guard case .unknown = status else {
            let cutoff = now.addingTimeInterval(-90 * 86400)
            var ids: [String] = []
            for id in state.orderSeq {
                guard let o = state.orders[id], o.status == status else { continue }
                if let placed = o.orderPlacedDate?.date, placed < cutoff { continue }
                if let want = query["isCancelled"].map({ $0.lowercased() == "true" }), isCancelled(o) != want { continue }
                if let node = query["fulfillment_node"], o.fulfillmentNode != node { continue }
                ids.append(id)
                if ids.count == 1000 { break }
            }
            return .urls("order_urls", ids.map { "/orders/withoutShipmentDetail/\(SandboxRoute.escape($0))" })
        }
        return .errors(404, "'\(raw)' is not an order status (created, ready, acknowledged, inprogress, complete)")
    }

    func listTagged(status raw: String, tag: String, tagged: String) -> SandboxReply {
        let status = JetOrderStatus(rawValue: raw)
        if case .unknown = status { return .errors(404, "'\(raw)' is not an order status") }
        guard tagged == "true" || tagged == "false" else { return .errors(404, "The last segment must be true or false") }
        let want = tagged == "true"
        let ids = state.orderSeq.filter { id in
            guard let o = state.orders[id], o.status == status else { return false }
            return (state.tags[id] == tag) == want
        }.prefix(1000)
        return .urls("order_urls", ids.map { "/orders/withoutShipmentDetail/\(SandboxRoute.escape($0))" })
    }

    func tag(_ id: String, _ body: Data) -> SandboxReply {
        guard state.orders[id] != nil else { return .errors(404, "Order '\(id)' was not found") }
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]  // Not JSON: refused below.
        guard let object else { return .errors(400, "The body must be a JSON object such as {\"tag\": \"batch-42\"}") }
        state.tags[id] = object["tag"] as? String
        return .noContent
    }

    func isCancelled(_ o: JetOrder) -> Bool {
        if o.exceptionState == .orderRejected || o.exceptionState == .jetManualCanceledToCompleteState { return true }
        let ordered = o.orderItems.reduce(0) { $0 + ($1.requestOrderQuantity ?? 0) }
        let cancelled = (o.shipments ?? []).flatMap(\.shipmentItems).reduce(0) { $0 + ($1.responseShipmentCancelQty ?? 0) }
        return ordered > 0 && cancelled >= ordered
    }

    func settled(_ o: JetOrder, sku: String) -> (shipped: Int, cancelled: Int) {
        var s = 0, c = 0
        for shipment in o.shipments ?? [] {
            for item in shipment.shipmentItems where item.merchantSKU == sku {
                s += item.responseShipmentSKUQuantity ?? 0
                c += item.responseShipmentCancelQty ?? 0
            }
        }
        return (s, c)
    }

    func directedCancelIDs() -> [String] {
        state.orderSeq.filter { id in
            guard let o = state.orders[id], o.jetRequestDirectedCancel == true, o.status != .complete else { return false }
            return o.orderItems.contains { item in
                (item.requestOrderCancelQty ?? 0) > settled(o, sku: item.merchantSKU ?? "").cancelled
            }
        }
    }

    func acknowledge(_ id: String, _ body: Data) -> SandboxReply {
        guard var o = state.orders[id] else { return .errors(404, "Order '\(id)' was not found") }
        let req: JetAcknowledgeRequest
        do {
            req = try JSONDecoder().decode(JetAcknowledgeRequest.self, from: body)
        } catch {
            return .errors(400, "The acknowledgement is not valid: \(Self.describe(error))")
        }
        if case .unknown(let s) = req.acknowledgementStatus {
            return .errors(400, "'\(s)' is not a valid acknowledgement_status")
        }
        guard o.status == .ready else {
            return .errors(
                400, "Order is not in a valid state for this operation: order '\(id)' is \(o.status.rawValue); only ready orders can be acknowledged")
        }
        for item in req.orderItems ?? [] {
            guard o.orderItems.contains(where: { $0.orderItemID == item.orderItemID }) else {
                return .errors(400, "order_item_id '\(item.orderItemID)' is not on order '\(id)'")
            }
            if case .unknown(let s) = item.orderItemAcknowledgementStatus {
                return .errors(400, "'\(s)' is not a valid order_item_acknowledgement_status")
            }
        }
        let stamp = JetDate(raw: JetDate.format(now, style: .zulu7))
        o.acknowledgementStatus = req.acknowledgementStatus
        if let alt = req.altOrderID { o.altOrderID = alt }
        for item in req.orderItems ?? [] {
            if let i = o.orderItems.firstIndex(where: { $0.orderItemID == item.orderItemID }) {
                o.orderItems[i].orderItemAcknowledgementStatus = item.orderItemAcknowledgementStatus
                if let alt = item.altOrderItemID { o.orderItems[i].altOrderItemID = alt }
            }
        }
        if req.acknowledgementStatus == .accepted {
            o.status = .acknowledged
            o.orderAcknowledgeDate = stamp
            for i in o.orderItems.indices where o.orderItems[i].orderItemAcknowledgementStatus == nil {
                o.orderItems[i].orderItemAcknowledgementStatus = .fulfillable
            }
            if state.rng.chance(configuration.directedCancelRate) {
                state.plannedCancels[id] = now.addingTimeInterval(Double.random(in: 600...21600, using: &state.rng))
            }
        } else {
            o.status = .complete
            o.exceptionState = .orderRejected
        }
        state.orders[id] = o
        return .noContent
    }

    func ship(_ id: String, _ body: Data) -> SandboxReply {
        guard var o = state.orders[id] else { return .errors(404, "Order '\(id)' was not found") }
        let req: JetShipRequest
        do {
            req = try JSONDecoder().decode(JetShipRequest.self, from: body)
        } catch {
            return .errors(400, "The shipment is not valid: \(Self.describe(error))")
        }
        guard o.status == .acknowledged || o.status == .inprogress else {
            return .errors(
                400,
                "Order is not in a valid state for this operation: order '\(id)' is \(o.status.rawValue); shipments can be reported only for acknowledged or inprogress orders"
            )
        }
        guard !req.shipments.isEmpty else { return .errors(400, "shipments must not be empty") }
        for (n, s) in req.shipments.enumerated() {
            let label = "shipments[\(n)]"
            guard !s.shipmentItems.isEmpty else { return .errors(400, "\(label).shipment_items must not be empty") }
            for item in s.shipmentItems {
                guard o.orderItems.contains(where: { $0.merchantSKU == item.merchantSKU }) else {
                    return .errors(400, "merchant_sku '\(item.merchantSKU)' is not on order '\(id)'")
                }
                if (item.responseShipmentSKUQuantity ?? 0) < 0 || (item.responseShipmentCancelQty ?? 0) < 0 {
                    return .errors(400, "\(label): quantities must not be negative")
                }
            }
            let shipsUnits = s.shipmentItems.contains { ($0.responseShipmentSKUQuantity ?? 0) > 0 }
            if shipsUnits {
                if (s.shipmentTrackingNumber ?? "").isEmpty { return .errors(400, "\(label).shipment_tracking_number is required") }
                guard let carrier = s.carrier, Self.carriers.contains(carrier.lowercased()) else {
                    return .errors(400, "\(label).carrier '\(s.carrier ?? "")' is not a valid carrier")
                }
                _ = carrier
                guard let method = s.responseShipmentMethod, Self.methods.contains(Self.squash(method)) else {
                    return .errors(400, "\(label).response_shipment_method '\(s.responseShipmentMethod ?? "")' is not a valid shipment method")
                }
                _ = method
                if (s.shipFromZipCode ?? "").isEmpty { return .errors(400, "\(label).ship_from_zip_code is required") }
                guard let date = s.responseShipmentDate, Self.validDate(date.raw) else {
                    return .errors(400, "\(label).response_shipment_date: " + Self.dateMessage)
                }
                _ = date
            } else if (s.altShipmentID ?? "").isEmpty {
                return .errors(400, "\(label).alt_shipment_id is required for a shipment that only cancels units")
            }
            for d in [s.expectedDeliveryDate, s.carrierPickUpDate].compactMap({ $0 }) where !Self.validDate(d.raw) {
                return .errors(400, "\(label): " + Self.dateMessage)
            }
        }
        var shippedAnything = false
        for var s in req.shipments {
            state.shipmentCounter += 1
            s.shipmentID = String(format: "%08d", state.shipmentCounter)
            for i in s.shipmentItems.indices { s.shipmentItems[i].shipmentItemID = "\(s.shipmentID!)-\(i + 1)" }
            if s.shipmentItems.contains(where: { ($0.responseShipmentSKUQuantity ?? 0) > 0 }) { shippedAnything = true }
            o.shipments = (o.shipments ?? []) + [s]
        }
        var allSettled = true
        for item in o.orderItems {
            let (s, c) = settled(o, sku: item.merchantSKU ?? "")
            let ordered = item.requestOrderQuantity ?? 0
            if s + c < ordered { allSettled = false }
            if s > ordered { o.exceptionState = .tooManyUnitsShipped } else if s + c > ordered { o.exceptionState = .tooManyUnitsCancelled }
        }
        o.status = allSettled ? .complete : .inprogress
        if shippedAnything, state.plannedReturns[id] == nil, state.rng.chance(configuration.returnRate) {
            state.plannedReturns[id] = now.addingTimeInterval(Double.random(in: 86400...(5 * 86400), using: &state.rng))
        }
        state.orders[id] = o
        return .noContent
    }

    // MARK: returns

    func listReturns(status raw: String) -> SandboxReply {
        let status = JetReturnStatus(rawValue: raw)
        if case .unknown = status {
            return .errors(404, "'\(raw)' is not a return status (created, acknowledged, inprogress, refund customer without return, completed by merchant)")
        }
        let ids = state.returnSeq.filter { state.returns[$0]?.returnStatus == status }.prefix(1000)
        return .urls("return_urls", ids.map { "/returns/state/\(SandboxRoute.escape($0))" })
    }

    func acknowledgeReturn(_ id: String) -> SandboxReply {
        guard var r = state.returns[id] else { return .errors(404, "Return '\(id)' was not found") }
        guard r.returnStatus == .created else {
            return .errors(400, "Return is not in a valid state for this operation: return '\(id)' is \(r.returnStatus.rawValue)")
        }
        r.returnStatus = .acknowledged
        state.returns[id] = r
        return .noContent
    }

    func completeReturn(_ id: String, _ body: Data) -> SandboxReply {
        guard var r = state.returns[id] else { return .errors(404, "Return '\(id)' was not found") }
        let req: JetCompleteReturnRequest
        do {
            req = try JSONDecoder().decode(JetCompleteReturnRequest.self, from: body)
        } catch {
            return .errors(400, "The return completion is not valid: \(Self.describe(error))")
        }
        guard r.returnStatus != .completedByMerchant else {
            return .errors(400, "Return is not in a valid state for this operation: return '\(id)' is already completed by merchant")
        }
        guard req.merchantOrderID == r.merchantOrderID else {
            return .errors(400, "merchant_order_id '\(req.merchantOrderID)' does not match return '\(id)'")
        }
        for item in req.items {
            guard let sku = r.returnMerchantSKUs.first(where: { $0.orderItemID == item.orderItemID }) else {
                return .errors(400, "order_item_id '\(item.orderItemID)' is not part of return '\(id)'")
            }
            let requested = sku.requestedRefundAmount?.total ?? 0
            let refund = item.refundAmount?.total ?? 0
            if refund < 0 { return .errors(400, "refund_amount must not be negative") }
            if refund > requested + 0.005 {
                return .errors(400, "refund_amount \(refund) for order_item_id '\(item.orderItemID)' is more than the \(requested) requested")
            }
            if (item.orderReturnRefundQty ?? 0) > (sku.returnQuantity ?? 0) {
                return .errors(400, "order_return_refund_qty is more than the return_quantity for '\(item.orderItemID)'")
            }
            if refund < requested - 0.005 {
                guard let feedback = item.returnRefundFeedback, Self.refundFeedback.contains(feedback.lowercased()) else {
                    return .errors(
                        400, "return_refund_feedback is required (and must be one of Jet's values) when refunding less than requested for '\(item.orderItemID)'"
                    )
                }
                _ = feedback
            }
        }
        if !req.agreeToReturnCharge && req.returnChargeFeedback == nil {
            return .errors(400, "return_charge_feedback is required when agree_to_return_charge is false")
        }
        r.returnStatus = .completedByMerchant
        r.completedDate = JetDate(raw: JetDate.format(now, style: .zulu7))
        r.items = req.items
        r.agreeToReturnCharge = req.agreeToReturnCharge
        r.returnChargeFeedback = req.returnChargeFeedback
        if let alt = req.altOrderID { r.altOrderID = alt }
        state.returns[id] = r
        return .noContent
    }

    // MARK: refunds

    func createRefund(order: String, altRefundID: String, _ body: Data) -> SandboxReply {
        guard let o = state.orders[order] else { return .errors(404, "Order '\(order)' was not found") }
        let key = "\(order)/\(altRefundID)"
        if let existing = state.refundKeys[key], let r = state.refunds[existing] {
            // The same alt_refund_id is the same refund: answer as for the first call, create nothing.
            return .json(["refund_authorization_id": r.refundAuthorizationID, "refund_status": r.refundStatus.rawValue], status: 201)
        }
        let req: JetRefundRequest
        do {
            req = try JSONDecoder().decode(JetRefundRequest.self, from: body)
        } catch {
            return .errors(400, "The refund is not valid: \(Self.describe(error))")
        }
        guard !req.items.isEmpty else { return .errors(400, "items must not be empty") }
        for item in req.items {
            guard o.orderItems.contains(where: { $0.orderItemID == item.orderItemID }) else {
                return .errors(400, "order_item_id '\(item.orderItemID)' is not on order '\(order)'")
            }
            guard let amount = item.refundAmount, amount.total > 0 else {
                return .errors(400, "refund_amount is required and must be more than 0 for '\(item.orderItemID)'")
            }
            _ = amount
        }
        let id = "1" + state.rng.digits(18)
        let refund = JetRefund(
            refundAuthorizationID: id, altRefundID: altRefundID, merchantOrderID: order,
            referenceOrderID: o.referenceOrderID, altOrderID: o.altOrderID, refundStatus: .created, items: req.items)
        state.refunds[id] = refund
        state.refundSeq.append(id)
        state.refundKeys[key] = id
        state.refundCreatedAt[id] = now
        return .json(["refund_authorization_id": id, "refund_status": "created"], status: 201)
    }

    func listRefunds(status: String) -> SandboxReply {
        guard ["created", "processing", "accepted", "rejected"].contains(status) else {
            return .errors(404, "'\(status)' is not a refund status (created, processing, accepted, rejected)")
        }
        let ids = state.refundSeq.filter { state.refunds[$0]?.refundStatus.rawValue.hasPrefix(status) ?? false }
        return .urls("refund_urls", ids.map { "/refunds/state/\(SandboxRoute.escape($0))" })
    }

    // MARK: vocabularies

    static let dateMessage = "The date must be in ISO 8601 format yyyy-MM-ddTHH:mm:ss.fffffff-HH:MM (0 to 7 fraction digits, Z or an offset)"

    /// 0–7 fraction digits and `Z` or a `±HH:MM` offset, as Jet accepted.
    static func validDate(_ raw: String) -> Bool {
        guard JetDate.parse(raw) != nil, raw.count >= 19, raw.contains("T") else { return false }
        let afterSeconds = raw.dropFirst(19)
        var fraction = 0
        var rest = Substring(afterSeconds)
        if rest.first == "." {
            rest = rest.dropFirst()
            while let c = rest.first, c.isNumber { fraction += 1; rest = rest.dropFirst() }
            if fraction == 0 || fraction > 7 { return false }
        }
        return rest == "Z" || (rest.count == 6 && (rest.first == "+" || rest.first == "-"))
    }

    static func squash(_ s: String) -> String {
        s.lowercased().filter { $0 != " " && $0 != "_" }
    }

    static let carriers: Set<String> = Set(
        [
            "FedEx", "FedEx SmartPost", "FedEx Freight", "UPS", "UPS Freight", "UPS Mail Innovations", "UPS SurePost", "OnTrac",
            "OnTrac Direct Post", "DHL", "DHL Global Mail", "USPS", "CEVA", "Laser Ship", "Spee Dee", "A Duie Pyle", "A1", "ABF",
            "APEX", "Averitt", "Dynamex", "Eastern Connection", "Ensenda", "Estes", "Land Air Express", "Lone Star", "Meyer",
            "New Penn", "Pilot", "Prestige", "RBF", "Reddaway", "RL Carriers", "Roadrunner", "Southeastern Freight", "UDS", "UES",
            "YRC", "Other", "GSO", "A&M Trucking", "SAIA Freight", "Old Dominion", "Parcel", "Bekins / Home Direct",
            "Seko Worldwide", "Mail Express", "Newgistics", "Delivered by Walmart", "NonstopDelivery", "MPX", "Cagney Global",
            "Simmons Carrier", "AGS", "Watkins & Shepard",
        ].map { $0.lowercased() })

    static let methods: Set<String> = Set(
        [
            "UPS Ground", "UPS 2nd Day Air", "UPS 2nd Day Air AM", "UPS 3 Day Select", "UPS Next Day Air", "UPS Next Day Air Saver",
            "UPS Mail Innovations", "UPS SurePost", "FedEx 2 Day", "FedEx Express Saver", "FedEx First Overnight", "FedEx Ground",
            "FedEx Home Delivery", "FedEx Priority Overnight", "FedEx Smart Post", "FedEx Standard Overnight", "Freight",
            "DHL Global Mail", "Ontrac Ground", "USPS First Class Mail", "USPS Media Mail", "USPS Priority Mail",
            "USPS Priority Mail Express", "USPS Standard Post", "ups_ground", "UPS_ground", "UPSGround", "UPS2ndDayAir",
            "UPS2ndDayAirAM", "UPS3DaySelect", "UPSNextDayAir", "UPSNextDayAirSaver", "UPSSurepost", "UPSMailInnovations",
            "FedExGround", "FedExHome", "Fedex2Day", "FedexExpressSaver", "FedexPriorityOvernight", "FedexStandardOvernight",
            "FedexFirstOvernight", "FedExSmartPost", "USPSPriorityMail", "USPSPriorityMailExpress", "USPSFirstClassMail",
            "USPSMediaMail", "USPSRetailGround", "OnTracGround", "OnTracDirectPost", "DHLeCommerce", "DHLExpressWorldwide",
            "LaserShipNextDay", "GSOGround", "Other",
        ].map(squash))

    /// Both vocabularies of `return_refund_feedback`, compared in lower case.
    static let refundFeedback: Set<String> = Set(
        [
            "other", "item damaged", "not shipped in original packaging", "customer opened item",
            "Item is missing parts/accessories", "Wrong Item", "Item damaged", "Returned outside window", "Restocking fee",
            "Not shipped in original packaging", "Rerouting fee", "Items not received", "Refunded minus shipping cost",
        ].map { $0.lowercased() })

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return ((ctx.codingPath + [key]).map(\.stringValue).joined(separator: ".")) + " is missing"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return ctx.codingPath.map(\.stringValue).joined(separator: ".") + " has the wrong type"
        default:
            return "the body is not valid JSON"
        }
    }
}
