import DeskEngine
import Foundation
import OrderDesk

/// `cancel [ID] [REASON] [--units SKU:QTY,…]`
enum CancelCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "cancel",
        summary: "cancel a new order, units that cannot ship, or the units Jet asks you to cancel",
        usage: "cancel [ID] [REASON] [--units SKU:QTY,…]",
        details: """
            A new (not yet approved) order is cancelled by rejecting it at Jet with the reason's status.
            REASON is one of:
            """ + "\n"
                + CancelReason.allCases.map { "  \($0.rawValue.fitted(33)) \($0.explanation) → Jet: \($0.acknowledgementStatus)" }.joined(separator: "\n") + """

                    An approved order can no longer be cancelled as a whole, but units that cannot ship can:
                    --units SKU:QTY,… cancels just those (Jet's shipped message with cancelled quantities); the order
                    ships the rest. Before approval, cancel the whole order instead.
                    When Jet asks you to cancel (a directed cancel, shown as `cancel req`), `cancel` cancels exactly
                    the units Jet asked for, and needs no reason; it does not count against you.
                    Before a cancel counts against you, jom shows what it does to your 7-day cancellation rate.
                    """,
        examples: ["cancel 8012 no-inventory", "cancel 8012", "cancel fraud", "cancel 8012 no-inventory --units MUG-RED:1"],
        options: [OptionSpec(name: "--units", value: "SKU:QTY,…", help: "after approval: cancel just these units", completion: .units)],
        arguments: [.orderID(.cancellable), .cancelReason])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 2 else { throw ShellError.usage(spec, "cancel takes an order id and one reason") }
        let units = try ctx.units(inv)
        let traits = ctx.desk.traits
        // A lone menu number (`cancel 3`) is a reason, not the start of an order id.
        let (s, record, words) = try await ctx.target(
            inv.positionals, for: units == nil ? .cancel : .cancelUnits,
            isValue: { MarketplaceReason.parse($0, in: traits.cancelReasons) != nil }, valueName: "REASON")
        let directed =
            units == nil && record.stage == .cancelRequested && (OrderStage.isAccepted(record) || traits.cancelling == .cancelCall)
        var reason: MarketplaceReason?
        if let word = words.first {
            guard let r = MarketplaceReason.parse(word, in: traits.cancelReasons) else {
                throw ShellError.usage(
                    spec, "\"\(word)\" is not a cancel reason; reasons are " + traits.cancelReasons.map(\.slug).joined(separator: ", "))
            }
            reason = r
        } else if !directed {
            let unitsText = units.map { " --units \(UnitCount.text($0))" } ?? ""
            let i = try await ctx.choose(
                "Why cancel \(units == nil ? "order" : "these units of order") \(s.referenceOrderID)?",
                traits.cancelReasons.map { ($0.slug, $0.explanation) },
                missing: "cancel \(s.referenceOrderID) needs a reason",
                remedy: "cancel \(s.referenceOrderID) <reason>\(unitsText), reason one of: " + traits.cancelReasons.map(\.slug).joined(separator: ", "))
            reason = traits.cancelReasons[i]
        }
        let chosen = reason
        let build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction = { r, c throws(DeskError) in
            if let units { return try Rules.cancelUnits(r, units, reason: chosen, c) }
            return try Rules.cancel(r, reason: chosen, c)
        }
        let performed = try await ctx.perform(
            s, build,
            question: { preview in
                let cancelled: [UnitCount] =
                    if case .ship(let report) = preview.request { report.items.map { UnitCount(sku: $0.sku, quantity: $0.cancelQuantity) } } else { [] }
                let cancelledUnits = cancelled.reduce(0) { $0 + $1.quantity }
                if directed {
                    return
                        "Cancel \(cancelledUnits) unit\(cancelledUnits == 1 ? "" : "s") of order \(s.referenceOrderID) as \(traits.name) asked? (\(traits.requestedCancelName) does not count against your cancellation rate)"
                }
                let rates = await ctx.desk.cancellationRates()
                let limit = await ctx.desk.settings.cancelRateLimit
                // An order already counted (units cancelled before) does not count twice.
                let after = s.cancellation == .merchantUnits ? rates.week : rates.week.afterOneMoreCancel(receivedAt: s.receivedAt, now: await ctx.desk.now)
                let over = after.percent > limit ? ", over \(formatPercent(limit))" : ""
                let what: String
                if case .acknowledge(let a) = preview.request {
                    what = "order \(s.referenceOrderID) (\(s.buyer), \(s.total)) as \(chosen?.slug ?? "other") (\(traits.name): \(a.status))"
                } else {
                    what =
                        "\(cancelledUnits) unit\(cancelledUnits == 1 ? "" : "s") (\(UnitCount.text(cancelled))) of order \(s.referenceOrderID) as \(chosen?.slug ?? "other")"
                }
                return "Cancel \(what)? 7-day cancellation rate \(rates.week.formatted) → \(after.formatted)\(over)."
            }, declined: "Not cancelled.")
        if performed, !directed {
            let week = await ctx.desk.cancellationRates().week
            let limit = await ctx.desk.settings.cancelRateLimit
            let text = "7-day cancellation rate now \(week.formatted) (\(week.cancelled) of \(week.received); limit \(formatPercent(limit)))"
            ctx.out.line(week.percent > limit ? ctx.out.styled(text, .boldRed) : text)
        }
    }
}
