import DeskEngine
import Foundation
import OrderDesk

/// `status`
enum StatusCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "status", aliases: ["st"],
        summary: "downloads, actions waiting for Jet, deadlines, cancellation rate",
        usage: "status",
        details:
            "Shows where orders come from, when downloads last ran and run next, actions still waiting for Jet (and recent refusals), orders near or past their deadlines, and the cancellation rate over 7 and 30 days.",
        examples: ["status"])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.isEmpty else { throw ShellError.usage(spec, "status takes no arguments") }
        let d = ctx.desk
        let out = ctx.out
        let now = await d.now
        let settings = await d.settings
        let dl = try await d.downloadStatus()
        let urgency = await d.urgency()
        let market = ctx.desk.traits.name
        out.line(market.fitted(13) + (ctx.runner.options.marketplaceDescription))
        out.line("Store        \(await d.storePath) (\(await d.orderCount) orders)" + (await d.isDryRun ? " — dry run: nothing is saved" : ""))
        var downloads = "last good " + (dl.lastSuccess.map { "\(TimeText.at($0)) (\(DurationText.short(now.timeIntervalSince($0))) ago)" } ?? "never")
        if settings.downloadInterval > 0 {
            if ctx.runner.options.interactive {
                let next = max(now, (dl.lastSuccess ?? now).addingTimeInterval(settings.downloadInterval))
                downloads += ", next about \(TimeText.at(next))"
            }
            downloads += " · every \(DurationText.format(settings.downloadInterval))"
        } else {
            downloads += " · automatic downloads off (set download-interval 15m)"
        }
        if let summary = dl.lastSummary, dl.lastSuccess != nil { downloads += " · last brought: \(summary)" }
        out.line("Downloads    " + (urgency.staleDownload ? out.styled(downloads, .boldRed) : downloads))
        if let err = dl.lastError, (dl.lastAttempt ?? .distantPast) > (dl.lastSuccess ?? .distantPast) {
            out.line("             " + out.styled("last attempt \(TimeText.at(dl.lastAttempt)) failed: \(Printable.visible(err))", .red))
        }
        let pending = await d.pendingActions
        if pending.isEmpty {
            out.line("Outbox       nothing waiting for \(market)")
        } else {
            out.line("Outbox       " + out.styled("\(pending.count) action\(pending.count == 1 ? "" : "s") waiting for \(market)", .yellow))
            for e in pending.prefix(10) {
                let ref = Printable.visible(await d.resolveExact(e.action.merchantOrderID)?.referenceOrderID ?? e.action.merchantOrderID)
                var line = "  \(e.action.kind.rawValue) \(ref), recorded \(TimeText.at(e.action.createdAt)) by \(e.action.by)"
                if e.attempts > 0 { line += ", \(e.attempts) attempt\(e.attempts == 1 ? "" : "s")" }
                if let err = e.lastError { line += ": \(Printable.visible(err))" }
                out.line("           " + line)
            }
            if pending.count > 10 { out.line("             … and \(pending.count - 10) more") }
        }
        let refusals = await d.refusals.filter { now.timeIntervalSince($0.at) < 7 * 86400 }
        if !refusals.isEmpty {
            out.line("Refused      " + out.styled("\(refusals.count) action\(refusals.count == 1 ? "" : "s") refused by \(market) in the last 7 days", .red))
            for r in refusals.suffix(5) {
                let ref = Printable.visible(await d.resolveExact(r.action.merchantOrderID)?.referenceOrderID ?? r.action.merchantOrderID)
                out.line("             \(r.action.kind.rawValue) \(ref) at \(TimeText.at(r.at)): \(Printable.visible(r.reason))")
            }
        }
        let aside = await d.quarantined()
        if !aside.isEmpty {
            out.line("Set aside    " + out.styled("\(aside.count) order\(aside.count == 1 ? "" : "s") damaged or unreadable", .red) + " (show damaged)")
            for e in aside.prefix(5) { out.line("             \(Printable.visible(e.reference ?? e.id)): \(Printable.visible(e.detail))") }
        }
        var deadlines: [String] = []
        if urgency.late > 0 { deadlines.append(out.styled("\(urgency.late) late", .boldRed) + " (show late)") }
        if urgency.dueSoon > 0 { deadlines.append(out.styled("\(urgency.dueSoon) due within \(DurationText.format(settings.dueSoon))", .yellow)) }
        out.line("Deadlines    " + (deadlines.isEmpty ? "nothing late or due soon" : deadlines.joined(separator: ", ")))
        let rates = await d.cancellationRates()
        func rate(_ r: CancellationRate) -> String {
            let text = "\(r.days) days \(r.formatted) (\(r.cancelled) of \(r.received))"
            return r.percent > settings.cancelRateLimit ? out.styled(text, .boldRed) : text
        }
        out.line("Cancel rate  \(rate(rates.week)) · \(rate(rates.month)) · limit \(formatPercent(settings.cancelRateLimit))")
    }
}
