import DeskEngine
import Foundation
import OrderDesk

/// `download`
enum DownloadCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "download", aliases: ["dl", "sync"],
        summary: "download from Jet now: new orders, cancel requests, return requests",
        usage: "download",
        details: """
            Sends whatever waits in the outbox first, then fetches ready orders, Jet's cancel requests, open
            return requests, and the current state of orders waiting to ship. Notes and actions not yet
            sent are never overwritten. In a session this also runs by itself every download-interval.
            """,
        examples: ["download"])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.isEmpty else { throw ShellError.usage(spec, "download takes no arguments") }
        if await ctx.desk.isDryRun {
            ctx.out.line(
                ctx.desk.traits.name == "Jet"
                    ? "dry run: would download (GET /orders/ready, /orders/directedCancel, /returns/created, /returns/inprogress and order details); nothing fetched"
                    : "dry run: would download from \(ctx.desk.traits.name); nothing fetched")
            return
        }
        ctx.out.progress("downloading from \(ctx.desk.traits.name)…")
        let report: DownloadReport
        do {
            report = try await ctx.desk.download()
        } catch {
            ctx.out.endProgress()
            throw error
        }
        ctx.out.endProgress()
        let sent = report.delivered.filter { $0.result == .delivered }.count
        if sent > 0 { ctx.out.line("sent \(sent) queued action\(sent == 1 ? "" : "s") to \(ctx.desk.traits.name)") }
        ctx.out.line("downloaded: \(Printable.visible(report.sentence))")
        if let c = report.compaction { ctx.out.line(CompactCommand.sentence(c)) }
        for r in report.remarks { ctx.out.line(Printable.visible(r)) }
        for f in report.failureLines { ctx.out.error("warning: could not download \(Printable.visible(f))") }
        if !report.failures.isEmpty {
            ctx.out.error("hint: the rest was downloaded; the next download tries those again")
        }
        if !report.setAside.isEmpty {
            ctx.out.error(
                "warning: set aside: " + report.setAside.prefix(5).map(Printable.visible).joined(separator: ", ")
                    + (report.setAside.count > 5 ? " +\(report.setAside.count - 5) more" : ""))
            ctx.out.error("hint: `show damaged` says what is wrong with each; everything else was downloaded")
        }
        try ctx.report(report.delivered.filter { $0.result != .delivered })
    }
}
