import Foundation
import OrderDesk

extension Desk {
    /// Downloads from Jet: ready orders, directed cancels, return requests, and the current state of orders jom
    /// holds as not final (a bounded number each time, longest unread first; see ``reconciliation(_:)``). First
    /// sends whatever waits in the outbox. Merges everything into the store without touching notes or actions
    /// not yet sent; downloading the same thing twice changes nothing. `by` says who downloads (`jom watch`).
    public func download(by: String? = nil) async throws(MarketplaceError) -> DownloadReport {
        var report = DownloadReport()
        report.marketplace = traits.name
        if isDryRun {
            throw MarketplaceError(
                .unreachable, call: "download",
                message: traits.name == "Jet"
                    ? "a dry run does not contact Jet (it would GET /orders/ready, /orders/directedCancel, /returns/created …)"
                    : "a dry run does not contact \(traits.name)")
        }
        var status: DownloadStatus
        do {
            status = try store.loadDownloadStatus()
        } catch {
            throw MarketplaceError(.badResponse, call: "download", message: "\(error.summary) (\(error.remedy ?? ""))")
        }
        status.lastAttempt = now
        do {
            let m = try await market()
            report.delivered = await deliver(force: true)
            let (watch, watchReturns) = try reconciliation(status)
            var result = try await m.download(watch: Array(refetchLater) + watch, returns: watchReturns, connections: settings.jetConnections)
            refetchLater.removeAll()
            // A return on an order we do not have yet: fetch the order too.
            let known = Set(result.orders.map(\.merchantOrderID))
            for id in result.returns.keys where !known.contains(id) && store.summary(of: id) == nil {
                do {
                    result.orders.append(try await m.order(id))
                } catch {
                    result.failures.append(
                        DownloadFailure(
                            .order, id: id, cause: "(for a return request) \(error.summary)",
                            unreadable: error.kind == .badResponse))
                }
            }
            try merge(result, into: &report)
            report.failures = result.failures
            report.remarks = result.remarks
            report.reconciled = watch.count
            bindIfNeeded(m)
            status.lastSuccess = now
            status.lastError = nil
            status.lastSummary = report.sentence
            status.lastBy = by ?? downloaderName
            status.successes = (status.successes ?? 0) &+ 1
            status.checked = checks(after: result, before: status.checked ?? [:])
            saveStatus(status)
            report.compaction = compactIfWorthwhile()
            return report
        } catch let error as MarketplaceError {
            status.lastError = error.summary
            saveStatus(status)
            throw error
        } catch let error as any OperatorFacingError {
            status.lastError = error.summary
            saveStatus(status)
            throw MarketplaceError(.badResponse, call: "download", message: error.summary)
        } catch {
            status.lastError = "\(error)"
            saveStatus(status)
            throw MarketplaceError(.badResponse, call: "download", message: "\(error)")
        }
    }

    /// Orders (and returns) to re-read besides what Jet lists: those jom holds as not final, longest unread first.
    /// Each download reads a bounded share, enough that every one is read at least once a day at the download
    /// interval (at least 50, at most 1,000 a download).
    func reconciliation(_ status: DownloadStatus) throws(StoreError) -> (orders: [String], returns: [String]) {
        let open = store.openAtJet()
        guard !open.isEmpty else { return ([], []) }
        let checked = status.checked ?? [:]
        let t = now
        let perDay = 86400 / max(60, settings.downloadInterval > 0 ? settings.downloadInterval : 900)
        let share = min(1000, max(50, Int((Double(open.count) / perDay).rounded(.up)) * 2))
        let overdue = open.filter { t.timeIntervalSince(checked[$0.merchantOrderID] ?? .distantPast) >= 86400 }.count
        let chosen = open.sorted {
            (checked[$0.merchantOrderID] ?? .distantPast, $0.merchantOrderID) < (checked[$1.merchantOrderID] ?? .distantPast, $1.merchantOrderID)
        }
        .prefix(min(1000, max(share, overdue)))
        var returns: [String] = []
        for s in chosen where s.stage != .new && s.stage != .held {
            guard let r = try readOrSetAside(s.merchantOrderID) else { continue }
            returns += r.order.returns.filter { !$0.isFinalAtJet }.map(\.id)
        }
        return (chosen.map(\.merchantOrderID), returns)
    }

    /// When each order Jet may still change was last read, after this download: the ones it brought are read
    /// now; orders that became final are forgotten.
    func checks(after result: DownloadResult, before: [String: Date]) -> [String: Date] {
        let open = Set(store.openAtJet().map(\.merchantOrderID))
        var out = before.filter { open.contains($0.key) }
        for o in result.orders where open.contains(o.merchantOrderID) { out[o.merchantOrderID] = now }
        return out
    }

