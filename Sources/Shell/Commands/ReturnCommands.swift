import DeskEngine
import Foundation
import OrderDesk

/// `accept [ID]`
enum AcceptCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "accept",
        summary: "accept a return request (the item may come back); refund or deny it later",
        usage: "accept [ID]",
        details: """
            Accepts the order's return request at Jet (Jet's return acknowledgement). The order is then
            `return acc` (in `show returns`) until you refund or deny the credit, once the item is back. The
            answer deadline (return-days) is met by the first answer: accept, refund or deny.
            To accept a new order, use `approve`.
            """,
        examples: ["accept 8012", "accept"],
        arguments: [.orderID(.returns)])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 1 else { throw ShellError.usage(spec, "accept takes one order id") }
        let traits = ctx.desk.traits
        if !traits.acceptsReturns {
            throw ShellError.other(
                "\(traits.name) has no step to accept a return: the customer sends the item back with \(traits.name)'s label, and the return waits for your refund",
                remedy: "refund it with `refund\(inv.positionals.first.map { " " + $0 } ?? "")` (or some units with --units SKU:QTY) when the item is back")
        }
        let (s, record, _) = try await ctx.target(inv.positionals, for: .accept, takesValue: false)
        guard let ret = record.order.latestReturn else { throw Rules.refusal(.accept, record, ctx.desk.traits) }
        try await ctx.perform(
            s, { r, c throws(DeskError) in try Rules.accept(r, c) },
            question: { _ in "Accept the return \(ret.reference ?? ret.id) on order \(s.referenceOrderID) (\(ret.requestedTotal.total) requested)?" },
            declined: "Not accepted.")
    }
}

