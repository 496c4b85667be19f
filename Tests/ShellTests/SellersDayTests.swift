import DeskEngine
import Foundation
import JetWire
import OrderDesk
import TestSupport
import Testing

@testable import Shell

/// The seller's whole day, command by command, in-process: what the operator reads and what reached Jet.
@Suite struct SellersDayShellTests {
    /// A new order of three units of one SKU and one of another, and a shipped one with a return request.
    static func orders() -> [Order] {
        var big = Sample.order(1)
        big.lines = [
            OrderLine(itemID: "i1", sku: "MUG-RED", title: "Red mug", quantity: 3, price: Amounts(principal: Cents(6000), tax: Cents(420))),
            OrderLine(itemID: "i2", sku: "TEA-50", title: "Tea", quantity: 1, price: Amounts(principal: Cents(875))),
        ]
        return [big, Sample.order(2), Sample.returned(6)]
    }

    @Test func acceptThenRefundAReturn() async throws {
        let h = try await ShellHarness(orders: Self.orders())
        #expect(await h.run("accept \(h.ref(1))") == 1)
        #expect(h.err.contains("`accept` answers a return request, and a new order is approved with `approve`"), "\(h.err)")
        #expect(await h.run("accept \(h.ref(6))", "show returns") == 0, "\(h.err)")
        #expect(h.out.contains("accept \(h.ref(6)): sent to Jet"))
        #expect(h.out.contains("return acc"), "the list shows it accepted: \(h.out)")
        #expect(await h.market.orders[h.id(6)]?.returns.first?.status == .acknowledged)
        #expect(await h.run("refund \(h.ref(6))") == 0, "\(h.err)")
        #expect(await h.market.orders[h.id(6)]?.returns.first?.status == .completedByMerchant)
    }

    @Test func aDayOfParcelsAndUnitCancels() async throws {
        let h = try await ShellHarness(orders: Self.orders())
        let ref = h.ref(1)
        #expect(await h.run("approve \(ref)", "ship \(ref) 1Z999AA10123456784 --units MUG-RED:1") == 0, "\(h.err)")
        #expect(await h.run("cancel \(ref) no-inventory --units MUG-RED:1") == 0, "\(h.err)")
        #expect(h.out.contains("7-day cancellation rate now"), "the rate is shown: \(h.out)")
        #expect(await h.run("cancel \(ref) no-inventory --units MUG-RED:2") == 1)
        #expect(h.err.contains("has 1 open unit of MUG-RED; 2 cannot be cancelled"), "\(h.err)")
        #expect(await h.run("open \(ref)") == 0)
        #expect(h.out.contains("2 unit(s) still to ship"), "open shows what is left: \(h.out)")
        #expect(await h.run("ship \(ref) 1Z5R89390357567127") == 0, "\(h.err)")
        let o = try #require(await h.market.orders[h.id(1)])
        #expect(o.status == .complete)
        #expect(o.shipments.count == 3, "two parcels and one cancel, each its own shipment")
        #expect(o.shipments.flatMap(\.items).filter { $0.sku == "MUG-RED" }.map { "\($0.shipped)/\($0.cancelled)" } == ["1/0", "0/1", "1/0"])
        #expect(await h.run("cancel \(h.ref(2)) no-inventory --units SKU-2:1") == 1)
        #expect(h.err.contains("before approval the whole order is cancelled (without --units)"))
    }

    @Test func refundsWithoutAReturnNeverExceedWhatWasPaid() async throws {
        let h = try await ShellHarness(orders: Self.orders())
        let ref = h.ref(1)
        #expect(await h.run("refund \(ref) --amount 5 --reason price-adjustment") == 1)
        #expect(h.err.contains("a refund without a return is for an order that was approved or shipped"), "\(h.err)")
        #expect(await h.run("approve \(ref)", "refund \(ref) --amount 5.00 --reason price-adjustment") == 0, "\(h.err)")
        #expect(await h.market.refunds.count == 1)
        #expect(await h.run("refund \(ref) --amount 70 --reason lost-in-transit") == 1)
        #expect(h.err.contains("would make $75.00 refunded of the $72.95 the customer paid"), "\(h.err)")
        #expect(h.err.contains("at most $67.95 is left to refund"))
        #expect(await h.run("refund \(ref) --amount 5 --reason teleported") == 1)
        #expect(h.err.contains("\"teleported\" is not one of Jet's refund reasons: package-never-arrived"))
        #expect(await h.run("open \(ref)") == 0)
        #expect(h.out.contains("refunded in all: $5.00 of the $72.95 paid"))
    }

    @Test func refundingOneLineAndDisputingTheCharge() async throws {
        var returned = Sample.returned(6)
        returned.returns[0].lines.append(
            .init(
                itemID: "x", sku: "EXTRA", title: "Extra", reason: "Unwanted gift", quantity: 1,
                requested: Amounts(principal: Cents(500))))
        let h = try await ShellHarness(orders: [returned])
        #expect(await h.run("refund \(h.ref(6)) --units EXTRA:1 --feedback wrong-item --dispute-charge wrongItem") == 0, "\(h.err)")
        let r = try #require(await h.market.orders[h.id(6)]?.returns.first)
        #expect(r.refunded?.total == Cents(500), "only the chosen line was refunded")
        #expect(await h.run("deny \(h.ref(6)) wrong-item --dispute-charge nonsense") == 1)
        #expect(h.err.contains("is not one of Jet's return-charge feedbacks"))
    }

