import Foundation
import OrderDesk
import WalmartWire

extension MarketplaceTraits {
    /// Walmart's: lines cancelled by their own call with one of five reasons, no reject, no return acceptance or
    /// denial, return refunds by units (Walmart prices them), refunds without a return only of shipped lines,
    /// acknowledgement within 4 hours, and unshipped lines cancelled by Walmart 4 days after the ship-by date.
    public static let walmart: MarketplaceTraits = {
        var t = MarketplaceTraits(
            name: "Walmart", orderIDName: "purchase order number", cancelling: .cancelCall,
            cancelReasons: WalmartVocabulary.cancelReasons.map { MarketplaceReason($0.0, $0.1, code: $0.2) },
            requestedCancelReason: WalmartVocabulary.cancelReasons.first.map { MarketplaceReason($0.0, $0.1, code: $0.2) },
            refundReasons: WalmartVocabulary.refundReasons.map { MarketplaceReason($0.0, $0.1, code: $0.2) },
            acceptsReturns: false, deniesReturns: false, refundsReturnAmounts: false, refundsOnlyShipped: true, needsShipFromZip: false,
            carriers: CarrierCatalog(carriers: WalmartVocabulary.carriers, sharedMethods: WalmartVocabulary.methods, fallbackMethod: "Standard"),
            acknowledgeWithin: 4 * 3600, autoCancelAfterShipBy: 4 * 86400,
            credentialsRemedy: WalmartAPIError.credentialsRemedy, requestedCancelName: "the customer's request to cancel")
        t.orderIDWidth = 15
        t.changesPerMinute = 60
        t.commandHelp = WalmartHelp.commands
        t.exportIDNames = ["purchase_order_id", "order_number"]
        return t
    }()
}

/// The order desk's ``Marketplace`` port, spoken over Walmart's Orders and Returns API.
public struct WalmartMarketplace: Marketplace {
    public let client: WalmartClient
    public let displayName: String
    public let binding: MarketplaceBinding
    /// "Now", for the window of orders listed (Walmart lists those created in the last 180 days when asked).
    let clock: WallClock

    /// `binding`: `.walmartSandbox` for the embedded sandbox; by default the seller account of the configuration.
    public init(client: WalmartClient, displayName: String, binding: MarketplaceBinding? = nil, clock: WallClock = .system) {
        self.client = client
        self.displayName = displayName
        self.clock = clock
        let c = client.configuration
        self.binding = binding ?? .walmart(api: c.baseURL, clientID: c.clientID)
    }

    /// Released orders (lines `Created`), acknowledged ones (a customer may ask to cancel them), the watched
    /// orders not in those lists one by one, and the returns still open (initiated or delivered) with the
    /// watched ones.
    public func download(watch: [String], returns watchedReturns: [String], connections: Int) async throws(MarketplaceError) -> DownloadResult {
        do {
            var result = DownloadResult()
            var byID: [String: Order] = [:]
            var order: [String] = []
            func take(_ listing: WalmartClient.Listing<WalmartOrder>) {
                for element in listing.items {
                    switch element {
                    case .read(let w):
                        if byID[w.purchaseOrderId] == nil { order.append(w.purchaseOrderId) }
                        byID[w.purchaseOrderId] = WalmartMapping.order(w)
                    case .unreadable(let id, let problem):
                        result.failures.append(
                            DownloadFailure(.order, id: id ?? "(no id)", cause: "Walmart's answer could not be read: \(problem)", unreadable: true))
                    }
                }
            }
            // Walmart lists the last 7 days unless told otherwise; orders stay open longer than that.
            let since = WalmartTime.formatQuery(clock.now.addingTimeInterval(-180 * 86400))
            // The four lists at once (each pages on by itself): a download costs the longest, not their sum.
            let client = self.client
            async let releasedList = Self.outcome { () async throws(WalmartAPIError) in try await client.releasedOrders(since: since) }
            async let acknowledgedList = Self.outcome { () async throws(WalmartAPIError) in
                try await client.orders([("status", WalmartVocabulary.acknowledged), ("createdStartDate", since)])
            }
            async let initiatedReturns = Self.outcome { () async throws(WalmartAPIError) in
                try await client.returns([("status", WalmartVocabulary.initiated)])
            }
            async let deliveredReturns = Self.outcome { () async throws(WalmartAPIError) in
                try await client.returns([("status", WalmartVocabulary.returnDelivered)])
            }
            let released = try await releasedList.get()
            take(released)
            let acknowledged = try await acknowledgedList.get()
            take(acknowledged)
            let openReturns = [try await initiatedReturns.get(), try await deliveredReturns.get()]
            var returnsByOrder: [String: [ReturnRequest]] = [:]
            var seenReturns = Set<String>()
            func takeReturn(_ r: WalmartReturnOrder) {
                guard seenReturns.insert(r.returnOrderId).inserted else { return }
                for po in r.purchaseOrderIDs {
                    returnsByOrder[po, default: []].append(WalmartMapping.returnRequest(r, purchaseOrderID: po))
                }
            }
            for list in openReturns {
                for element in list.items {
                    switch element {
                    case .read(let r): takeReturn(r)
                    case .unreadable(let id, let problem):
                        result.failures.append(
                            DownloadFailure(.returnRequest, id: id ?? "(no id)", cause: "Walmart's answer could not be read: \(problem)", unreadable: true))
                    }
                }
            }
            for id in watchedReturns where !seenReturns.contains(id) {
                do {
                    if let r = try await client.returnOrder(id) { takeReturn(r) }
                } catch {
                    result.failures.append(DownloadFailure(.returnRequest, id: id, cause: error.cause(of: id), unreadable: error.kind == .malformed))
                }
            }
            let missing = Array(Set(watch + returnsByOrder.keys).subtracting(byID.keys)).sorted()
            for (id, outcome) in await fetch(missing, connections: connections) {
                switch outcome {
                case .success(let w?):
                    order.append(id)
                    byID[id] = WalmartMapping.order(w)
                case .success(nil): break  // Not (or no longer) listed by Walmart: the store keeps what it knows.
                case .failure(let e):
                    result.failures.append(DownloadFailure(.order, id: id, cause: e.cause(of: id), unreadable: e.kind == .malformed))
                }
            }
            result.orders = order.compactMap { byID[$0] }
            result.returns = returnsByOrder
            let pages = released.pages + acknowledged.pages
            if pages > 2 {
                result.remarks.append(
                    "Walmart listed \(released.items.count + acknowledged.items.count) orders in \(pages) pages of up to \(client.configuration.pageSize)")
            }
            return result
        } catch {
            throw error.marketplaceError
        }
    }