/// `refund [ID] [--units SKU:QTY,…] [--amount X] [--feedback F] [--dispute-charge F]`, or
/// `refund ID --amount X --reason R` without a return.
enum RefundCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "refund",
        summary: "credit the customer: answer a return request, or refund without one",
        usage: "refund [ID] [--units SKU:QTY,…] [--amount X] [--feedback F] [--dispute-charge F] | refund ID --amount X --reason R",
        details: """
            On a return request (requested or accepted), completes it at Jet crediting the customer: the full
            amount asked for, or just --units of some lines, or --amount (never more than was asked for).
            Whenever a line gets less than its customer asked for, Jet needs a reason, --feedback, one of:
            """ + "\n" + RefundFeedback.allCases.map { "  \($0.rawValue.fitted(26)) \($0.explanation)" }.joined(separator: "\n") + """

                --dispute-charge F disputes the return charge (Jet's agree_to_return_charge false), F one of:
                  \(ReturnChargeFeedback.known.map(\.rawValue).joined(separator: ", "))

                On an order without a return (approved or shipped), --amount X --reason R is a refund without a
                return (Jet's merchant refund: a price adjustment, a parcel lost in transit). R is one of:
                """ + "\n" + RefundReason.allCases.map { "  \($0.rawValue.fitted(26)) \($0.explanation)" }.joined(separator: "\n") + """

                    jom keeps every refund of an order and never lets them add up to more than the customer paid:
                    the error says how much is left.
                    """,
        examples: [
            "refund 8012", "refund 8012 --amount 15.00 --feedback item-damaged", "refund 8012 --units MUG-RED:1 --feedback wrong-item",
            "refund 8012 --amount 5.00 --reason price-adjustment", "refund 8012 --dispute-charge wrongItem",
        ],
        options: [
            OptionSpec(name: "--units", value: "SKU:QTY,…", help: "refund just these returned units", completion: .units),
            OptionSpec(name: "--amount", value: "X", help: "refund this much (dollars) instead of the full request"),
            OptionSpec(name: "--feedback", value: "F", help: "why a line gets less than requested (TAB lists Jet's reasons)", completion: .refundFeedback),
            OptionSpec(name: "--reason", value: "R", help: "a refund without a return: Jet's refund reason", completion: .refundReason),
            OptionSpec(name: "--dispute-charge", value: "F", help: "dispute the return charge, with Jet's charge feedback", completion: .chargeFeedback),
        ],
        arguments: [.orderID(.answerable)])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 1 else { throw ShellError.usage(spec, "refund takes one order id; use --amount for the amount") }
        var amount: Cents?
        if let text = inv.options["--amount"] {
            guard let a = Cents(parsing: text) else {
                throw ShellError.usage(spec, "--amount must be dollars and cents such as 15.00, not \"\(text)\"")
            }
            amount = a
        }
        if let text = inv.options["--reason"] {
            try await merchantRefund(inv, amount: amount, reasonText: text, ctx)
            return
        }
        let units = try ctx.units(inv)
        var feedback = try inv.options["--feedback"].map { text throws -> RefundFeedback in
            guard let f = RefundFeedback.parse(text) else {
                throw ShellError.usage(
                    spec, "\"\(text)\" is not one of Jet's refund reasons: " + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return f
        }
        let dispute = try chargeFeedback(inv, spec)
        let (s, record, _) = try await ctx.target(inv.positionals, for: .refund, takesValue: false)
        guard let ret = record.order.latestReturn else { throw Rules.refusal(.refund, record, ctx.desk.traits) }
        let plan = try Rules.refundPlan(record, units: units, amount: amount, ctx.desk.traits)
        let requested = plan.requested
        if plan.isPartial, feedback == nil, ctx.desk.traits.refundsReturnAmounts {
            let what = amount.map { "\($0) of the \(requested) requested" } ?? "only some of what was returned"
            let i = try await ctx.choose(
                "Why refund \(what)?", RefundFeedback.allCases.map { ($0.rawValue, $0.explanation) },
                missing: "refunding \(what) on order \(s.referenceOrderID) needs a reason for Jet",
                remedy:
                    "refund \(s.referenceOrderID)\(units.map { " --units \(UnitCount.text($0))" } ?? "")\(amount.map { " --amount \($0.plain)" } ?? "") --feedback <reason>"
            )
            feedback = RefundFeedback.allCases[i]
        }
        let (chosenAmount, chosenFeedback) = (amount, feedback)
        let build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction = { r, c throws(DeskError) in
            try Rules.refund(r, units: units, amount: chosenAmount, feedback: chosenFeedback, disputeCharge: dispute, c)
        }
        let disputed = dispute.map { "; disputing the return charge (\($0))" } ?? ""
        try await ctx.perform(
            s, build,
            question: { preview in
                let total: Cents = if case .completeReturn(let c) = preview.request { c.refundTotal } else { .zero }
                return "Refund \(total) to the customer of order \(s.referenceOrderID) (return \(ret.reference ?? ret.id), \(requested) requested)\(disputed)?"
            }, declined: "Not refunded.")
    }

    /// `refund ID --amount X --reason R`: a refund without a return.
    static func merchantRefund(_ inv: Invocation, amount: Cents?, reasonText: String, _ ctx: ShellContext) async throws {
        let traits = ctx.desk.traits
        guard let reason = MarketplaceReason.parse(reasonText, in: traits.refundReasons) else {
            throw ShellError.usage(
                spec, "\"\(reasonText)\" is not one of \(traits.name)'s refund reasons: " + traits.refundReasons.map(\.slug).joined(separator: ", "))
        }
        guard let amount else {
            throw ShellError.usage(spec, "a refund without a return needs --amount (dollars and cents, such as 5.00)")
        }
        for option in ["--units", "--feedback", "--dispute-charge"] where inv.options[option] != nil {
            throw ShellError.usage(spec, "\(option) is for answering a return; a refund without a return takes --amount and --reason")
        }
        let (s, _, _) = try await ctx.target(inv.positionals, for: .merchantRefund, takesValue: false)
        let build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction = { r, c throws(DeskError) in
            try Rules.merchantRefund(r, amount: amount, reason: reason, c)
        }
        try await ctx.perform(
            s, build, question: { _ in "Refund \(amount) to the customer of order \(s.referenceOrderID) without a return (\(reason.slug))?" },
            declined: "Not refunded.")
    }

    /// `--dispute-charge F`, checked against Jet's charge feedback (any case).
    static func chargeFeedback(_ inv: Invocation, _ spec: CommandSpec) throws -> ReturnChargeFeedback? {
        guard let text = inv.options["--dispute-charge"] else { return nil }
        guard let f = ReturnChargeFeedback.known.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw ShellError.usage(
                spec,
                "\"\(text)\" is not one of Jet's return-charge feedbacks: "
                    + ReturnChargeFeedback.known.map(\.rawValue).joined(separator: ", "))
        }
        return f
    }
}

