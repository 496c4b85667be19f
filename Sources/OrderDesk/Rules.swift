import Foundation

/// What an operator may do to an order in each stage, and the exact request Jet gets for it. Pure: every
/// function either refuses with an operator-facing error or returns the action to record and send.
public enum Rules {
    /// Who acts, when, and with which settings.
    public struct Context: Sendable {
        public var now: Date
        public var by: String
        public var settings: Settings
        public var actionID: String
        /// The marketplace the store belongs to: its words and the ways its rules differ.
        public var traits: MarketplaceTraits

        public init(now: Date, by: String, settings: Settings, actionID: String = OrderAction.newID(), traits: MarketplaceTraits = .jet) {
            self.now = now
            self.by = by
            self.settings = settings
            self.actionID = actionID
            self.traits = traits
        }

        func action(_ o: Order, _ kind: OrderAction.Kind, _ request: MarketplaceRequest, reason: String? = nil) -> OrderAction {
            OrderAction(id: actionID, merchantOrderID: o.merchantOrderID, kind: kind, request: request, createdAt: now, by: by, reason: reason)
        }
    }

    /// Every operator action, for the rules table and for help.
    public enum Verb: String, Sendable, CaseIterable {
        case approve, ship, cancel
        /// `cancel --units`: units that cannot ship, after approval.
        case cancelUnits = "cancel-units"
        /// `accept`: accept a return request (the item may come back).
        case accept
        /// `refund` of a return request.
        case refund
        /// `refund --amount --reason` without a return: a merchant refund.
        case merchantRefund = "merchant-refund"
        case deny, note
    }

    /// The verbs allowed in a stage. `note` is always allowed.
    public static func allowed(in stage: OrderStage) -> [Verb] {
        switch stage {
        case .held: [.note]
        case .new: [.approve, .cancel, .note]
        case .approved: [.ship, .cancelUnits, .merchantRefund, .note]
        case .cancelRequested: [.cancel, .note]
        case .returnRequested: [.accept, .refund, .deny, .note]
        case .returnAccepted: [.refund, .deny, .note]
        case .shipped, .refunded, .refundDenied: [.merchantRefund, .note]
        case .cancelled: [.note]
        }
    }

    /// The refusal for `verb` on an order in a stage where it is not allowed: names the order, its stage,
    /// and what can be done instead.
    public static func refusal(_ verb: Verb, _ record: OrderRecord, _ traits: MarketplaceTraits = .jet) -> DeskError {
        let ref = record.order.referenceOrderID
        let stage = record.stage
        let market = traits.name
        let what: String =
            switch stage {
            case .held: "is still being checked by \(market) (status created) and cannot be acted on yet"
            case .new: "is new (not approved yet)"
            case .approved: "is approved and waiting to ship"
            case .shipped: "is shipped"
            case .cancelled: "is cancelled"
            case .cancelRequested: "has a cancel request from \(market)"
            case .returnRequested: "has a return request waiting for an answer"
            case .returnAccepted: "has an accepted return waiting for a refund or a denial"
            case .refunded: "is refunded"
            case .refundDenied: "had its refund denied"
            }
        let why: String =
            switch (verb, stage) {
            case (.cancel, .approved), (.cancel, .shipped):
                "; once approved an order can no longer be cancelled as a whole by you (only \(market) can ask for that)"
            case (.cancelUnits, .new): "; before approval the whole order is cancelled (without --units)"
            case (.ship, .new): "; only an approved order can be shipped"
            case (.accept, .new): "; `accept` answers a return request, and a new order is approved with `approve`"
            case (.accept, _): "; only a return request can be accepted"
            case (.refund, .approved), (.refund, .shipped), (.refund, .refunded), (.refund, .refundDenied):
                "; it has no open return request, and a refund without one needs \(market)'s reason"
            case (.refund, _), (.deny, _): "; only a return request can be refunded or denied"
            case (.merchantRefund, _): "; a refund without a return is for an order that was approved or shipped"
            default: ""
            }
        let instead: String =
            switch stage {
            case .held: "wait for the next download (`download`)"
            case .new: "approve it with `approve \(ref)` or cancel it with `cancel \(ref) <reason>`"
            case .approved:
                verb == .cancel
                    ? "cancel the units that cannot ship with `cancel \(ref) <reason> --units SKU:QTY`"
                    : verb == .refund
                        ? "refund without a return with `refund \(ref) --amount X --reason R`"
                        : "ship it with `ship \(ref) <tracking>`"
            case .cancelRequested: "cancel it as \(market) asks with `cancel \(ref)`"
            case .returnRequested:
                traits.acceptsReturns
                    ? "answer the return with `accept \(ref)`, `refund \(ref)` or `deny \(ref) <reason>`" : "refund the return with `refund \(ref)`"
            case .returnAccepted:
                traits.deniesReturns ? "answer the return with `refund \(ref)` or `deny \(ref) <reason>`" : "refund the return with `refund \(ref)`"
            case .shipped, .refunded, .refundDenied:
                verb == .refund ? "refund without a return with `refund \(ref) --amount X --reason R`" : "you can still add a note with `note \(ref) <text>`"
            case .cancelled: "you can still add a note with `note \(ref) <text>`"
            }
        let already: Bool =
            switch (verb, stage) {
            case (.approve, .approved), (.ship, .shipped), (.cancel, .cancelled), (.accept, .returnAccepted), (.refund, .refunded),
                (.deny, .refundDenied):
                true
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
        case .cancelUnits: "cancelled in part"
        case .accept: "accepted"
        case .refund, .merchantRefund: "refunded"
        case .deny: "denied"
        case .note: "noted"
        }
    }

