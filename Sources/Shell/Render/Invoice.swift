import Foundation
import OrderDesk

/// Invoices and packing slips, one page per order: an HTML document a browser prints cleanly (a page break
/// after each order), and the same as plain text (a form feed between pages). Each page carries the seller's
/// block, the lines with unit price, quantity and line total (not on a packing slip), and the Jet order number
/// as text and as a Code 128 barcode.
enum Invoice {
    /// Who sells: from the settings `seller-name`, `seller-address` (lines separated by `;`), `seller-phone`.
    struct Seller {
        var name: String
        var address: [String]
        var phone: String

        init(_ settings: Settings, fallbackName: String? = nil) {
            let v = Printable.visible
            name = v(settings.sellerName.isEmpty ? (fallbackName ?? "") : settings.sellerName)
            address = settings.sellerAddress.split(separator: ";").map { v($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
            phone = v(settings.sellerPhone)
        }

        var lines: [String] { ([name] + address + (phone.isEmpty ? [] : ["Phone \(phone)"])).filter { !$0.isEmpty } }
    }

    // MARK: text

    static func text(_ records: [OrderRecord], seller: Seller, now: Date, packingSlip: Bool) -> String {
        records.map { page($0.visible, seller: seller, now: now, packingSlip: packingSlip) }.joined(separator: "\u{0C}\n")
    }

    /// `1Z999… (UPS), 2026-11-28: MUG-RED ×1`.
    static func parcelText(_ p: InvoiceFigures.Parcel) -> String {
        let what = p.units.map { "\($0.sku) ×\($0.quantity)" }.joined(separator: ", ")
        return "\(p.tracking ?? "no tracking")\(p.carrier.map { " (\($0))" } ?? ""), \(TimeText.date(p.shippedAt)): \(what)"
    }

    /// `2 of 3 (1 cancelled)`: a line's note when not every unit ordered is billed or packed.
    static func note(_ l: InvoiceFigures.Line, packing: Bool) -> String {
        var parts: [String] = []
        if l.cancelled > 0 { parts.append("\(l.cancelled) cancelled") }
        if packing, l.shipped > 0 { parts.append("\(l.shipped) shipped already") }
        return parts.isEmpty ? "" : "\(l.ordered) ordered, " + parts.joined(separator: ", ")
    }

    private static func page(_ r: OrderRecord, seller: Seller, now: Date, packingSlip: Bool) -> String {
        let o = r.order
        let f = InvoiceFigures(r)
        var s = (packingSlip ? "PACKING SLIP" : "INVOICE") + "\n"
        for l in seller.lines { s += l + "\n" }
        s += "\n"
        s += "Order     \(o.referenceOrderID)   *\(o.referenceOrderID)*\n"
        s += "Placed    \(TimeText.at(o.placedAt))\n"
        s += "Printed   \(TimeText.at(now))\n\n"
        if !packingSlip { s += "Bill to   \(o.buyer.name)\(o.buyer.phone.map { "  \($0)" } ?? "")\n" }
        s += "Ship to   \(o.recipient.name)\(o.recipient.phone.map { "  \($0)" } ?? "")\n"
        s += "          \(o.address.line1)\(o.address.line2.map { ", \($0)" } ?? "")\n"
        s += "          \(o.address.cityLine)\n"
        if let m = o.requestedMethod ?? o.requestedCarrier { s += "Shipping  \(m)\n" }
        s += "\n"
        if packingSlip {
            s += "QTY".right(4) + "  " + "SKU".fitted(18) + "  " + "ITEM".fitted(40) + "  PACKED\n"
            for l in f.lines where l.open > 0 {
                let n = note(l, packing: true)
                s += String(l.open).right(4) + "  " + l.sku.fitted(18) + "  " + l.title.fitted(40) + "  [ ]" + (n.isEmpty ? "" : "  (\(n))") + "\n"
            }
            s += "\n" + String(f.openUnits).right(4) + "  units to pack\n"
            for l in f.lines where l.open == 0 {
                s += "      " + l.sku + ": nothing to pack (" + note(l, packing: true) + ")\n"
            }
            if !f.parcels.isEmpty {
                s += "\nShipped already:\n"
                for p in f.parcels { s += "      " + parcelText(p) + "\n" }
            }
        } else {
            s += "QTY".right(4) + "  " + "SKU".fitted(16) + "  " + "ITEM".fitted(30) + "  " + "UNIT PRICE".right(10) + "  " + "AMOUNT".right(10) + "\n"
            for l in f.lines {
                s +=
                    String(l.billed).right(4) + "  " + l.sku.fitted(16) + "  " + l.title.fitted(30) + "  "
                    + l.unitPrice.description.right(10) + "  " + l.amounts.principal.description.right(10) + "\n"
                let n = note(l, packing: false)
                if !n.isEmpty { s += "      " + "(\(n); not billed)".fitted(60, pad: false) + "\n" }
            }
            let t = f.totals
            let pad = String(repeating: " ", count: 4 + 2 + 16 + 2 + 30 + 2 - 10)
            s += "\n"
            s += pad + "Subtotal".fitted(10) + "  " + t.principal.description.right(10) + "\n"
            s += pad + "Tax".fitted(10) + "  " + t.tax.description.right(10) + "\n"
            s += pad + "Shipping".fitted(10) + "  " + (t.shipping + t.shippingTax).description.right(10) + "\n"
            s += pad + "Total".fitted(10) + "  " + t.total.description.right(10) + "\n"
            if f.refunded > .zero {
                s += pad + "Refunded".fitted(10) + "  " + "-\(f.refunded)".right(10) + "\n"
                s += pad + "Paid".fitted(10) + "  " + (t.total - f.refunded).description.right(10) + "\n"
            }
            if !f.parcels.isEmpty {
                s += "\nShipped:\n"
                for p in f.parcels { s += "      " + parcelText(p) + "\n" }
            }
        }
        s += "\nJet order id \(o.merchantOrderID)\n"
        return s
    }

    /// A line's price per unit: Jet sends the line total (`base_price`) for all its units.
    static func unitPrice(_ l: OrderLine) -> Cents {
        l.quantity > 0 ? Cents((l.price.principal.value + l.quantity / 2) / l.quantity) : l.price.principal
    }

    // MARK: HTML

    static func html(_ records: [OrderRecord], seller: Seller, now: Date, packingSlip: Bool) -> String {
        let title = packingSlip ? "Packing slips" : "Invoices"
        let pages = records.map { page(html: $0.visible, seller: seller, now: now, packingSlip: packingSlip) }
        let heading =
            records.count == 1
            ? "\(packingSlip ? "Packing slip" : "Invoice") \(e(records[0].visible.order.referenceOrderID))"
            : "\(title) (\(records.count) orders)"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(heading)</title>
            <style>
            body { font: 10.5pt/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 0; }
            .page { max-width: 46em; margin: 2em auto; padding: 0 1em; break-after: page; page-break-after: always; }
            .page:last-child { break-after: auto; page-break-after: auto; }
            header { display: flex; justify-content: space-between; align-items: flex-start; gap: 2em; }
            h1 { font-size: 18pt; margin: 0 0 .3em; letter-spacing: .06em; }
            .seller { white-space: pre-line; }
            .order { text-align: right; }
            .order .number { font: 600 12pt ui-monospace, Menlo, Consolas, monospace; letter-spacing: .05em; }
            .barcode { display: block; margin: 0 0 .2em auto; }
            .addr { display: flex; gap: 3em; margin: 1.2em 0; }
            small { color: #555; }
            table { width: 100%; border-collapse: collapse; margin-top: 1em; }
            th, td { text-align: left; padding: .35em .5em; border-bottom: 1px solid #ddd; vertical-align: top; }
            th { border-bottom: 2px solid #111; font-weight: 600; }
            .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tfoot td { border: none; }
            tfoot tr.total td { font-weight: 700; border-top: 2px solid #111; }
            .box { display: inline-block; width: .9em; height: .9em; border: 1px solid #111; }
            tr.done td { color: #777; }
            .parcels ul { margin: .3em 0; padding-left: 1.2em; }
            footer { margin-top: 1.5em; }
            @page { margin: 1.5cm; }
            @media print { .page { margin: 0 auto; } }
            </style></head><body>
            \(pages.joined(separator: "\n"))
            </body></html>

            """
    }

    private static func e(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func page(html r: OrderRecord, seller: Seller, now: Date, packingSlip: Bool) -> String {
        let o = r.order
        let f = InvoiceFigures(r)
        let barcode = Code128.svg(o.referenceOrderID) ?? ""
        let sellerBlock = seller.lines.enumerated().map { i, l in i == 0 && !seller.name.isEmpty ? "<strong>\(e(l))</strong>" : e(l) }
            .joined(separator: "<br>")
        let rows: String
        var foot: String
        func noteHTML(_ l: InvoiceFigures.Line, packing: Bool) -> String {
            let n = note(l, packing: packing)
            return n.isEmpty ? "" : "<br><small>\(e(n))\(packing ? "" : "; not billed")</small>"
        }
        let parcels = f.parcels.map { "<li>\(e(parcelText($0)))</li>" }.joined()
        if packingSlip {
            rows = f.lines.map { l in
                l.open > 0
                    ? "<tr><td class=n>\(l.open)</td><td>\(e(l.sku))</td><td>\(e(l.title))\(noteHTML(l, packing: true))</td><td><span class=box></span></td></tr>"
                    : "<tr class=done><td class=n><s>\(l.ordered)</s></td><td><s>\(e(l.sku))</s></td><td><s>\(e(l.title))</s>\(noteHTML(l, packing: true))</td><td>—</td></tr>"
            }.joined(separator: "\n")
            foot = "<tr class=total><td class=n>\(f.openUnits)</td><td colspan=3>units to pack</td></tr>"
        } else {
            rows = f.lines.map { l in
                "<tr><td class=n>\(l.billed)</td><td>\(e(l.sku))</td><td>\(e(l.title))\(noteHTML(l, packing: false))</td><td class=n>\(l.unitPrice)</td><td class=n>\(l.amounts.principal)</td></tr>"
            }.joined(separator: "\n")
            let t = f.totals
            foot = """
                <tr><td colspan=4 class=n>Subtotal</td><td class=n>\(t.principal)</td></tr>
                <tr><td colspan=4 class=n>Tax</td><td class=n>\(t.tax)</td></tr>
                <tr><td colspan=4 class=n>Shipping</td><td class=n>\(t.shipping + t.shippingTax)</td></tr>
                <tr class=total><td colspan=4 class=n>Total</td><td class=n>\(t.total)</td></tr>
                """
            if f.refunded > .zero {
                foot += """

                    <tr><td colspan=4 class=n>Refunded</td><td class=n>-\(f.refunded)</td></tr>
                    <tr class=total><td colspan=4 class=n>Paid</td><td class=n>\(t.total - f.refunded)</td></tr>
                    """
            }
        }
        let shipped = parcels.isEmpty ? "" : "<div class=parcels><small>\(packingSlip ? "Shipped already" : "Shipped")</small><ul>\(parcels)</ul></div>"
        let head =
            packingSlip
            ? "<th class=n>Qty</th><th>SKU</th><th>Item</th><th>Packed</th>"
            : "<th class=n>Qty</th><th>SKU</th><th>Item</th><th class=n>Unit price</th><th class=n>Amount</th>"
        return """
            <section class="page" data-order="\(e(o.referenceOrderID))">
            <header>
              <div><h1>\(packingSlip ? "PACKING SLIP" : "INVOICE")</h1><div class="seller">\(sellerBlock)</div></div>
              <div class="order">\(barcode)<div class="number">\(e(o.referenceOrderID))</div>
                <small>Placed \(TimeText.at(o.placedAt)) · printed \(TimeText.at(now))</small></div>
            </header>
            <div class="addr">
              \(packingSlip ? "" : "<div><small>Bill to</small><br>\(e(o.buyer.name))\(o.buyer.phone.map { "<br>" + e($0) } ?? "")</div>")
              <div><small>Ship to</small><br>\(e(o.recipient.name))<br>\(e(o.address.line1))\(o.address.line2.map { "<br>" + e($0) } ?? "")<br>\(e(o.address.cityLine))</div>
              <div><small>Shipping</small><br>\(e(o.requestedMethod ?? o.requestedCarrier ?? "—"))</div>
            </div>
            <table>
            <thead><tr>\(head)</tr></thead>
            <tbody>
            \(rows)
            </tbody>
            <tfoot>
            \(foot)
            </tfoot>
            </table>
            \(shipped)
            <footer><small>Jet order id \(e(o.merchantOrderID))</small></footer>
            </section>
            """
    }
}