/// `deny [ID] [REASON] [--dispute-charge F]`
enum DenyCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "deny",
        summary: "answer a return request by turning the refund down, with Jet's reason",
        usage: "deny [ID] [REASON] [--dispute-charge F]",
        details: """
            Completes the order's return request (requested or accepted) at Jet with nothing refunded. REASON is
            one of:
            """ + "\n" + RefundFeedback.allCases.map { "  \($0.rawValue.fitted(26)) \($0.explanation)" }.joined(separator: "\n") + """

                --dispute-charge F also disputes the return charge (Jet's agree_to_return_charge false).
                """,
        examples: ["deny 8012 outside-window", "deny wrong-item", "deny 8012 wrong-item --dispute-charge wrongItem"],
        options: [
            OptionSpec(name: "--dispute-charge", value: "F", help: "dispute the return charge, with Jet's charge feedback", completion: .chargeFeedback)
        ],
        arguments: [.orderID(.answerable), .refundFeedback])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 2 else { throw ShellError.usage(spec, "deny takes an order id and one reason") }
        let traits = ctx.desk.traits
        if !traits.deniesReturns {
            throw ShellError.other(
                "\(traits.name) has no way to turn a return's refund down through its API",
                remedy:
                    "a return you do not refund is settled in \(traits.name)'s Seller Center; `note\(inv.positionals.first.map { " " + $0 } ?? "") <text>` keeps your decision with the order"
            )
        }
        let dispute = try RefundCommand.chargeFeedback(inv, spec)
        let (s, record, words) = try await ctx.target(inv.positionals, for: .deny) { RefundFeedback.parse($0) != nil }
        guard let ret = record.order.latestReturn else { throw Rules.refusal(.deny, record, ctx.desk.traits) }
        var reason: RefundFeedback?
        if let word = words.first {
            guard let r = RefundFeedback.parse(word) else {
                throw ShellError.usage(spec, "\"\(word)\" is not one of Jet's reasons: " + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
            }
            reason = r
        } else {
            let i = try await ctx.choose(
                "Why deny the refund on order \(s.referenceOrderID)?", RefundFeedback.allCases.map { ($0.rawValue, $0.explanation) },
                missing: "deny \(s.referenceOrderID) needs a reason for Jet",
                remedy: "deny \(s.referenceOrderID) <reason>, reason one of: " + RefundFeedback.allCases.map(\.rawValue).joined(separator: ", "))
            reason = RefundFeedback.allCases[i]
        }
        let chosen = reason
        let build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction = { r, c throws(DeskError) in
            try Rules.deny(r, reason: chosen, disputeCharge: dispute, c)
        }
        let disputed = dispute.map { "; disputing the return charge (\($0))" } ?? ""
        try await ctx.perform(
            s, build,
            question: { _ in
                "Deny the refund of \(ret.requestedTotal.total) on order \(s.referenceOrderID) (return \(ret.reference ?? ret.id)) as \(chosen?.rawValue ?? "")\(disputed)?"
            }, declined: "Not denied.")
    }
}
