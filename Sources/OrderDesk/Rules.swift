import Foundation
import JetWords

/// What an operator may do to an order in each stage, and the exact request Jet gets for it. Pure: every
/// function either refuses with an operator-facing error or returns the action to record and send.
public enum Rules {
    /// Who acts, when, and with which settings.
    public struct Context: Sendable {
        public var now: Date
        public var by: String
        public var settings: Settings
        public var actionID: String

        public init(now: Date, by: String, settings: Settings, actionID: String = OrderAction.newID()) {
            self.now = now
            self.by = by
            self.settings = settings
            self.actionID = actionID
        }
    }

    /// Every operator action, for the rules table and for help.
    public enum Verb: String, Sendable, CaseIterable {
        case approve, ship, cancel, refund, deny, note
    }

    /// The verbs allowed in a stage. `note` is always allowed.
    public static func allowed(in stage: OrderStage) -> [Verb] {
        switch stage {
        case .held: [.note]
        case .new: [.approve, .cancel, .note]
        case .approved: [.ship, .note]
        case .cancelRequested: [.cancel, .note]
        case .returnRequested: [.refund, .deny, .note]
        case .shipped, .cancelled, .refunded, .refundDenied: [.note]
        }
    }

    /// The refusal for `verb` on an order in a stage where it is not allowed: names the order, its stage,
    /// and what can be done instead.
    public static func refusal(_ verb: Verb, _ record: OrderRecord) -> DeskError {
        let ref = record.order.referenceOrderID
        let stage = record.stage
        let what: String = switch stage {
        case .held: "is still being checked by Jet (status created) and cannot be acted on yet"
        case .new: "is new (not approved yet)"
        case .approved: "is approved and waiting to ship"
        case .shipped: "is shipped"
        case .cancelled: "is cancelled"
        case .cancelRequested: "has a cancel request from Jet"
        case .returnRequested: "has a return request waiting for an answer"
        case .refunded: "is refunded"
        case .refundDenied: "had its refund denied"
        }
        let why: String = switch (verb, stage) {
        case (.cancel, .approved), (.cancel, .shipped):
            "; once approved an order can no longer be cancelled by you (only Jet can ask for a cancel)"
        case (.ship, .new): "; only an approved order can be shipped"
        case (.refund, _), (.deny, _): "; only a return request can be refunded or denied"
        default: ""
        }
        let instead: String = switch stage {
        case .held: "wait for the next download (`download`)"
        case .new: "approve it with `approve \(ref)` or cancel it with `cancel \(ref) <reason>`"
        case .approved: "ship it with `ship \(ref) <tracking>`"
        case .cancelRequested: "cancel it as Jet asks with `cancel \(ref)`"
        case .returnRequested: "answer the return with `refund \(ref)` or `deny \(ref) <reason>`"
        case .shipped, .cancelled, .refunded, .refundDenied: "you can still add a note with `note \(ref) <text>`"
        }
        let already: Bool = switch (verb, stage) {
        case (.approve, .approved), (.ship, .shipped), (.cancel, .cancelled), (.refund, .refunded), (.deny, .refundDenied): true
        default: false
        }
        if already {
            return DeskError("order \(ref) is already \(pastTense(verb))", remedy: instead)
        }
        return DeskError("order \(ref) \(what): it cannot be \(pastTense(verb))\(why)", remedy: instead)
    }

    private static func pastTense(_ verb: Verb) -> String {
        switch verb {
        case .approve: "approved"
        case .ship: "shipped"
        case .cancel: "cancelled"
        case .refund: "refunded"
        case .deny: "denied"
        case .note: "noted"
        }
    }

    private static func require(_ verb: Verb, _ record: OrderRecord) throws(DeskError) {
        guard allowed(in: record.stage).contains(verb) else { throw refusal(verb, record) }
    }

    // MARK: approve

    /// Accepts a new order: Jet's acknowledge with `accepted` and every item `fulfillable`.
    public static func approve(_ record: OrderRecord, _ ctx: Context) throws(DeskError) -> OrderAction {
        try require(.approve, record)
        let o = record.order
        let ack = Acknowledgement(status: .accepted, altOrderID: o.altOrderID,
                                  items: o.lines.map { .init(itemID: $0.itemID, altItemID: $0.altItemID, status: .fulfillable) })
        return OrderAction(id: ctx.actionID, merchantOrderID: o.merchantOrderID, kind: .approve, request: .acknowledge(ack),
                           createdAt: ctx.now, by: ctx.by)
    }

    // MARK: cancel

