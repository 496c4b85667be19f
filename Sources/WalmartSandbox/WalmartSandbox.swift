import Foundation
import SandboxKit
import WalmartWire

/// The marketplace behind the Walmart sandbox: purchase orders with Walmart's line states, returns, a scenario
/// that moves with the clock, tokens, Walmart's rate limits, and a ledger of what the seller sent.
public actor WalmartSandbox: SandboxStateHost {
    public let configuration: WalmartSandboxConfiguration
    var state: WalmartSandboxState
    let file: SandboxStateFile<WalmartSandboxState>
    var tokens: [String: Date] = [:]
    /// Tokens issued so far (a test sees renewals).
    public private(set) var tokensIssued = 0
    public nonisolated let injector: FaultInjector
    var dirty = false
    var saveTask: Task<Void, Never>?
    /// Calls per endpoint in the current minute, for `--rate-limits`: a token bucket per endpoint.
    var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    /// Calls answered 429 by the rate limits.
    public private(set) var rateLimited = 0
    /// The last save that failed, until a save succeeds.
    public private(set) var saveError: SandboxStateError?

    public init(configuration: WalmartSandboxConfiguration) throws(SandboxStateError) {
        self.configuration = configuration
        self.injector = FaultInjector(configuration.faults, seed: configuration.seed)
        self.file = SandboxStateFile(path: configuration.stateFile, shared: configuration.sharedState)
        self.state = try file.open { Self.initialState(configuration) }
    }

    // MARK: shared state and persistence

    public func beginSharedCall() async throws(SandboxStateError) {
        if let fresh = try await file.begin() {
            state = fresh
            dirty = false
        }
    }

    public func endSharedCall() async {
        guard file.isShared else { return }
        do { try saveNow() } catch { saveError = error }
        await file.end()
    }

    func markDirty() {
        dirty = true
        guard configuration.stateFile != nil, !file.isShared, saveTask == nil else { return }
        saveTask = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(500))  // Cancelled: save now all the same.
            await self?.saveInBackground()
        }
    }

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

    // MARK: clock

    /// Scenario time.
    public var now: Date { (state.frozenAt ?? configuration.frozenClock ?? Date()).addingTimeInterval(state.clockOffset) }

    /// Moves scenario time forward and lets the scenario catch up.
    public func advance(by seconds: TimeInterval) -> Date {
        state.clockOffset += max(0, seconds)
        evolve()
        markDirty()
        return now
    }

    // MARK: scenario

    static func initialState(_ c: WalmartSandboxConfiguration) -> WalmartSandboxState {
        var s = WalmartSandboxState(seed: c.seed)
        if let frozen = c.frozenClock { s.frozenAt = frozen }
        let start = s.frozenAt ?? Date()
        var made = 0
        var i = 0
        while made < max(0, c.orders) {
            let at = start.addingTimeInterval(-Double(c.orders - made) * 420 - 60)
            for o in WalmartScenario.purchaseOrders(rng: &s.rng, at: at).prefix(c.orders - made) {
                add(o, to: &s, at: at)
                made += 1
            }
            i += 1
        }
        for k in 0..<max(0, c.returns) {
            let placed = start.addingTimeInterval(-Double(c.returns - k + 3) * 86400)
            guard var o = WalmartScenario.purchaseOrders(rng: &s.rng, at: placed).first else { continue }
            for j in o.lines.indices {
                let q = o.lines[j].quantity
                let tracking = WalmartTrackingInfo(
                    shipDateTime: placed.addingTimeInterval(86400), carrier: "UPS", methodCode: "Standard", trackingNumber: "1Z" + s.rng.digits(16),
                    trackingURL: nil)
                o.lines[j].orderLineStatuses = WalmartList([WalmartLineStatus(status: WalmartVocabulary.delivered, quantity: q, trackingInfo: tracking)])
            }
            add(o, to: &s, at: placed)
            if let r = WalmartScenario.returnOrder(rng: &s.rng, for: o, at: start.addingTimeInterval(-Double(k + 1) * 3600)) {
                s.returns[r.returnOrderId] = r
                s.returnSeq.append(r.returnOrderId)
            }
        }
        if c.arrivalRate > 0 { s.nextArrival = start.addingTimeInterval(nextGap(&s.rng, rate: c.arrivalRate)) }
        return s
    }

    static func add(_ o: WalmartOrder, to s: inout WalmartSandboxState, at: Date) {
        if s.orders[o.purchaseOrderId] == nil { s.orderSeq.append(o.purchaseOrderId) }
        s.orders[o.purchaseOrderId] = o
        s.modifiedAt[o.purchaseOrderId] = at
    }

    static func nextGap(_ rng: inout SeededRandom, rate: Double) -> TimeInterval {
        let u = Double.random(in: 0.0001..<1, using: &rng)
        return -log(u) * 3600 / rate
    }

    /// Applies what the scenario planned up to now: arrivals, customers' requests to cancel, deliveries, returns,
    /// returns reaching the return centre, and Walmart cancelling lines not shipped in time.
    public func evolve() {
        let now = self.now
        let c = configuration
        var changed = false
        while c.arrivalRate > 0, let next = state.nextArrival, next <= now {
            for o in WalmartScenario.purchaseOrders(rng: &state.rng, at: next) { Self.add(o, to: &state, at: next) }
            state.nextArrival = next.addingTimeInterval(Self.nextGap(&state.rng, rate: c.arrivalRate))
            changed = true
        }
        for (id, at) in state.plannedIntents.sorted(by: { $0.key < $1.key }) where at <= now {
            state.plannedIntents[id] = nil
            changed = requestCancel(id, line: nil, at: at) || changed
        }
        for (id, at) in state.plannedDeliveries.sorted(by: { $0.key < $1.key }) where at <= now {
            state.plannedDeliveries[id] = nil
            changed = deliver(id, at: at) || changed
        }
        for (id, at) in state.plannedReturns.sorted(by: { $0.key < $1.key }) where at <= now {
            state.plannedReturns[id] = nil
            if let o = state.orders[id], let r = WalmartScenario.returnOrder(rng: &state.rng, for: o, at: at) {
                state.returns[r.returnOrderId] = r
                state.returnSeq.append(r.returnOrderId)
                changed = true
            }
        }
        changed = returnsArrive(now: now) || changed
        changed = autoCancel(now: now) || changed
        if changed { markDirty() }
    }

    /// Lines not shipped by the estimated ship date + `autoCancelDays` are cancelled by Walmart (reason not given).
    func autoCancel(now: Date) -> Bool {
        var changed = false
        let grace = configuration.autoCancelDays * 86400
        for id in state.orderSeq {
            guard var o = state.orders[id], let esd = o.shippingInfo?.estimatedShipDate?.date, now >= esd.addingTimeInterval(grace) else { continue }
            var touched = false
            for i in o.lines.indices {
                let open = o.lines[i].units(in: WalmartVocabulary.created) + o.lines[i].units(in: WalmartVocabulary.acknowledged)
                guard open > 0 else { continue }
                o.lines[i] = Self.moving(o.lines[i], open: open, to: WalmartLineStatus(status: WalmartVocabulary.cancelled, quantity: open), at: now)
                touched = true
            }
            if touched {
                state.orders[id] = o
                state.modifiedAt[id] = now
                changed = true
            }
        }
        return changed
    }

    /// Returns initiated two days ago reach the return centre.
    func returnsArrive(now: Date) -> Bool {
        var changed = false
        for id in state.returnSeq {
            guard var r = state.returns[id] else { continue }
            var touched = false
            for i in r.returnOrderLines.indices where r.returnOrderLines[i].currentStatus == WalmartVocabulary.initiated {
                guard let at = r.returnOrderLines[i].statusTime?.date, now.timeIntervalSince(at) >= 2 * 86400 else { continue }
                let q = r.returnOrderLines[i].units
                r.returnOrderLines[i].status = WalmartVocabulary.returnDelivered
                r.returnOrderLines[i].statusTime = WalmartTime(now, form: .iso)
                r.returnOrderLines[i].currentTrackingStatuses = [
                    .init(status: WalmartVocabulary.returnDelivered, statusTime: now, currentRefundStatus: nil, quantity: q)
                ]
                r.returnOrderLines[i].returnTrackingDetail =
                    (r.returnOrderLines[i].returnTrackingDetail ?? []) + [
                        .init(
                            sequenceNo: (r.returnOrderLines[i].returnTrackingDetail?.count ?? 0) + 1, eventTag: "DELIVERED_AT_RETURN_CENTER",
                            eventDescription: "Delivered at the return centre", eventTime: now)
                    ]
                touched = true
            }
            if touched {
                state.returns[id] = r
                changed = true
            }
        }
        return changed
    }

    // MARK: line states

    /// The line with `open` of its Created/Acknowledged units moved to `status` (Created first). A line wholly
    /// cancelled charges nothing any more, as Walmart's examples show.
    static func moving(_ line: WalmartOrderLine, open: Int, to status: WalmartLineStatus, at: Date, fromAcknowledgedOnly: Bool = false) -> WalmartOrderLine {
        var l = line
        var left = open
        var statuses = l.statuses
        let sources = fromAcknowledgedOnly ? [WalmartVocabulary.acknowledged] : [WalmartVocabulary.created, WalmartVocabulary.acknowledged]
        for source in sources {
            for i in statuses.indices where left > 0 && statuses[i].status.lowercased() == source.lowercased() {
                let take = min(left, statuses[i].units)
                statuses[i].statusQuantity = WalmartQuantity(statuses[i].units - take)
                left -= take
            }
        }
        statuses.removeAll { $0.units == 0 }
        var moved = status
        moved.statusQuantity = WalmartQuantity(open - left)
        if let i = statuses.firstIndex(where: {
            $0.status == moved.status && $0.cancellationReason == moved.cancellationReason
                && $0.trackingInfo?.trackingNumber == moved.trackingInfo?.trackingNumber
        }) {
            statuses[i].statusQuantity = WalmartQuantity(statuses[i].units + moved.units)
        } else {
            statuses.append(moved)
        }
        l.orderLineStatuses = WalmartList(statuses)
        l.statusDate = WalmartTime(at)
        if l.units(in: WalmartVocabulary.cancelled) >= l.quantity {
            l.charges = WalmartList(
                (l.charges?.items ?? []).map { c in
                    var z = c
                    z.chargeAmount?.amount = 0
                    z.tax?.taxAmount?.amount = 0
                    return z
                })
        }
        if l.units(in: WalmartVocabulary.created) + l.units(in: WalmartVocabulary.acknowledged) == 0 { l.intentToCancel = nil }
        return l
    }

    /// The customer asks to cancel a line (default: every line with open units) of an order.
    func requestCancel(_ id: String, line: String?, at: Date) -> Bool {
        guard var o = state.orders[id] else { return false }
        var touched = false
        for i in o.lines.indices where line == nil || o.lines[i].lineNumber == line {
            let open = o.lines[i].units(in: WalmartVocabulary.created) + o.lines[i].units(in: WalmartVocabulary.acknowledged)
            guard open > 0 else { continue }
            o.lines[i].intentToCancel = "Y"
            touched = true
        }
        guard touched else { return false }
        state.orders[id] = o
        state.modifiedAt[id] = at
        return true
    }

    /// The carrier delivers every shipped unit of an order.
    func deliver(_ id: String, at: Date) -> Bool {
        guard var o = state.orders[id] else { return false }
        var touched = false
        for i in o.lines.indices {
            var statuses = o.lines[i].statuses
            for j in statuses.indices where statuses[j].status == WalmartVocabulary.shipped {
                statuses[j].status = WalmartVocabulary.delivered
                touched = true
            }
            o.lines[i].orderLineStatuses = WalmartList(statuses)
        }
        guard touched else { return false }
        state.orders[id] = o
        state.modifiedAt[id] = at
        return true
    }

    // MARK: tokens

    /// `POST /v3/token`: Basic auth with the client id and secret, `grant_type=client_credentials`.
    func issueToken(authorization: String?, body: Data) -> SandboxReply {
        guard let header = authorization, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else {
            return WalmartReplies.gateway(
                401, code: "UNAUTHORIZED.GMP_GATEWAY_API", field: "UNAUTHORIZED", description: "Unauthorized",
                info:
                    "Unauthorized token or incorrect authorization header.\nVerify that you are using the correct format: `Authorization: Basic Base64Encode(clientId:clientSecret)`."
            )
        }
        let form = String(decoding: body, as: UTF8.self).split(separator: "&").reduce(into: [String: String]()) { out, pair in
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            out[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        guard form["grant_type"] == "client_credentials" else {
            return WalmartReplies.gateway(
                400, code: "INVALID_REQUEST_PARAM.GMP_GATEWAY_API", field: "grant_type", description: "grant_type must be client_credentials")
        }
        guard String(decoded[..<colon]) == configuration.clientID, String(decoded[decoded.index(after: colon)...]) == configuration.clientSecret else {
            return WalmartReplies.gateway(
                400, code: "INVALID_CLIENT.GMP_GATEWAY_API", field: "client_id", description: "Invalid client_id or client_secret")
        }
        var rng = SeededRandom(seed: UInt64(tokensIssued) &+ UInt64(Date().timeIntervalSince1970 * 1e6))
        let token = "eyJraWQiOiJzYW5kYm94In0." + rng.hexID() + rng.hexID()
        tokens[token] = Date().addingTimeInterval(configuration.tokenLifetime)
        tokensIssued += 1
        return .json(WalmartToken(accessToken: token, expiresIn: Int(configuration.tokenLifetime)))
    }

    func tokenIsLive(_ token: String?) -> Bool {
        guard let token, let expiry = tokens[token] else { return false }
        return expiry > Date()
    }

    /// Makes every token issued so far invalid, as if they had all expired.
    public func expireTokens() { tokens.removeAll() }

    // MARK: rate limits

    /// Under `--rate-limits`, takes one call from its endpoint's bucket (refilled at its limit per minute): the
    /// calls left, or nil with the seconds until the next when none is.
    func takeAllowance(method: String, path: String) -> (left: Int?, wait: Double?) {
        guard configuration.rateLimits, let (name, limit) = WalmartRateLimits.limit(method: method, path: path) else { return (nil, nil) }
        let clock = ContinuousClock.now
        let perSecond = Double(limit) / max(0.001, configuration.rateWindow)
        var b = buckets[name] ?? (Double(limit), clock)
        b.tokens = min(Double(limit), b.tokens + Double((clock - b.at) / .milliseconds(1)) / 1000 * perSecond)
        b.at = clock
        guard b.tokens >= 1 else {
            buckets[name] = b
            rateLimited += 1
            return (nil, (1 - b.tokens) / perSecond)
        }
        b.tokens -= 1
        buckets[name] = b
        return (Int(b.tokens), nil)
    }

    /// Every endpoint's allowance full again (as after a quiet minute): for tests and training.
    public func replenishAllowances() { buckets.removeAll() }

    // MARK: ledger

    func record(_ method: String, _ path: String, _ body: Data, _ reply: SandboxReply) {
        state.ledger.append(
            LedgerEntry(
                seq: state.ledger.count + 1, at: now, method: method, path: path, body: String(decoding: body, as: UTF8.self), status: reply.status,
                applied: (200..<300).contains(reply.status)))
        markDirty()
    }

    public func ledger() -> [LedgerEntry] { state.ledger }

    // MARK: admin

    public func reset() {
        state = Self.initialState(configuration)
        tokens.removeAll()
        markDirty()
    }

    public func setFaults(_ f: Faults) { injector.faults = f }
    public var faults: Faults { injector.faults }

    public func order(_ id: String) -> WalmartOrder? { state.orders[id] }
    public func returnOrder(_ id: String) -> WalmartReturnOrder? { state.returns[id] }
    public func allOrderIDs() -> [String] { state.orderSeq }
    public func allReturnIDs() -> [String] { state.returnSeq }

    /// Adds purchase orders as given, or replaces those with the same id.
    public func inject(order: WalmartOrder) {
        Self.add(order, to: &state, at: now)
        markDirty()
    }

    /// Adds a return order as given, or replaces the one with the same id.
    public func inject(return r: WalmartReturnOrder) {
        if state.returns[r.returnOrderId] == nil { state.returnSeq.append(r.returnOrderId) }
        state.returns[r.returnOrderId] = r
        markDirty()
    }

    /// Releases `count` new purchase orders (some sharing a customer order).
    public func generateOrders(count: Int) -> [String] {
        var ids: [String] = []
        while ids.count < max(0, count) {
            for o in WalmartScenario.purchaseOrders(rng: &state.rng, at: now).prefix(count - ids.count) {
                Self.add(o, to: &state, at: now)
                ids.append(o.purchaseOrderId)
            }
        }
        markDirty()
        return ids
    }

    /// A customer starts a return on a shipped order; its id, or nil when nothing of it shipped.
    public func openReturn(purchaseOrderID: String) -> String? {
        guard let o = state.orders[purchaseOrderID], let r = WalmartScenario.returnOrder(rng: &state.rng, for: o, at: now) else { return nil }
        state.returns[r.returnOrderId] = r
        state.returnSeq.append(r.returnOrderId)
        markDirty()
        return r.returnOrderId
    }

    /// The customer asks to cancel (a line, or every open line).
    public func intendToCancel(purchaseOrderID: String, line: String?) -> Bool {
        let done = requestCancel(purchaseOrderID, line: line, at: now)
        if done { markDirty() }
        return done
    }

    /// The carrier delivers the order's shipped units.
    public func deliverNow(purchaseOrderID: String) -> Bool {
        let done = deliver(purchaseOrderID, at: now)
        if done { markDirty() }
        return done
    }

    /// Walmart refunds a return itself (a keep-it or an instant refund), as it may without the seller.
    public func refundByWalmart(returnOrderID: String) -> Bool {
        guard var r = state.returns[returnOrderID] else { return false }
        for i in r.returnOrderLines.indices {
            r.returnOrderLines[i] = Self.refunded(
                r.returnOrderLines[i], units: r.returnOrderLines[i].units - (r.returnOrderLines[i].refundedQty ?? 0), channel: "InstantRefund", at: now)
            r.returnOrderLines[i].refundCoveredBy = "walmart"
        }
        r.refundMode = "INSTANT"
        state.returns[returnOrderID] = r
        markDirty()
        return true
    }

    /// Counts for `GET /sandbox/state`.
    public func summary() -> [String: String] {
        var counts: [String: Int] = [:]
        for o in state.orders.values {
            for l in o.lines { for s in l.statuses { counts[s.status.lowercased(), default: 0] += s.units } }
        }
        var out = counts.mapValues { String($0) }.reduce(into: [String: String]()) { $0["units_" + $1.key] = $1.value }
        out["now"] = WalmartTime.formatISO(now)
        out["orders"] = String(state.orders.count)
        out["returns_open"] = String(state.returns.values.filter { $0.status != WalmartVocabulary.completed }.count)
        out["ledger"] = String(state.ledger.count)
        out["max_in_flight"] = String(injector.maxInFlight)
        out["rate_limited"] = String(rateLimited)
        out["seller_id"] = state.sellerID
        return out
    }
}
