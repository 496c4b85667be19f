import Foundation
import JetWire
import SandboxKit

/// The marketplace behind the sandbox: orders, returns and refunds with Jet's state machines, a scenario
/// that moves with the clock, a ledger of what the merchant sent, and tokens.
public actor SandboxMarketplace: SandboxStateHost {
    public let configuration: SandboxConfiguration
    var state: SandboxState
    var tokens: [String: Date] = [:]
    /// How many tokens were issued (logins), for tests of re-login.
    public private(set) var tokensIssued = 0
    /// The faults injected into calls, and the calls in flight.
    public nonisolated let injector: FaultInjector
    /// The fault rates now in force (from the configuration; tests change them with `setFaults`).
    public var faults: Faults { injector.faults }
    var dirty = false
    var saveTask: Task<Void, Never>?

    /// A marketplace with a new scenario, or the one saved in `configuration.stateFile`. A state file that
    /// cannot be read is reported, never replaced by a new scenario.
    public init(configuration: SandboxConfiguration) throws(SandboxStateError) {
        self.configuration = configuration
        self.injector = FaultInjector(
            Faults(
                failRate: configuration.failRate, throttleRate: configuration.throttleRate,
                malformedRate: configuration.malformedRate, lostReplyRate: configuration.lostReplyRate,
                latencyMillis: configuration.latencyMillis, retryAfter: configuration.retryAfter,
                maxConcurrent: configuration.maxConcurrent),
            seed: configuration.seed)
        self.file = SandboxStateFile(path: configuration.stateFile, shared: configuration.sharedState)
        self.state = try file.open { SandboxMarketplace.initialState(configuration) }
    }

    // MARK: one marketplace shared by processes

    /// The state file (and, shared by processes, its lock and turns).
    let file: SandboxStateFile<SandboxState>

    /// Before a call on a shared state: this process's turn, the lock on the file, and the latest state.
    public func beginSharedCall() async throws(SandboxStateError) {
        if let fresh = try await file.begin() {
            state = fresh
            dirty = false
        }
    }

    /// After a call on a shared state: what it changed saved, the lock and the turn handed on.
    public func endSharedCall() async {
        guard file.isShared else { return }
        do { try saveNow() } catch { saveError = error }
        await file.end()
    }

    // MARK: clock

    /// Scenario time.
    public var now: Date {
        (state.frozenAt ?? configuration.frozenClock ?? Date()).addingTimeInterval(state.clockOffset)
    }

    /// Moves scenario time forward and lets the scenario catch up.
    public func advance(by seconds: TimeInterval) -> Date {
        state.clockOffset += max(0, seconds)
        evolve()
        markDirty()
        return now
    }

    // MARK: scenario

    static func initialState(_ c: SandboxConfiguration) -> SandboxState {
        var s = SandboxState(seed: c.seed)
        if let frozen = c.frozenClock { s.frozenAt = frozen }
        let start = s.frozenAt ?? Date()
        for i in 0..<max(0, c.orders) {
            let ready = start.addingTimeInterval(-Double(c.orders - i) * 540 - 60)
            let o = Scenario.order(rng: &s.rng, node: s.node, placedAt: ready.addingTimeInterval(-c.readyDelay), readyAt: ready)
            s.orders[o.merchantOrderID] = o
            s.orderSeq.append(o.merchantOrderID)
        }
        for i in 0..<max(0, c.returns) {
            let shippedAt = start.addingTimeInterval(-Double(c.returns - i + 2) * 86400)
            var o = Scenario.order(rng: &s.rng, node: s.node, placedAt: shippedAt.addingTimeInterval(-86400), readyAt: shippedAt.addingTimeInterval(-80000))
            o.status = .complete
            o.acknowledgementStatus = .accepted
            o.orderAcknowledgeDate = JetDate(raw: JetDate.format(shippedAt.addingTimeInterval(-70000), style: .zulu7))
            s.shipmentCounter += 1
            o.shipments = [
                JetShipment(
                    shipmentID: String(format: "%08d", s.shipmentCounter), altShipmentID: "SHP-\(1000 + i)",
                    shipmentTrackingNumber: "1Z" + s.rng.digits(16), responseShipmentDate: JetDate(raw: JetDate.format(shippedAt, style: .zulu7)),
                    responseShipmentMethod: o.orderDetail?.requestShippingMethod, expectedDeliveryDate: nil, shipFromZipCode: "07030",
                    carrierPickUpDate: nil, carrier: o.orderDetail?.requestShippingCarrier,
                    shipmentItems: o.orderItems.map {
                        JetShipmentItem(merchantSKU: $0.merchantSKU ?? "", responseShipmentSKUQuantity: $0.requestOrderQuantity, responseShipmentCancelQty: 0)
                    })
            ]
            o.hasShipments = false
            s.orders[o.merchantOrderID] = o
            s.orderSeq.append(o.merchantOrderID)
            let r = Scenario.returnRequest(rng: &s.rng, for: o, at: start.addingTimeInterval(-Double(i + 1) * 3600))
            s.returns[r.merchantReturnAuthorizationID] = r
            s.returnSeq.append(r.merchantReturnAuthorizationID)
        }
        if c.arrivalRate > 0 { s.nextArrival = start.addingTimeInterval(nextGap(&s.rng, rate: c.arrivalRate)) }
        return s
    }

    static func nextGap(_ rng: inout SeededRandom, rate: Double) -> TimeInterval {
        let u = Double.random(in: 0.0001..<1, using: &rng)
        return -log(u) * 3600 / rate
    }

    /// Applies everything the scenario had planned up to now: arrivals, releases, returns, directed cancels.
    public func evolve() {
        let now = self.now
        let c = configuration
        while c.arrivalRate > 0, let next = state.nextArrival, next <= now {
            let o = Scenario.order(rng: &state.rng, node: state.node, placedAt: next, readyAt: nil)
            state.orders[o.merchantOrderID] = o
            state.orderSeq.append(o.merchantOrderID)
            state.readyAt[o.merchantOrderID] = next.addingTimeInterval(c.readyDelay)
            state.nextArrival = next.addingTimeInterval(Self.nextGap(&state.rng, rate: c.arrivalRate))
            dirty = true
        }
        for (id, at) in state.readyAt where at <= now {
            state.readyAt[id] = nil
            guard var o = state.orders[id], o.status == .created else { continue }
            o.status = .ready
            o.orderReadyDate = JetDate(raw: JetDate.format(at, style: .zulu7))
            state.orders[id] = o
            dirty = true
        }
        for (id, at) in state.plannedReturns.sorted(by: { $0.key < $1.key }) where at <= now {
            state.plannedReturns[id] = nil
            guard let o = state.orders[id] else { continue }
            let r = Scenario.returnRequest(rng: &state.rng, for: o, at: at)
            state.returns[r.merchantReturnAuthorizationID] = r
            state.returnSeq.append(r.merchantReturnAuthorizationID)
            dirty = true
        }
        for (id, at) in state.plannedCancels.sorted(by: { $0.key < $1.key }) where at <= now {
            state.plannedCancels[id] = nil
            guard var o = state.orders[id], o.status == .acknowledged, !o.orderItems.isEmpty else { continue }
            let line = Int.random(in: 0..<o.orderItems.count, using: &state.rng)
            o.orderItems[line].requestOrderCancelQty = o.orderItems[line].requestOrderQuantity ?? 1
            o.jetRequestDirectedCancel = true
            state.orders[id] = o
            dirty = true
        }
        for (id, at) in state.refundCreatedAt {
            guard var r = state.refunds[id] else { continue }
            let age = now.timeIntervalSince(at)
            let next: JetRefundStatus = age >= 300 ? .accepted : (age >= 60 ? .processing : .created)
            if r.refundStatus != next, r.refundStatus == .created || r.refundStatus == .processing {
                r.refundStatus = next
                state.refunds[id] = r
                if next == .accepted { state.refundCreatedAt[id] = nil }
                dirty = true
            }
        }
        if dirty { markDirty() }
    }

    // MARK: persistence

    func markDirty() {
        dirty = true
        // A shared state is saved at the end of each call, before its answer leaves.
        guard configuration.stateFile != nil, !file.isShared, saveTask == nil else { return }
        saveTask = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(500))  // Cancelled: save now all the same.
            await self?.saveInBackground()
        }
    }

    /// The last save that failed, until a save succeeds (`stop` reports it).
    public private(set) var saveError: SandboxStateError?

    private func saveInBackground() {
        do { try saveNow() } catch { saveError = error }
    }

    /// Writes the state file now (atomically).
    public func saveNow() throws(SandboxStateError) {
        saveTask = nil
        guard dirty else { return }
        dirty = false
        do {
            try file.save(state)
            saveError = nil
        } catch {
            dirty = true
            throw error
        }
    }

    // MARK: tokens

    func issueToken(user: String, pass: String) -> SandboxReply {
        guard user == configuration.user, pass == configuration.secret else {
            return .errors(400, "Invalid user or password")
        }
        var bytes = SeededRandom(seed: UInt64(tokens.count) &+ UInt64(Date().timeIntervalSince1970 * 1e6))
        let expires = Date().addingTimeInterval(configuration.tokenLifetime)
        let payload = Data(#"{"sub":"\#(user)","exp":\#(Int(expires.timeIntervalSince1970))}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.\(payload).\(bytes.hexID())"
        tokens[token] = expires
        tokensIssued += 1
        return .json(["id_token": token, "token_type": "Bearer", "expires_on": JetDate.format(expires, style: .seconds)])
    }

    /// Whether an `Authorization` header carries a live token; the scheme word may be in any case.
    func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let expiry = tokens[String(parts[1])] else { return false }
        return expiry > Date()
    }

    /// Makes every token issued so far invalid, as if they had all expired.
    public func expireTokens() { tokens.removeAll() }

    // MARK: ledger

    func record(_ method: String, _ path: String, _ body: Data, _ reply: SandboxReply) -> SandboxReply {
        state.ledger.append(
            LedgerEntry(
                seq: state.ledger.count + 1, at: now, method: method, path: path,
                body: String(decoding: body, as: UTF8.self), status: reply.status,
                applied: (200..<300).contains(reply.status)))
        markDirty()
        return reply
    }

    public func ledger() -> [LedgerEntry] { state.ledger }

    // MARK: faults

    public func setFaults(_ f: Faults) { injector.faults = f }

    /// Calls answered at once, at most so far; refused as one too many; faults injected.
    public var maxInFlight: Int { injector.maxInFlight }
    public var refusedAsTooMany: Int { injector.refusedAsTooMany }
    public var faultsInjected: Int { injector.injected }

    // MARK: admin

    public func reset() {
        state = Self.initialState(configuration)
        tokens.removeAll()
        markDirty()
    }

    /// Adds an order as given (any status), or replaces one with the same id.
    public func inject(order: JetOrder) {
        if state.orders[order.merchantOrderID] == nil { state.orderSeq.append(order.merchantOrderID) }
        state.orders[order.merchantOrderID] = order
        markDirty()
    }

    /// Generates `count` new orders in `status` (`ready` or `created`).
    public func generateOrders(count: Int, status: JetOrderStatus) -> [String] {
        var ids: [String] = []
        for _ in 0..<max(0, count) {
            let at = now
            let o = Scenario.order(
                rng: &state.rng, node: state.node, placedAt: at.addingTimeInterval(-configuration.readyDelay),
                readyAt: status == .created ? nil : at)
            state.orders[o.merchantOrderID] = o
            state.orderSeq.append(o.merchantOrderID)
            if status == .created { state.readyAt[o.merchantOrderID] = at.addingTimeInterval(configuration.readyDelay) }
            ids.append(o.merchantOrderID)
        }
        markDirty()
        return ids
    }

    /// Opens a return request on an order (which should have shipped units). Returns its id, or nil for an unknown order.
    public func openReturn(orderID: String) -> String? {
        guard let o = state.orders[orderID] else { return nil }
        let r = Scenario.returnRequest(rng: &state.rng, for: o, at: now)
        state.returns[r.merchantReturnAuthorizationID] = r
        state.returnSeq.append(r.merchantReturnAuthorizationID)
        markDirty()
        return r.merchantReturnAuthorizationID
    }

    public func inject(return r: JetReturn) {
        if state.returns[r.merchantReturnAuthorizationID] == nil { state.returnSeq.append(r.merchantReturnAuthorizationID) }
        state.returns[r.merchantReturnAuthorizationID] = r
        markDirty()
    }

    /// Jet asks the merchant to cancel `units` units (default: all) of the order's first line.
    public func requestDirectedCancel(orderID: String, units: Int?) -> Bool {
        guard var o = state.orders[orderID], !o.orderItems.isEmpty else { return false }
        o.orderItems[0].requestOrderCancelQty = units ?? o.orderItems[0].requestOrderQuantity ?? 1
        o.jetRequestDirectedCancel = true
        state.orders[orderID] = o
        markDirty()
        return true
    }

    /// Jet ends an order itself (`exception - jet manual canceled to complete state`), as it did with orders
    /// not acknowledged in time.
    public func cancelByJet(orderID: String) -> Bool {
        guard var o = state.orders[orderID] else { return false }
        o.status = .complete
        o.exceptionState = .jetManualCanceledToCompleteState
        state.orders[orderID] = o
        markDirty()
        return true
    }

    /// Jet (or the customer) closes a return request without the merchant's answer.
    public func closeReturnByJet(_ id: String) -> Bool {
        guard var r = state.returns[id] else { return false }
        r.returnStatus = .completedByMerchant
        r.completedDate = JetDate(raw: JetDate.format(now, style: .zulu7))
        state.returns[id] = r
        markDirty()
        return true
    }

    public func order(_ id: String) -> JetOrder? { state.orders[id] }
    public func returnRequest(_ id: String) -> JetReturn? { state.returns[id] }
    public func refund(_ id: String) -> JetRefund? { state.refunds[id] }
    public func allOrderIDs() -> [String] { state.orderSeq }
    public func allReturnIDs() -> [String] { state.returnSeq }

    public func summary() -> [String: String] {
        var counts: [String: Int] = [:]
        for o in state.orders.values { counts[o.status.rawValue, default: 0] += 1 }
        var out = counts.mapValues(String.init)
        out["now"] = JetDate.format(now, style: .seconds)
        out["returns_open"] = String(state.returns.values.filter { $0.returnStatus != .completedByMerchant }.count)
        out["ledger"] = String(state.ledger.count)
        out["max_in_flight"] = String(maxInFlight)
        out["refused_as_too_many"] = String(refusedAsTooMany)
        return out
    }
}
