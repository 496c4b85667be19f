import Foundation
import SandboxKit
import WalmartWire

/// Walmart's answers: its error bodies (`errors` from services, `error` from the gateway).
enum WalmartReplies {
    static func errors(
        _ status: Int, code: String, description: String, info: String? = nil, field: String? = nil, category: String = "DATA",
        headers: [(String, String)] = []
    ) -> SandboxReply {
        .json(
            WalmartErrorBody(errors: [.init(code: code, field: field, description: description, info: info, category: category)]), status: status,
            headers: headers)
    }

    static func gateway(_ status: Int, code: String, field: String? = nil, description: String, info: String? = nil) -> SandboxReply {
        .json(WalmartErrorBody(gateway: [.init(code: code, field: field, description: description, info: info)]), status: status)
    }

    static func invalid(_ info: String, field: String? = nil) -> SandboxReply {
        errors(400, code: "INVALID_REQUEST_CONTENT.GMP_ORDER_API", description: "Invalid request content.", info: info, field: field)
    }

    static func notFound(_ what: String) -> SandboxReply {
        errors(404, code: "NOT_FOUND.GMP_ORDER_API", description: "Resource not found.", info: what)
    }

    static func order(_ o: WalmartOrder) -> SandboxReply { .json(WalmartOrderEnvelope(o)) }
}

extension WalmartSandbox {
    // MARK: lists

