import Foundation
import MarketplaceHTTP
import WalmartWire

extension WalmartClient {
    /// What a list brought: its elements, and how many pages it took.
    public struct Listing<T: Decodable & Sendable>: Sendable {
        public var items: [WalmartListed<T>]
        public var pages: Int
    }

    /// Every page of an order list: the first with `query`, the next ones with the `nextCursor` Walmart gave,
    /// appended as it is (a query string starting with `?`). A 404 is an empty list; a cursor seen before ends it.
    public func orderList(_ path: String, query: [(String, String)]) async throws(WalmartAPIError) -> Listing<WalmartOrder> {
        var items: [WalmartListed<WalmartOrder>] = []
        var pages = 0
        var next: String? = Self.queryString(query)
        var seen = Set<String>()
        while let q = next, seen.insert(q).inserted, pages < 1000 {
            let reply = try await call("GET", path + q, changesState: false)
            pages += 1
            if reply.status == 404 { break }
            let list = try decode(WalmartOrderList.self, reply.body, call: "GET \(path)")
            items += list.orders
            next = list.meta?.nextCursor.map { $0.hasPrefix("?") ? $0 : "?" + $0 }
            if list.orders.isEmpty { break }
        }
        return Listing(items: items, pages: pages)
    }

    /// `GET /v3/orders/released`: orders with lines still `Created`, ready to acknowledge.
    public func releasedOrders(since: String? = nil) async throws(WalmartAPIError) -> Listing<WalmartOrder> {
        try await orderList("/v3/orders/released", query: [("limit", String(configuration.pageSize))] + (since.map { [("createdStartDate", $0)] } ?? []))
    }

    /// `GET /v3/orders?status=…` (and other filters).
    public func orders(_ filters: [(String, String)]) async throws(WalmartAPIError) -> Listing<WalmartOrder> {
        try await orderList("/v3/orders", query: [("limit", String(configuration.pageSize))] + filters)
    }

    /// `GET /v3/orders/{purchaseOrderId}`; nil when Walmart has no such order.
    public func order(_ purchaseOrderID: String) async throws(WalmartAPIError) -> WalmartOrder? {
        let path = "/v3/orders/\(Self.escape(purchaseOrderID))"
        let reply = try await call("GET", path, changesState: false)
        if reply.status == 404 { return nil }
        return try decode(WalmartOrderEnvelope.self, reply.body, call: "GET \(path)").order
    }

    /// `POST /v3/orders/{purchaseOrderId}/acknowledge`, no body: the whole purchase order.
    public func acknowledge(_ purchaseOrderID: String) async throws(WalmartAPIError) -> WalmartOrder? {
        try await change("/v3/orders/\(Self.escape(purchaseOrderID))/acknowledge", body: nil)
    }

    /// `POST /v3/orders/{purchaseOrderId}/shipping`.
    public func ship(_ purchaseOrderID: String, _ request: WalmartShipmentRequest) async throws(WalmartAPIError) -> WalmartOrder? {
        let path = "/v3/orders/\(Self.escape(purchaseOrderID))/shipping"
        return try await change(path, body: try encode(request, call: "POST \(path)"))
    }

    /// `POST /v3/orders/{purchaseOrderId}/cancel`.
    public func cancel(_ purchaseOrderID: String, _ request: WalmartCancellationRequest) async throws(WalmartAPIError) -> WalmartOrder? {
        let path = "/v3/orders/\(Self.escape(purchaseOrderID))/cancel"
        return try await change(path, body: try encode(request, call: "POST \(path)"))
    }

    /// `POST /v3/orders/{purchaseOrderId}/refund`.
    public func refund(_ purchaseOrderID: String, _ request: WalmartRefundRequest) async throws(WalmartAPIError) -> WalmartOrder? {
        let path = "/v3/orders/\(Self.escape(purchaseOrderID))/refund"
        return try await change(path, body: try encode(request, call: "POST \(path)"))
    }

    /// A call that changes an order; its answer is the order as it now is (nil when it cannot be read: the change
    /// was applied all the same).
    func change(_ path: String, body: Data?) async throws(WalmartAPIError) -> WalmartOrder? {
        let reply = try await call("POST", path, body: body, changesState: true)
        if reply.status == 404 {
            throw failure(reply, call: "POST \(path.split(separator: "?").first.map(String.init) ?? path)")
        }
        return try? decode(WalmartOrderEnvelope.self, reply.body, call: "POST \(path)").order  // Applied: the order is read again later.
    }

    /// `GET /v3/returns` with filters, every page.
    public func returns(_ filters: [(String, String)]) async throws(WalmartAPIError) -> Listing<WalmartReturnOrder> {
        var items: [WalmartListed<WalmartReturnOrder>] = []
        var pages = 0
        var next: String? = Self.queryString([("limit", String(configuration.pageSize))] + filters)
        var seen = Set<String>()
        while let q = next, seen.insert(q).inserted, pages < 1000 {
            let reply = try await call("GET", "/v3/returns" + q, changesState: false)
            pages += 1
            if reply.status == 404 { break }
            let list = try decode(WalmartReturnList.self, reply.body, call: "GET /v3/returns")
            items += list.returnOrders
            next = list.meta?.nextCursor.map { $0.hasPrefix("?") ? $0 : "?" + $0 }
            if list.returnOrders.isEmpty { break }
        }
        return Listing(items: items, pages: pages)
    }

    /// One return order by its id; nil when Walmart has none.
    public func returnOrder(_ id: String) async throws(WalmartAPIError) -> WalmartReturnOrder? {
        for case .read(let r) in try await returns([("returnOrderId", id)]).items where r.returnOrderId == id { return r }
        return nil
    }

    /// `POST /v3/returns/{returnOrderId}/refund`.
    public func refundReturn(_ id: String, _ request: WalmartReturnRefundRequest) async throws(WalmartAPIError) {
        let path = "/v3/returns/\(Self.escape(id))/refund"
        let reply = try await call("POST", path, body: try encode(request, call: "POST \(path)"), changesState: true)
        if reply.status == 404 { throw failure(reply, call: "POST \(path)") }
    }

    static func queryString(_ pairs: [(String, String)]) -> String {
        "?" + pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }
}
