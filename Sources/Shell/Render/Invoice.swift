import Foundation
import OrderDesk

/// The invoice `print` makes: an HTML page a browser prints cleanly, and the same as plain text.
enum Invoice {
    static func text(_ record: OrderRecord, seller unsafeSeller: String, now: Date) -> String {
        let o = record.visible.order
        let seller = Printable.visible(unsafeSeller)
        var s = ""
        s += "INVOICE\n"
        s += "\(seller)\n\n"
        s += "Order     \(o.referenceOrderID)\n"
        s += "Jet id    \(o.merchantOrderID)\n"
        s += "Placed    \(TimeText.at(o.placedAt))\n"
        s += "Printed   \(TimeText.at(now))\n\n"
        s += "Bill to   \(o.buyer.name)\(o.buyer.phone.map { "  \($0)" } ?? "")\n"
        s += "Ship to   \(o.recipient.name)\n"
        s += "          \(o.address.line1)\(o.address.line2.map { ", \($0)" } ?? "")\n"
        s += "          \(o.address.cityLine)\n"
        if let m = o.requestedMethod ?? o.requestedCarrier { s += "Shipping  \(m)\n" }
        s += "\n"
        s += "QTY".right(4) + "  " + "SKU".fitted(18) + "  " + "ITEM".fitted(36) + "  " + "AMOUNT".right(10) + "\n"
        for l in o.lines {
            s += String(l.quantity).right(4) + "  " + l.sku.fitted(18) + "  " + l.title.fitted(36) + "  " + l.price.principal.description.right(10) + "\n"
        }
        let t = o.totals
        let pad = String(repeating: " ", count: 4 + 2 + 18 + 2 + 26)
        s += "\n"
        s += pad + "Subtotal".fitted(10) + "  " + t.principal.description.right(10) + "\n"
        s += pad + "Tax".fitted(10) + "  " + t.tax.description.right(10) + "\n"
        s += pad + "Shipping".fitted(10) + "  " + (t.shipping + t.shippingTax).description.right(10) + "\n"
        s += pad + "Total".fitted(10) + "  " + t.total.description.right(10) + "\n"
        return s
    }

    static func html(_ record: OrderRecord, seller unsafeSeller: String, now: Date) -> String {
        let o = record.visible.order
        let seller = Printable.visible(unsafeSeller)
        func e(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let rows = o.lines.map {
            "<tr><td class=n>\($0.quantity)</td><td>\(e($0.sku))</td><td>\(e($0.title))</td><td class=n>\($0.price.principal)</td></tr>"
        }.joined(separator: "\n")
        let t = o.totals
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Invoice \(e(o.referenceOrderID))</title>
            <style>
            body { font: 11pt/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; max-width: 46em; margin: 2em auto; }
            h1 { font-size: 20pt; margin: 0 0 .2em; letter-spacing: .05em; }
            .meta, .addr { display: flex; gap: 3em; margin: 1em 0; }
            table { width: 100%; border-collapse: collapse; margin-top: 1.5em; }
            th, td { text-align: left; padding: .35em .5em; border-bottom: 1px solid #ddd; }
            th { border-bottom: 2px solid #111; font-weight: 600; }
            .n { text-align: right; font-variant-numeric: tabular-nums; }
            tfoot td { border: none; }
            tfoot tr.total td { font-weight: 700; border-top: 2px solid #111; }
            small { color: #555; }
            @page { margin: 1.5cm; }
            @media print { body { margin: 0; } }
            </style></head><body>
            <h1>INVOICE</h1>
            <div>\(e(seller))</div>
            <div class="meta">
              <div><small>Order</small><br>\(e(o.referenceOrderID))</div>
              <div><small>Placed</small><br>\(TimeText.at(o.placedAt))</div>
              <div><small>Printed</small><br>\(TimeText.at(now))</div>
            </div>
            <div class="addr">
              <div><small>Bill to</small><br>\(e(o.buyer.name))\(o.buyer.phone.map { "<br>" + e($0) } ?? "")</div>
              <div><small>Ship to</small><br>\(e(o.recipient.name))<br>\(e(o.address.line1))\(o.address.line2.map { "<br>" + e($0) } ?? "")<br>\(e(o.address.cityLine))</div>
              <div><small>Shipping</small><br>\(e(o.requestedMethod ?? o.requestedCarrier ?? "—"))</div>
            </div>
            <table>
            <thead><tr><th class=n>Qty</th><th>SKU</th><th>Item</th><th class=n>Amount</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            <tfoot>
            <tr><td colspan=3 class=n>Subtotal</td><td class=n>\(t.principal)</td></tr>
            <tr><td colspan=3 class=n>Tax</td><td class=n>\(t.tax)</td></tr>
            <tr><td colspan=3 class=n>Shipping</td><td class=n>\(t.shipping + t.shippingTax)</td></tr>
            <tr class="total"><td colspan=3 class=n>Total</td><td class=n>\(t.total)</td></tr>
            </tfoot>
            </table>
            <p><small>Jet order id \(e(o.merchantOrderID))</small></p>
            </body></html>

            """
    }
}