    /// Cancels a new order (rejecting it at acknowledgement with the reason's Jet status), or answers Jet's
    /// directed cancel (a shipped message cancelling the units Jet asked for).
    public static func cancel(_ record: OrderRecord, reason: CancelReason?, _ ctx: Context) throws(DeskError) -> OrderAction {
        try require(.cancel, record)
        let o = record.order
        if record.stage == .cancelRequested && OrderStage.isAccepted(record) {
            let progress = OrderProgress(record)
            let byLine = o.lines.contains { $0.cancelRequested > 0 }
            var items: [ShipmentReport.Item] = []
            for (line, p) in zip(o.lines, progress.lines) {
                let want = byLine ? line.cancelRequested : p.ordered - p.shipped
                let units = max(0, min(want - p.cancelled, p.open))
                if units > 0 { items.append(.init(sku: line.sku, altItemID: line.altItemID, quantity: 0, cancelQuantity: units)) }
            }
            let report = ShipmentReport(altShipmentID: ctx.actionID, items: items)
            return OrderAction(id: ctx.actionID, merchantOrderID: o.merchantOrderID, kind: .cancel, request: .ship(report),
                               createdAt: ctx.now, by: ctx.by)
        }
        let reason = reason ?? (record.stage == .cancelRequested ? .other : nil)
        guard let reason else {
            throw DeskError("cancelling order \(o.referenceOrderID) needs a reason",
                            remedy: "cancel \(o.referenceOrderID) <reason>, where reason is one of: "
                                + CancelReason.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let items: [Acknowledgement.Item] = reason.itemStatus.map { status in
            o.lines.map { .init(itemID: $0.itemID, altItemID: $0.altItemID, status: status) }
        } ?? []
        let ack = Acknowledgement(status: reason.acknowledgementStatus, altOrderID: o.altOrderID, items: items)
        return OrderAction(id: ctx.actionID, merchantOrderID: o.merchantOrderID, kind: .cancel, request: .acknowledge(ack),
                           createdAt: ctx.now, by: ctx.by)
    }

    // MARK: ship

    /// Reports every open unit of an approved order as shipped with one tracking number.
    public static func ship(_ record: OrderRecord, tracking: String, carrier: String, method: String?,
                            _ ctx: Context) throws(DeskError) -> OrderAction {
        try require(.ship, record)
        let o = record.order
        guard let jetCarrier = Carriers.canonical(carrier) else {
            throw DeskError("\"\(carrier)\" is not one of Jet's carriers",
                            remedy: "use one of: " + Carriers.all.prefix(12).joined(separator: ", ") + ", … (TAB completes them)")
        }
        let number = try TrackingNumber.validate(tracking, carrier: jetCarrier)
        var jetMethod: String?
        if let method {
            guard let m = Carriers.canonicalMethod(method) else {
                let options = Carriers.methods[jetCarrier] ?? Carriers.otherMethods
                throw DeskError("\"\(method)\" is not one of Jet's shipment methods",
                                remedy: "for \(jetCarrier) use one of: " + options.joined(separator: ", ") + " (TAB completes them; dashes for spaces)")
            }
            jetMethod = m
        }
        let shipFrom = ctx.settings.shipFromZip
        guard !shipFrom.isEmpty else {
            throw DeskError("Jet needs the ZIP code parcels ship from, and ship-from-zip is not set",
                            remedy: "set ship-from-zip 07030 (your warehouse's ZIP), then ship again")
        }
        let progress = OrderProgress(record)
        let items: [ShipmentReport.Item] = zip(o.lines, progress.lines).compactMap { line, p in
            p.open > 0 ? .init(sku: line.sku, altItemID: line.altItemID, quantity: p.open, cancelQuantity: 0) : nil
        }
        let report = ShipmentReport(
            altShipmentID: ctx.actionID, tracking: number, carrier: jetCarrier,
            method: jetMethod ?? Carriers.defaultMethod(carrier: jetCarrier, requested: o.requestedMethod),
            shippedAt: ctx.now,
            expectedDeliveryAt: max(o.deliverBy ?? ctx.now.addingTimeInterval(5 * 86400), ctx.now),
            carrierPickUpAt: ctx.now, shipFromZip: shipFrom, daysToReturn: ctx.settings.daysToReturn, items: items)
        return OrderAction(id: ctx.actionID, merchantOrderID: o.merchantOrderID, kind: .ship, request: .ship(report),
                           createdAt: ctx.now, by: ctx.by)
    }

    // MARK: returns

    /// Completes the open return crediting the customer: the full requested amount, or `amount` (then a
    /// feedback reason is required, as Jet required one whenever less than requested is refunded).
    public static func refund(_ record: OrderRecord, amount: Cents?, feedback: RefundFeedback?, notes: String? = nil,
                              _ ctx: Context) throws(DeskError) -> OrderAction {
        try require(.refund, record)
        let o = record.order
        guard let ret = o.latestReturn else { throw refusal(.refund, record) }
        let requested = ret.requestedTotal.total
        let target = amount ?? requested
        if target > requested {
            throw DeskError("the customer asked for \(requested) on order \(o.referenceOrderID); \(target) is more than that",
                            remedy: "refund \(o.referenceOrderID) --amount \(requested.plain) (or less, with --feedback)")
        }
        if target <= .zero {
            throw DeskError("a refund of \(target) is no refund", remedy: "deny \(o.referenceOrderID) <reason> turns the return down")
        }
        let partial = target < requested
        if partial && feedback == nil {
            throw DeskError("refunding \(target) of the \(requested) requested on order \(o.referenceOrderID) needs a reason for Jet",
                            remedy: "refund \(o.referenceOrderID) --amount \(target.plain) --feedback <reason>, where reason is one of: "
                                + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
        }
        // Split the refund over the lines in proportion to what was requested; the last line takes the rounding.
        var left = target
        var items: [ReturnCompletion.Item] = []
        for (i, line) in ret.lines.enumerated() {
            let share: Cents
            if i == ret.lines.count - 1 {
                share = left
            } else if requested.value > 0 {
                share = Cents(line.requested.total.value * target.value / requested.value)
            } else {
                share = .zero
            }
            left = left - share
            items.append(.init(itemID: line.itemID, altItemID: line.altItemID, quantityReturned: line.quantity,
                               refundQuantity: line.quantity, feedback: partial ? feedback?.jetValue : nil, notes: notes,
                               amount: line.requested.scaled(toTotal: share)))
        }
        let completion = ReturnCompletion(returnID: ret.id, merchantOrderID: o.merchantOrderID, altOrderID: o.altOrderID,
                                          items: items, agreeToReturnCharge: true)
        return OrderAction(id: ctx.actionID, merchantOrderID: o.merchantOrderID, kind: .refund,
                           request: .completeReturn(completion), createdAt: ctx.now, by: ctx.by)
    }

    /// Completes the open return turning the credit down, with Jet's reason.
    public static func deny(_ record: OrderRecord, reason: RefundFeedback?, notes: String? = nil,
                            _ ctx: Context) throws(DeskError) -> OrderAction {
        try require(.deny, record)
        let o = record.order
        guard let ret = o.latestReturn else { throw refusal(.deny, record) }
        guard let reason else {
            throw DeskError("denying the refund on order \(o.referenceOrderID) needs a reason for Jet",
                            remedy: "deny \(o.referenceOrderID) <reason>, where reason is one of: "
                                + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let items = ret.lines.map {
            ReturnCompletion.Item(itemID: $0.itemID, altItemID: $0.altItemID, quantityReturned: $0.quantity, refundQuantity: 0,
                                  feedback: reason.jetValue, notes: notes, amount: .zero)
        }
        let completion = ReturnCompletion(returnID: ret.id, merchantOrderID: o.merchantOrderID, altOrderID: o.altOrderID,
                                          items: items, agreeToReturnCharge: true)
        return OrderAction(id: ctx.actionID, merchantOrderID: o.merchantOrderID, kind: .deny,
                           request: .completeReturn(completion), createdAt: ctx.now, by: ctx.by)
    }

    // MARK: Jet's last word

    /// Why Jet, as last read, no longer takes `request` on this order: it ended the order, or closed the
    /// return. Nil when nothing known forbids it (Jet itself still decides when it arrives). Only states Jet
    /// never leaves count: an order that is merely not yet acknowledged at Jet may be, a moment later.
    public static func jetForbids(_ request: MarketplaceRequest, _ order: Order) -> String? {
        let ended: String? = {
            guard order.status.isFinal else { return nil }
            if let e = order.exceptionState { return "Jet shows order \(order.referenceOrderID) as \(order.status) (\(e))" }
            return "Jet shows order \(order.referenceOrderID) as \(order.status)"
        }()
        switch request {
        case .acknowledge, .ship:
            return ended
        case .completeReturn(let c):
            guard let r = order.returns.first(where: { $0.id == c.returnID }) else { return nil }
            return r.isFinalAtJet ? "Jet shows return \(r.reference ?? r.id) as \(r.status)" : nil
        }
    }

    // MARK: notes

    /// A note for any order in any stage. Empty notes and control characters are refused.
    public static func note(_ record: OrderRecord, text: String, _ ctx: Context) throws(DeskError) -> Note {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else {
            throw DeskError("a note needs some text", remedy: "note \(record.order.referenceOrderID) <text>")
        }
        guard !t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) else {
            throw DeskError("the note contains a control character", remedy: "type the note again without it")
        }
        return Note(at: ctx.now, by: ctx.by, text: t)
    }
}
