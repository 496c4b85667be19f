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
            guard let n = Int(text), (1...366).contains(n) else {
                throw ShellError.usage(spec, "--days must be a number of days from 1 to 366, not \"\(text)\"")
            }
            days = n
        }
        let report = await ctx.desk.report(days: days)
        if let target = inv.options["--html"] {
            let settings = await ctx.desk.settings
            let seller = settings.sellerName.isEmpty ? (ProcessInfo.processInfo.environment["JOM_SELLER"] ?? "") : settings.sellerName
            let page = ReportPage.html(
                report, tops: await ctx.desk.reportTops(days: days), seller: seller,
                limit: settings.cancelRateLimit, now: await ctx.desk.now)
            if OutputFile.isStandardOutput(target) {
                ctx.out.document(page)
                return
            }
            let path = (target as NSString).expandingTildeInPath
            if await ctx.desk.isDryRun {
                ctx.out.line("dry run: would write the report to \(path); nothing written")
                return
            }
            try OutputFile.write(page, to: path)
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
        out.line(
            "Now: \(lateText), \(soonText) · cancellation rate 7 days \(r.week.formatted) (\(r.week.cancelled) of \(r.week.received))"
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

}
