import Foundation
import OrderDesk

extension Desk {
    /// Sends queued actions to Jet, oldest first and in order per order; different orders go in parallel.
    ///
    /// Exactly once: an action that may already have reached Jet (an earlier attempt, or one recorded by an
    /// earlier process) is first checked against Jet's state (acknowledgement status, `alt_shipment_id`, return
    /// status) and only sent when Jet does not show it. When Jet cannot be asked, the action stays queued.
    /// - Parameters:
    ///   - ids: only these actions (nil: every queued action).
    ///   - force: also actions whose backoff has not run out.
    public func deliver(
        _ ids: Set<String>? = nil, force: Bool = true,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async -> [DeliveryOutcome] {
        let t = now
        let pending = store.pendingActions
        // Actions for one order go in the order they were recorded: asking for one action also sends the
        // earlier ones still waiting for that order (an approval before its shipment).
        let orders = ids.map { wanted in Set(pending.filter { wanted.contains($0.action.id) }.map(\.action.merchantOrderID)) }
        let wanted = pending.filter { e in
            (orders?.contains(e.action.merchantOrderID) ?? true) && (force || ids != nil || (e.nextAttempt ?? .distantPast) <= t)
        }
        guard !wanted.isEmpty else { return [] }
        if isDryRun { return dryRunDelivery(wanted) }
        // Another process delivering this store's outbox usually finishes in moments: wait for it a while.
        let lock = store.sendLock
        switch await lock.acquire(holder: "\(operatorName)'s jom", timeout: sendLockTimeout) {
        case .acquired: break
        case .busy(let holder):
            return wanted.map {
                outcome($0.action, .queued(reason: "the outbox is being sent by \(holder); it goes at the next download"))
            }
        }
        defer { lock.release() }
        // Another process may have delivered some of these while we waited.
        do {
            try store.refresh()
        } catch {
            return wanted.map { outcome($0.action, .queued(reason: "the store could not be read again: \(error.summary)")) }
        }
        let stillPending = Set(store.pendingActions.map(\.action.id))
        let entries = wanted.filter { stillPending.contains($0.action.id) }
        guard !entries.isEmpty else { return [] }

        let m: any Marketplace
        do {
            m = try await market()
        } catch {
            // Not connected at all: nothing was tried, so the outbox records no attempt.
            if case .notConnected = error.kind { return entries.map { outcome($0.action, .queued(reason: error.summary)) } }
            return entries.map { recordAttempt($0, error.summary) }
        }
        var groups: [[OutboxEntry]] = []
        var slot: [String: Int] = [:]
        for e in entries {
            if let i = slot[e.action.merchantOrderID] {
                groups[i].append(e)
            } else {
                slot[e.action.merchantOrderID] = groups.count
                groups.append([e])
            }
        }
        let total = entries.count
        var done = 0
        var outcomes: [DeliveryOutcome] = []
        await withTaskGroup(of: [DeliveryOutcome].self) { group in
            var next = 0
            func add() {
                let g = groups[next]
                next += 1
                group.addTask { await self.deliverInOrder(g, m) }
            }
            while next < groups.count && next < 8 { add() }
            for await results in group {
                outcomes += results
                done += results.count
                progress?(done, total)
                if next < groups.count { add() }
            }
        }
        if outcomes.contains(where: { if case .queued = $0.result { false } else { true } }) { bindIfNeeded(m) }
        await refreshDelivered(outcomes, m)
        return outcomes
    }

    /// After a few deliveries, fetch those orders (and returns) again so the store shows Jet's new status.
    /// After many (approve all), the next download does it.
    private func refreshDelivered(_ outcomes: [DeliveryOutcome], _ m: any Marketplace) async {
        let delivered = outcomes.filter { $0.result == .delivered }
        guard !delivered.isEmpty, delivered.count <= 20 else { return }
        var fetched: [(Order, [ReturnRequest])] = []
        for id in Set(delivered.map(\.action.merchantOrderID)).sorted() {
            // Only a courtesy: an order that cannot be fetched now is fetched by the next download.
            guard let order = try? await m.order(id) else { continue }
            var returns: [ReturnRequest] = []
            for a in delivered where a.action.merchantOrderID == id {
                // The same: the next download reads the return's state.
                if case .completeReturn(let c) = a.action.request, let r = try? await m.returnRequest(c.returnID) { returns.append(r) }
            }
            fetched.append((order, returns))
        }
        let t = now
        do {
            try store.transaction { () throws(StoreError) in
                var changed: [OrderRecord] = []
                for (order, returns) in fetched {
                    guard let existing = try store.record(order.merchantOrderID),
                        let (record, _) = Merge.merge(order, returns: returns, into: existing, at: t, marketplace: traits.name)
                    else { continue }
                    changed.append(record)
                }
                try store.save(changed, new: [])
            }
        } catch {
            warn(
                "\(traits.name)'s new status of \(fetched.count == 1 ? "the order" : "\(fetched.count) orders") could not be saved: \(error.summary); the next download fetches it again"
            )
        }
    }

    /// One order's actions, in order; stops at the first that is not delivered.
    private func deliverInOrder(_ entries: [OutboxEntry], _ m: any Marketplace) async -> [DeliveryOutcome] {
        var out: [DeliveryOutcome] = []
        for (i, e) in entries.enumerated() {
            let o = await deliverOne(e, m)
            out.append(o)
            if o.result != .delivered {
                for later in entries.dropFirst(i + 1) {
                    out.append(outcome(later.action, .queued(reason: "waiting for an earlier action on the same order")))
                }
                break
            }
        }
        return out
    }

    /// One action through ``DeliveryMachine``: this actor does what each step says and tells it what happened.
    private func deliverOne(_ entry: OutboxEntry, _ m: any Marketplace) async -> DeliveryOutcome {
        let a = entry.action
        let otherAccount = a.account.flatMap { $0.isSameAccount(as: m.binding) ? nil : "\($0)" }
        var step = DeliveryMachine.start(
            otherAccount: otherAccount, connectedTo: "\(m.binding)", firstTryHere: freshActions.remove(a.id) != nil && entry.attempts == 0)
        while true {
            let event: DeliveryMachine.Event
            switch step {
            case .check:
                do {
                    event = .checked(applied: try await m.isApplied(a.request, for: a.merchantOrderID))
                } catch {
                    event = .checkFailed(error.summary)
                }
            case .consultOrder:
                // What the marketplace said last (a download since it was recorded) may already rule it out.
                do {
                    event = .orderRead(forbids: try store.record(a.merchantOrderID).flatMap { Rules.jetForbids(a.request, $0.order) })
                } catch {
                    event = .orderUnreadable(error.summary)
                }
            case .send:
                do {
                    try await m.send(a.request, for: a.merchantOrderID)
                    event = .sent
                } catch {
                    let refused = if case .refused = error.kind { true } else { false }
                    event = .sendFailed(refused: refused, uncertain: error.kind == .uncertain, summary: error.summary, message: error.message)
                }
            case .recordDelivered: return recordDelivered(a)
            case .recordRefused(let reason): return recordRefused(a, reason)
            case .retryLater(let reason): return recordAttempt(entry, reason)
            case .leaveQueued(let reason): return outcome(a, .queued(reason: reason))
            }
            step = DeliveryMachine.next(after: step, event, marketplace: traits.name)
        }
    }

    private func recordDelivered(_ a: OrderAction) -> DeliveryOutcome {
        let at = now
        do {
            try store.transaction { () throws(StoreError) in
                try store.markDelivered(a, at: at)
                if var r = try store.record(a.merchantOrderID) {
                    if !r.actions.contains(where: { $0.id == a.id }) {
                        // Its order's file missed it (that write failed after the outbox had it): it learns it now.
                        r.actions.append(a)
                        r.history.append(HistoryEvent(at: a.createdAt, by: a.by, event: Self.describeAction(a), actionID: a.id))
                    }
                    if r.setState(.delivered(at: at), ofAction: a.id) {
                        r.history.append(
                            HistoryEvent(at: at, by: traits.name.lowercased(), event: "\(traits.name) confirmed: \(Self.describeAction(a))", actionID: a.id))
                        try store.save([r], new: [])
                    }
                }
            }
        } catch {
            // Jet has it. The outbox still says queued, so the next attempt asks Jet first and finds it there.
            warn(
                "\(a.kind.rawValue) \(reference(a)) reached \(traits.name), but recording that failed: \(error.summary); the next attempt finds it at \(traits.name) and records it"
            )
        }
        if case .ship = a.request { refetchLater.insert(a.merchantOrderID) }
        return outcome(a, .delivered)
    }

    private func recordRefused(_ a: OrderAction, _ reason: String) -> DeliveryOutcome {
        let at = now
        do {
            try store.transaction { () throws(StoreError) in
                try store.markRefused(a, at: at, reason: reason)
                if var r = try store.record(a.merchantOrderID), r.setState(.refused(at: at, reason: reason), ofAction: a.id) {
                    r.history.append(
                        HistoryEvent(at: at, by: traits.name.lowercased(), event: "\(traits.name) refused \(a.kind.rawValue): \(reason)", actionID: a.id))
                    try store.save([r], new: [])
                }
            }
        } catch {
            warn(
                "\(traits.name) refused \(a.kind.rawValue) \(reference(a)), and recording the refusal failed: \(error.summary); it stays queued and is checked again"
            )
        }
        return outcome(a, .refused(reason: reason))
    }

    private func recordAttempt(_ e: OutboxEntry, _ reason: String) -> DeliveryOutcome {
        let at = now
        let wait = DeliveryMachine.retryDelay(attempts: e.attempts, jitter: Double.random(in: 0.8...1.2))
        do {
            try store.transaction { () throws(StoreError) in
                try store.noteAttempt(e.action, at: at, error: reason, next: at.addingTimeInterval(wait))
            }
        } catch {
            warn("the failed attempt to send \(e.action.kind.rawValue) \(reference(e.action)) could not be noted: \(error.summary)")
        }
        return outcome(e.action, .queued(reason: reason))
    }

    private func dryRunDelivery(_ entries: [OutboxEntry]) -> [DeliveryOutcome] {
        var out: [DeliveryOutcome] = []
        for e in entries {
            let a = e.action
            let call = describe(a.request, a.merchantOrderID)
            do {
                // The dry run's repository keeps this in memory, so later lines see the action as sent.
                try store.transaction { () throws(StoreError) in
                    try store.markDelivered(a, at: now)
                    if var r = try store.record(a.merchantOrderID), r.setState(.delivered(at: now), ofAction: a.id) {
                        try store.save([r], new: [])
                    }
                }
            } catch {
                warn("dry run: \(error.summary)")
            }
            out.append(outcome(a, .wouldSend(call: call)))
        }
        return out
    }

    func reference(_ a: OrderAction) -> String {
        store.summary(of: a.merchantOrderID)?.referenceOrderID ?? a.merchantOrderID
    }

    func outcome(_ a: OrderAction, _ result: DeliveryOutcome.Result) -> DeliveryOutcome {
        DeliveryOutcome(action: a, reference: reference(a), result: result)
    }

    /// Sends what is due for a retry (their backoff ran out).
    public func retryDue() async -> [DeliveryOutcome] {
        await deliver(force: false)
    }
}
