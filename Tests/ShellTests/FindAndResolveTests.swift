import DeskEngine
import Foundation
import JetWire
import OrderDesk
import TestSupport
import Testing

@testable import Shell

/// Search as forgiving as the people using it, and ids that never silently pick one of several orders.
@Suite struct FindAndResolveTests {
    @Test func twoOrdersWithTheSameIdAreListedNeverSilentlyOneOfThem() async throws {
        var a = Sample.order(1), b = Sample.order(2)
        b.referenceOrderID = a.referenceOrderID
        let h = try await ShellHarness(orders: [a, b])
        #expect(await h.run("open \(a.referenceOrderID)") == 1)
        #expect(h.err.contains("is the id of 2 orders"), "\(h.err)")
        #expect(h.err.contains(a.merchantOrderID) && h.err.contains(b.merchantOrderID))
        #expect(await h.run("approve \(a.referenceOrderID)") == 1, "no order is approved on a guess")
        #expect(await h.market.sendCalls == 0)
        // The hint followed: the other id names one order.
        #expect(await h.run("open \(b.merchantOrderID)") == 0, "\(h.err)")
        #expect(h.out.contains("Buyer 2"))
    }

    @Test func findForgivesHowPeopleWriteAmountsPhonesAndDates() async throws {
        var o = Sample.order(3)
        o.buyer.phone = "(555) 133-9499"
        o.lines[0].price = Amounts(principal: Cents(123_450))
        let h = try await ShellHarness(orders: [o, Sample.order(4)])
        for text in ["$1,234.50", "1234.50", "$1234.50", "5551339499", "555 133 9499", "(555) 133-9499", "555-133-9499", "11/28/2026", "28.11.2026"] {
            #expect(await h.run("find \(text)") == 0, "\(text): \(h.err)")
            #expect(h.out.hasSuffix("1 order (find \"\(text)\")\n") || h.out.contains("orders (find \"\(text)\")"), "find \(text): \(h.out.suffix(300))")
            #expect(h.out.contains(o.referenceOrderID), "find \(text) finds the order")
        }
        #expect(await h.run("find $9,999.99") == 0)
        #expect(h.out.contains("No orders (find \"$9,999.99\")"), "and only where it matches: \(h.out.suffix(200))")
    }

    @Test func theDateFormFollowsTheOperatorsLocale() {
        #expect(SearchText.needles("06/12/2026", dates: .dayFirst).contains("2026-12-06"))
        #expect(!SearchText.needles("06/12/2026", dates: .dayFirst).contains("2026-06-12"))
        #expect(SearchText.needles("06/12/2026", dates: .monthFirst).contains("2026-06-12"))
        #expect(SearchText.needles("06/12/2026", dates: .either).contains("2026-06-12"))
        #expect(SearchText.needles("06/12/2026", dates: .either).contains("2026-12-06"))
        #expect(SearchText.DateOrder.from(environment: ["LANG": "en_US.UTF-8"]) == .monthFirst)
        #expect(SearchText.DateOrder.from(environment: ["LANG": "de_DE.UTF-8"]) == .dayFirst)
        #expect(SearchText.DateOrder.from(environment: ["LANG": "C.UTF-8"]) == .either)
        #expect(SearchText.DateOrder.from(environment: ["LANG": "en_US.UTF-8", "LC_ALL": "fr_FR.UTF-8"]) == .dayFirst)
    }
}

/// Invoices bill what ships, packing slips list what is left to pack: the figures `open` and the refund cap use.
@Suite struct InvoiceFiguresTests {
    @Test func cancelledUnitsAreNotBilledAndShippedUnitsAreNotPackedAgain() async throws {
        let o = Sample.order(2)  // SKU-2 ×3, $10.02 for the line
        let h = try await ShellHarness(orders: [o])
        let ref = o.referenceOrderID
        #expect(await h.run("approve \(ref)", "ship \(ref) 1Z999AA10123456784 --units SKU-2:1", "cancel \(ref) no-inventory --units SKU-2:1") == 0, "\(h.err)")
        let invoice = h.invoices.file("i.txt"), slip = h.invoices.file("s.txt")
        #expect(await h.run("print \(ref) --to \(invoice)", "print \(ref) --packing-slip --to \(slip)") == 0, "\(h.err)")
        let bill = try String(contentsOfFile: invoice, encoding: .utf8)
        #expect(bill.contains("   2  SKU-2"), "two of three units billed: \(bill)")
        #expect(bill.contains("(3 ordered, 1 cancelled; not billed)"), "\(bill)")
        #expect(bill.contains("Total") && bill.contains("$6.68"), "two thirds of $10.02: \(bill)")
        #expect(!bill.contains("$10.02"), "the cancelled unit is in no figure: \(bill)")
        #expect(bill.contains("1Z999AA10123456784 (UPS)"), "the parcel that left: \(bill)")
        let packing = try String(contentsOfFile: slip, encoding: .utf8)
        #expect(packing.contains("   1  SKU-2"), "one unit left to pack: \(packing)")
        #expect(packing.contains("1  units to pack"), "\(packing)")
        #expect(packing.contains("Shipped already:") && packing.contains("SKU-2 ×1"), "\(packing)")
        // The refund cap agrees: what is left to refund is what was billed.
        #expect(await h.run("refund \(ref) --amount 6.69 --reason price-adjustment") == 1)
        #expect(h.err.contains("at most $6.68 is left to refund"), "\(h.err)")
    }
}

