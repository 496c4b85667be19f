import Foundation
import OrderDesk

extension Desk {
    /// Downloads from Jet: ready orders, directed cancels, return requests, and the current state of orders
    /// waiting to ship. First sends whatever waits in the outbox. Merges everything into the store without
    /// touching notes or actions not yet sent; downloading the same thing twice changes nothing.
    public func download() async throws(MarketplaceError) -> DownloadReport {
        var report = DownloadReport()
        if isDryRun {
            throw MarketplaceError(.unreachable, call: "download", message: "a dry run does not contact Jet (it would GET /orders/ready, /orders/directedCancel, /returns/created …)")
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
            let watch = store.active().filter { $0.stage == .approved || $0.stage == .cancelRequested }.map(\.merchantOrderID)
                + Array(refetchLater)
            var result = try await m.download(watch: watch)
            refetchLater.removeAll()
            // A return on an order we do not have yet: fetch the order too.
            let known = Set(result.orders.map(\.merchantOrderID))
            for id in result.returns.keys where !known.contains(id) && store.summary(of: id) == nil {
                do {
                    result.orders.append(try await m.order(id))
                } catch {
                    result.failures.append("order \(id) (for a return request): \(error.summary)")
                }
            }
            try merge(result, into: &report)
            report.failures = result.failures
            status.lastSuccess = now
            status.lastError = nil
            status.lastSummary = report.sentence
            saveStatus(status)
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

    /// Records how the download went; a failure to record it is shown, and changes nothing else.
    private func saveStatus(_ status: DownloadStatus) {
        do {
            try store.saveDownloadStatus(status)
        } catch {
            warn("when this download ran could not be recorded: \(error.summary)")
        }
    }

    /// Folds a download into the store, in one locked write.
    func merge(_ result: DownloadResult, into report: inout DownloadReport) throws {
        let t = now
        try store.transaction { () throws(StoreError) in
            var changed: [OrderRecord] = []
            var new: [String] = []
            var seen = Set<String>()
            func fold(_ order: Order, _ existing: OrderRecord?) {
                guard let (record, changes) = Merge.merge(order, returns: result.returns[order.merchantOrderID] ?? [], into: existing, at: t)
                else { return }
                changed.append(record)
                if existing == nil { new.append(record.id) }
                for c in changes {
                    switch c {
                    // An order that arrives with its return request (shipped long ago) is not a new order to act on.
                    case .newOrder: if record.stage == .new || record.stage == .held { report.newOrders += 1 }
                    case .cancelRequested: report.cancelRequests += 1
                    case .returnRequested: report.returnRequests += 1
                    case .statusChanged: report.statusChanges += 1
                    }
                }
            }
            for order in result.orders where seen.insert(order.merchantOrderID).inserted {
                fold(order, try store.record(order.merchantOrderID))
            }
            for id in result.returns.keys where !seen.contains(id) {
                guard let existing = try store.record(id) else { continue }
                fold(existing.order, existing)
            }
            report.changedOrders = changed.count
            try store.save(changed, new: new)
        }
    }
}
