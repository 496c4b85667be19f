import Foundation
import JetWire
import Synchronization

extension JetClient {
    /// Optional filters of `GET /orders/{status}`.
    public struct OrderQuery: Sendable {
        public var isCancelled: Bool?
        public var fulfillmentNode: String?

        public init(isCancelled: Bool? = nil, fulfillmentNode: String? = nil) {
            self.isCancelled = isCancelled
            self.fulfillmentNode = fulfillmentNode
        }

        var queryString: String {
            var items: [String] = []
            if let isCancelled { items.append("isCancelled=\(isCancelled)") }
            if let fulfillmentNode { items.append("fulfillment_node=\(JetClient.escape(fulfillmentNode))") }
            return items.isEmpty ? "" : "?" + items.joined(separator: "&")
        }
    }

    /// `GET /authcheck`: true when the token works.
    public func authCheck() async throws(JetAPIError) -> Bool {
        try await perform("GET", "/authcheck", changesState: false) { data throws(JetAPIError) in
            String(decoding: data, as: UTF8.self).contains("authorized")
        }
    }

    /// `GET /orders/{status}`: the ids of up to 1,000 orders in that status.
    public func orderIDs(status: JetOrderStatus, query: OrderQuery = .init()) async throws(JetAPIError) -> [String] {
        let path = "/orders/\(JetClient.escape(status.rawValue))\(query.queryString)"
        return try await list(path)
    }

    /// Jet lists at most this many orders per status.
    public static let listLimit = 1000

    /// Every order in a status, past Jet's 1,000: when a list comes back full, its orders get a tag of this run
    /// (`PUT /orders/{id}/tag`) and the orders without it are listed next (`GET /orders/{status}/{tag}/false`),
    /// until a list comes back short (Jet's tag pseudo-paging). Returns the ids and how many lists it took.
    public func allOrderIDs(
        status: JetOrderStatus, connections: Int? = nil, maxPages: Int = 100
    ) async throws(JetAPIError)
        -> (ids: [String], pages: Int)
    {
        let first = try await orderIDs(status: status)
        let (more, pages) = try await pages(after: first, status: status, connections: connections, maxPages: maxPages)
        return (first + more, pages)
    }