    /// `GET /v3/orders` and `/v3/orders/released`: filters, `limit` (≤ 200), cursor paging (`nextCursor` is a
    /// query string that starts with `?`, appended as it is, or given as the `nextCursor` parameter); 404 when
    /// nothing matches.
    func listOrders(released: Bool, query rawQuery: [String: String]) -> SandboxReply {
        var query = rawQuery
        if let cursor = query["nextCursor"] {
            query = Self.parseQuery(cursor)
        }
        let limit: Int
        if let text = query["limit"] {
            guard let n = Int(text), (1...200).contains(n) else {
                return WalmartReplies.errors(
                    400, code: "INVALID_REQUEST_PARAM.GMP_ORDER_API", description: "Invalid request parameter.", info: "limit must be from 1 to 200",
                    field: "limit")
            }
            limit = n
        } else {
            limit = 100
        }
        var dates: [String: Date] = [:]
        for key in [
            "createdStartDate", "createdEndDate", "fromExpectedShipDate", "toExpectedShipDate", "lastModifiedStartDate", "lastModifiedEndDate",
        ] {
            guard let text = query[key] else { continue }
            guard let d = WalmartTime.parseISO(text) ?? Int64(text).map({ Date(timeIntervalSince1970: Double($0) / 1000) }) else {
                return WalmartReplies.errors(
                    400, code: "INVALID_REQUEST_PARAM.GMP_ORDER_API", description: "Invalid request parameter.",
                    info: "\(key) must be yyyy-MM-dd or yyyy-MM-dd'T'HH:mm:ssZ", field: key)
            }
            dates[key] = d
        }
        let now = self.now
        let createdFrom = dates["createdStartDate"] ?? now.addingTimeInterval(-7 * 86400)
        let createdTo = dates["createdEndDate"] ?? now
        let status = released ? WalmartVocabulary.created : query["status"]
        let matching = state.orderSeq.compactMap { state.orders[$0] }.filter { o in
            guard let placed = o.orderDate?.date, placed >= createdFrom, placed <= createdTo else { return false }
            if let s = status, !o.lines.contains(where: { $0.units(in: s) > 0 }) { return false }
            if let sku = query["sku"], !o.lines.contains(where: { $0.item.sku == sku }) { return false }
            if let c = query["customerOrderId"], o.customerOrderId != c { return false }
            if let p = query["purchaseOrderId"], o.purchaseOrderId != p { return false }
            let esd = o.shippingInfo?.estimatedShipDate?.date
            if let from = dates["fromExpectedShipDate"], (esd ?? .distantPast) < from { return false }
            if let to = dates["toExpectedShipDate"], (esd ?? .distantFuture) > to { return false }
            let modified = state.modifiedAt[o.purchaseOrderId] ?? placed
            if let from = dates["lastModifiedStartDate"], modified < from { return false }
            if let to = dates["lastModifiedEndDate"], modified > to { return false }
            return true
        }
        let offset = max(0, Int(query["poIndex"] ?? "") ?? 0)
        let page = Array(matching.dropFirst(offset).prefix(limit))
        guard !page.isEmpty else {
            return WalmartReplies.errors(
                404, code: "CONTENT_NOT_FOUND.GMP_ORDER_API", description: "No orders found.", info: "No orders match the criteria.",
                category: "APPLICATION")
        }
        var next: String?
        if offset + page.count < matching.count {
            var pairs: [(String, String)] = [
                ("limit", String(limit)), ("hasMoreElements", "true"), ("soIndex", String(matching.count)), ("poIndex", String(offset + page.count)),
                ("partnerId", state.sellerID), ("sellerId", state.sellerID),
            ]
            if let status { pairs.append(("status", status)) }
            for key in ["sku", "customerOrderId", "purchaseOrderId"] { if let v = query[key] { pairs.append((key, v)) } }
            pairs.append(("createdStartDate", WalmartTime.formatQuery(Date(timeIntervalSince1970: floor(createdFrom.timeIntervalSince1970)))))
            pairs.append(("createdEndDate", WalmartTime.formatQuery(Date(timeIntervalSince1970: ceil(createdTo.timeIntervalSince1970)))))
            for key in ["fromExpectedShipDate", "toExpectedShipDate", "lastModifiedStartDate", "lastModifiedEndDate"] {
                if let d = dates[key] { pairs.append((key, WalmartTime.formatQuery(d))) }
            }
            next = "?" + pairs.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        return .json(WalmartOrderListBody(meta: WalmartListMeta(totalCount: matching.count, limit: limit, nextCursor: next), orders: page))
    }

    static func parseQuery(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.drop(while: { $0 == "?" }).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            out[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return out
    }

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:"))) ?? value
    }

    func getOrder(_ id: String) -> SandboxReply {
        guard let o = state.orders[id] else { return WalmartReplies.notFound("The requested purchase order was not found.") }
        return WalmartReplies.order(o)
    }

    // MARK: changes

    /// `POST …/acknowledge`: every `Created` unit becomes `Acknowledged`; an acknowledged order may be acknowledged
    /// again; one with nothing left to acknowledge is refused.
    func acknowledge(_ id: String) -> SandboxReply {
        guard var o = state.orders[id] else { return WalmartReplies.notFound("The requested purchase order was not found.") }
        let now = self.now
        let created = o.lines.reduce(0) { $0 + $1.units(in: WalmartVocabulary.created) }
        let acknowledged = o.lines.reduce(0) { $0 + $1.units(in: WalmartVocabulary.acknowledged) }
        guard created + acknowledged > 0 else {
            return WalmartReplies.invalid("Purchase order \(id) has no lines to acknowledge: they are shipped or cancelled.")
        }
        for i in o.lines.indices {
            let n = o.lines[i].units(in: WalmartVocabulary.created)
            if n > 0 { o.lines[i] = Self.moving(o.lines[i], open: n, to: WalmartLineStatus(status: WalmartVocabulary.acknowledged, quantity: n), at: now) }
        }
        state.orders[id] = o
        state.modifiedAt[id] = now
        if created > 0, state.rng.chance(configuration.intentToCancelRate) {
            state.plannedIntents[id] = now.addingTimeInterval(Double.random(in: 1800...(12 * 3600), using: &state.rng))
        }
        markDirty()
        return WalmartReplies.order(o)
    }

    /// `POST …/cancel`: units of lines not shipped, each with one of Walmart's five reasons.
    func cancel(_ id: String, _ body: Data) -> SandboxReply {
        guard var o = state.orders[id] else { return WalmartReplies.notFound("The requested purchase order was not found.") }
        guard let request = try? JSONDecoder().decode(WalmartCancellationRequest.self, from: body) else {  // Refused below, with the shape it needs.
            return WalmartReplies.invalid("The body must be {\"orderCancellation\": {\"orderLines\": {\"orderLine\": [...]}}}.")
        }
        let reasons = Set(WalmartVocabulary.cancelReasons.map(\.2))
        var plan: [(Int, Int, String)] = []
        for update in request.lines {
            guard let i = o.lines.firstIndex(where: { $0.lineNumber == update.lineNumber }) else {
                return WalmartReplies.invalid("Purchase order \(id) has no line \(update.lineNumber).", field: "lineNumber")
            }
            for s in update.orderLineStatuses.items {
                guard s.status.lowercased() == "cancelled" else { return WalmartReplies.invalid("status must be Cancelled, not \(s.status).", field: "status") }
                guard let reason = s.cancellationReason, reasons.contains(reason) else {
                    return WalmartReplies.invalid(
                        "cancellationReason must be one of \(reasons.sorted().joined(separator: ", ")).", field: "cancellationReason")
                }
                let open = o.lines[i].units(in: WalmartVocabulary.created) + o.lines[i].units(in: WalmartVocabulary.acknowledged)
                let planned = plan.filter { $0.0 == i }.reduce(0) { $0 + $1.1 }
                guard s.units >= 1, s.units + planned <= open else {
                    let shipped = o.lines[i].units(in: WalmartVocabulary.shipped) + o.lines[i].units(in: WalmartVocabulary.delivered)
                    return WalmartReplies.invalid(
                        "Line \(update.lineNumber) has \(open) unit(s) that can be cancelled\(shipped > 0 ? " (\(shipped) shipped: once shipped, units cannot be cancelled)" : ""); \(s.units) requested.",
                        field: "statusQuantity")
                }
                plan.append((i, s.units, reason))
            }
        }
        guard !plan.isEmpty else { return WalmartReplies.invalid("No lines to cancel.", field: "orderLine") }
        let now = self.now
        for (i, units, reason) in plan {
            o.lines[i] = Self.moving(
                o.lines[i], open: units, to: WalmartLineStatus(status: WalmartVocabulary.cancelled, quantity: units, cancellationReason: reason), at: now)
        }
        state.orders[id] = o
        state.modifiedAt[id] = now
        markDirty()
        return WalmartReplies.order(o)
    }

    /// `POST …/shipping`: acknowledged units of lines, with tracking (a carrier Walmart knows, or `otherCarrier`
    /// with a tracking URL) and one of the six methods.
    func ship(_ id: String, _ body: Data) -> SandboxReply {
        guard var o = state.orders[id] else { return WalmartReplies.notFound("The requested purchase order was not found.") }
        guard let request = try? JSONDecoder().decode(WalmartShipmentRequest.self, from: body) else {  // Refused below, with the shape it needs.
            return WalmartReplies.invalid("The body must be {\"orderShipment\": {\"orderLines\": {\"orderLine\": [...]}}}.")
        }
        let carriers = Set(WalmartVocabulary.carriers)
        let methods = Set(WalmartVocabulary.methods.map { $0.lowercased() })
        var plan: [(Int, WalmartLineStatus, String?)] = []
        for update in request.lines {
            guard let i = o.lines.firstIndex(where: { $0.lineNumber == update.lineNumber }) else {
                return WalmartReplies.invalid("Purchase order \(id) has no line \(update.lineNumber).", field: "lineNumber")
            }
            if configuration.requireSellerOrderID, (update.sellerOrderId ?? "").isEmpty {
                return WalmartReplies.invalid("sellerOrderId is required.", field: "sellerOrderId")
            }
            if let seller = update.sellerOrderId, seller.count > 30 {
                return WalmartReplies.invalid("sellerOrderId must be at most 30 characters.", field: "sellerOrderId")
            }
            if o.lines[i].intentToCancel != nil, update.intentToCancelOverride != true {
                return WalmartReplies.invalid(
                    "The customer asked to cancel line \(update.lineNumber): cancel it, or ship with intentToCancelOverride true.",
                    field: "intentToCancelOverride")
            }
            for s in update.orderLineStatuses.items {
                guard s.status.lowercased() == "shipped" else { return WalmartReplies.invalid("status must be Shipped, not \(s.status).", field: "status") }
                guard let t = s.trackingInfo, let number = t.trackingNumber, !number.isEmpty else {
                    return WalmartReplies.invalid("trackingInfo.trackingNumber is required.", field: "trackingNumber")
                }
                guard t.shipDateTime?.date != nil else { return WalmartReplies.invalid("trackingInfo.shipDateTime is required.", field: "shipDateTime") }
                guard let method = t.methodCode, methods.contains(method.lowercased()) else {
                    return WalmartReplies.invalid("methodCode must be one of \(WalmartVocabulary.methods.joined(separator: ", ")).", field: "methodCode")
                }
                if let carrier = t.carrierName?.carrier {
                    guard carriers.contains(carrier) else {
                        return WalmartReplies.invalid(
                            "The carrierName must exactly match one of the supported carrier names, not \(carrier).", field: "carrier")
                    }
                } else {
                    guard let other = t.carrierName?.otherCarrier, !other.isEmpty, !(t.trackingURL ?? "").isEmpty else {
                        return WalmartReplies.invalid("A carrier, or otherCarrier with a trackingURL, is required.", field: "carrierName")
                    }
                }
                let acknowledged = o.lines[i].units(in: WalmartVocabulary.acknowledged)
                let planned = plan.filter { $0.0 == i }.reduce(0) { $0 + $1.1.units }
                guard s.units >= 1, s.units + planned <= acknowledged else {
                    let created = o.lines[i].units(in: WalmartVocabulary.created)
                    return WalmartReplies.invalid(
                        "Line \(update.lineNumber) has \(acknowledged) acknowledged unit(s) to ship\(created > 0 ? " (\(created) not acknowledged yet: acknowledge the order first)" : ""); \(s.units) requested.",
                        field: "statusQuantity")
                }
                var shipped = WalmartLineStatus(status: WalmartVocabulary.shipped, quantity: s.units)
                var tracking = t
                if (tracking.trackingURL ?? "").isEmpty { tracking.trackingURL = "https://www.walmart.com/tracking?tracking_id=\(Self.escape(number))" }
                shipped.trackingInfo = tracking
                shipped.returnCenterAddress = s.returnCenterAddress
                plan.append((i, shipped, update.sellerOrderId))
            }
        }
        guard !plan.isEmpty else { return WalmartReplies.invalid("No lines to ship.", field: "orderLine") }
        let now = self.now
        for (i, status, seller) in plan {
            o.lines[i] = Self.moving(o.lines[i], open: status.units, to: status, at: now, fromAcknowledgedOnly: true)
            if let seller {
                o.lines[i].sellerOrderId = seller
                o.sellerOrderId = seller
            }
        }
        state.orders[id] = o
        state.modifiedAt[id] = now
        state.plannedDeliveries[id] = now.addingTimeInterval(2 * 86400)
        if state.plannedReturns[id] == nil, state.rng.chance(configuration.returnRate) {
            state.plannedReturns[id] = now.addingTimeInterval(Double.random(in: 86400...(5 * 86400), using: &state.rng))
        }
        markDirty()
        return WalmartReplies.order(o)
    }

    /// `POST …/refund`: shipped lines only, amounts negative and never more than was charged.
    func refund(_ id: String, _ body: Data) -> SandboxReply {
        guard var o = state.orders[id] else { return WalmartReplies.notFound("The requested purchase order was not found.") }
        guard let request = try? JSONDecoder().decode(WalmartRefundRequest.self, from: body) else {  // Refused below, with the shape it needs.
            return WalmartReplies.invalid("The body must be {\"orderRefund\": {\"purchaseOrderId\": …, \"orderLines\": {\"orderLine\": [...]}}}.")
        }
        if let po = request.orderRefund.purchaseOrderId, po != id {
            return WalmartReplies.invalid("purchaseOrderId \(po) in the body is not \(id) of the path.", field: "purchaseOrderId")
        }
        let reasons = Set(WalmartVocabulary.refundReasons.map(\.2))
        var plan: [(Int, WalmartRefund)] = []
        for line in request.lines {
            guard let i = o.lines.firstIndex(where: { $0.lineNumber == line.lineNumber }) else {
                return WalmartReplies.invalid("Purchase order \(id) has no line \(line.lineNumber).", field: "lineNumber")
            }
            let l = o.lines[i]
            guard l.units(in: WalmartVocabulary.shipped) + l.units(in: WalmartVocabulary.delivered) > 0 else {
                return WalmartReplies.invalid("You can only refund an order line that has a status of Shipped; line \(line.lineNumber) has none.")
            }
            func charged(_ shipping: Bool) -> Double {
                (l.charges?.items ?? []).filter { $0.isShipping == shipping }.reduce(0) {
                    $0 + ($1.chargeAmount?.amount ?? 0) + ($1.tax?.taxAmount?.amount ?? 0)
                }
            }
            func refunded(_ shipping: Bool, _ charges: [WalmartRefund.Charge]) -> Double {
                charges.filter { $0.charge?.isShipping == shipping }.reduce(0) {
                    $0 - ($1.charge?.chargeAmount?.amount ?? 0) - ($1.charge?.tax?.taxAmount?.amount ?? 0)
                }
            }
            var charges: [WalmartRefund.Charge] = []
            for r in line.refunds.items {
                for c in r.charges {
                    guard let reason = c.refundReason, reasons.contains(reason) else {
                        return WalmartReplies.invalid("refundReason must be one of Walmart's refund reasons.", field: "refundReason")
                    }
                    guard let amount = c.charge?.chargeAmount?.amount, amount < 0, (c.charge?.tax?.taxAmount?.amount ?? 0) <= 0 else {
                        return WalmartReplies.invalid("The value for the amount element in the refund must be negative.", field: "chargeAmount")
                    }
                    charges.append(c)
                }
            }
            if line.isFullRefund == true {
                charges = (l.charges?.items ?? []).map { c in
                    WalmartRefund.Charge(
                        refundReason: charges.first?.refundReason ?? "Others",
                        charge: WalmartCharge(
                            chargeType: c.chargeType ?? "PRODUCT", chargeName: c.chargeName ?? "ItemPrice", amount: -(c.chargeAmount?.amount ?? 0),
                            tax: c.tax?.taxAmount.map { -$0.amount }))
                }
            }
            let before = l.refund?.charges ?? []
            for shipping in [false, true] where refunded(shipping, before + charges) > charged(shipping) + 0.005 {
                return WalmartReplies.invalid(
                    "The magnitude of the refund cannot be greater than the original amount charged for line \(line.lineNumber) (\(String(format: "%.2f", charged(shipping))) \(shipping ? "shipping" : "product"), \(String(format: "%.2f", refunded(shipping, before))) refunded already).",
                    field: "chargeAmount")
            }
            let comments = [l.refund?.refundComments, line.refunds.items.compactMap(\.refundComments).joined(separator: " ")].compactMap { $0 }
                .filter { !$0.isEmpty }.joined(separator: " | ")
            plan.append((i, WalmartRefund(refundId: l.refund?.refundId ?? state.rng.digits(12), refundComments: comments, charges: before + charges)))
        }
        guard !plan.isEmpty else { return WalmartReplies.invalid("No lines to refund.", field: "orderLine") }
        for (i, r) in plan { o.lines[i].refund = r }
        state.orders[id] = o
        state.modifiedAt[id] = now
        markDirty()
        return WalmartReplies.order(o)
    }
}
