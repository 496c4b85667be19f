import Foundation
import OrderDesk

/// The report as a page a seller would hand to a partner (`report --html FILE`): who and which days, the
/// figures that matter first (the cancellation rate against its limit flagged when over), a chart per measure
/// with labelled axes and dates and the day-by-day figures under it, then the top SKUs and return reasons.
/// Inline SVG and CSS only: no script, nothing fetched; it prints cleanly.
enum ReportPage {
    static func e(_ s: String) -> String {
        Printable.visible(s).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func value(_ m: DayReport.Measure, _ v: Int) -> String {
        m.isMoney ? Cents(v).description : Cents(v * 100).description.dropFirst().dropLast(3).description
    }

    /// An axis label: whole dollars without cents.
    static func axis(_ m: DayReport.Measure, _ v: Int) -> String {
        let text = value(m, v)
        return m.isMoney && text.hasSuffix(".00") ? String(text.dropLast(3)) : text
    }

    /// A round scale top above `top`: 1, 2 or 5 times a power of ten (in cents for money: whole dollars).
    static func scaleTop(_ top: Int, money: Bool) -> Int {
        let unit = money ? 100 : 1
        let t = max(2, (top + unit - 1) / unit)
        var p = 1
        while p * 10 <= t { p *= 10 }
        for m in [1, 2, 5, 10] where m * p >= t { return m * p * unit }
        return 10 * p * unit
    }

    static func chart(_ r: DayReport, _ m: DayReport.Measure) -> String {
        let values = r.values[m] ?? []
        let n = max(1, values.count)
        let top = scaleTop(values.max() ?? 0, money: m.isMoney)
        let left = 70, bottom = 28, topPad = 10, w = 640, h = 170
        let plotW = w - left - 10, plotH = h - bottom - topPad
        let slot = Double(plotW) / Double(n)
        let barW = max(1.0, slot * 0.8)
        var svg = ""
        // The y axis: 0, half and the top, with grid lines.
        for (i, v) in [0, top / 2, top].enumerated() {
            let y = topPad + plotH - plotH * i / 2
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(w - 10)\" y2=\"\(y)\" class=\"grid\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" class=\"ylabel\">\(e(axis(m, v)))</text>"
        }
        for (i, v) in values.enumerated() {
            let bh = v <= 0 ? 0.0 : max(1.5, Double(v) / Double(top) * Double(plotH))
            let x = Double(left) + Double(i) * slot + (slot - barW) / 2
            svg += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%@: %@</title></rect>",
                x, Double(topPad + plotH) - bh, barW, bh, TimeText.date(r.days[i]), e(value(m, v)))
        }
        // The x axis: a date every week, and the last day.
        svg += "<line x1=\"\(left)\" y1=\"\(topPad + plotH)\" x2=\"\(w - 10)\" y2=\"\(topPad + plotH)\" class=\"axis\"/>"
        let step = max(1, n / 5)
        for i in Swift.stride(from: 0, to: values.count, by: step) where values.count - 1 - i >= step / 2 || i == values.count - 1 {
            let x = Double(left) + (Double(i) + 0.5) * slot
            svg += String(format: "<text x=\"%.1f\" y=\"%d\" class=\"xlabel\">%@</text>", x, h - 8, String(TimeText.date(r.days[i]).dropFirst(5)))
        }
        if let lastDay = r.days.last, values.count > 1, (values.count - 1) % step != 0 {
            let x = Double(left) + (Double(values.count - 1) + 0.5) * slot
            svg += String(format: "<text x=\"%.1f\" y=\"%d\" class=\"xlabel\">%@</text>", x, h - 8, String(TimeText.date(lastDay).dropFirst(5)))
        }
        let unit = m.isMoney ? "dollars a day" : "orders a day"
        svg += "<text x=\"14\" y=\"\(topPad + plotH / 2)\" class=\"ytitle\" transform=\"rotate(-90 14 \(topPad + plotH / 2))\">\(unit)</text>"
        // The day-by-day figures under the chart: a week a row.
        var rows = ""
        var i = 0
        while i < values.count {
            rows += "<tr>"
            for k in i..<min(values.count, i + 7) {
                rows += "<td><span class=day>\(String(TimeText.date(r.days[k]).dropFirst(5)))</span> \(e(value(m, values[k])))</td>"
            }
            rows += "</tr>"
            i += 7
        }
        return """
            <figure class="measure">
            <figcaption><strong>\(e(m.label.capitalized))</strong> <span>today \(e(value(m, r.today(m)))) · \(n) days \(e(value(m, r.total(m))))</span></figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" role="img" aria-label="\(e(m.label)) per day">\(svg)</svg>
            <table class="daily"><caption>\(e(m.label)) per day</caption>\(rows)</table>
            </figure>
            """
    }