    private static func require(_ verb: Verb, _ record: OrderRecord, _ traits: MarketplaceTraits = .jet) throws(DeskError) {
        guard allowed(in: record.stage).contains(verb) else { throw refusal(verb, record, traits) }
    }

    // MARK: approve

    /// Accepts a new order: Jet's acknowledge with `accepted` and every item `fulfillable`.
    public static func approve(_ record: OrderRecord, _ ctx: Context) throws(DeskError) -> OrderAction {
        try require(.approve, record)
        let o = record.order
        let ack = Acknowledgement(
            status: .accepted, altOrderID: o.altOrderID,
            items: o.lines.map { .init(itemID: $0.itemID, altItemID: $0.altItemID, status: .fulfillable) })
        return ctx.action(o, .approve, .acknowledge(ack))
    }

    // MARK: cancel

    /// Cancels a new order (on Jet, rejecting it at acknowledgement with the reason's status; on Walmart, a
    /// cancel of every open unit), or answers the marketplace's request to cancel (the units it asked for). On
    /// a marketplace that cancels by its own call, an approved order's open units can be cancelled until they ship.
    public static func cancel(_ record: OrderRecord, reason: MarketplaceReason?, _ ctx: Context) throws(DeskError) -> OrderAction {
        let traits = ctx.traits
        let o = record.order
        let byCall = traits.cancelling == .cancelCall
        if byCall, record.stage == .approved {
            let open = openUnits(record)
            return try cancelUnits(record, open, reason: reason, ctx)
        }
        try require(.cancel, record, traits)
        if record.stage == .cancelRequested && (byCall || OrderStage.isAccepted(record)) {
            let progress = OrderProgress(record)
            let byLine = o.lines.contains { $0.cancelRequested > 0 }
            var items: [ShipmentReport.Item] = []
            for (line, p) in zip(o.lines, progress.lines) {
                let want = byLine ? line.cancelRequested : p.ordered - p.shipped
                let units = max(0, min(want - p.cancelled, p.open))
                if units > 0 {
                    items.append(
                        .init(
                            sku: line.sku, altItemID: line.altItemID, lineID: line.itemID, quantity: 0, cancelQuantity: units,
                            cancelledAfter: p.cancelled + units))
                }
            }
            let report = ShipmentReport(
                altShipmentID: ctx.actionID, answersDirectedCancel: true, cancelReason: byCall ? traits.requestedCancelReason?.code : nil, items: items)
            return ctx.action(o, .cancel, .ship(report), reason: "as \(traits.name) asked")
        }
        let reason = reason ?? (record.stage == .cancelRequested ? traits.cancelReasons.last : nil)
        guard let reason else {
            throw DeskError(
                "cancelling order \(o.referenceOrderID) needs a reason",
                remedy: "cancel \(o.referenceOrderID) <reason>, where reason is one of: " + traits.cancelReasons.map(\.slug).joined(separator: ", "))
        }
        if byCall {
            let report = ShipmentReport(
                altShipmentID: ctx.actionID, answersDirectedCancel: false, cancelReason: reason.code,
                items: cancelItems(openUnitsByLine(record), record))
            return ctx.action(o, .cancel, .ship(report), reason: reason.slug)
        }
        let jetReason = CancelReason(rawValue: reason.slug) ?? .other
        let items: [Acknowledgement.Item] =
            jetReason.itemStatus.map { status in
                o.lines.map { .init(itemID: $0.itemID, altItemID: $0.altItemID, status: status) }
            } ?? []
        let ack = Acknowledgement(status: jetReason.acknowledgementStatus, altOrderID: o.altOrderID, items: items)
        return ctx.action(o, .cancel, .acknowledge(ack), reason: reason.slug)
    }