    /// The orders past a first page of `status` that was full: each page's orders are tagged, and the orders
    /// without the tag listed next, until a page is not full. Returns the orders not in `first`, and how many
    /// pages there were in all (1 when `first` was not full).
    public func pages(
        after first: [String], status: JetOrderStatus, connections: Int? = nil, maxPages: Int = 100
    ) async throws(JetAPIError) -> (ids: [String], pages: Int) {
        var page = first
        var more: [String] = []
        var seen = Set(page)
        var pages = 1
        let tag = "jom-page-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        while page.count >= Self.listLimit, pages < maxPages {
            for (id, outcome) in await fetchMany(page, connections: connections, { id throws(JetAPIError) in try await self.tag(order: id, tag) }) {
                if case .failure(let e) = outcome {
                    throw JetAPIError(
                        e.kind, call: "PUT /orders/\(id)/tag", message: "listing past Jet's first \(Self.listLimit) orders needs a tag on each: \(e.message)")
                }
            }
            page = try await orderIDs(status: status, tag: tag, tagged: false)
            pages += 1
            for id in page where seen.insert(id).inserted { more.append(id) }
        }
        return (more, pages)
    }

    /// `GET /orders/directedCancel`: orders Jet asks the merchant to cancel.
    public func directedCancelOrderIDs() async throws(JetAPIError) -> [String] {
        try await list("/orders/directedCancel")
    }

    /// `GET /orders/{status}/{tag}/{true|false}`: orders in a status with (or without) a tag.
    public func orderIDs(status: JetOrderStatus, tag: String, tagged: Bool) async throws(JetAPIError) -> [String] {
        try await list("/orders/\(JetClient.escape(status.rawValue))/\(JetClient.escape(tag))/\(tagged)")
    }

    /// `PUT /orders/{id}/tag`: puts a tag on an order (nil removes it).
    public func tag(order id: String, _ tag: String?) async throws(JetAPIError) {
        let path = "/orders/\(JetClient.escape(id))/tag"
        let body = try encode(tag.map { ["tag": $0] } ?? [:], call: "PUT \(path)")
        try await perform("PUT", path, body: body, changesState: true) { _ throws(JetAPIError) in () }
    }

    /// `GET /orders/withoutShipmentDetail/{id}`.
    public func order(_ id: String) async throws(JetAPIError) -> JetOrder {
        let path = "/orders/withoutShipmentDetail/\(JetClient.escape(id))"
        return try await perform("GET", path, changesState: false) { data throws(JetAPIError) in
            try self.decode(JetOrder.self, data, call: "GET \(path)")
        }
    }

    /// Many order details at once, at most `connections` in flight (see ``fetchMany(_:connections:_:)``). Each id
    /// gets its own result.
    public func orders(_ ids: [String], connections: Int? = nil) async -> [String: Result<JetOrder, JetAPIError>] {
        await fetchMany(ids, connections: connections) { id throws(JetAPIError) in try await self.order(id) }
    }

    /// `PUT /orders/{id}/acknowledge`: accepts or rejects a ready order.
    public func acknowledge(order id: String, _ request: JetAcknowledgeRequest) async throws(JetAPIError) {
        let path = "/orders/\(JetClient.escape(id))/acknowledge"
        let body = try encode(request, call: "PUT \(path)")
        try await perform("PUT", path, body: body, changesState: true) { _ throws(JetAPIError) in () }
    }

    /// `PUT /orders/{id}/shipped`: reports shipments, or cancels units with a cancel-only shipment.
    public func ship(order id: String, _ request: JetShipRequest) async throws(JetAPIError) {
        let path = "/orders/\(JetClient.escape(id))/shipped"
        let body = try encode(request, call: "PUT \(path)")
        try await perform("PUT", path, body: body, changesState: true) { _ throws(JetAPIError) in () }
    }

    func list(_ path: String) async throws(JetAPIError) -> [String] {
        try await perform("GET", path, changesState: false) { data throws(JetAPIError) in
            try self.decode(JetURLList.self, data, call: "GET \(path)").ids
        }
    }

    /// Runs `fetch` for every id, several at once: never more than `connections` (or the configuration's
    /// ceiling) in flight. It starts at 8 and adds one for each answer until Jet first says "too many requests";
    /// every 429 halves the number, which then grows back slowly (one more per round of answers), as TCP does.
    func fetchMany<T: Sendable>(
        _ ids: [String], connections: Int? = nil,
        _ fetch: @escaping @Sendable (String) async throws(JetAPIError) -> T
    ) async
        -> [String: Result<T, JetAPIError>]
    {
        var results: [String: Result<T, JetAPIError>] = [:]
        results.reserveCapacity(ids.count)
        let ceiling = max(1, min(connections ?? configuration.concurrency, configuration.concurrency))
        var width = Double(min(ceiling, 8))
        var slowStart = true
        var throttlesSeen = throttled.withLock { $0 }
        await withTaskGroup(of: (String, Result<T, JetAPIError>).self) { group in
            var next = 0
            var inFlight = 0
            func fill() {
                while next < ids.count, inFlight < max(1, Int(width)) {
                    let id = ids[next]
                    next += 1
                    inFlight += 1
                    group.addTask {
                        do throws(JetAPIError) { return (id, .success(try await fetch(id))) } catch { return (id, .failure(error)) }
                    }
                }
            }
            fill()
            for await (id, result) in group {
                inFlight -= 1
                results[id] = result
                let throttles = throttled.withLock { $0 }
                if throttles > throttlesSeen {
                    throttlesSeen = throttles
                    width = max(1, width / 2)
                    slowStart = false
                } else if case .success = result {
                    width = min(Double(ceiling), width + (slowStart ? 1 : 1 / width))
                }
                fill()
            }
        }
        return results
    }
}