    /// After a download (in a session, a script or `jom watch`): the store drops the versions its orders
    /// replaced once they take most of its space. A failure is only a warning: nothing was lost.
    func compactIfWorthwhile() -> CompactionResult? {
        guard !isDryRun else { return nil }
        do {
            return try store.compact(force: false)
        } catch {
            warn("the store could not be compacted: \(error.summary)")
            return nil
        }
    }

    /// Rewrites the store's current records without the versions they replaced (`compact`).
    public func compact() throws(StoreError) -> CompactionResult? {
        guard !isDryRun else { return nil }
        return try store.compact(force: true)
    }

    /// Records how the download went; a failure to record it is shown, and changes nothing else.
    private func saveStatus(_ status: DownloadStatus) {
        do {
            try store.saveDownloadStatus(status)
        } catch {
            warn("when this download ran could not be recorded: \(error.summary)")
        }
    }

    /// Folds a download into the store, in one locked write. An order whose record cannot be read, or that the
    /// marketplace sent absurd or unreadable, is set aside (quarantine): the rest is merged.
    func merge(_ result: DownloadResult, into report: inout DownloadReport) throws {
        let t = now
        var aside: [QuarantineEntry] = []
        for f in result.failures where f.unreadable {
            guard let id = f.orderID else { continue }
            aside.append(QuarantineEntry(id: id, reference: store.summary(of: id)?.referenceOrderID, reason: .unreadable, detail: f.cause, since: t))
        }
        var merged = Set<String>()
        try store.transaction { () throws(StoreError) in
            var changed: [OrderRecord] = []
            var new: [String] = []
            var seen = Set<String>()
            func fold(_ order: Order, _ existing: OrderRecord?) {
                guard
                    let (record, changes) = Merge.merge(
                        order, returns: result.returns[order.merchantOrderID] ?? [], into: existing, at: t, marketplace: traits.name)
                else { return }
                changed.append(record)
                if existing == nil { new.append(record.id) }
                for c in changes {
                    switch c {
                    // An order that arrives with its return request (shipped long ago) is not a new order to act on.
                    case .newOrder: if record.stage == .new || record.stage == .held { report.newOrders += 1 }
                    case .cancelRequested: report.cancelRequests += 1
                    case .returnRequested: report.returnRequests += 1
                    case .statusChanged:
                        report.statusChanges += 1
                        report.changedIDs.append(record.order.referenceOrderID)
                    case .cancelledByJet:
                        report.cancelledByJet += 1
                        report.changedIDs.append(record.order.referenceOrderID)
                    case .returnClosedByJet:
                        report.returnsClosedByJet += 1
                        report.changedIDs.append(record.order.referenceOrderID)
                    }
                }
            }
            for order in result.orders where seen.insert(order.merchantOrderID).inserted {
                let problems = Sanity.problems(order)
                guard problems.isEmpty else {
                    aside.append(
                        QuarantineEntry(
                            id: order.merchantOrderID, reference: String(order.referenceOrderID.prefix(64)), reason: .absurd,
                            detail: problems.joined(separator: "; "), since: t))
                    continue
                }
                let existing: OrderRecord?
                do throws(StoreError) {
                    existing = try store.record(order.merchantOrderID)
                } catch  where error.damagedOrderID != nil {
                    aside.append(
                        QuarantineEntry(
                            id: order.merchantOrderID, reference: order.referenceOrderID, reason: .damagedRecord,
                            detail: error.summary, since: t))
                    continue
                }
                fold(order, existing)
                merged.insert(order.merchantOrderID)
            }
            for id in result.returns.keys where !seen.contains(id) {
                guard let existing = try? store.record(id) else { continue }  // Damaged: set aside above when its order came.
                fold(existing.order, existing)
            }
            report.changedOrders = changed.count
            try store.save(changed, new: new)
        }
        // What arrived whole leaves quarantine; what did not goes in (the rest of the download counts either way).
        let quarantined = store.quarantined()
        let cleared = Set(quarantined.filter { $0.reason != .damagedRecord && merged.contains($0.id) }.map(\.id))
        do {
            try store.release(cleared)
            try store.setAside(aside)
        } catch {
            warn("orders to set aside could not be recorded: \(error.summary)")
        }
        report.setAside = aside.map { $0.reference ?? $0.id }
    }

    /// An order's record, or nil when it is missing or damaged (then it is set aside, and the caller goes on).
    func readOrSetAside(_ id: String) throws(StoreError) -> OrderRecord? {
        do {
            return try store.record(id)
        } catch  where error.damagedOrderID != nil {
            setAside(id, error)
            return nil
        }
    }

    /// Records that an order's record cannot be read.
    func setAside(_ id: String, _ error: StoreError) {
        do {
            try store.setAside([
                QuarantineEntry(
                    id: id, reference: store.summary(of: id)?.referenceOrderID, reason: .damagedRecord,
                    detail: error.summary, since: now)
            ])
        } catch {
            warn("order \(id) could not be set aside: \(error.summary)")
        }
    }
}
