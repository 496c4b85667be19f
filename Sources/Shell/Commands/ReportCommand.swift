import DeskEngine
import Foundation
import OrderDesk

/// `report [--days N] [--html FILE] [--format csv|json]`
enum ReportCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "report",
        summary: "the end-of-day report: today and the last N days, with a sparkline per measure",
        usage: "report [--days N] [--html FILE] [--format csv|json]",
        details: """
            Orders received, approved, shipped, cancelled and refunded, revenue (the totals of orders received,
            less those cancelled) and refunds: today, and over the last N days (default 30), with one block a day
            in the terminal. Then what is late or due soon now, and the cancellation rate over 7 and 30 days.
            Days are the machine's calendar days. --format csv prints a row a day; json the same as objects.
            --html FILE writes a page with a bar chart per measure (SVG: no script, nothing fetched).
            """,
        examples: ["report", "report --days 7", "report --days 90 --format csv", "report --html ~/report.html"],
        options: [
            OptionSpec(name: "--days", value: "N", help: "how many days, today included (1 to 366)"),
            OptionSpec(name: "--html", value: "FILE", help: "write a page with charts to FILE", completion: .file),
            OptionSpec(name: "--format", value: "csv|json", help: "print for other tools", completion: .format),
        ])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.isEmpty else { throw ShellError.usage(spec, "report takes options only") }
        var days = 30
        if let text = inv.options["--days"] {
            guard let n = Int(text), (1...366).contains(n) else { throw ShellError.usage(spec, "--days must be a number of days from 1 to 366, not \"\(text)\"") }
            days = n
        }
        let report = await ctx.desk.report(days: days)
        if let target = inv.options["--html"] {
            if OutputFile.isStandardOutput(target) {
                ctx.out.document(html(report))
                return
            }
            let path = (target as NSString).expandingTildeInPath
            if await ctx.desk.isDryRun {
                ctx.out.line("dry run: would write the report to \(path); nothing written")
                return
            }
            try OutputFile.write(html(report), to: path)
            ctx.out.line("report for the last \(days) days written to \(path)")
            return
        }
        switch inv.options["--format"]?.lowercased() {
        case nil: terminal(report, ctx.out)
        case "csv"?: csv(report, ctx.out)
        case "json"?: try json(report, ctx.out)
        case let other?: throw ShellError.usage(spec, "--format must be csv or json, not \"\(other)\"")
        }
    }

    static func money(_ cents: Int) -> String { Cents(cents).description }

    static func value(_ m: DayReport.Measure, _ v: Int) -> String { m.isMoney ? money(v) : String(v) }

    static func terminal(_ r: DayReport, _ out: Output) {
        let n = r.days.count
        out.line(out.styled("Report for \(TimeText.date(r.days.last)) · today and the last \(n) day\(n == 1 ? "" : "s")", .bold))
        out.line("           " + "today".right(10) + "  " + "\(n) days".right(11) + "  per day, oldest first")
        for m in DayReport.Measure.allCases {
            let spark = DayReport.sparkline(r.values[m] ?? [])
            out.line(m.label.fitted(11) + value(m, r.today(m)).right(10) + "  " + value(m, r.total(m)).right(11) + "  " + spark)
        }
        let lateText = r.late > 0 ? out.styled("\(r.late) late", .boldRed) : "nothing late"
        let soonText = r.dueSoon > 0 ? out.styled("\(r.dueSoon) due soon", .yellow) : "nothing due soon"
        out.line("Now: \(lateText), \(soonText) · cancellation rate 7 days \(r.week.formatted) (\(r.week.cancelled) of \(r.week.received))"
            + ", 30 days \(r.month.formatted) (\(r.month.cancelled) of \(r.month.received))")
    }

    static func csv(_ r: DayReport, _ out: Output) {
        out.line((["date"] + DayReport.Measure.allCases.map(\.rawValue)).joined(separator: ","))
        for (i, d) in r.days.enumerated() {
            let cells = DayReport.Measure.allCases.map { m -> String in
                let v = r.values[m]?[i] ?? 0
                return m.isMoney ? Cents(v).plain : String(v)
            }
            out.line(([TimeText.date(d)] + cells).joined(separator: ","))
        }
    }

    /// A rate as JSON: the percentage to one decimal place (as `status` shows it), and the counts it comes from.
    private static func rate(_ r: CancellationRate) -> [String: Any] {
        ["percent": Decimal(string: String(format: "%.1f", r.percent)) ?? 0, "cancelled": r.cancelled, "received": r.received]
    }

    static func json(_ r: DayReport, _ out: Output) throws {
        var days: [[String: Any]] = []
        for (i, d) in r.days.enumerated() {
            var o: [String: Any] = ["date": TimeText.date(d)]
            for m in DayReport.Measure.allCases {
                let v = r.values[m]?[i] ?? 0
                o[m.rawValue] = m.isMoney ? Decimal(string: Cents(v).plain) ?? 0 : v
            }
            days.append(o)
        }
        let object: [String: Any] = [
            "days": days, "late": r.late, "due_soon": r.dueSoon,
            "cancellation_rate_7_days": rate(r.week), "cancellation_rate_30_days": rate(r.month),
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            out.line(String(decoding: data, as: UTF8.self))
        } catch {
            throw ShellError.other("the report could not be written as JSON: \(error)", remedy: "--format csv writes the same rows")
        }
    }

    /// A page with one bar chart per measure: inline SVG, no script, nothing fetched.
    static func html(_ r: DayReport) -> String {
        let n = r.days.count
        func chart(_ m: DayReport.Measure) -> String {
            let values = r.values[m] ?? []
            let top = max(1, values.max() ?? 0)
            let w = 640, h = 120, gap = 2
            let barW = max(2, (w - gap * max(0, n - 1)) / max(1, n))
            var bars = ""
            for (i, v) in values.enumerated() {
                let bh = v <= 0 ? 0 : max(2, Int(Double(v) / Double(top) * Double(h - 20)))
                let x = i * (barW + gap)
                bars += "<rect x=\"\(x)\" y=\"\(h - bh)\" width=\"\(barW)\" height=\"\(bh)\"><title>\(TimeText.date(r.days[i])): \(value(m, v))</title></rect>"
            }
            return """
                <figure><figcaption><strong>\(m.label)</strong> · today \(value(m, r.today(m))) · \(n) days \(value(m, r.total(m)))</figcaption>
                <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" role="img" aria-label="\(m.label) per day">
                <line x1="0" y1="\(h - 0)" x2="\(w)" y2="\(h)" stroke="#999"/><g fill="#2b6cb0">\(bars)</g></svg></figure>
                """
        }
        let first = r.days.first.map { TimeText.date($0) } ?? "", last = r.days.last.map { TimeText.date($0) } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>jom report \(first) – \(last)</title>
            <style>
            body { font: 11pt/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; max-width: 46em; margin: 2em auto; }
            figure { margin: 1.2em 0; } figcaption { margin-bottom: .3em; } small { color: #555; }
            </style></head><body>
            <h1>Report, \(first) to \(last)</h1>
            <p>Now: \(r.late) late, \(r.dueSoon) due soon. Cancellation rate: 7 days \(r.week.formatted) (\(r.week.cancelled) of \(r.week.received)),
            30 days \(r.month.formatted) (\(r.month.cancelled) of \(r.month.received)).</p>
            \(DayReport.Measure.allCases.map(chart).joined(separator: "\n"))
            <p><small>One bar a day, oldest first; days are the machine's calendar days. Revenue: totals of orders received, less those cancelled.</small></p>
            </body></html>

            """
    }
}
