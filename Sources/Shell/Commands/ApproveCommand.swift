import DeskEngine
import Foundation
import OrderDesk

/// `approve [ID | all]`
enum ApproveCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "approve", aliases: ["ack"],
        summary: "accept new orders at Jet (acknowledge them)",
        usage: "approve [ID | all]",
        details: """
            Acknowledges the order to Jet as accepted; after that it can be shipped but no longer cancelled by
            you. `approve all` approves every new order in the current filter, after one confirmation.
            Without an id, approves the selected order.
            """,
        examples: ["approve 8012", "approve", "show new", "approve all"],
        arguments: [.orderID(.approvable)])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 1 else { throw ShellError.usage(spec, "approve takes one order id, or all") }
        if inv.positionals.first?.lowercased() == "all" {
            try await approveAll(ctx)
            return
        }
        let s = try await ctx.order(inv.positionals.first)
        try await ctx.perform(
            s, { r, c throws(DeskError) in try Rules.approve(r, c) },
            question: { _ in "Approve order \(s.referenceOrderID) (\(s.buyer), \(s.units) unit\(s.units == 1 ? "" : "s"), \(s.total))?" },
            declined: "Not approved.")
    }

    static func approveAll(_ ctx: ShellContext) async throws {
        let view = ctx.session.view
        let list: [OrderSummary]
        switch view {
        case .filter(let f): list = await ctx.desk.list(f)
        case .find(let t): list = await ctx.desk.find(t)
        }
        let new = list.filter { $0.stage == .new }
        guard !new.isEmpty else {
            ctx.out.line("Nothing to approve: no new orders in the current filter (\(view.label)). `show new` lists new orders.")
            return
        }
        let total = new.reduce(Cents.zero) { $0 + $1.total }
        guard try await ctx.confirm("Approve \(new.count) new order\(new.count == 1 ? "" : "s") (\(total)) in \(view.label)?") else {
            ctx.out.line("Nothing approved.")
            return
        }
        let actions = try await ctx.desk.commit(new.map(\.merchantOrderID)) { r, c throws(DeskError) in try Rules.approve(r, c) }
        let desk = ctx.desk
        let progress = DeliveryProgress(verb: "approving", out: ctx.out, perMinute: desk.traits.changesPerMinute) { desk.clock.now }
        let outcomes = await desk.deliver(Set(actions.map(\.id))) { done, all in progress.update(done: done, total: all) }
        progress.end()
        let sent = outcomes.filter { $0.result == .delivered }.count
        let refused = outcomes.filter {
            if case .refused = $0.result { return true }; return false
        }
        let queued = outcomes.filter {
            if case .queued = $0.result { return true }; return false
        }
        let dry = outcomes.filter {
            if case .wouldSend = $0.result { return true }; return false
        }
        try ctx.report(dry)
        var parts: [String] = []
        if sent > 0 { parts.append("\(sent) sent to \(ctx.desk.traits.name)") }
        ctx.runner.queuedNotSent += queued.count
        let name = ctx.desk.traits.name
        if !queued.isEmpty { parts.append("\(queued.count) queued (\(name) unreachable, will retry; `status` shows them)") }
        if !refused.isEmpty { parts.append("\(refused.count) refused by \(name)") }
        ctx.out.line("\(actions.count) approved" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")))
        try ctx.throwRefusals(refused)
    }
}
