import DeskEngine
import Foundation
import OrderDesk

/// `show [FILTER] [--format csv|json]`
enum ShowCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "show", aliases: ["ls", "list"],
        summary: "list the orders in a filter (and make it the current filter)",
        usage: "show [FILTER] [--format csv|csv-raw|json]",
        details: """
            FILTER is one of:
            """ + "\n" + OrderFilter.allCases.map { "  \($0.rawValue.fitted(17)) \($0.explanation)" }.joined(separator: "\n") + """

                Without FILTER, lists the current filter again (after `find`, the last search).
                Most urgent first. A * after the stage marks an action not yet sent to Jet.
                --format csv or json prints one row or object per order, for other tools. csv is safe to open in a
                spreadsheet: a cell that starts with =, +, -, @, a tab or a carriage return gets a leading ' so it is
                never run as a formula; csv-raw is the exact text, for pipelines; json is exact (JSON escapes).
                """,
        examples: ["show", "show new", "show late", "show all --format csv > orders.csv"],
        options: [OptionSpec(name: "--format", value: "csv|csv-raw|json", help: "print for other tools", completion: .format)],
        arguments: [.filter])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        if inv.positionals.count > 1 { throw ShellError.usage(spec, "show takes one filter, not \(inv.positionals.count) words") }
        if let word = inv.positionals.first {
            guard let f = OrderFilter.parse(word) else {
                throw ShellError.usage(spec, "\"\(word)\" is not a filter; filters are " + OrderFilter.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if f == .damaged {
                // Not a stage: the orders set aside, with what is wrong with each (the filter stays as it was).
                try await showSetAside(ctx, format: inv.options["--format"])
                return
            }
            ctx.session.view = .filter(f)
        }
        switch ctx.session.view {
        case .filter(let f):
            let listing = await ctx.desk.listing(f)
            try await present({ listing.next(max: $0) }, label: ctx.session.view.label, format: inv.options["--format"], ctx)
        case .find(let text):
            try await present(await ctx.desk.find(text), label: ctx.session.view.label, format: inv.options["--format"], ctx)
        }
    }

    /// `show damaged`: the orders set aside, what is wrong with each, and what to do.
    static func showSetAside(_ ctx: ShellContext, format: String?) async throws {
        let aside = await ctx.desk.quarantined()
        switch format?.lowercased() {
        case nil, "table"?:
            guard !aside.isEmpty else {
                ctx.out.line("No order is set aside: every record reads, and the marketplace's last answers were whole.")
                return
            }
            for e in aside {
                ctx.out.line("\(Printable.visible(e.reference ?? e.id))  \(e.reason.rawValue)  since \(TimeText.at(e.since))")
                ctx.out.line("  \(Printable.visible(e.detail))")
                ctx.out.line("  " + ctx.out.styled("what to do: \(e.remedy)", .dim))
            }
            ctx.out.line("\(aside.count) order\(aside.count == 1 ? "" : "s") set aside (left out of every other list until repaired)")
        case "json"?:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            ctx.out.line(String(decoding: try encoder.encode(aside), as: UTF8.self))
        case let other?:
            throw ShellError.usage(spec, "`show damaged` prints a table or --format json, not \"\(other)\"")
        }
    }

    /// Prints a list in the chosen format (shared by `show`, `find` and `open`).
    static func present(_ list: [OrderSummary], label: String, format: String?, _ ctx: ShellContext) async throws {
        let cursor = ListCursor(list)
        try await present({ cursor.next(max: $0) }, label: label, format: format, ctx)
    }

    /// Prints a list as it is read, a page at a time (`next` gives up to so many more orders, none at the end):
    /// the first rows appear at once, memory stays flat, and a reader who stops reading (the pager quit,
    /// `| head`) stops the reading too.
    static func present(_ next: (Int) -> [OrderSummary], label: String, format: String?, _ ctx: ShellContext) async throws {
        enum Format { case table, csv, csvRaw, json }
        let chosen: Format
        switch format?.lowercased() {
        case nil, "table"?: chosen = .table
        case "csv"?: chosen = .csv
        case "csv-raw"?: chosen = .csvRaw
        case "json"?: chosen = .json
        case let other?: throw ShellError.usage(spec, "--format must be csv, csv-raw or json, not \"\(other)\"")
        }
        let settings = await ctx.desk.settings
        let now = await ctx.desk.now
        let unsent = await ctx.desk.unsentOrderIDs
        let out = ctx.out
        // A small first page, so the first rows come at once; then larger ones.
        var page = next(64)
        if page.isEmpty, chosen == .table {
            out.line("No orders (\(label)).  `show all` lists every order; `download` fetches new ones.")
            return
        }
        out.beginStream()
        defer { out.endStream() }
        let layout = OrderTable.Layout(width: out.width, idWidth: ctx.desk.traits.orderIDWidth)
        var tally = OrderTable.Tally()
        switch chosen {
        case .table: OrderTable.header(layout, out: out)
        case .csv, .csvRaw: OrderTable.csvHeader(out: out, idNames: ctx.desk.traits.exportIDNames)
        case .json: out.exported("[\n")
        }
        while !page.isEmpty, !out.abandoned {
            let rows = OrderTable.rows(page, settings: settings, now: now, unsent: unsent)
            switch chosen {
            case .table: OrderTable.render(rows, layout, now: now, out: out)
            case .csv: OrderTable.csv(rows, out: out)
            case .csvRaw: OrderTable.csv(rows, raw: true, out: out)
            case .json: try OrderTable.json(rows, first: tally.count == 0, idNames: ctx.desk.traits.exportIDNames, out: out)
            }
            tally.add(rows)
            out.streamPage()
            page = next(2048)
        }
        switch chosen {
        case .table: OrderTable.footer(tally, label: label, out: out)
        case .csv, .csvRaw: break
        case .json: out.exported("\n]\n")
        }
    }
}

