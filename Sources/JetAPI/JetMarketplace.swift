import Foundation
import JetWire
import OrderDesk

/// The order desk's ``Marketplace`` port, spoken over Jet's HTTP API.
public struct JetMarketplace: Marketplace {
    public let client: JetClient
    public let displayName: String
    public let binding: MarketplaceBinding

    /// `binding`: `.sandbox` for the embedded sandbox; by default the Jet account of the client's configuration.
    public init(client: JetClient, displayName: String, binding: MarketplaceBinding? = nil) {
        self.client = client
        self.displayName = displayName
        let c = client.configuration
        self.binding = binding ?? .jet(api: c.baseURL, user: c.user, merchantID: c.merchantID)
    }

    public func download(watch: [String], returns watchedReturns: [String], connections: Int) async throws(MarketplaceError) -> DownloadResult {
        do {
            // A full first page is tagged to list past it while its orders are fetched: both at once.
            let firstPage = try await client.orderIDs(status: .ready)
            let client = self.client
            let laterPages = Task { () async -> Result<(ids: [String], pages: Int), JetAPIError> in
                do throws(JetAPIError) {
                    return .success(try await client.pages(after: firstPage, status: .ready, connections: connections))
                } catch {
                    return .failure(error)
                }
            }
            defer { laterPages.cancel() }  // Left early (an error below): no tagging goes on behind.
            let directed: [String]
            do {
                directed = try await client.directedCancelOrderIDs()
            } catch  where error.status == 404 {
                directed = []  // Jet retired this list in 2017; directed cancels also show on the order itself.
            }
            var returnIDs: [String] = []
            for status in [JetReturnStatus.created, .acknowledged, .inprogress, .refundCustomerWithoutReturn] {
                do {
                    returnIDs += try await client.returnIDs(status: status)
                } catch  where error.status == 404 {
                    continue  // A Jet without the early statuses.
                }
            }
            var result = DownloadResult()
            var returnsByOrder: [String: [ReturnRequest]] = [:]
            for (id, outcome) in await client.returnDetails(Array(Set(returnIDs + watchedReturns)).sorted(), connections: connections) {
                switch outcome {
                case .success(let r): returnsByOrder[r.merchantOrderID, default: []].append(JetMapping.returnRequest(r))
                case .failure(let e): result.failures.append(DownloadFailure(.returnRequest, id: id, cause: e.cause(of: id), unreadable: false))
                }
            }
            var ids: [String] = []
            var seen = Set<String>()
            for id in firstPage + directed + watch + returnsByOrder.keys.sorted() where seen.insert(id).inserted { ids.append(id) }
            var details = await client.orders(ids, connections: connections)
            let (later, pages) = try await laterPages.value.get()
            let rest = later.filter { seen.insert($0).inserted }
            ids += rest
            details.merge(await client.orders(rest, connections: connections)) { a, _ in a }
            let ready = firstPage + later
            for id in ids {
                switch details[id] {
                case .success(let j)?: result.orders.append(JetMapping.order(j))
                case .failure(let e)?:
                    result.failures.append(DownloadFailure(.order, id: id, cause: e.cause(of: id), unreadable: e.isUnreadableAnswer))
                case nil: break
                }
            }
            result.returns = returnsByOrder
            if pages > 1 {
                result.remarks.append(
                    "Jet lists at most \(JetClient.listLimit) ready orders at a time: \(ready.count) were listed in \(pages) pages (each page's orders tagged \"jom-page-…\" at Jet)"
                )
            }
            return result
        } catch {
            throw error.marketplaceError
        }
    }

    public func order(_ merchantOrderID: String) async throws(MarketplaceError) -> Order {
        do {
            return JetMapping.order(try await client.order(merchantOrderID))
        } catch {
            throw error.marketplaceError
        }
    }

    public func returnRequest(_ id: String) async throws(MarketplaceError) -> ReturnRequest {
        do {
            return JetMapping.returnRequest(try await client.returnDetail(id))
        } catch {
            throw error.marketplaceError
        }
    }

