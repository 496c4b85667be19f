import Foundation

/// Folding what Jet says into what the store holds, without losing notes or actions not yet sent. Merging
/// the same download twice changes nothing.
public enum Merge {
    /// What a merge brought, for the notice above the prompt.
    public enum Change: Sendable, Hashable {
        case newOrder
        case cancelRequested
        case returnRequested
        case statusChanged(from: String, to: String)
        /// Jet cancelled the order itself (not at our asking).
        case cancelledByJet
        /// A return request was closed at Jet without our answer (the customer or Jet closed it).
        case returnClosedByJet
    }

    /// The record after merging `order` (and the order's open `returns`) into `existing`. Returns nil when
    /// nothing changed.
    public static func merge(
        _ downloaded: Order, returns: [ReturnRequest], into existing: OrderRecord?, at now: Date, marketplace: String = "Jet"
    )
        -> (record: OrderRecord, changes: [Change])?
    {
        // The store keeps times to the second: compared at Jet's finer precision, an order that did not change
        // would look changed at every download and be written again each time.
        var incoming = downloaded.toWholeSeconds
        // Jet lists only open returns; keep the ones we already know, updated by the download.
        var mergedReturns = existing?.order.returns ?? []
        for r in (downloaded.returns + returns).map(\.toWholeSeconds) {
            if let i = mergedReturns.firstIndex(where: { $0.id == r.id }) {
                mergedReturns[i] = r
            } else {
                mergedReturns.append(r)
            }
        }
        incoming.returns = mergedReturns

        guard var record = existing else {
            var record = OrderRecord(order: incoming)
            record.history.append(HistoryEvent(at: now, by: marketplace.lowercased(), event: "downloaded from \(marketplace) (status \(incoming.status))"))
            var changes: [Change] = [.newOrder]
            if incoming.directedCancel { changes.append(.cancelRequested) }
            if incoming.returns.contains(where: \.isOpen) { changes.append(.returnRequested) }
            return (record, changes)
        }
        guard record.order != incoming else { return nil }

        let before = record.stage
        let old = record.order
        record.order = incoming
        var changes: [Change] = []
        if old.status != incoming.status {
            changes.append(.statusChanged(from: old.status.rawValue, to: incoming.status.rawValue))
            record.history.append(HistoryEvent(at: now, by: marketplace.lowercased(), event: "\(marketplace) status \(old.status) → \(incoming.status)"))
        }
        if incoming.directedCancel && !old.directedCancel {
            changes.append(.cancelRequested)
            let units = incoming.lines.reduce(0) { $0 + $1.cancelRequested }
            record.history.append(
                HistoryEvent(
                    at: now, by: marketplace.lowercased(),
                    event: "\(marketplace) asks to cancel " + (units > 0 ? "\(units) unit\(units == 1 ? "" : "s")" : "the order")))
        }
        if OrderStage.cancellation(record) == .marketplace, OrderStage.cancellation(OrderRecord(order: old, actions: record.actions)) != .marketplace {
            changes.append(.cancelledByJet)
            record.history.append(
                HistoryEvent(
                    at: now, by: marketplace.lowercased(),
                    event: "\(marketplace) cancelled the order itself (\(incoming.exceptionState.map { "\($0)" } ?? "status \(incoming.status)"))"))
        }
        let answered = Set(
            record.effectiveActions.compactMap { a -> String? in
                if case .completeReturn(let c) = a.request { return c.returnID }
                return nil
            })
        for r in incoming.returns where !r.isOpen && !answered.contains(r.id) {
            guard let before = old.returns.first(where: { $0.id == r.id }), before.isOpen else { continue }
            changes.append(.returnClosedByJet)
            record.history.append(
                HistoryEvent(
                    at: now, by: marketplace.lowercased(),
                    event: "return \(r.reference ?? r.id) was closed at \(marketplace) without your answer (status \(r.status))"))
        }
        let oldIDs = Set(old.returns.map(\.id))
        for r in incoming.returns where !oldIDs.contains(r.id) {
            changes.append(.returnRequested)
            let reasons = Set(r.lines.map(\.reason)).sorted().joined(separator: "; ")
            record.history.append(
                HistoryEvent(
                    at: now, by: marketplace.lowercased(),
                    event: "return requested (\(r.requestedTotal.total))" + (reasons.isEmpty ? "" : ": \(reasons)")))
        }
        if changes.isEmpty && before != record.stage {
            changes.append(.statusChanged(from: before.rawValue, to: record.stage.rawValue))
        }
        return (record, changes)
    }
}

extension Date {
    /// The same instant without its fraction of a second (as the store writes dates).
    public var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

extension ReturnRequest {
    /// Every date to the second, as the store keeps them.
    public var toWholeSeconds: ReturnRequest {
        var r = self
        r.requestedAt = requestedAt?.wholeSeconds
        return r
    }
}

extension Order {
    /// Every date to the second, as the store keeps them: what a download brings compares equal to what the
    /// store read back when nothing changed.
    public var toWholeSeconds: Order {
        var o = self
        o.placedAt = placedAt?.wholeSeconds
        o.readyAt = readyAt?.wholeSeconds
        o.acknowledgedAt = acknowledgedAt?.wholeSeconds
        o.shipBy = shipBy?.wholeSeconds
        o.deliverBy = deliverBy?.wholeSeconds
        o.shipments = shipments.map { s in
            var s = s
            s.shippedAt = s.shippedAt?.wholeSeconds
            return s
        }
        o.returns = returns.map(\.toWholeSeconds)
        return o
    }
}