    static func html(_ r: DayReport, tops: ReportTops, seller: String, limit: Double, now: Date) -> String {
        let n = r.days.count
        let first = r.days.first.map { TimeText.date($0) } ?? "", last = r.days.last.map { TimeText.date($0) } ?? ""
        func rate(_ c: CancellationRate) -> String {
            let over = c.percent > limit
            return
                "<td class=\"\(over ? "over" : "ok")\">\(c.formatted)\(over ? " <strong class=flag>over the \(formatPercent(limit)) limit</strong>" : "")</td><td>\(c.cancelled) of \(c.received) orders</td>"
        }
        let skuRows = tops.skus.map {
            "<tr><td>\(e($0.sku))</td><td>\(e($0.title))</td><td class=n>\($0.units)</td><td class=n>\(e($0.revenue.description))</td></tr>"
        }.joined()
        let reasonRows = tops.returnReasons.map { "<tr><td>\(e($0.reason))</td><td class=n>\($0.count)</td></tr>" }.joined()
        let title = seller.isEmpty ? "Sales report" : "Sales report · \(e(seller))"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(title), \(first) – \(last)</title>
            <style>
            body { font: 10.5pt/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; max-width: 48em; margin: 2em auto; padding: 0 1em; }
            h1 { font-size: 17pt; margin: 0; } .period { color: #444; margin: .2em 0 1.2em; }
            table { border-collapse: collapse; } td, th { padding: .25em .6em; text-align: left; border-bottom: 1px solid #ddd; }
            th { border-bottom: 2px solid #111; } .n { text-align: right; font-variant-numeric: tabular-nums; }
            .summary td:first-child { font-weight: 600; } .over { color: #b00020; } .flag { background: #b00020; color: #fff; padding: 0 .4em; border-radius: 3px; font-size: 9pt; }
            figure.measure { margin: 1.6em 0; break-inside: avoid; page-break-inside: avoid; }
            figcaption { margin-bottom: .3em; } figcaption span { color: #555; margin-left: .6em; }
            svg rect { fill: #2b6cb0; } .grid { stroke: #e3e3e3; } .axis { stroke: #666; }
            .ylabel { font-size: 10px; text-anchor: end; fill: #444; } .xlabel { font-size: 10px; text-anchor: middle; fill: #444; }
            .ytitle { font-size: 10px; text-anchor: middle; fill: #666; }
            table.daily { font-size: 8.5pt; margin-top: .3em; } table.daily caption { text-align: left; color: #555; font-size: 8.5pt; }
            table.daily td { border: 1px solid #eee; font-variant-numeric: tabular-nums; } .day { color: #777; }
            section { break-inside: avoid; page-break-inside: avoid; margin-top: 1.5em; }
            @page { margin: 1.5cm; }
            </style></head><body>
            <h1>\(title)</h1>
            <p class="period">\(first) to \(last) · \(n) days · made \(TimeText.at(now))</p>
            <table class="summary">
            <tr><td>Orders received</td><td class=n>\(r.total(.received))</td><td>today \(r.today(.received))</td></tr>
            <tr><td>Revenue</td><td class=n>\(e(Cents(r.total(.revenue)).description))</td><td>today \(e(Cents(r.today(.revenue)).description))</td></tr>
            <tr><td>Shipped</td><td class=n>\(r.total(.shipped))</td><td>today \(r.today(.shipped))</td></tr>
            <tr><td>Refunds</td><td class=n>\(e(Cents(r.total(.refundedAmount)).description))</td><td>\(r.total(.refunded)) orders</td></tr>
            <tr><td>Now</td><td class=n>\(r.late) late</td><td>\(r.dueSoon) due soon</td></tr>
            <tr><td>Cancellation rate, 7 days</td>\(rate(r.week))</tr>
            <tr><td>Cancellation rate, 30 days</td>\(rate(r.month))</tr>
            </table>
            \(DayReport.Measure.allCases.map { chart(r, $0) }.joined(separator: "\n"))
            <section><h2>Top SKUs</h2>
            \(skuRows.isEmpty ? "<p>No orders in these days.</p>" : "<table><tr><th>SKU</th><th>Item</th><th class=n>Units</th><th class=n>Amount</th></tr>\(skuRows)</table>")
            </section>
            <section><h2>Top return reasons</h2>
            \(reasonRows.isEmpty ? "<p>No returns requested in these days.</p>" : "<table><tr><th>Reason</th><th class=n>Units</th></tr>\(reasonRows)</table>")
            </section>
            <p><small>One bar a day, oldest first; days are the machine's calendar days. Revenue: totals of orders received, less those cancelled. The cancellation rate counts your own cancels against orders received; the limit is the setting cancel-rate-limit (Jet's was 2.5%).\(tops.orders >= 20_000 ? " Top lists from the newest 20,000 orders." : "")</small></p>
            </body></html>

            """
    }
}