    @Test func findCoversEveryFieldOpenShows() async throws {
        let h = try await ShellHarness(orders: Self.orders())
        #expect(await h.run("note \(h.ref(2)) gift wrap") == 0)
        for (text, n) in [("10.02", 2), ("2026-11-28", 1), ("ups ground", 1), ("unwanted gift", 6), ("r-6", 6), ("ada", 2), ("68.75", 1)] {
            #expect(await h.run("find \(text) --format csv") == 0)
            let rows = h.out.split(separator: "\n").last { $0.contains(h.ref(n)) }
            #expect(rows != nil, "find \(text) finds order \(n): \(h.out.suffix(400))")
        }
    }

    @Test func reportCountsTheDayWithSparklines() async throws {
        let h = try await ShellHarness(orders: Self.orders())
        #expect(await h.run("approve \(h.ref(1))", "report --days 7") == 0, "\(h.err)")
        #expect(h.out.contains("received            3            3  ▁▁▁▁▁▁█"), "\(h.out)")
        #expect(h.out.contains("approved            1            1  ▁▁▁▁▁▁█"))
        #expect(await h.run("report --format csv --days 2") == 0)
        #expect(h.out.contains("date,received,approved,shipped,cancelled,refunded,revenue,refunds"))
        #expect(h.out.contains("2026-11-28,3,1,0,0,0,"))
        #expect(await h.run("report --days 0") == 1)
        let html = h.invoices.file("r.html")
        #expect(await h.run("report --html \(html)") == 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg") && !page.contains("<script"))
    }

    @Test func printAllMakesOneDocumentWithAPagePerOrderAndBarcodes() async throws {
        let h = try await ShellHarness(orders: Self.orders())
        let file = h.invoices.file("all.html")
        #expect(
            await h.run(
                "set seller-name Acme Mugs", "set seller-address \"12 Example Way; Hoboken, NJ 07030\"", "show new",
                "print all --to \(file)") == 0, "\(h.err)")
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(html.components(separatedBy: "<section class=\"page\"").count - 1 == 2)
        #expect(html.contains("<strong>Acme Mugs</strong><br>12 Example Way<br>Hoboken, NJ 07030"), "a quoted value is set without its quotes")
        #expect(html.contains("aria-label=\"Code 128 barcode of \(h.ref(1))\""))
        #expect(html.contains("<td class=n>$20.00</td><td class=n>$60.00</td>"), "unit price and line total")
        let slip = h.invoices.file("slip.txt")
        #expect(await h.run("print \(h.ref(1)) --packing-slip --to \(slip)") == 0)
        let text = try String(contentsOfFile: slip, encoding: .utf8)
        #expect(text.hasPrefix("PACKING SLIP") && !text.contains("$"), "no prices on a packing slip: \(text)")
    }
}

/// TAB after an action offers the orders the action applies to.
@Suite struct StageCompletionTests {
    @Test func eachActionOffersItsOwnOrders() async throws {
        let h = try await ShellHarness(orders: SellersDayShellTests.orders())
        #expect(await h.run("approve \(h.ref(2))") == 0)
        let c = Completer(desk: h.desk, patience: .seconds(30))
        func tab(_ line: String) async -> [String] {
            await withCheckedContinuation { k in Thread.detachNewThread { k.resume(returning: c.complete(line).candidates) } }
        }
        #expect(await tab("approve 8") == [h.ref(1)], "only new orders")
        #expect(await tab("ship 8") == [h.ref(2)], "only orders to ship")
        #expect(await tab("accept 8") == [h.ref(6)], "only return requests")
        #expect(await tab("refund 8") == [h.ref(6)])
        #expect(await tab("open 8") == [h.ref(1), h.ref(2), h.ref(6)], "open offers every order")
        #expect(await tab("ship \(h.ref(2)) 1Z --units ") == ["SKU-2:3"], "the order's open units")
    }
}

/// Code 128, against an independent encoder (python-barcode 0.15, whose output is copied here as modules).
@Suite struct Code128Tests {
    static func modules(_ text: String) -> String {
        var out = ""
        for (i, w) in (Code128.widths(text) ?? []).enumerated() { out += String(repeating: i % 2 == 0 ? "1" : "0", count: w) }
        return out
    }

    @Test func matchesAnIndependentEncoder() {
        #expect(Self.modules("801234567890") == "11010011100101001111001011001110010001011000111000101101100001010011011110110111011011101100011101011")
        #expect(Self.modules("PJJ123C") == "1101001000011101110110101101110001011011100010011100110110011100101100101110010001000110111010001101100011101011")
        #expect(Self.modules("Jet-42") == "11010010000101101110001011001000010011110100100110111001100100111011001110010110000100101100011101011")
    }

    @Test func everySymbolIsElevenModulesAndTheStopThirteen() {
        #expect(Code128.patterns.count == 107)
        for (i, p) in Code128.patterns.enumerated() {
            #expect(p.reduce(0) { $0 + Int(String($1))! } == (i == 106 ? 13 : 11), "symbol \(i)")
        }
        #expect(Code128.symbols("") == nil && Code128.symbols("café") == nil)
    }
}