    /// Every open unit of the order, SKU by SKU.
    static func openUnits(_ record: OrderRecord) -> [UnitCount] {
        var out: [UnitCount] = []
        for (line, p) in zip(record.order.lines, OrderProgress(record).lines) where p.open > 0 {
            if let i = out.firstIndex(where: { $0.sku == line.sku }) {
                out[i].quantity += p.open
            } else {
                out.append(UnitCount(sku: line.sku, quantity: p.open))
            }
        }
        return out
    }

    static func openUnitsByLine(_ record: OrderRecord) -> [(line: OrderLine, units: Int)] {
        zip(record.order.lines, OrderProgress(record).lines).compactMap { line, p in p.open > 0 ? (line, p.open) : nil }
    }

    /// Cancelled units as a shipment message's items, each with the line's cancelled count once it arrives.
    static func cancelItems(_ allocation: [(line: OrderLine, units: Int)], _ record: OrderRecord) -> [ShipmentReport.Item] {
        let progress = OrderProgress(record)
        var before: [String: Int] = [:]
        for (line, p) in zip(record.order.lines, progress.lines) { before[line.itemID] = p.cancelled }
        return allocation.map {
            let after = (before[$0.line.itemID] ?? 0) + $0.units
            before[$0.line.itemID] = after
            return .init(sku: $0.line.sku, altItemID: $0.line.altItemID, lineID: $0.line.itemID, quantity: 0, cancelQuantity: $0.units, cancelledAfter: after)
        }
    }

    /// Cancels units that cannot ship (Jet: after approval, in a shipped message with cancelled quantities;
    /// Walmart: by its cancel call, before or after approval). Unlike a cancel the marketplace asked for, it
    /// counts in the merchant's cancellation rate.
    public static func cancelUnits(
        _ record: OrderRecord, _ units: [UnitCount], reason: MarketplaceReason?,
        _ ctx: Context
    ) throws(DeskError) -> OrderAction {
        let traits = ctx.traits
        let byCall = traits.cancelling == .cancelCall
        if !(byCall && [.new, .approved, .cancelRequested].contains(record.stage)) {
            try require(.cancelUnits, record, traits)
        }
        let o = record.order
        guard let reason else {
            throw DeskError(
                "cancelling units of order \(o.referenceOrderID) needs a reason (it is kept with the order)",
                remedy: "cancel \(o.referenceOrderID) <reason> --units \(UnitCount.text(units)), where reason is one of: "
                    + traits.cancelReasons.map(\.slug).joined(separator: ", "))
        }
        let items = cancelItems(try allocate(units, of: record, verb: "cancel"), record)
        try refuseRepeat(record, ctx, "cancelling \(UnitCount.text(units)) as \(reason.slug)") { a in
            guard case .ship(let s) = a.request, s.isCancelOnly, !s.answersDirectedCancel, a.reason == reason.slug else { return false }
            return Set(s.items.map { "\($0.sku.lowercased()):\($0.cancelQuantity)" }) == Set(units.map { "\($0.sku.lowercased()):\($0.quantity)" })
        }
        let report = ShipmentReport(altShipmentID: ctx.actionID, answersDirectedCancel: false, cancelReason: byCall ? reason.code : nil, items: items)
        return ctx.action(o, .cancel, .ship(report), reason: reason.slug)
    }

    // MARK: ship

