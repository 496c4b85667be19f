import Foundation

/// Where an order stands for the operator. Derived from Jet's statuses and our own actions (sent or still
/// queued), never stored as the truth.
public enum OrderStage: String, Codable, Sendable, Hashable, CaseIterable {
    /// Jet has not released the order yet (`created`: fraud check / customer-cancel window).
    case held
    /// Ready at Jet, not yet approved.
    case new
    /// Approved (acknowledged), units still to ship.
    case approved
    /// Every unit shipped (or the rest cancelled).
    case shipped
    /// Rejected at acknowledgement, or every unit cancelled.
    case cancelled
    /// Jet asks the merchant to cancel units (a directed cancel).
    case cancelRequested = "cancel-requested"
    /// A customer asked for a return that is not answered yet.
    case returnRequested = "return-requested"
    /// The return was accepted (the item may come back); the credit is not decided yet.
    case returnAccepted = "return-accepted"
    case refunded
    case refundDenied = "refund-denied"

    /// The word operators see in lists.
    public var label: String {
        switch self {
        case .held: "held"
        case .new: "new"
        case .approved: "to ship"
        case .shipped: "shipped"
        case .cancelled: "cancelled"
        case .cancelRequested: "cancel req"
        case .returnRequested: "return req"
        case .returnAccepted: "return acc"
        case .refunded: "refunded"
        case .refundDenied: "denied"
        }
    }

    /// Stages that need the operator: the `actionable` filter.
    public var isActionable: Bool {
        switch self {
        case .new, .approved, .cancelRequested, .returnRequested, .returnAccepted: true
        default: false
        }
    }

    /// Derives the stage of an order from Jet's view and our effective (queued or delivered) actions.
    public static func of(_ record: OrderRecord) -> OrderStage {
        let order = record.order
        let actions = record.effectiveActions

        if let ret = order.latestReturn {
            if let answer = actions.last(where: { action in
                if case .completeReturn(let c) = action.request { return c.returnID == ret.id }
                return false
            }) {
                return answer.kind == .deny ? .refundDenied : .refunded
            }
            if ret.isOpen {
                let accepted =
                    ret.status == .acknowledged
                    || actions.contains { action in
                        if case .acceptReturn(let a) = action.request { return a.returnID == ret.id }
                        return false
                    }
                return accepted ? .returnAccepted : .returnRequested
            }
            // Completed with an answer (by jom elsewhere, or another tool): refunded or denied. Closed without
            // one (Jet or the customer closed it): the return is over, and the order is what it was before.
            if ret.status == .completedByMerchant, let refunded = ret.refunded {
                return refunded.total == .zero ? .refundDenied : .refunded
            }
        }

        if isCancelled(record) { return .cancelled }
        let progress = OrderProgress(record)
        if outstandingCancelRequest(record, progress) > 0 { return .cancelRequested }
        if isAccepted(record) || order.status.isPastAcknowledgement {
            if progress.openUnits == 0 {
                return progress.shippedUnits > 0 ? .shipped : .cancelled
            }
            return .approved
        }
        switch order.status {
        case .ready: return .new
        case .created, .acknowledged, .inprogress, .complete, .unknown: return .held
        }
    }

    /// Accepted at Jet or by an effective local approval.
    public static func isAccepted(_ record: OrderRecord) -> Bool {
        let order = record.order
        if order.acknowledgementStatus == .accepted { return true }
        if order.status.isPastAcknowledgement, !(order.acknowledgementStatus?.isRejection ?? false) {
            return true
        }
        return record.effectiveActions.contains { action in
            if case .acknowledge(let a) = action.request { return a.isAccepted }
            return false
        }
    }

    /// Rejected at acknowledgement (by us or another tool), cancelled by Jet, or every unit cancelled.
    public static func isCancelled(_ record: OrderRecord) -> Bool {
        cancellation(record) != nil
    }

    /// Who cancelled the order, if it is cancelled as a whole; or `merchantUnits` for an order that goes on with
    /// some units the merchant cancelled (it counts in the cancellation rate like a cancelled order).
    public enum Cancellation: String, Sendable { case merchant, directed, marketplace, merchantUnits = "merchant-units" }

    /// Units the merchant cancelled (not at Jet's asking) on an order that is not cancelled as a whole.
    public static func merchantCancelledUnits(_ record: OrderRecord) -> Int {
        var units = 0
        for a in record.effectiveActions where a.kind == .cancel {
            if case .ship(let s) = a.request, !s.answersDirectedCancel { units += s.items.reduce(0) { $0 + $1.cancelQuantity } }
        }
        return units
    }

    public static func cancellation(_ record: OrderRecord) -> Cancellation? {
        let order = record.order
        let rejectedLocally = record.effectiveActions.contains { action in
            if case .acknowledge(let a) = action.request { return !a.isAccepted }
            return false
        }
        if rejectedLocally || (order.acknowledgementStatus?.isRejection ?? false) || order.exceptionState == .orderRejected {
            return .merchant
        }
        if order.exceptionState == .jetManualCanceledToCompleteState { return .marketplace }
        // Complete at Jet without ever being acknowledged or shipped: Jet ended it (the acknowledgement window
        // passed, or Jet cancelled it another way).
        if order.status == .complete, order.acknowledgementStatus == nil, order.shipments.isEmpty,
            !record.effectiveActions.contains(where: { if case .acknowledge = $0.request { true } else { false } })
        {
            return .marketplace
        }
        let progress = OrderProgress(record)
        if progress.orderedUnits > 0, progress.cancelledUnits >= progress.orderedUnits {
            return order.directedCancel || order.lines.contains(where: { $0.cancelRequested > 0 }) ? .directed : .merchant
        }
        return nil
    }

    /// Units Jet asked to cancel that are not cancelled yet.
    public static func outstandingCancelRequest(_ record: OrderRecord, _ progress: OrderProgress? = nil) -> Int {
        let order = record.order
        guard order.directedCancel || order.lines.contains(where: { $0.cancelRequested > 0 }) else { return 0 }
        let p = progress ?? OrderProgress(record)
        let requestedByLine = order.lines.contains(where: { $0.cancelRequested > 0 })
        var outstanding = 0
        for line in p.lines {
            let want = requestedByLine ? line.cancelRequested : line.ordered - line.shipped
            outstanding += max(0, min(want - line.cancelled, line.open))
        }
        return outstanding
    }
}
