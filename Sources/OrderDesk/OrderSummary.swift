import Foundation

/// The few facts about an order that lists, filters, deadlines and the prompt need. One per order in the
/// store's index, so that listing never reads the order files.
public struct OrderSummary: Sendable, Hashable {
    public var merchantOrderID: String
    public var referenceOrderID: String
    public var stage: OrderStage
    /// When the order reached us (ready date, else placed date).
    public var receivedAt: Date?
    public var shipBy: Date?
    /// When the open return was requested, for the return-response deadline.
    public var returnRequestedAt: Date?
    public var buyer: String
    /// `Hoboken, NJ`.
    public var destination: String
    public var units: Int
    public var total: Cents
    /// The first line's title, with `+N more` when there are more lines.
    public var title: String
    /// How the order was cancelled, when it is.
    public var cancellation: OrderStage.Cancellation?
    /// Jet may still change the order (it is not complete there, or a return is not closed): downloads keep
    /// re-reading it until Jet says it is final.
    public var openAtJet: Bool
    /// When what happened to the order happened, for the report: approved, shipped (the last unit), cancelled,
    /// first refunded.
    public var events: Events = Events()
    /// Everything refunded on the order so far.
    public var refunded: Cents = .zero

    public struct Events: Sendable, Hashable {
        public var approved: Date?
        public var shipped: Date?
        public var cancelled: Date?
        public var refunded: Date?

        public init(approved: Date? = nil, shipped: Date? = nil, cancelled: Date? = nil, refunded: Date? = nil) {
            self.approved = approved
            self.shipped = shipped
            self.cancelled = cancelled
            self.refunded = refunded
        }

        /// The dates of an order's record: Jet's where it gives them, else those of our own actions.
        init(_ record: OrderRecord, stage: OrderStage) {
            let actions = record.effectiveActions
            let order = record.order
            approved =
                order.acknowledgedAt
                ?? actions.first { a in
                    if case .acknowledge(let ack) = a.request { return ack.isAccepted }
                    return false
                }?.createdAt
            if stage == .shipped || stage == .refunded || stage == .refundDenied || stage == .returnRequested || stage == .returnAccepted {
                let jet = order.shipments.filter { $0.items.contains { $0.shipped > 0 } }.compactMap(\.shippedAt)
                let ours = actions.compactMap { a -> Date? in
                    if case .ship(let s) = a.request, !s.isCancelOnly { return s.shippedAt ?? a.createdAt }
                    return nil
                }
                shipped = (jet + ours).max()
            }
            if stage == .cancelled {
                cancelled =
                    actions.last { $0.kind == .cancel }?.createdAt
                    ?? record.history.last { $0.by == "jet" }?.at ?? order.acknowledgedAt ?? order.receivedAt
            }
            refunded =
                actions.first { a in
                    switch a.request {
                    case .completeReturn: return a.kind == .refund
                    case .merchantRefund: return true
                    default: return false
                    }
                }?.createdAt
        }
    }

    public init(
        merchantOrderID: String, referenceOrderID: String, stage: OrderStage, receivedAt: Date?, shipBy: Date?,
        returnRequestedAt: Date?, buyer: String, destination: String, units: Int, total: Cents, title: String,
        cancellation: OrderStage.Cancellation?, openAtJet: Bool = false
    ) {
        self.merchantOrderID = merchantOrderID
        self.referenceOrderID = referenceOrderID
        self.stage = stage
        self.receivedAt = receivedAt
        self.shipBy = shipBy
        self.returnRequestedAt = returnRequestedAt
        self.buyer = buyer
        self.destination = destination
        self.units = units
        self.total = total
        self.title = title
        self.cancellation = cancellation
        self.openAtJet = openAtJet
    }

    public init(_ record: OrderRecord) {
        let order = record.order
        let stage = record.stage
        var title = order.lines.first?.title ?? ""
        if order.lines.count > 1 { title += " +\(order.lines.count - 1) more" }
        self.init(
            merchantOrderID: order.merchantOrderID,
            referenceOrderID: order.referenceOrderID,
            stage: stage,
            receivedAt: order.receivedAt,
            shipBy: order.shipBy,
            returnRequestedAt: stage == .returnRequested ? order.latestReturn?.requestedAt : nil,
            buyer: order.buyer.name,
            destination: [order.address.city, order.address.state].filter { !$0.isEmpty }.joined(separator: ", "),
            units: order.units,
            total: order.totals.total,
            title: title,
            cancellation: stage == .cancelled
                ? OrderStage.cancellation(record)
                : OrderStage.merchantCancelledUnits(record) > 0 ? .merchantUnits : nil,
            openAtJet: order.isOpenAtJet
        )
        events = Events(record, stage: stage)
        refunded = Refunds.refunded(record)
    }
}
