import Foundation
import OrderDesk

/// `open`: an order laid out like an invoice, then deadlines, shipments, the return, and one timeline of
/// notes and actions.
enum OrderDetail {
    static func render(_ record: OrderRecord, settings: Settings, now: Date, traits: MarketplaceTraits = .jet, out: Output) {
        let market = traits.name
        let r = record.visible
        let o = r.order
        let summary = OrderSummary(r)
        let stage = r.stage
        var head = "Order \(out.styled(o.referenceOrderID, .bold)) · \(out.styled(stage.label, OrderTable.stageStyle(stage)))"
        if let d = Deadline.next(for: summary, settings: settings) {
            let text = "\(d.kind.rawValue) \(TimeText.at(d.due)) (\(TimeText.relative(d.due, now: now)))"
            switch d.urgency(now: now, dueSoon: settings.dueSoon) {
            case .late: head += " · " + out.styled(text, .boldRed)
            case .dueSoon: head += " · " + out.styled(text, .yellow)
            case .onTime: head += " · " + text
            }
        }
        out.wrapped(head)
        var ids = "\(market) id \(o.merchantOrderID) · \(market) status \(o.status)"
        if let a = o.acknowledgementStatus { ids += " (\(a))" }
        if let e = o.exceptionState { ids += " · \(e)" }
        out.wrapped(out.styled(ids, .dim))
        out.wrapped(
            out.styled(
                "placed \(TimeText.at(o.placedAt)) · ready \(TimeText.at(o.readyAt))"
                    + (o.customerReferenceOrderID.map { $0 != o.referenceOrderID ? " · customer order \($0)" : "" } ?? "")
                    + (o.altOrderID.map { " · our id \($0)" } ?? ""), .dim))
        if let bad = o.unreadableDates, !bad.isEmpty {
            out.wrapped(
                out.styled(
                    "dates \(market) sent that could not be read: " + bad.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
                    .yellow)
            )
        }
        if o.directedCancel || o.lines.contains(where: { $0.cancelRequested > 0 }) {
            let units = o.lines.reduce(0) { $0 + $1.cancelRequested }
            let what = traits.requestedCancelReason == nil ? "\(market) asks you to cancel" : "The customer asks to cancel"
            out.wrapped(out.styled("\(what) \(units > 0 ? "\(units) unit(s)" : "this order") (\(traits.requestedCancelName))", .magenta))
        }
        if let auto = traits.autoCancelDate(shipBy: o.shipBy), [.new, .approved, .cancelRequested].contains(stage) {
            let text = "\(market) cancels the units not shipped by itself on \(TimeText.at(auto)) (\(TimeText.relative(auto, now: now)))"
            out.wrapped(now > auto ? out.styled(text, .boldRed) : now > (o.shipBy ?? now) ? out.styled(text, .yellow) : out.styled(text, .dim))
        }
        out.line()
        out.wrapped("Buyer     \(o.buyer.name)\(o.buyer.phone.map { "  \($0)" } ?? "")\(o.hashEmail.map { "  \($0)" } ?? "")")
        out.wrapped("Ship to   \(o.recipient.name)\(o.recipient.phone.map { o.recipient.phone != o.buyer.phone ? "  \($0)" : "" } ?? "")")
        out.wrapped("          \(o.address.line1)\(o.address.line2.map { ", \($0)" } ?? "")")
        out.wrapped("          \(o.address.cityLine)")
        var shipping = [o.requestedCarrier, o.requestedMethod, o.serviceLevel].compactMap { $0 }.joined(separator: " · ")
        if let by = o.shipBy { shipping += " · ship by \(TimeText.at(by))" }
        if let by = o.deliverBy { shipping += " · deliver by \(TimeText.date(by))" }
        if !shipping.isEmpty { out.wrapped("Shipping  \(shipping)") }
        out.line()
        lines(o, out: out)

        let progress = OrderProgress(r)
        if !o.shipments.isEmpty
            || r.effectiveActions.contains(where: {
                if case .ship = $0.request { return true }; return false
            })
        {
            out.line()
            out.wrapped(out.styled("Shipments", .bold))
            for s in o.shipments {
                out.wrapped(
                    "  "
                        + shipmentLine(
                            s.shippedAt, s.carrier, s.tracking, s.items.map { ($0.sku, $0.shipped, $0.cancelled) }, note: "at \(market)",
                            naming: o.lines.count > 1))
            }
            for a in r.effectiveActions {
                guard case .ship(let s) = a.request, !OrderProgress.isReportedBack(s, in: o) else { continue }
                out.wrapped(
                    "  "
                        + shipmentLine(
                            s.shippedAt, s.carrier, s.tracking, s.items.map { ($0.sku, $0.quantity, $0.cancelQuantity) },
                            note: a.isQueued ? "not yet sent" : "sent", naming: o.lines.count > 1))
            }
            if progress.openUnits > 0 && progress.shippedUnits + progress.cancelledUnits > 0 {
                let open = progress.lines.filter { $0.open > 0 }.map { "\($0.sku) ×\($0.open)" }.joined(separator: ", ")
                out.wrapped("  \(progress.openUnits) unit(s) still to ship: \(open)")
            }
        }
        for ret in o.returns.sorted(by: { ($0.requestedAt ?? .distantPast) < ($1.requestedAt ?? .distantPast) }) {
            out.line()
            var title = "Return \(ret.reference ?? ret.id) · \(market) status \(ret.status) · requested \(TimeText.at(ret.requestedAt))"
            if ret.refundWithoutReturn { title += " · refund without return" }
            out.wrapped(out.styled(title, .bold))
            for l in ret.lines {
                out.wrapped("  \(l.quantity) × \(l.sku.fitted(16)) \(l.reason.fitted(40)) requested \(l.requested.total)")
            }
            out.wrapped("  requested in all: \(ret.requestedTotal.total)" + (ret.refunded.map { " · refunded: \($0.total)" } ?? ""))
        }
        let refunds = r.effectiveActions.compactMap { a -> (OrderAction, Cents)? in
            switch a.request {
            case .completeReturn(let c) where a.kind == .refund: return (a, c.refundTotal)
            case .merchantRefund(let m): return (a, m.total)
            default: return nil
            }
        }
        if !refunds.isEmpty {
            out.line()
            out.wrapped(out.styled("Refunds", .bold))
            for (a, amount) in refunds {
                let what = if case .merchantRefund(let m) = a.request { "without a return (\(m.reason))" } else { "of the return" }
                out.wrapped("  \(TimeText.at(a.createdAt))  \(amount.description.right(10))  \(what)\(a.isQueued ? "  (not yet sent)" : "")")
            }
            out.wrapped("  refunded in all: \(Refunds.refunded(r)) of the \(Refunds.charged(r)) paid")
        }
        out.line()
        out.wrapped(out.styled("Timeline", .bold))
        timeline(r, market: market, out: out)
    }