/// `find TEXT [--format csv|json]`
enum FindCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "find", aliases: ["search"],
        summary: "list orders where TEXT occurs in any field; it becomes the current filter",
        usage: "find TEXT [--format csv|csv-raw|json]",
        details: """
            Looks in every field `open` shows, ignoring case: ids (Jet's and the customer's), buyer and
            recipient names, the buyer's Jet e-mail, phones, the address, SKUs, titles, amounts as shown
            (65.81), dates (2026-11-28), carriers, methods and tracking numbers, return numbers (RMA) and
            reasons, cancel reasons, notes and their authors. TEXT may have spaces.
            """,
        examples: ["find lovelace", "find MUG-RED", "find 1Z999AA1", "find 65.81", "find 2026-11-28", "find \"gift wrap\""],
        options: [OptionSpec(name: "--format", value: "csv|csv-raw|json", help: "print for other tools", completion: .format)],
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
        usage: "open ID | open TEXT",
        details: """
            ID is any unambiguous start of Jet's order number (reference_order_id) or Jet's order id
            (merchant_order_id). Anything else is looked for as `find` would: when exactly one order has it
            (a buyer's name, a phone, a tracking number), that order opens; when several do, they are listed.
            The order stays selected: approve, ship, cancel, accept, refund, deny, note and print then act on
            it when no id is given.
            """,
        examples: ["open 8012", "open 2ab4c8", "open lovelace", "open 1Z999AA10123456784"],
        arguments: [.anyOrder])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        let word = inv.positionals.isEmpty ? nil : inv.positionals.joined(separator: " ")
        if inv.positionals.count > 1, case .one = await ctx.desk.lookUp(inv.positionals[0]) {
            throw ShellError.usage(spec, "open takes one order id (or a text to look for, such as a buyer's name)")
        }
        let s: OrderSummary
        if let word, case .none = await ctx.desk.lookUp(word) {
            // Not an id: whatever identifies one order (a name, a phone, a tracking number) opens it.
            let found = await ctx.desk.find(word)
            switch found.count {
            case 0:
                throw ShellError.other(
                    "no order matches \"\(word)\", as an id or in any field",
                    remedy: "`show all` lists every order; `download` fetches new ones")
            case 1:
                s = found[0]
            default:
                try await ShowCommand.present(found, label: "find \"\(word)\"", format: nil, ctx)
                ctx.session.view = .find(word)
                throw ShellError.other("\(found.count) orders have \"\(word)\"; which one?", remedy: "open one of them by its order number")
            }
        } else {
            s = try await ctx.order(word)
        }
        let record = try await ctx.desk.record(s.merchantOrderID)
        ctx.select(s)
        OrderDetail.render(record, settings: await ctx.desk.settings, now: await ctx.desk.now, traits: ctx.desk.traits, out: ctx.out)
    }
}