    /// A call's outcome as a value (so that calls made at once keep their typed errors).
    static func outcome<T: Sendable>(_ call: () async throws(WalmartAPIError) -> T) async -> Result<T, WalmartAPIError> {
        do throws(WalmartAPIError) { return .success(try await call()) } catch { return .failure(error) }
    }

    /// Orders one by one, at most `connections` at once.
    func fetch(_ ids: [String], connections: Int) async -> [(String, Result<WalmartOrder?, WalmartAPIError>)] {
        await withTaskGroup(of: (String, Result<WalmartOrder?, WalmartAPIError>).self) { group in
            var out: [(String, Result<WalmartOrder?, WalmartAPIError>)] = []
            var next = ids.makeIterator()
            func start() -> Bool {
                guard let id = next.next() else { return false }
                group.addTask {
                    do throws(WalmartAPIError) { return (id, .success(try await client.order(id))) } catch { return (id, .failure(error)) }
                }
                return true
            }
            for _ in 0..<max(1, min(connections, 8)) where !start() { break }
            while let r = await group.next() {
                out.append(r)
                _ = start()
            }
            return out.sorted { $0.0 < $1.0 }
        }
    }

    public func order(_ merchantOrderID: String) async throws(MarketplaceError) -> Order {
        do throws(WalmartAPIError) {
            guard let w = try await client.order(merchantOrderID) else {
                throw WalmartAPIError(
                    .http(status: 404), call: "GET /v3/orders/\(merchantOrderID)", message: "Walmart has no purchase order \(merchantOrderID)")
            }
            return WalmartMapping.order(w)
        } catch {
            throw error.marketplaceError
        }
    }

    public func returnRequest(_ id: String) async throws(MarketplaceError) -> ReturnRequest {
        do throws(WalmartAPIError) {
            guard let r = try await client.returnOrder(id) else {
                throw WalmartAPIError(.http(status: 404), call: "GET /v3/returns?returnOrderId=\(id)", message: "Walmart has no return \(id)")
            }
            return WalmartMapping.returnRequest(r, purchaseOrderID: nil)
        } catch {
            throw error.marketplaceError
        }
    }

    public func send(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError) {
        do throws(WalmartAPIError) {
            switch request {
            case .acknowledge(let a):
                guard a.isAccepted else { throw refusal(request, "Walmart has no way to reject an order: cancel its lines instead") }
                _ = try await client.acknowledge(merchantOrderID)
            case .ship(let s):
                if s.items.contains(where: { $0.quantity > 0 }) {
                    _ = try await client.ship(merchantOrderID, WalmartMapping.shipRequest(s, purchaseOrderID: merchantOrderID))
                }
                if s.items.contains(where: { $0.cancelQuantity > 0 }) {
                    guard let cancel = WalmartMapping.cancelRequest(s) else { throw refusal(request, "a cancel on Walmart needs one of its reasons") }
                    _ = try await client.cancel(merchantOrderID, cancel)
                }
            case .acceptReturn:
                throw refusal(request, "Walmart has no step to accept a return")
            case .completeReturn(let c):
                try await client.refundReturn(c.returnID, WalmartMapping.returnRefundRequest(c))
            case .merchantRefund(let r):
                _ = try await client.refund(merchantOrderID, WalmartMapping.refundRequest(r))
            }
        } catch {
            throw error.marketplaceError
        }
    }

