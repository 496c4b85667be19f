import Foundation
import SandboxKit
import WalmartWire

extension WalmartSandbox {
    /// `GET /v3/returns`: newest first, filtered, `limit` (default 10, ≤ 200), cursor paging with `offset`.
    func listReturns(query rawQuery: [String: String]) -> SandboxReply {
        var query = rawQuery
        if let cursor = query["nextCursor"] { query = Self.parseQuery(cursor) }
        let limit = Int(query["limit"] ?? "10") ?? 0
        guard (1...200).contains(limit) else {
            return WalmartReplies.errors(
                400, code: "INVALID_REQUEST_PARAM.GMP_RETURNS_API", description: "Invalid request parameter.", info: "limit must be from 1 to 200",
                field: "limit")
        }
        if (query["returnCreationStartDate"] == nil) != (query["returnCreationEndDate"] == nil) {
            return WalmartReplies.errors(
                400, code: "INVALID_REQUEST_PARAM.GMP_RETURNS_API", description: "Invalid request parameter.",
                info: "returnCreationStartDate and returnCreationEndDate must be sent together", field: "returnCreationStartDate")
        }
        let from = query["returnCreationStartDate"].flatMap(WalmartTime.parseISO)
        let to = query["returnCreationEndDate"].flatMap(WalmartTime.parseISO)
        let matching = state.returnSeq.reversed().compactMap { state.returns[$0] }.filter { r in
            if let id = query["returnOrderId"], r.returnOrderId != id { return false }
            if let c = query["customerOrderId"], r.customerOrderId != c { return false }
            if let s = query["status"], r.status != s.uppercased() { return false }
            let at = r.returnOrderDate?.date ?? .distantPast
            if let from, at < from { return false }
            if let to, at > to { return false }
            return true
        }
        let offset = max(0, Int(query["offset"] ?? "") ?? 0)
        let page = Array(matching.dropFirst(offset).prefix(limit))
        var next: String?
        if offset + page.count < matching.count {
            var pairs = [("sellerId", state.sellerID), ("limit", String(limit)), ("offset", String(offset + page.count))]
            for key in ["returnOrderId", "customerOrderId", "status", "returnCreationStartDate", "returnCreationEndDate"] {
                if let v = query[key] { pairs.append((key, v)) }
            }
            next = "?" + pairs.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        return .json(WalmartReturnListBody(meta: WalmartListMeta(totalCount: matching.count, limit: limit, nextCursor: next), returnOrders: page))
    }

    /// `POST /v3/returns/{id}/refund`: units of its lines (the line may be left out when there is one); Walmart
    /// prices them. A line refunded in full is completed; so is the return when every line is.
    func refundReturn(_ id: String, _ body: Data) -> SandboxReply {
        guard var r = state.returns[id] else {
            return WalmartReplies.errors(404, code: "NOT_FOUND.GMP_RETURNS_API", description: "Resource not found.", info: "No return \(id).")
        }
        guard let request = try? JSONDecoder().decode(WalmartReturnRefundRequest.self, from: body), !request.refundLines.isEmpty else {  // Refused below.
            return WalmartReplies.errors(
                400, code: "INVALID_REQUEST_CONTENT.GMP_RETURNS_API", description: "Invalid request content.",
                info:
                    "The body must be {\"customerOrderId\": …, \"refundLines\": [{\"returnOrderLineNumber\": 1, \"quantity\": {\"unitOfMeasure\": \"EA\", \"measurementValue\": 1}}]}."
            )
        }
        func invalid(_ info: String) -> SandboxReply {
            WalmartReplies.errors(400, code: "INVALID_REQUEST_CONTENT.GMP_RETURNS_API", description: "Invalid request content.", info: info)
        }
        if let c = request.customerOrderId, let mine = r.customerOrderId, c != mine {
            return invalid("customerOrderId \(c) is not the return's (\(mine)).")
        }
        var plan: [(Int, Int)] = []
        for line in request.refundLines {
            let index: Int?
            if let n = line.returnOrderLineNumber {
                index = r.returnOrderLines.firstIndex { $0.returnOrderLineNumber == n }
            } else {
                guard r.returnOrderLines.count == 1 else { return invalid("returnOrderLineNumber is required: the return has several lines.") }
                index = 0
            }
            guard let i = index else { return invalid("The return has no line \(line.returnOrderLineNumber ?? 0).") }
            let left = r.returnOrderLines[i].units - (r.returnOrderLines[i].refundedQty ?? 0) - plan.filter { $0.0 == i }.reduce(0) { $0 + $1.1 }
            guard line.quantity.measurementValue >= 1, line.quantity.measurementValue <= left else {
                return invalid(
                    "Line \(r.returnOrderLines[i].returnOrderLineNumber) has \(left) unit(s) left to refund; \(line.quantity.measurementValue) requested.")
            }
            plan.append((i, line.quantity.measurementValue))
        }
        for (i, units) in plan { r.returnOrderLines[i] = Self.refunded(r.returnOrderLines[i], units: units, channel: "SELLER_MANUAL_REFUND", at: now) }
        state.returns[id] = r
        markDirty()
        return .json(WalmartReturnRefundResponse(returnOrderId: id, customerOrderId: r.customerOrderId, refundLines: request.refundLines))
    }

    /// The line with `units` more refunded through `channel`: completed once all its units are.
    static func refunded(_ line: WalmartReturnLine, units: Int, channel: String, at: Date) -> WalmartReturnLine {
        var l = line
        guard units > 0 else { return l }
        let done = (l.refundedQty ?? 0) + units
        l.refundedQty = done
        l.cancellableQty = max(0, l.units - done)
        let open = l.units - done
        var statuses: [WalmartReturnLine.TrackingStatus] = [
            .init(status: WalmartVocabulary.completed, statusTime: at, currentRefundStatus: "REFUND_COMPLETED", quantity: done)
        ]
        if open > 0 { statuses.append(.init(status: l.currentStatus, statusTime: at, currentRefundStatus: nil, quantity: open)) }
        l.currentTrackingStatuses = statuses
        l.currentRefundStatus = "REFUND_COMPLETED"
        if open == 0 {
            l.status = WalmartVocabulary.completed
            l.statusTime = WalmartTime(at, form: .iso)
        }
        l.returnTrackingDetail =
            (l.returnTrackingDetail ?? []) + [
                .init(
                    sequenceNo: (l.returnTrackingDetail?.count ?? 0) + 1, eventTag: "REFUND_ISSUED", eventDescription: "Refund issued (\(channel))",
                    eventTime: at)
            ]
        return l
    }
}