    /// Reports open units of an approved order as shipped with one tracking number: every open unit, or just
    /// `units` (one parcel of several).
    public static func ship(
        _ record: OrderRecord, tracking: String, carrier: String, method: String?, units: [UnitCount]? = nil,
        _ ctx: Context
    ) throws(DeskError) -> OrderAction {
        let traits = ctx.traits
        try require(.ship, record, traits)
        let o = record.order
        let catalog = traits.carriers
        guard let jetCarrier = catalog.canonical(carrier) else {
            throw DeskError(
                "\"\(carrier)\" is not one of \(traits.name)'s carriers",
                remedy: "use one of: " + catalog.carriers.prefix(12).joined(separator: ", ") + ", … (TAB completes them)")
        }
        let number = try TrackingNumber.validate(tracking, carrier: jetCarrier)
        var jetMethod: String?
        if let method {
            guard let m = catalog.canonicalMethod(method) else {
                let options = catalog.methods(for: jetCarrier)
                throw DeskError(
                    "\"\(method)\" is not one of \(traits.name)'s shipment methods",
                    remedy: "for \(jetCarrier) use one of: " + options.joined(separator: ", ") + " (TAB completes them; dashes for spaces)")
            }
            jetMethod = m
        }
        let shipFrom = ctx.settings.shipFromZip
        guard !traits.needsShipFromZip || !shipFrom.isEmpty else {
            throw DeskError(
                "\(traits.name) needs the ZIP code parcels ship from, and ship-from-zip is not set",
                remedy: "set ship-from-zip 07030 (your warehouse's ZIP), then ship again")
        }
        let items: [ShipmentReport.Item]
        if let units {
            items = try allocate(units, of: record, verb: "ship").map {
                .init(sku: $0.line.sku, altItemID: $0.line.altItemID, lineID: $0.line.itemID, quantity: $0.units, cancelQuantity: 0)
            }
            // The same parcel typed again (after an error that came once it was recorded).
            try refuseRepeat(record, ctx, "shipping \(UnitCount.text(units)) with \(number)") { a in
                guard case .ship(let s) = a.request, s.tracking == number else { return false }
                return Set(s.items.map { "\($0.sku.lowercased()):\($0.quantity)" }) == Set(units.map { "\($0.sku.lowercased()):\($0.quantity)" })
            }
        } else {
            let progress = OrderProgress(record)
            items = zip(o.lines, progress.lines).compactMap { line, p in
                p.open > 0 ? .init(sku: line.sku, altItemID: line.altItemID, lineID: line.itemID, quantity: p.open, cancelQuantity: 0) : nil
            }
        }
        let report = ShipmentReport(
            altShipmentID: ctx.actionID, tracking: number, carrier: jetCarrier,
            method: jetMethod ?? catalog.defaultMethod(carrier: jetCarrier, requested: o.requestedMethod),
            shippedAt: ctx.now,
            expectedDeliveryAt: max(o.deliverBy ?? ctx.now.addingTimeInterval(5 * 86400), ctx.now),
            carrierPickUpAt: ctx.now, shipFromZip: shipFrom.isEmpty ? nil : shipFrom, daysToReturn: ctx.settings.daysToReturn, items: items)
        return ctx.action(o, .ship, .ship(report))
    }

    /// The lines `units` fall on, SKU by SKU (a SKU on several lines fills them in order), each no more than is
    /// open. Refuses a SKU the order does not have, and more units than are open.
    static func allocate(
        _ units: [UnitCount], of record: OrderRecord, verb: String
    ) throws(DeskError)
        -> [(line: OrderLine, units: Int)]
    {
        let o = record.order
        let progress = OrderProgress(record)
        var open = zip(o.lines, progress.lines).map { ($0, $1.open) }
        var out: [(line: OrderLine, units: Int)] = []
        for u in units {
            guard let sku = o.lines.first(where: { $0.sku == u.sku })?.sku ?? o.lines.first(where: { $0.sku.lowercased() == u.sku.lowercased() })?.sku else {
                throw DeskError(
                    "order \(o.referenceOrderID) has no SKU \(u.sku)",
                    remedy: "its SKUs are " + Set(o.lines.map(\.sku)).sorted().joined(separator: ", ") + " (`open \(o.referenceOrderID)` shows them)")
            }
            let available = open.filter { $0.0.sku == sku }.reduce(0) { $0 + $1.1 }
            guard u.quantity <= available else {
                throw DeskError(
                    "order \(o.referenceOrderID) has \(available) open unit\(available == 1 ? "" : "s") of \(sku); \(u.quantity) cannot be \(verb == "ship" ? "shipped" : "cancelled")",
                    remedy: available > 0 ? "\(verb) at most \(sku):\(available)" : "`open \(o.referenceOrderID)` shows what is left")
            }
            var left = u.quantity
            for i in open.indices where left > 0 && open[i].0.sku == sku && open[i].1 > 0 {
                let take = min(left, open[i].1)
                out.append((open[i].0, take))
                open[i].1 -= take
                left -= take
            }
        }
        return out
    }

    // MARK: returns

