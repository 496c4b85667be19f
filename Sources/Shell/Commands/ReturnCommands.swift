import DeskEngine
import Foundation
import OrderDesk

/// `refund [ID] [--amount X] [--feedback F]`
enum RefundCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "refund",
        summary: "answer a return request by crediting the customer",
        usage: "refund [ID] [--amount X] [--feedback F]",
        details: """
            Completes the order's open return request at Jet, refunding the full amount the customer asked for.
            With --amount, refunds less (never more); Jet then needs a reason, --feedback, one of:
            """ + "\n" + RefundFeedback.allCases.map { "  \($0.rawValue.fitted(26)) \($0.explanation)" }.joined(separator: "\n"),
        examples: ["refund 8012", "refund 8012 --amount 15.00 --feedback item-damaged"],
        options: [
            OptionSpec(name: "--amount", value: "X", help: "refund this much (dollars) instead of the full request"),
            OptionSpec(name: "--feedback", value: "F", help: "why less than requested (TAB lists Jet's reasons)", completion: .refundFeedback),
        ],
        arguments: [.orderID])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 1 else { throw ShellError.usage(spec, "refund takes one order id; use --amount for the amount") }
        let (s, record, _) = try await ctx.target(inv.positionals, for: .refund, takesValue: false)
        guard let ret = record.order.latestReturn else { throw Rules.refusal(.refund, record) }
        var amount: Cents?
        if let text = inv.options["--amount"] {
            guard let a = Cents(parsing: text) else {
                throw ShellError.usage(spec, "--amount must be dollars and cents such as 15.00, not \"\(text)\"")
            }
            amount = a
        }
        var feedback: RefundFeedback?
        if let text = inv.options["--feedback"] {
            guard let f = RefundFeedback.parse(text) else {
                throw ShellError.usage(spec, "\"\(text)\" is not one of Jet's refund reasons: " + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
            }
            feedback = f
        }
        let requested = ret.requestedTotal.total
        if let a = amount, (a < requested), (a > Cents.zero), feedback == nil {
            let i = try await ctx.choose("Why refund \(a) of the \(requested) requested?", RefundFeedback.allCases.map { ($0.rawValue, $0.explanation) },
                                         missing: "refunding \(a) of the \(requested) requested on order \(s.referenceOrderID) needs a reason for Jet",
                                         remedy: "refund \(s.referenceOrderID) --amount \(a.plain) --feedback <reason>")
            feedback = RefundFeedback.allCases[i]
        }
        let (chosenAmount, chosenFeedback) = (amount, feedback)
        let build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction = { r, c throws(DeskError) in
            try Rules.refund(r, amount: chosenAmount, feedback: chosenFeedback, c)
        }
        let preview = try await ctx.desk.preview(s.merchantOrderID, build)
        let total: Cents = if case .completeReturn(let c) = preview.request { c.refundTotal } else { .zero }
        guard try await ctx.confirm("Refund \(total) to the customer of order \(s.referenceOrderID) (return \(ret.reference ?? ret.id), \(requested) requested)?") else {
            ctx.out.line("Not refunded.")
            return
        }
        let actions = try await ctx.desk.commit([s.merchantOrderID], build)
        ctx.select(s)
        try ctx.report(await ctx.desk.deliver(Set(actions.map(\.id))))
    }
}

/// `deny [ID] [REASON]`
enum DenyCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "deny",
        summary: "answer a return request by turning the refund down, with Jet's reason",
        usage: "deny [ID] [REASON]",
        details: """
            Completes the order's open return request at Jet with nothing refunded. REASON is one of:
            """ + "\n" + RefundFeedback.allCases.map { "  \($0.rawValue.fitted(26)) \($0.explanation)" }.joined(separator: "\n"),
        examples: ["deny 8012 outside-window", "deny wrong-item"],
        arguments: [.orderID, .refundFeedback])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 2 else { throw ShellError.usage(spec, "deny takes an order id and one reason") }
        let (s, record, words) = try await ctx.target(inv.positionals, for: .deny) { RefundFeedback.parse($0) != nil }
        guard let ret = record.order.latestReturn else { throw Rules.refusal(.deny, record) }
        var reason: RefundFeedback?
        if let word = words.first {
            guard let r = RefundFeedback.parse(word) else {
                throw ShellError.usage(spec, "\"\(word)\" is not one of Jet's reasons: " + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
            }
            reason = r
        } else {
            let i = try await ctx.choose("Why deny the refund on order \(s.referenceOrderID)?", RefundFeedback.allCases.map { ($0.rawValue, $0.explanation) },
                                         missing: "deny \(s.referenceOrderID) needs a reason for Jet",
                                         remedy: "deny \(s.referenceOrderID) <reason>, reason one of: " + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
            reason = RefundFeedback.allCases[i]
        }
        let chosen = reason
        let build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction = { r, c throws(DeskError) in
            try Rules.deny(r, reason: chosen, c)
        }
        _ = try await ctx.desk.preview(s.merchantOrderID, build)
        guard try await ctx.confirm("Deny the refund of \(ret.requestedTotal.total) on order \(s.referenceOrderID) (return \(ret.reference ?? ret.id)) as \(chosen?.rawValue ?? "")?") else {
            ctx.out.line("Not denied.")
            return
        }
        let actions = try await ctx.desk.commit([s.merchantOrderID], build)
        ctx.select(s)
        try ctx.report(await ctx.desk.deliver(Set(actions.map(\.id))))
    }
}