@Suite struct NoteAndInvoiceNameTests {
    @Test func anIdLikeFirstWordThatMatchesSeveralOrdersIsNeverANoteOnTheSelectedOne() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("open \(h.ref(3))", "note 0000 box is damaged") == 1)
        #expect(h.err.contains("\"0000\" matches") && h.err.contains("nothing was added"), "\(h.err)")
        #expect(try await h.desk.record(h.id(3)).notes.isEmpty, "no note on the selected order")
        // The hint followed: more of the id.
        #expect(await h.run("note \(h.id(2).prefix(8)) box is damaged") == 0, "\(h.err)")
        #expect(try await h.desk.record(h.id(2)).notes.map(\.text) == ["box is damaged"])
        // Words of a note that are not ids stay words.
        #expect(await h.run("open \(h.ref(3))", "note called back about the box") == 0)
        #expect(try await h.desk.record(h.id(3)).notes.map(\.text) == ["called back about the box"])
    }

    @Test func invoiceFilesOfOrdersWhoseNumbersReadAlikeNeverCollide() async throws {
        var a = Sample.order(1), b = Sample.order(2)
        a.referenceOrderID = "80/12"
        b.referenceOrderID = "8012"
        let h = try await ShellHarness(orders: [a, b])
        #expect(await h.run("print \(a.merchantOrderID)", "print \(b.merchantOrderID)") == 0, "\(h.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: h.invoices.path).filter { $0.hasSuffix(".html") }
        #expect(files.count == 2, "\(files)")
    }
}

/// Every example `help` shows works when typed: none is a usage error (an order in the wrong stage for it may
/// still be refused, as it would be for the operator's own order).
@Suite struct HelpExamplesTests {
    @Test func everyHelpExampleRunsAsItIsShown() async throws {
        let dir = TemporaryDirectory()
        _ = try dir.write("eod.jom", "status\n")
        _ = try dir.write("routines/morning.jom", "show new\n")
        for command in CommandRegistry.all where command.spec.name != "quit" {
            for example in command.spec.examples {
                let h = try await ShellHarness(orders: (1...5).map { Sample.order($0) } + [Sample.returned(6)])
                let line = example.replacingOccurrences(of: "8012", with: h.ref(1))
                    .replacingOccurrences(of: "~/", with: dir.path + "/")
                    .replacingOccurrences(of: "> orders.csv", with: "> \(dir.path)/orders.csv")
                    .replacingOccurrences(of: "run eod.jom", with: "run \(dir.path)/eod.jom")
                let status = await h.run(line)
                for bad in ["usage:", "unknown command", "has no option", "is not a filter", "takes no", "not a jom script", "internal error"] {
                    #expect(!h.err.contains(bad), "help \(command.spec.name) shows `\(example)`, which fails: \(h.err)")
                }
                #expect(status == 0 || !h.err.isEmpty, "\(example)")
            }
        }
        #expect(FileManager.default.fileExists(atPath: dir.file("orders.csv")), "`show all --format csv > orders.csv` wrote the file")
        #expect(fileMode(dir.file("orders.csv")) == 0o600)
    }
}

/// Understanding the operator: arguments in the wrong order, answers to fix, big or final actions asked first.
@Suite struct UnderstandingTheOperatorTests {
    @Test func swappedArgumentsAreNamedWithTheLineThatWasMeant() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("approve \(h.ref(1))") == 0)
        #expect(await h.run("ship 1Z999AA10123456784 \(h.ref(1))") == 1)
        #expect(h.err.contains("ID and TRACKING number are swapped; nothing was done"), "\(h.err)")
        #expect(h.err.contains("hint: ship \(h.ref(1)) 1Z999AA10123456784"), "\(h.err)")
        #expect(await h.run("cancel no-inventory \(h.ref(2))") == 1)
        #expect(h.err.contains("ID and REASON are swapped") && h.err.contains("hint: cancel \(h.ref(2)) no-inventory"), "\(h.err)")
        // The hint followed works.
        #expect(await h.run("ship \(h.ref(1)) 1Z999AA10123456784") == 0, "\(h.err)")
        #expect(await h.run("cancel \(h.ref(2)) no-inventory") == 0, "\(h.err)")
    }

    @Test func aDirectedCancelComesFirstWithItsDueTime() async throws {
        var asked = Sample.order(5, status: .acknowledged)
        asked.acknowledgementStatus = .accepted
        asked.directedCancel = true
        asked.lines[0].cancelRequested = 1
        let h = try await ShellHarness(orders: (1...4).map { Sample.order($0) } + [asked])
        #expect(await h.run("show") == 0)
        let rows = h.out.split(separator: "\n").filter { $0.hasPrefix("80") }
        #expect(rows.first?.hasPrefix(asked.referenceOrderID) == true, "the cancel request first: \(h.out)")
        #expect(rows.first?.contains("cancel in") == true, "with when it is due: \(h.out)")
    }

    @Test func aListingGoesToAFileWithGreaterThan() async throws {
        let h = try await ShellHarness()
        let file = h.invoices.file("list.csv")
        #expect(await h.run("show all --format csv > \(file)", "find Buyer --format csv >> \(file)") == 0, "\(h.err)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2 * 7, "header and six rows, twice: \(text)")
        #expect(!h.out.contains("merchant_order_id"), "nothing of it on the screen")
        #expect(fileMode(file) == 0o600)
        // A note's text keeps its > as text.
        #expect(await h.run("note \(h.ref(1)) price > cost") == 0)
        #expect(try await h.desk.record(h.id(1)).notes.last?.text == "price > cost")
    }
}
