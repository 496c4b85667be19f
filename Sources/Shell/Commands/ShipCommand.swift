import DeskEngine
import Foundation
import OrderDesk

/// `ship [ID] [TRACKING] [--carrier C] [--method M] [--units SKU:QTY,…]`
enum ShipCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "ship",
        summary: "report an approved order (or a parcel of it) as shipped, with its tracking number",
        usage: "ship [ID] [TRACKING] [--carrier C] [--method M] [--units SKU:QTY,…]",
        details: """
            Ships every unit still open on the order, with one tracking number; with --units, just those units (one
            parcel of several: each is its own shipment at Jet). The order stays to ship until no unit is open,
            and `open` shows what is left. The carrier defaults to the one the customer chose; the method to the
            order's requested method (or the carrier's usual one).
            The number is checked against the carrier's format and check digit before anything is sent:
            UPS (1Z…), USPS (20/22 digits, or S10 like EA123456785US), FedEx (12/15/20/22 digits); other
            carriers: no spaces or odd characters. In a session, a missing tracking number is asked for.
            """,
        examples: [
            "ship 8012 1Z999AA10123456784", "ship 8012 9400111201080805483016 --carrier USPS",
            "ship 8012 1Z999AA10123456784 --units MUG-RED:1", "ship 1Z999AA10123456784", "ship --carrier fedex",
        ],
        options: [
            OptionSpec(name: "--carrier", value: "C", help: "Jet's carrier name (TAB lists them)", completion: .carrier),
            OptionSpec(name: "--method", value: "M", help: "shipment method, e.g. \"UPS Ground\"", completion: .method),
            OptionSpec(name: "--units", value: "SKU:QTY,…", help: "ship just these units (one parcel)", completion: .units),
        ],
        arguments: [.orderID(.shippable), .text])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 2 else { throw ShellError.usage(spec, "ship takes an order id and one tracking number") }
        let (s, record, words) = try await ctx.target(
            inv.positionals, for: .ship, isValue: { !TrackingNumber.carriers(accepting: $0).isEmpty },
            valueName: "TRACKING number")
        let requested = record.order.requestedCarrier.flatMap(Carriers.canonical)
        var carrier = inv.options["--carrier"] ?? requested
        var tracking = words.first
        if tracking == nil {
            if carrier == nil {
                let answer = try await ctx.ask(
                    "Carrier for order \(s.referenceOrderID) (TAB lists Jet's carriers): ",
                    missing: "ship \(s.referenceOrderID) needs a carrier (the order names none)",
                    remedy: "ship \(s.referenceOrderID) <tracking> --carrier UPS",
                    completions: { _ in Carriers.all.map { $0.replacingOccurrences(of: " ", with: "-") } })
                carrier = answer.isEmpty ? nil : answer
            }
            // A number that fails its check is asked for again (as the menus do), never the command thrown away.
            while true {
                let answer = try await ctx.ask(
                    "Tracking number for order \(s.referenceOrderID) (\(carrier ?? "?")): ",
                    missing: "ship \(s.referenceOrderID) needs a tracking number",
                    remedy: "ship \(s.referenceOrderID) <tracking number>" + (carrier.map { " --carrier \($0)" } ?? ""))
                guard !answer.isEmpty else { throw ShellError.abandoned("no tracking number given; nothing was sent") }
                if let c = carrier.flatMap(Carriers.canonical) {
                    do throws(DeskError) {
                        _ = try TrackingNumber.validate(answer, carrier: c)
                    } catch {
                        ctx.out.line(
                            Printable.visible(error.summary) + (error.remedy.map { " (\(Printable.visible($0)))" } ?? "") + "; type it again, or Ctrl-C to stop"
                        )
                        ctx.out.flush()
                        continue
                    }
                }
                tracking = answer
                break
            }
        }
        guard let carrier, !carrier.isEmpty else {
            throw ShellError.other(
                "order \(s.referenceOrderID) names no carrier", remedy: "ship \(s.referenceOrderID) \(tracking ?? "<tracking>") --carrier UPS")
        }
        guard let number = tracking, !number.isEmpty else {
            throw ShellError.other("no tracking number given; nothing was sent", remedy: "ship \(s.referenceOrderID) <tracking number>")
        }
        let method = inv.options["--method"].map { $0.replacingOccurrences(of: "-", with: " ") }
        let units = try ctx.units(inv)
        let build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction = { r, c throws(DeskError) in
            try Rules.ship(r, tracking: number, carrier: carrier, method: method, units: units, c)
        }
        // Shipped cannot be taken back at the marketplace: asked, like approve and refund (scripts never ask).
        try await ctx.perform(
            s, build,
            question: { preview in
                guard case .ship(let report) = preview.request else { return nil }
                let units = report.items.reduce(0) { $0 + $1.quantity }
                return
                    "Ship \(units) unit\(units == 1 ? "" : "s") of order \(s.referenceOrderID) (\(s.buyer)) with \(report.carrier ?? carrier) \(report.tracking ?? number)?"
            }, declined: "Not shipped.")
    }
}
