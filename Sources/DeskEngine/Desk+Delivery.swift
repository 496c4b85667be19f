import Foundation
import OrderDesk
import OrderStore

extension Desk {
    /// Sends queued actions to Jet, oldest first and in order per order; different orders go in parallel.
    ///
    /// Exactly once: an action that may already have reached Jet (an earlier attempt, or one recorded by an
    /// earlier process) is first checked against Jet's state (acknowledgement status, `alt_shipment_id`, return
    /// status) and only sent when Jet does not show it. When Jet cannot be asked, the action stays queued.
    /// - Parameters:
    ///   - ids: only these actions (nil: every queued action).
    ///   - force: also actions whose backoff has not run out.
    public func deliver(_ ids: Set<String>? = nil, force: Bool = true,
                        progress: (@Sendable (Int, Int) -> Void)? = nil) async -> [DeliveryOutcome] {
        let t = now
        let pending = store.pendingActions
        // Actions for one order go in the order they were recorded: asking for one action also sends the
        // earlier ones still waiting for that order (an approval before its shipment).
        let orders = ids.map { wanted in Set(pending.filter { wanted.contains($0.action.id) }.map(\.action.merchantOrderID)) }
        let wanted = pending.filter { e in
            (orders?.contains(e.action.merchantOrderID) ?? true) && (force || ids != nil || (e.nextAttempt ?? .distantPast) <= t)
        }
        guard !wanted.isEmpty else { return [] }
        if store.dryRun { return dryRunDelivery(wanted) }
        // Another session delivering this store's outbox usually finishes in moments: wait for it a while.
        var started = store.beginSending()
        for _ in 0..<500 where !started {
            try? await Task.sleep(for: .milliseconds(20))
            started = store.beginSending()
        }
        guard started else {
            return wanted.map { outcome($0.action, .queued(reason: "another jom session kept the outbox busy; it will be sent at the next download")) }
        }
        // Another session may have delivered some of these while we waited.
        try? store.refresh()
        let stillPending = Set(store.pendingActions.map(\.action.id))
        let entries = wanted.filter { stillPending.contains($0.action.id) }
        guard !entries.isEmpty else { store.endSending(); return [] }
        defer { store.endSending() }

        let m: any Marketplace
        do {
            m = try await market()
        } catch {
            var out: [DeliveryOutcome] = []
            for e in entries { out.append(recordAttempt(e, error.summary)) }
            return out
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
            guard let order = try? await m.order(id) else { continue }
            var returns: [ReturnRequest] = []
            for a in delivered where a.action.merchantOrderID == id {
                if case .completeReturn(let c) = a.action.request, let r = try? await m.returnRequest(c.returnID) { returns.append(r) }
            }
            fetched.append((order, returns))
        }
        let t = now
        try? store.withLock { () throws(StoreError) in
            var changed: [OrderRecord] = []
            for (order, returns) in fetched {
                guard let existing = try store.record(order.merchantOrderID),
                      let (record, _) = Merge.merge(order, returns: returns, into: existing, at: t) else { continue }
                changed.append(record)
            }
            try store.write(changed)
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

    private func deliverOne(_ entry: OutboxEntry, _ m: any Marketplace) async -> DeliveryOutcome {
        let a = entry.action
        let firstTryHere = freshActions.remove(a.id) != nil && entry.attempts == 0
        if !firstTryHere {
            do {
                if try await m.isApplied(a.request, for: a.merchantOrderID) { return recordDelivered(a, m) }
            } catch {
                return recordAttempt(entry, "could not check with Jet whether it already arrived: \(error.summary)")
            }
        }
        do {
            try await m.send(a.request, for: a.merchantOrderID)
            return recordDelivered(a, m)
        } catch {
            switch error.kind {
            case .refused:
                // A refusal can mean an earlier attempt already did it (its answer was lost).
                if (try? await m.isApplied(a.request, for: a.merchantOrderID)) == true { return recordDelivered(a, m) }
                return recordRefused(a, error.message)
            case .uncertain:
                if (try? await m.isApplied(a.request, for: a.merchantOrderID)) == true { return recordDelivered(a, m) }
                return recordAttempt(entry, error.summary)
            case .unreachable, .badResponse, .unauthorized:
                return recordAttempt(entry, error.summary)
            }
        }
    }

    private func recordDelivered(_ a: OrderAction, _ m: any Marketplace) -> DeliveryOutcome {
        let at = now
        do {
            try store.withLock { () throws(StoreError) in
                try store.markDelivered(a, at: at)
                if var r = try store.record(a.merchantOrderID), r.setState(.delivered(at: at), ofAction: a.id) {
                    r.history.append(HistoryEvent(at: at, by: "jet", event: "Jet confirmed: \(Self.describeAction(a))", actionID: a.id))
                    try store.write([r])
                }
            }
        } catch {
            // Jet has it; the outbox says so or will find out by checking Jet at the next attempt.
            return outcome(a, .delivered)
        }
        if case .ship = a.request { refetchLater.insert(a.merchantOrderID) }
        return outcome(a, .delivered)
    }

    private func recordRefused(_ a: OrderAction, _ reason: String) -> DeliveryOutcome {
        let at = now
        try? store.withLock { () throws(StoreError) in
            try store.markRefused(a, at: at, reason: reason)
            if var r = try store.record(a.merchantOrderID), r.setState(.refused(at: at, reason: reason), ofAction: a.id) {
                r.history.append(HistoryEvent(at: at, by: "jet", event: "Jet refused \(a.kind.rawValue): \(reason)", actionID: a.id))
                try store.write([r])
            }
        }
        return outcome(a, .refused(reason: reason))
    }

    private func recordAttempt(_ e: OutboxEntry, _ reason: String) -> DeliveryOutcome {
        let at = now
        let wait = min(900, 5 * pow(2, Double(e.attempts))) * Double.random(in: 0.8...1.2)
        try? store.withLock { () throws(StoreError) in
            try store.noteAttempt(e.action, at: at, error: reason, next: at.addingTimeInterval(wait))
        }
        return outcome(e.action, .queued(reason: reason))
    }

    private func dryRunDelivery(_ entries: [OutboxEntry]) -> [DeliveryOutcome] {
        var out: [DeliveryOutcome] = []
        for e in entries {
            let a = e.action
            let call = describe(a.request, a.merchantOrderID)
            try? store.withLock { () throws(StoreError) in
                try store.markDelivered(a, at: now)
                if var r = try store.record(a.merchantOrderID), r.setState(.delivered(at: now), ofAction: a.id) {
                    try store.write([r])
                }
            }
            out.append(outcome(a, .wouldSend(call: call)))
        }
        return out
    }

    func outcome(_ a: OrderAction, _ result: DeliveryOutcome.Result) -> DeliveryOutcome {
        let ref = store.summary(of: a.merchantOrderID)?.referenceOrderID ?? a.merchantOrderID
        return DeliveryOutcome(action: a, reference: ref, result: result)
    }

    /// Sends what is due for a retry (their backoff ran out).
    public func retryDue() async -> [DeliveryOutcome] {
        await deliver(force: false)
    }
}