    static func lines(_ o: Order, out: Output) {
        let usable = out.width - 1
        if usable < 74 {
            compactLines(o, width: usable, out: out)
            return
        }
        let titleW = max(16, min(40, out.width - 62))
        out.line(
            out.styled(
                "  " + "QTY".right(3) + "  " + "SKU".fitted(16) + "  " + "TITLE".fitted(titleW) + "  " + "PRICE".right(10)
                    + "  " + "TAX".right(8) + "  " + "SHIPPING".right(9), .bold))
        for l in o.lines {
            var row =
                "  " + String(l.quantity).right(3) + "  " + l.sku.fitted(16) + "  " + l.title.fitted(titleW) + "  "
                + l.price.principal.description.right(10) + "  " + l.price.tax.description.right(8) + "  "
                + (l.price.shipping + l.price.shippingTax).description.right(9)
            if l.cancelRequested > 0 { row += out.styled("  cancel \(l.cancelRequested) requested", .magenta) }
            out.line(row)
        }
        let t = o.totals
        let pad = String(repeating: " ", count: 2 + 3 + 2 + 16 + 2 + titleW - 10)
        out.line(pad + "Subtotal".fitted(10) + "  " + t.principal.description.right(10))
        out.line(pad + "Tax".fitted(10) + "  " + t.tax.description.right(10))
        out.line(pad + "Shipping".fitted(10) + "  " + (t.shipping + t.shippingTax).description.right(10))
        out.line(pad + out.styled("Total".fitted(10) + "  " + t.total.description.right(10), .bold))
    }