    /// Accepts the open return request (Jet's return acknowledgement): the item may come back; the credit is
    /// decided with `refund` or `deny`.
    public static func accept(_ record: OrderRecord, _ ctx: Context) throws(DeskError) -> OrderAction {
        let o = record.order
        if !ctx.traits.acceptsReturns {
            throw DeskError(
                "\(ctx.traits.name) has no step to accept a return: the customer sends the item back with \(ctx.traits.name)'s label, and the return waits for your refund",
                remedy: record.stage == .returnRequested || record.stage == .returnAccepted
                    ? "refund it with `refund \(o.referenceOrderID)` (or some units with --units SKU:QTY) when the item is back"
                    : "`open \(o.referenceOrderID)` shows where the order stands")
        }
        try require(.accept, record)
        guard let ret = o.latestReturn else { throw refusal(.accept, record) }
        return ctx.action(o, .accept, .acceptReturn(ReturnAcceptance(returnID: ret.id, merchantOrderID: o.merchantOrderID)))
    }

    /// What a refund of a return would pay, line by line: everything each line asked for, or the chosen units'
    /// share; `target` is `amount` or all of that. Checks the units and the amount; the shell uses it to know
    /// whether to ask for Jet's reason (a line that gets less than it asked for needs one) before building.
    public struct RefundPlan: Sendable {
        public var due: [Cents]
        public var quantities: [Int]
        public var available: Cents
        public var target: Cents
        public var requested: Cents
        /// The customer gets less than the return asked for: Jet needs a reason.
        public var isPartial: Bool { target < requested }
    }

    public static func refundPlan(
        _ record: OrderRecord, units: [UnitCount]?, amount: Cents?, _ traits: MarketplaceTraits = .jet
    ) throws(DeskError) -> RefundPlan {
        try require(.refund, record, traits)
        let o = record.order
        guard let ret = o.latestReturn else { throw refusal(.refund, record, traits) }
        var due: [Cents] = ret.lines.map { $0.requested.total }
        var quantities = ret.lines.map(\.quantity)
        if let units {
            due = Array(repeating: .zero, count: ret.lines.count)
            quantities = Array(repeating: 0, count: ret.lines.count)
            for u in units {
                guard let i = ret.lines.firstIndex(where: { $0.sku == u.sku || $0.sku.lowercased() == u.sku.lowercased() }) else {
                    throw DeskError(
                        "the return on order \(o.referenceOrderID) has no SKU \(u.sku)",
                        remedy: "it returns " + ret.lines.map { "\($0.sku):\($0.quantity)" }.joined(separator: ", "))
                }
                let line = ret.lines[i]
                guard u.quantity + quantities[i] <= line.quantity else {
                    throw DeskError(
                        "the return on order \(o.referenceOrderID) has \(line.quantity) unit\(line.quantity == 1 ? "" : "s") of \(line.sku); \(u.quantity) cannot be refunded",
                        remedy: "refund at most \(line.sku):\(line.quantity)")
                }
                quantities[i] += u.quantity
                due[i] = Cents(line.requested.total.value * quantities[i] / max(1, line.quantity))
            }
        }
        let available = due.reduce(Cents.zero, +)
        let target = amount ?? available
        if target > available {
            throw DeskError(
                "the customer asked for \(available) \(units == nil ? "on" : "for those units of") order \(o.referenceOrderID); \(target) is more than that",
                remedy: "refund \(o.referenceOrderID) --amount \(available.plain) (or less, with --feedback)")
        }
        if target <= .zero {
            throw DeskError(
                "a refund of \(target) is no refund",
                remedy: traits.deniesReturns
                    ? "deny \(o.referenceOrderID) <reason> turns the return down" : "`open \(o.referenceOrderID)` shows what the return asks for")
        }
        return RefundPlan(due: due, quantities: quantities, available: available, target: target, requested: ret.requestedTotal.total)
    }

