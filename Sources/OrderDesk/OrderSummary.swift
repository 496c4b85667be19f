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

    public init(merchantOrderID: String, referenceOrderID: String, stage: OrderStage, receivedAt: Date?, shipBy: Date?,
                returnRequestedAt: Date?, buyer: String, destination: String, units: Int, total: Cents, title: String,
                cancellation: OrderStage.Cancellation?, openAtJet: Bool = false) {
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
            cancellation: stage == .cancelled ? OrderStage.cancellation(record)
                : OrderStage.merchantCancelledUnits(record) > 0 ? .merchantUnits : nil,
            openAtJet: order.isOpenAtJet
        )
    }
}
