import DeskEngine
import Foundation
import OrderDesk

/// `show [FILTER] [--format csv|json]`
enum ShowCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "show", aliases: ["ls", "list"],
        summary: "list the orders in a filter (and make it the current filter)",
        usage: "show [FILTER] [--format csv|json]",
        details: """
            FILTER is one of:
            """ + "\n" + OrderFilter.allCases.map { "  \($0.rawValue.fitted(17)) \($0.explanation)" }.joined(separator: "\n") + """

            Without FILTER, lists the current filter again (after `find`, the last search).
            Most urgent first. A * after the stage marks an action not yet sent to Jet.
            --format csv or json prints one row or object per order, for other tools.
            """,
        examples: ["show", "show new", "show late", "show all --format csv > orders.csv"],
        options: [OptionSpec(name: "--format", value: "csv|json", help: "print for other tools", completion: .format)],
        arguments: [.filter])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        if inv.positionals.count > 1 { throw ShellError.usage(spec, "show takes one filter, not \(inv.positionals.count) words") }
        if let word = inv.positionals.first {
            guard let f = OrderFilter.parse(word) else {
                throw ShellError.usage(spec, "\"\(word)\" is not a filter; filters are " + OrderFilter.allCases.map(\.rawValue).joined(separator: ", "))
            }
            ctx.session.view = .filter(f)
        }
        let list: [OrderSummary]
        switch ctx.session.view {
        case .filter(let f): list = await ctx.desk.list(f)
        case .find(let text): list = await ctx.desk.find(text)
        }
        try await present(list, label: ctx.session.view.label, format: inv.options["--format"], ctx)
    }

    /// Prints a list in the chosen format (shared by `show` and `find`).
    static func present(_ list: [OrderSummary], label: String, format: String?, _ ctx: ShellContext) async throws {
        let settings = await ctx.desk.settings
        let now = await ctx.desk.now
        let rows = OrderTable.rows(list, settings: settings, now: now, unsent: await ctx.desk.unsentOrderIDs)
        switch format?.lowercased() {
        case "csv"?: OrderTable.csv(rows, out: ctx.out)
        case "json"?: try OrderTable.json(rows, out: ctx.out)
        case nil, "table"?:
            if rows.isEmpty {
                ctx.out.line("No orders (\(label)).  `show all` lists every order; `download` fetches new ones.")
                return
            }
            OrderTable.render(rows, now: now, out: ctx.out)
            OrderTable.footer(rows, label: label, out: ctx.out)
        case let other?:
            throw ShellError.usage(spec, "--format must be csv or json, not \"\(other)\"")
        }
    }
}

/// `find TEXT [--format csv|json]`
enum FindCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "find", aliases: ["search"],
        summary: "list orders where TEXT occurs in any field; it becomes the current filter",
        usage: "find TEXT [--format csv|json]",
        details: """
            Looks in ids (Jet's and the customer's), buyer and recipient names, phones, the address, SKUs,
            titles, tracking numbers, return numbers and notes, ignoring case. TEXT may have spaces.
            """,
        examples: ["find lovelace", "find MUG-RED", "find 1Z999AA1", "find \"gift wrap\""],
        options: [OptionSpec(name: "--format", value: "csv|json", help: "print for other tools", completion: .format)],
        arguments: [.text])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        let text = inv.positionals.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ShellError.usage(spec, "find needs some text to look for") }
        ctx.session.view = .find(text)
        try await ShowCommand.present(await ctx.desk.find(text), label: "find \"\(text)\"", format: inv.options["--format"], ctx)
    }
}

/// `open ID`
enum OpenCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "open", aliases: ["o"],
        summary: "select an order and show everything about it",
        usage: "open ID",
        details: """
            ID is any unambiguous start of Jet's order number (reference_order_id) or Jet's order id
            (merchant_order_id). The order stays selected: approve, ship, cancel, note, refund, deny and
            print then act on it when no id is given.
            """,
        examples: ["open 8012", "open 2ab4c8"],
        arguments: [.orderID])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 1 else { throw ShellError.usage(spec, "open takes one order id") }
        let s = try await ctx.order(inv.positionals.first)
        let record = try await ctx.desk.record(s.merchantOrderID)
        ctx.select(s)
        OrderDetail.render(record, settings: await ctx.desk.settings, now: await ctx.desk.now, out: ctx.out)
    }
}