    /// Completes the open return crediting the customer: the full requested amount, or `amount`, of every line or
    /// just the `units` of some lines (see ``refundPlan(_:units:amount:)``), split over the lines in proportion to
    /// what each may get. Less than requested needs a feedback reason (Jet required one whenever an item got less
    /// than was asked for). `disputeCharge` disputes the return charge.
    public static func refund(
        _ record: OrderRecord, units: [UnitCount]? = nil, amount: Cents?, feedback: RefundFeedback?,
        disputeCharge: ReturnChargeFeedback? = nil, notes: String? = nil,
        _ ctx: Context
    ) throws(DeskError) -> OrderAction {
        let o = record.order
        let traits = ctx.traits
        if !traits.refundsReturnAmounts, amount != nil || feedback != nil || disputeCharge != nil {
            throw DeskError(
                "\(traits.name) prices a return's refund itself from the units returned: it takes no amount, reason or charge dispute",
                remedy: "refund \(o.referenceOrderID)\(units.map { " --units \(UnitCount.text($0))" } ?? "") (the units only)")
        }
        let plan = try refundPlan(record, units: units, amount: amount, traits)
        guard let ret = o.latestReturn else { throw refusal(.refund, record) }
        let (due, quantities, available, target, requested) = (plan.due, plan.quantities, plan.available, plan.target, plan.requested)
        if plan.isPartial && feedback == nil && traits.refundsReturnAmounts {
            let what = units == nil ? "refunding \(target) of the \(requested) requested" : "refunding only some of what was returned"
            throw DeskError(
                "\(what) on order \(o.referenceOrderID) needs a reason for Jet",
                remedy:
                    "refund \(o.referenceOrderID)\(units.map { " --units \(UnitCount.text($0))" } ?? "") --amount \(target.plain) --feedback <reason>, where reason is one of: "
                    + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
        }
        try refuseOverRefund(record, target)
        // Split over the lines in proportion to what each may get; the last line with something takes the rounding.
        var left = target
        let last = due.lastIndex { $0 > .zero }
        var items: [ReturnCompletion.Item] = []
        for (i, line) in ret.lines.enumerated() {
            let share: Cents
            if i == last {
                share = left
            } else if available.value > 0 {
                share = Cents(due[i].value * target.value / available.value)
            } else {
                share = .zero
            }
            left = left - share
            items.append(
                .init(
                    itemID: line.itemID, altItemID: line.altItemID, quantityReturned: line.quantity,
                    refundQuantity: quantities[i], feedback: share < line.requested.total ? feedback?.jetValue : nil, notes: notes,
                    amount: line.requested.scaled(toTotal: share)))
        }
        let completion = ReturnCompletion(
            returnID: ret.id, merchantOrderID: o.merchantOrderID, altOrderID: o.altOrderID, customerOrderID: o.customerReferenceOrderID,
            items: items, agreeToReturnCharge: disputeCharge == nil, returnChargeFeedback: disputeCharge)
        return ctx.action(o, .refund, .completeReturn(completion), reason: feedback?.rawValue)
    }

    /// Completes the open return turning the credit down, with Jet's reason.
    public static func deny(
        _ record: OrderRecord, reason: RefundFeedback?, disputeCharge: ReturnChargeFeedback? = nil,
        notes: String? = nil, _ ctx: Context
    ) throws(DeskError) -> OrderAction {
        let o = record.order
        if !ctx.traits.deniesReturns {
            throw DeskError(
                "\(ctx.traits.name) has no way to turn a return's refund down through its API",
                remedy:
                    "a return you do not refund is settled in \(ctx.traits.name)'s Seller Center; `note \(o.referenceOrderID) <text>` keeps your decision with the order"
            )
        }
        try require(.deny, record)
        guard let ret = o.latestReturn else { throw refusal(.deny, record) }
        guard let reason else {
            throw DeskError(
                "denying the refund on order \(o.referenceOrderID) needs a reason for Jet",
                remedy: "deny \(o.referenceOrderID) <reason>, where reason is one of: "
                    + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let items = ret.lines.map {
            ReturnCompletion.Item(
                itemID: $0.itemID, altItemID: $0.altItemID, quantityReturned: $0.quantity, refundQuantity: 0,
                feedback: reason.jetValue, notes: notes, amount: .zero)
        }
        let completion = ReturnCompletion(
            returnID: ret.id, merchantOrderID: o.merchantOrderID, altOrderID: o.altOrderID,
            items: items, agreeToReturnCharge: disputeCharge == nil, returnChargeFeedback: disputeCharge)
        return ctx.action(o, .deny, .completeReturn(completion), reason: reason.rawValue)
    }

    // MARK: refunds without a return

    /// A refund the merchant starts on an approved or shipped order with no return (a price adjustment, a
    /// parcel lost in transit): `amount`, spread over the lines in proportion to their prices.
    public static func merchantRefund(
        _ record: OrderRecord, amount: Cents, reason: MarketplaceReason?, notes: String? = nil,
        _ ctx: Context
    ) throws(DeskError) -> OrderAction {
        let traits = ctx.traits
        try require(.merchantRefund, record, traits)
        let o = record.order
        guard let reason else {
            throw DeskError(
                "a refund without a return on order \(o.referenceOrderID) needs \(traits.name)'s reason",
                remedy: "refund \(o.referenceOrderID) --amount \(amount.plain) --reason <reason>, where reason is one of: "
                    + traits.refundReasons.map(\.slug).joined(separator: ", "))
        }
        guard amount > .zero else {
            throw DeskError("a refund of \(amount) is no refund", remedy: "refund \(o.referenceOrderID) --amount 5.00 --reason \(reason.slug)")
        }
        try refuseRepeat(record, ctx, "a refund of \(amount) as \(reason.slug)") { a in
            if case .merchantRefund(let r) = a.request { return r.total == amount && r.reason == reason.slug }
            return false
        }
        try refuseOverRefund(record, amount)
        let charged = traits.refundsOnlyShipped ? Refunds.shippedByLine(record) : Refunds.chargedByLine(record)
        if traits.refundsOnlyShipped {
            let shipped = charged.reduce(Cents.zero) { $0 + $1.1.total }
            guard amount <= shipped else {
                throw DeskError(
                    "\(traits.name) refunds only shipped units without a return; those of order \(o.referenceOrderID) came to \(shipped), less than \(amount)",
                    remedy: shipped > .zero ? "refund at most \(shipped.plain)" : "ship the order first (`ship \(o.referenceOrderID) <tracking>`)")
            }
        }
        let whole = charged.reduce(Cents.zero) { $0 + $1.1.total }
        var left = amount
        var items: [MerchantRefund.Item] = []
        let withMoney = charged.filter { $0.1.total > .zero }
        for (i, (line, price)) in withMoney.enumerated() {
            let share = i == withMoney.count - 1 ? left : Cents(price.total.value * amount.value / max(1, whole.value))
            left = left - share
            if share > .zero { items.append(.init(itemID: line.itemID, altItemID: line.altItemID, amount: price.scaled(toTotal: share))) }
        }
        let refund = MerchantRefund(altRefundID: ctx.actionID, merchantOrderID: o.merchantOrderID, reason: reason, notes: notes, items: items)
        return ctx.action(o, .refund, .merchantRefund(refund), reason: reason.slug)
    }

    /// Never more refunded than the customer paid: the error says how much is left.
    static func refuseOverRefund(_ record: OrderRecord, _ amount: Cents) throws(DeskError) {
        let paid = Refunds.charged(record), refunded = Refunds.refunded(record)
        let left = max(.zero, paid - refunded)
        guard amount <= left else {
            let ref = record.order.referenceOrderID
            throw DeskError(
                "refunding \(amount) on order \(ref) would make \(refunded + amount) refunded of the \(paid) the customer paid",
                remedy: left > .zero
                    ? "at most \(left) is left to refund (`open \(ref)` lists the refunds)" : "everything the customer paid is refunded already")
        }
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
        func closed(_ id: String) -> String? {
            guard let r = order.returns.first(where: { $0.id == id }) else { return nil }
            return r.isFinalAtJet ? "Jet shows return \(r.reference ?? r.id) as \(r.status)" : nil
        }
        switch request {
        case .acknowledge, .ship: return ended
        case .acceptReturn(let a): return closed(a.returnID)
        case .completeReturn(let c): return closed(c.returnID)
        case .merchantRefund: return nil
        }
    }

    // MARK: repeats

    /// How recent the same action must be to count as the same command typed again (after an error that came
    /// once it was already recorded), not a new decision.
    public static let repeatWindow: TimeInterval = 600

    /// The same command typed again moments later: the action it would record is already recorded.
    static func refuseRepeat(_ record: OrderRecord, _ ctx: Context, _ what: String, _ same: (OrderAction) -> Bool) throws(DeskError) {
        guard let earlier = record.effectiveActions.last(where: { ctx.now.timeIntervalSince($0.createdAt) < repeatWindow && same($0) }) else { return }
        let ref = record.order.referenceOrderID
        throw DeskError(
            "\(what) on order \(ref) is already recorded (\(DurationText.short(max(0, ctx.now.timeIntervalSince(earlier.createdAt)))) ago by \(earlier.by), \(earlier.isQueued ? "queued to be sent" : "sent")); it was not recorded twice",
            remedy: "`open \(ref)` shows it; `status` shows what is still waiting to be sent")
    }

    // MARK: notes

    /// A note for any order in any stage. Empty notes and control characters are refused.
    public static func note(_ record: OrderRecord, text: String, _ ctx: Context) throws(DeskError) -> Note {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else {
            throw DeskError("a note needs some text", remedy: "note \(record.order.referenceOrderID) <text>")
        }
        guard !t.unicodeScalars.contains(where: { Printable.isUnsafe($0) && $0 != "\t" }) else {
            throw DeskError("the note contains a control character", remedy: "type the note again without it")
        }
        return Note(at: ctx.now, by: ctx.by, text: t)
    }

    /// The same note by the same operator moments ago: the command typed again (after an error that came once the
    /// note was already saved, a full disk). Notes can never be deleted, so it is not added twice.
    public static func repeatedNote(_ record: OrderRecord, text: String, _ ctx: Context) -> Note? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return record.notes.last { $0.by == ctx.by && $0.text == t && ctx.now.timeIntervalSince($0.at) < repeatWindow }
    }
}

/// `SKU:QTY`: some units of one SKU (`ship … --units MUG-RED:1,TEA-50:2`).
public struct UnitCount: Sendable, Hashable {
    public var sku: String
    public var quantity: Int

    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }

    /// Parses `SKU:QTY[,SKU:QTY…]`; the same SKU twice adds up.
    public static func parse(_ text: String) throws(DeskError) -> [UnitCount] {
        var out: [UnitCount] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let p = part.trimmingCharacters(in: .whitespaces)
            guard let colon = p.lastIndex(of: ":"), let q = Int(p[p.index(after: colon)...]), !p[..<colon].isEmpty else {
                throw DeskError("\"\(p)\" is not SKU:QUANTITY", remedy: "write the units as SKU:QTY, several separated by commas: MUG-RED:1,TEA-50:2")
            }
            guard (1...100_000).contains(q) else {
                throw DeskError("\(q) units of \(p[..<colon]) is not a quantity jom can send", remedy: "give a number of units from 1 up")
            }
            let sku = String(p[..<colon])
            if let i = out.firstIndex(where: { $0.sku == sku }) { out[i].quantity += q } else { out.append(UnitCount(sku: sku, quantity: q)) }
        }
        return out
    }