    public func send(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError) {
        do {
            switch request {
            case .acknowledge(let a):
                try await client.acknowledge(order: merchantOrderID, JetMapping.acknowledgeRequest(a))
            case .ship(let s):
                try await client.ship(order: merchantOrderID, JetMapping.shipRequest(s))
            case .acceptReturn(let a):
                try await client.acknowledgeReturn(a.returnID)
            case .completeReturn(let c):
                try await client.completeReturn(c.returnID, JetMapping.completeReturnRequest(c))
            case .merchantRefund(let r):
                _ = try await client.createRefund(order: merchantOrderID, altRefundID: r.altRefundID, JetMapping.refundRequest(r))
            }
        } catch {
            throw error.marketplaceError
        }
    }

    public func isApplied(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError) -> Bool {
        do {
            switch request {
            case .acknowledge(let a):
                let o = try await client.order(merchantOrderID)
                if let status = o.acknowledgementStatus { return AcknowledgementStatus(jet: status) == a.status }
                guard a.isAccepted else { return o.exceptionState == .orderRejected }
                // No acknowledgement status echoed: an order Jet moved past acknowledgement took it, unless Jet
                // ended the order itself (then nothing of ours was applied).
                if o.exceptionState == .jetManualCanceledToCompleteState || o.exceptionState == .orderRejected { return false }
                switch o.status {
                case .acknowledged, .inprogress: return true
                case .complete: return !(o.shipments ?? []).isEmpty
                default: return false
                }
            case .ship(let s):
                let o = try await client.order(merchantOrderID)
                return (o.shipments ?? []).contains { $0.altShipmentID == s.altShipmentID }
            case .acceptReturn(let a):
                let r = try await client.returnDetail(a.returnID)
                return [.acknowledged, .inprogress, .completedByMerchant].contains(r.returnStatus)
            case .completeReturn(let c):
                let r = try await client.returnDetail(c.returnID)
                return r.returnStatus == .completedByMerchant
            case .merchantRefund(let m):
                // Jet has no look-up by our id: go through its refunds, newest states first.
                for status in ["created", "processing", "accepted", "rejected"] {
                    for id in try await client.refundIDs(status: status) {
                        let r = try await client.refund(id)
                        if r.altRefundID == m.altRefundID && (r.merchantOrderID == nil || r.merchantOrderID == merchantOrderID) { return true }
                    }
                }
                return false
            }
        } catch {
            throw error.marketplaceError
        }
    }

    public func describe(_ request: MarketplaceRequest, for merchantOrderID: String) -> String {
        Self.describe(request, for: merchantOrderID)
    }

    /// The call `send` makes, relative to the API's base URL: `PUT /orders/…/acknowledge {…}`.
    public static func describe(_ request: MarketplaceRequest, for merchantOrderID: String) -> String {
        func text(_ body: some Encodable) -> String {
            do {
                return String(decoding: try JetClient.encoder.encode(body), as: UTF8.self)
            } catch {
                return "(the body could not be encoded: \(error))"
            }
        }
        switch request {
        case .acknowledge(let a):
            return "PUT /orders/\(JetClient.escape(merchantOrderID))/acknowledge " + text(JetMapping.acknowledgeRequest(a))
        case .ship(let s):
            return "PUT /orders/\(JetClient.escape(merchantOrderID))/shipped " + text(JetMapping.shipRequest(s))
        case .acceptReturn(let a):
            return "PUT /returns/\(JetClient.escape(a.returnID))/acknowledge {}"
        case .completeReturn(let c):
            return "PUT /returns/\(JetClient.escape(c.returnID))/complete " + text(JetMapping.completeReturnRequest(c))
        case .merchantRefund(let r):
            return "POST /refunds/\(JetClient.escape(merchantOrderID))/\(JetClient.escape(r.altRefundID)) " + text(JetMapping.refundRequest(r))
        }
    }

    public func shutdown() async {
        await client.shutdown()
    }
}
