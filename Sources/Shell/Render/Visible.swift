import Foundation
import OrderDesk

// What the renderers print comes from outside (Jet, imports, operators' notes). Each renderer first takes a
// copy whose every string has its control characters made visible, so no field can carry an escape sequence
// to the terminal, into a CSV file or onto an invoice, whatever path it takes there.

extension OrderSummary {
    var visible: OrderSummary {
        var s = self
        s.merchantOrderID = Printable.visible(merchantOrderID)
        s.referenceOrderID = Printable.visible(referenceOrderID)
        s.buyer = Printable.visible(buyer)
        s.destination = Printable.visible(destination)
        s.title = Printable.visible(title)
        return s
    }
}

extension OrderRecord {
    var visible: OrderRecord {
        var r = self
        r.order = order.visible
        r.notes = notes.map { n in Note(at: n.at, by: Printable.visible(n.by), text: Printable.visible(n.text)) }
        r.history = history.map { e in
            HistoryEvent(at: e.at, by: Printable.visible(e.by), event: Printable.visible(e.event), actionID: e.actionID)
        }
        r.actions = actions.map { a in
            var a = a
            a.by = Printable.visible(a.by)
            if case .refused(let at, let reason) = a.state { a.state = .refused(at: at, reason: Printable.visible(reason)) }
            if case .ship(var s) = a.request {
                s.tracking = s.tracking.map(Printable.visible)
                s.carrier = s.carrier.map(Printable.visible)
                s.items = s.items.map { i in
                    var i = i; i.sku = Printable.visible(i.sku); return i
                }
                a.request = .ship(s)
            }
            return a
        }
        return r
    }
}

extension Order {
    var visible: Order {
        let v = Printable.visible
        var o = self
        o.merchantOrderID = v(merchantOrderID)
        o.referenceOrderID = v(referenceOrderID)
        o.customerReferenceOrderID = customerReferenceOrderID.map(v)
        o.altOrderID = altOrderID.map(v)
        o.fulfillmentNode = fulfillmentNode.map(v)
        o.hashEmail = hashEmail.map(v)
        o.status = .init(rawValue: v(status.rawValue))
        o.exceptionState = exceptionState.map { .init(rawValue: v($0.rawValue)) }
        o.acknowledgementStatus = acknowledgementStatus.map { .init(rawValue: v($0.rawValue)) }
        o.unreadableDates = unreadableDates?.reduce(into: [:]) { $0[v($1.key)] = v($1.value) }
        o.buyer = Contact(name: v(buyer.name), phone: buyer.phone.map(v))
        o.recipient = Contact(name: v(recipient.name), phone: recipient.phone.map(v))
        o.address = Address(
            line1: v(address.line1), line2: address.line2.map(v), city: v(address.city), state: v(address.state),
            zip: v(address.zip))
        o.requestedCarrier = requestedCarrier.map(v)
        o.requestedMethod = requestedMethod.map(v)
        o.serviceLevel = serviceLevel.map(v)
        o.lines = lines.map { l in
            var l = l
            l.sku = v(l.sku)
            l.title = v(l.title)
            l.itemID = v(l.itemID)
            l.url = l.url.map(v)
            return l
        }
        o.shipments = shipments.map { s in
            var s = s
            s.altShipmentID = s.altShipmentID.map(v)
            s.tracking = s.tracking.map(v)
            s.carrier = s.carrier.map(v)
            s.method = s.method.map(v)
            s.items = s.items.map { i in
                var i = i; i.sku = v(i.sku); return i
            }
            return s
        }
        o.returns = returns.map { r in
            var r = r
            r.id = v(r.id)
            r.reference = r.reference.map(v)
            r.status = .init(rawValue: v(r.status.rawValue))
            r.carrier = r.carrier.map(v)
            r.tracking = r.tracking.map(v)
            r.lines = r.lines.map { l in
                var l = l
                l.sku = v(l.sku)
                l.title = v(l.title)
                l.reason = v(l.reason)
                return l
            }
            return r
        }
        return o
    }
}