    /// `MUG-RED:1,TEA-50:2`.
    public static func text(_ units: [UnitCount]) -> String {
        units.map { "\($0.sku):\($0.quantity)" }.joined(separator: ",")
    }
}

/// What the customer paid and what was refunded so far, from Jet's view and jom's own refunds.
public enum Refunds {
    /// Each line with the price of the units the customer was charged for (cancelled units are not charged).
    /// Each line with the price of its shipped units: what a marketplace that refunds only shipped lines can refund.
    public static func shippedByLine(_ record: OrderRecord) -> [(OrderLine, Amounts)] {
        let progress = OrderProgress(record)
        return zip(record.order.lines, progress.lines).map { line, p in
            let total = line.quantity > 0 ? Cents(line.price.total.value * p.shipped / line.quantity) : .zero
            return (line, line.price.scaled(toTotal: total))
        }
    }

    public static func chargedByLine(_ record: OrderRecord) -> [(OrderLine, Amounts)] {
        let progress = OrderProgress(record)
        return zip(record.order.lines, progress.lines).map { line, p in
            let kept = max(0, p.ordered - p.cancelled)
            let total = line.quantity > 0 ? Cents(line.price.total.value * kept / line.quantity) : .zero
            return (line, line.price.scaled(toTotal: total))
        }
    }

    /// What the customer paid: every line, less the units cancelled.
    public static func charged(_ record: OrderRecord) -> Cents {
        chargedByLine(record).reduce(.zero) { $0 + $1.1.total }
    }

    /// Every refund so far: returns answered by jom (or, when not by jom, what Jet says was refunded), and refunds
    /// without a return. Refused ones do not count; queued ones do (they are on their way).
    public static func refunded(_ record: OrderRecord) -> Cents {
        var total = Cents.zero
        var answered = Set<String>()
        for a in record.effectiveActions {
            switch a.request {
            case .completeReturn(let c):
                answered.insert(c.returnID)
                total = total + c.refundTotal
            case .merchantRefund(let r):
                total = total + r.total
            default: break
            }
        }
        for r in record.order.returns where !answered.contains(r.id) {
            total = total + (r.refunded?.total ?? .zero)
        }
        return total
    }
}
