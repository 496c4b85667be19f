import Foundation
import JetWire
import OrderDesk

/// A marketplace in memory with Jet's state rules, for in-process tests of the desk and the shell. A test
/// scripts what goes wrong with each call: unreachable, uncertain (a timeout or 5xx before anything was
/// applied), a lost reply (applied, then the answer never came), a refusal, an unreadable answer. It counts
/// what was applied, so exactly-once can be checked.
package actor FakeMarketplace: Marketplace {
    package enum Fault: Sendable, Equatable {
        case unreachable
        /// A timeout or a 5xx on a change: nothing was applied, but the caller cannot know.
        case uncertain
        /// Applied, then the connection dropped: the caller hears nothing (like a kill between send and record).
        case lostReply
        case refused(String)
        case badResponse
        case unauthorized

        var error: MarketplaceError {
            switch self {
            case .unreachable: MarketplaceError(.unreachable, call: "fake", message: "connection refused")
            case .uncertain, .lostReply: MarketplaceError(.uncertain, call: "fake", message: "no answer in time")
            case .refused(let m): MarketplaceError(.refused(status: 400), call: "fake", message: m)
            case .badResponse: MarketplaceError(.badResponse, call: "fake", message: "the answer is not valid JSON")
            case .unauthorized: MarketplaceError(.unauthorized, call: "fake", message: "Invalid user or password")
            }
        }
    }

    package private(set) var orders: [String: Order] = [:]
    /// Refunds without a return, by `order/alt_refund_id`.
    package private(set) var refunds: [String: MerchantRefund] = [:]
    private var sequence: [String] = []
    /// Every change that took effect, in order, with the order it was for.
    package private(set) var applied: [(order: String, request: MarketplaceRequest)] = []
    package private(set) var sendCalls = 0
    package private(set) var checkCalls = 0
    /// Faults for the next `send` calls, in order; then calls succeed.
    private var sendFaults: [Fault] = []
    /// Faults for the next `isApplied` calls.
    private var checkFaults: [Fault] = []
    /// Faults for the next `download` calls.
    private var downloadFaults: [Fault] = []
    /// While set, `send` waits until `openGate()`.
    private var gate: [CheckedContinuation<Void, Never>]?

    nonisolated package let displayName = "the fake marketplace"
    nonisolated package let binding: MarketplaceBinding = .jet(api: "https://fake.invalid/api", user: "ada", merchantID: "m-1")

    package init(orders: [Order] = []) {
        for o in orders where self.orders.updateValue(o, forKey: o.merchantOrderID) == nil { sequence.append(o.merchantOrderID) }
    }

    package func add(_ o: Order) {
        if orders[o.merchantOrderID] == nil { sequence.append(o.merchantOrderID) }
        orders[o.merchantOrderID] = o
    }

    package func failSends(_ faults: Fault...) { sendFaults += faults }
    package func failChecks(_ faults: Fault...) { checkFaults += faults }
    package func failDownloads(_ faults: Fault...) { downloadFaults += faults }
    package func closeGate() { gate = gate ?? [] }

    package func openGate() {
        let waiting = gate ?? []
        gate = nil
        for c in waiting { c.resume() }
    }

    /// How many changes took effect for this order.
    package func appliedCount(for id: String) -> Int { applied.filter { $0.order == id }.count }

    // MARK: Marketplace

    package func download(watch: [String], returns: [String], connections: Int) async throws(MarketplaceError) -> DownloadResult {
        if !downloadFaults.isEmpty { throw downloadFaults.removeFirst().error }
        var ids: [String] = []
        var seen = Set<String>()
        for id in sequence {
            guard let o = orders[id] else { continue }
            if o.status == .ready || o.directedCancel || o.returns.contains(where: \.isOpen), seen.insert(id).inserted { ids.append(id) }
        }
        for id in watch where orders[id] != nil && seen.insert(id).inserted { ids.append(id) }
        return DownloadResult(orders: ids.compactMap { orders[$0] })
    }

    package func order(_ merchantOrderID: String) async throws(MarketplaceError) -> Order {
        guard let o = orders[merchantOrderID] else {
            throw MarketplaceError(.refused(status: 404), call: "GET order", message: "Order '\(merchantOrderID)' was not found")
        }
        return o
    }

    package func returnRequest(_ id: String) async throws(MarketplaceError) -> ReturnRequest {
        for o in orders.values { if let r = o.returns.first(where: { $0.id == id }) { return r } }
        throw MarketplaceError(.refused(status: 404), call: "GET return", message: "Return '\(id)' was not found")
    }

    package func send(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError) {
        sendCalls += 1
        if gate != nil { await withCheckedContinuation { gate?.append($0) } }
        let fault = sendFaults.isEmpty ? nil : sendFaults.removeFirst()
        if let fault, fault != .lostReply { throw fault.error }
        try apply(request, to: merchantOrderID)
        if fault == .lostReply { throw fault!.error }
    }

    package func isApplied(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError) -> Bool {
        checkCalls += 1
        if !checkFaults.isEmpty { throw checkFaults.removeFirst().error }
        guard let o = orders[merchantOrderID] else { return false }
        switch request {
        case .acknowledge(let a):
            if let status = o.acknowledgementStatus { return status == a.status }
            return false
        case .ship(let s):
            return o.shipments.contains { $0.altShipmentID == s.altShipmentID }
        case .acceptReturn(let a):
            return o.returns.first(where: { $0.id == a.returnID }).map { $0.status == .acknowledged || $0.status == .completedByMerchant } ?? false
        case .completeReturn(let c):
            return o.returns.first(where: { $0.id == c.returnID })?.status == .completedByMerchant
        case .merchantRefund(let r):
            return refunds["\(merchantOrderID)/\(r.altRefundID)"] != nil
        }
    }

    nonisolated package func describe(_ request: MarketplaceRequest, for merchantOrderID: String) -> String {
        switch request {
        case .acknowledge: "PUT /orders/\(merchantOrderID)/acknowledge"
        case .ship: "PUT /orders/\(merchantOrderID)/shipped"
        case .acceptReturn(let a): "PUT /returns/\(a.returnID)/acknowledge"
        case .completeReturn(let c): "PUT /returns/\(c.returnID)/complete"
        case .merchantRefund(let r): "POST /refunds/\(merchantOrderID)/\(r.altRefundID)"
        }
    }

    package func shutdown() async {}

    // MARK: Jet's rules, as the sandbox applies them

    private func refuse(_ message: String) -> MarketplaceError {
        MarketplaceError(.refused(status: 400), call: "fake", message: message)
    }

    private func apply(_ request: MarketplaceRequest, to id: String) throws(MarketplaceError) {
        guard var o = orders[id] else { throw refuse("Order '\(id)' was not found") }
        switch request {
        case .acknowledge(let a):
            guard o.status == .ready else { throw refuse("Order is not in a valid state for this operation: order '\(id)' is \(o.status)") }
            o.acknowledgementStatus = a.status
            if a.isAccepted {
                o.status = .acknowledged
            } else {
                o.status = .complete
                o.exceptionState = .orderRejected
            }
        case .ship(let s):
            guard o.status == .acknowledged || o.status == .inprogress else {
                throw refuse("Order is not in a valid state for this operation: order '\(id)' is \(o.status)")
            }
            o.shipments.append(
                Shipment(
                    altShipmentID: s.altShipmentID, tracking: s.tracking, carrier: s.carrier, method: s.method,
                    shippedAt: s.shippedAt,
                    items: s.items.map { .init(sku: $0.sku, shipped: $0.quantity, cancelled: $0.cancelQuantity) }))
            let open = o.lines.contains { line in
                let (shipped, cancelled) = o.settledUnits(of: line.sku)
                return shipped + cancelled < line.quantity
            }
            o.status = open ? .inprogress : .complete
        case .acceptReturn(let a):
            guard let i = o.returns.firstIndex(where: { $0.id == a.returnID }) else { throw refuse("Return '\(a.returnID)' was not found") }
            guard o.returns[i].status == .created else { throw refuse("Return is not in a valid state for this operation") }
            o.returns[i].status = .acknowledged
        case .completeReturn(let c):
            guard let i = o.returns.firstIndex(where: { $0.id == c.returnID }) else { throw refuse("Return '\(c.returnID)' was not found") }
            guard o.returns[i].isOpen else { throw refuse("Return is not in a valid state for this operation") }
            o.returns[i].status = .completedByMerchant
            o.returns[i].refunded = c.items.reduce(Amounts.zero) { $0 + $1.amount }
        case .merchantRefund(let r):
            let key = "\(id)/\(r.altRefundID)"
            guard refunds[key] == nil else { return }  // The same alt_refund_id is the same refund.
            refunds[key] = r
        }
        orders[id] = o
        applied.append((id, request))
    }
}