    /// The lines on a narrow terminal: quantity, SKU and price on one line, the title under it; totals at the
    /// right edge. Nothing is cut in the middle of a number.
    static func compactLines(_ o: Order, width: Int, out: Output) {
        for l in o.lines {
            let price = l.price.principal.description
            let head = "  \(l.quantity) × "
            out.line(head + l.sku.fitted(max(4, width - head.count - price.count - 2)) + "  " + price)
            out.line("      " + l.title.fitted(max(4, width - 6), pad: false))
            if l.cancelRequested > 0 { out.line(out.styled("      cancel \(l.cancelRequested) requested", .magenta)) }
        }
        let t = o.totals
        for (name, amount) in [("Subtotal", t.principal), ("Tax", t.tax), ("Shipping", t.shipping + t.shippingTax), ("Total", t.total)] {
            let text = name.fitted(8) + "  " + amount.description.right(10)
            out.line(String(repeating: " ", count: max(0, width - 20)) + (name == "Total" ? out.styled(text, .bold) : text))
        }
    }

    static func shipmentLine(
        _ at: Date?, _ carrier: String?, _ tracking: String?, _ items: [(String, Int, Int)], note: String,
        naming skus: Bool
    ) -> String {
        let shipped = items.reduce(0) { $0 + $1.1 }, cancelled = items.reduce(0) { $0 + $1.2 }
        var parts: [String] = [TimeText.at(at)]
        // Which units, when the order has more than one SKU: a parcel of a bigger order says what is in it.
        func which(_ counts: [(sku: String, count: Int)]) -> String {
            guard skus else { return "" }
            let named = counts.filter { $0.count > 0 }.map { "\($0.sku) ×\($0.count)" }
            return " (" + named.joined(separator: ", ") + ")"
        }
        if shipped > 0 {
            parts.append("\(carrier ?? "?") \(tracking ?? "")".trimmingCharacters(in: .whitespaces))
            parts.append("\(shipped) unit(s) shipped" + which(items.map { ($0.0, $0.1) }))
        }
        if cancelled > 0 { parts.append("\(cancelled) unit(s) cancelled" + which(items.map { ($0.0, $0.2) })) }
        parts.append("(\(note))")
        return parts.joined(separator: "  ")
    }

    /// Notes and history in one list, oldest first.
    static func timeline(_ r: OrderRecord, market: String = "Jet", out: Output) {
        // The marketplace's confirmation of an action is shown on the action's own line, not as a line of its own.
        var entries: [(Date, String, String)] = r.history.filter { !($0.by == market.lowercased() && $0.actionID != nil) }.map { e in
            var text = e.event
            if let id = e.actionID, let a = r.actions.first(where: { $0.id == id }) {
                switch a.state {
                case .queued: text += out.styled("  [not yet sent to \(market)]", .yellow)
                case .delivered(let at): text += out.styled("  [sent to \(market) \(TimeText.clock(at))]", .green)
                case .refused(let at, let reason): text += out.styled("  [refused by \(market) \(TimeText.clock(at)): \(reason)]", .red)
                }
            }
            return (e.at, e.by, text)
        }
        entries += r.notes.map { ($0.at, $0.by, "note: " + $0.text) }
        entries.sort { $0.0 < $1.0 }
        if entries.isEmpty { out.line("  (nothing yet)") }
        for (at, by, text) in entries {
            out.wrapped("  \(TimeText.at(at))  \(by.fitted(10))  \(text)", indent: 32)
        }
    }
}