    func refusal(_ request: MarketplaceRequest, _ why: String) -> WalmartAPIError {
        WalmartAPIError(.http(status: 400), call: describe(request, for: "…").split(separator: " ").prefix(2).joined(separator: " "), message: why)
    }

    /// Walmart keeps no id of ours: a change arrived when the order (or return) shows it. Acknowledged: no unit
    /// is still `Created`. Shipped: a status carries our tracking number. Cancelled: each line has at least the
    /// cancelled units it would have with ours. Refunded without a return: a line's refund carries our marker.
    /// A return refunded: its lines show the units refunded, or it is completed.
    public func isApplied(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError) -> Bool {
        do {
            switch request {
            case .acknowledge:
                guard let w = try await client.order(merchantOrderID) else { return false }
                let created = w.lines.reduce(0) { $0 + $1.units(in: WalmartVocabulary.created) }
                let acknowledged = w.lines.reduce(0) { $0 + $1.units(in: WalmartVocabulary.acknowledged) }
                let shipped = w.lines.reduce(0) { $0 + $1.units(in: WalmartVocabulary.shipped) + $1.units(in: WalmartVocabulary.delivered) }
                return created == 0 && acknowledged + shipped > 0
            case .ship(let s):
                guard let w = try await client.order(merchantOrderID) else { return false }
                var arrived = true
                if let number = s.tracking, s.items.contains(where: { $0.quantity > 0 }) {
                    arrived = w.lines.contains { $0.statuses.contains { $0.trackingInfo?.trackingNumber == number } }
                }
                for item in s.items where item.cancelQuantity > 0 {
                    guard let line = w.lines.first(where: { $0.lineNumber == item.lineID }) else { return false }
                    let cancelled = line.units(in: WalmartVocabulary.cancelled)
                    if cancelled < (item.cancelledAfter ?? item.cancelQuantity) { arrived = false }
                }
                return arrived
            case .acceptReturn:
                return false
            case .completeReturn(let c):
                guard let r = try await client.returnOrder(c.returnID) else { return false }
                if r.status == WalmartVocabulary.completed { return true }
                return c.items.filter { $0.refundQuantity > 0 }.allSatisfy { item in
                    r.returnOrderLines.first { String($0.returnOrderLineNumber) == item.itemID }.map { ($0.refundedQty ?? 0) >= item.refundQuantity } ?? false
                }
            case .merchantRefund(let m):
                guard let w = try await client.order(merchantOrderID) else { return false }
                let marker = WalmartMapping.refundMarker(m.altRefundID)
                return w.lines.contains { ($0.refund?.refundComments ?? "").contains(marker) }
            }
        } catch {
            throw error.marketplaceError
        }
    }

    public func describe(_ request: MarketplaceRequest, for merchantOrderID: String) -> String {
        Self.describe(request, for: merchantOrderID)
    }

    /// The call `send` makes, relative to the API's base: `POST /v3/orders/…/acknowledge`.
    public static func describe(_ request: MarketplaceRequest, for merchantOrderID: String) -> String {
        func text(_ body: some Encodable) -> String {
            (try? WalmartClient.encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "(the body could not be encoded)"  // Shown only.
        }
        let po = "/v3/orders/\(WalmartClient.escape(merchantOrderID))"
        switch request {
        case .acknowledge: return "POST \(po)/acknowledge"
        case .ship(let s):
            var calls: [String] = []
            if s.items.contains(where: { $0.quantity > 0 }) {
                calls.append("POST \(po)/shipping " + text(WalmartMapping.shipRequest(s, purchaseOrderID: merchantOrderID)))
            }
            if let c = WalmartMapping.cancelRequest(s), s.items.contains(where: { $0.cancelQuantity > 0 }) { calls.append("POST \(po)/cancel " + text(c)) }
            return calls.joined(separator: "; ")
        case .acceptReturn(let a): return "(none: Walmart has no step to accept return \(a.returnID))"
        case .completeReturn(let c): return "POST /v3/returns/\(WalmartClient.escape(c.returnID))/refund " + text(WalmartMapping.returnRefundRequest(c))
        case .merchantRefund(let r): return "POST \(po)/refund " + text(WalmartMapping.refundRequest(r))
        }
    }

    public func shutdown() async { await client.shutdown() }
}
