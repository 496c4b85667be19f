import DeskEngine
import Foundation
import JetWire
import OrderDesk
import TestSupport
import Testing

@testable import Shell

/// Every command's happy path and its errors, in-process: what the operator reads and what reached Jet.
@Suite struct CommandTests {
    @Test func showListsAFilterAndRefusesAnUnknownOne() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("show new") == 0)
        #expect(h.out.contains("5 orders (new)"), "\(h.out)")
        #expect(h.out.contains(h.ref(3)))
        #expect(await h.run("show teleported") == 1)
        #expect(h.err.contains("error: \"teleported\" is not a filter; filters are actionable, new"))
        #expect(h.err.contains("hint: usage: show [FILTER]"))
    }

    @Test func showFormatsForOtherTools() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("show new --format csv") == 0)
        let lines = h.out.split(separator: "\n")
        #expect(lines.count == 6, "a header and five rows: \(h.out)")
        #expect(lines[0].hasPrefix("merchant_order_id,reference_order_id,stage"))
        #expect(await h.run("show new --format xml") == 1)
        #expect(h.err.contains("--format must be csv, csv-raw or json, not \"xml\""))
    }

    @Test func findNeedsTextAndBecomesTheFilter() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("find") == 1)
        #expect(h.err.contains("find needs some text to look for"))
        #expect(await h.run("find buyer 3", "show") == 0)
        #expect(h.out.components(separatedBy: "1 order (find \"buyer 3\")").count == 3, "show repeats the search: \(h.out)")
    }

    @Test func openNamesTheOrderOrSaysWhatMatched() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("open \(h.ref(2))") == 0)
        #expect(h.out.contains("Order \(h.ref(2)) · new"))
        #expect(await h.run("open 8000000000") == 1)
        #expect(h.err.contains("\"8000000000\" matches 6 orders: \(h.ref(1)) (Buyer 1, new)"), "\(h.err)")
        #expect(h.err.contains("hint: type more of the id"))
        #expect(await h.run("open 424242") == 1)
        #expect(h.err.contains("error: no order matches \"424242\", as an id or in any field"), "\(h.err)")
        #expect(await h.run("open buyer 4") == 0, "a text that one order has opens it")
        #expect(h.out.contains("Order \(h.ref(4)) · new"))
        #expect(await h.run("open thing number") == 1)
        #expect(h.err.contains("orders have \"thing number\"; which one?"))
    }

    @Test func approveAsksAndSendsOnlyOnYes() async throws {
        let h = try await ShellHarness()
        let no = ScriptedReader(["n"])
        #expect(await h.run("approve \(h.ref(1))", reader: no) == 0)
        #expect(no.questions.first?.hasPrefix("Approve order \(h.ref(1)) (Buyer 1") == true)
        #expect(h.out.contains("Not approved."))
        #expect(await h.market.sendCalls == 0)
        #expect(await h.run("approve \(h.ref(1))", reader: ScriptedReader(["y"])) == 0)
        #expect(h.out.contains("approve \(h.ref(1)): sent to Jet"))
        #expect(await h.market.appliedCount(for: h.id(1)) == 1)
        #expect(await h.run("approve \(h.ref(1))") == 1)
        #expect(h.err.contains("order \(h.ref(1)) is already approved"))
    }

    @Test func approveAllTakesTheNewOrdersOfTheFilter() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("find buyer 2", "approve all", "show new") == 0)
        #expect(h.out.contains("1 approved: 1 sent to Jet"), "\(h.out)")
        #expect(h.out.contains("4 orders (new)"))
        #expect(await h.run("show shipped", "approve all") == 0)
        #expect(h.out.contains("Nothing to approve: no new orders in the current filter (shipped)"))
    }

    @Test func shipChecksTheNumberBeforeSendingAndScriptsNeverAsk() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("ship \(h.ref(1)) 1Z999AA10123456784") == 1)
        #expect(h.err.contains("order \(h.ref(1)) is new (not approved yet): it cannot be shipped"))
        #expect(await h.run("approve \(h.ref(1))", "ship \(h.ref(1))") == 1)
        #expect(h.err.contains("ship \(h.ref(1)) needs a tracking number"), "a script line must say everything: \(h.err)")
        #expect(await h.run("ship \(h.ref(1)) 1Z999AA10123456785") == 1)
        #expect(h.err.contains("the check digit (last character) should be 4"))
        #expect(await h.run("ship \(h.ref(1)) 1Z999AA10123456784 --carrier \"Pigeon Post\"") == 1)
        #expect(h.err.contains("\"Pigeon Post\" is not one of Jet's carriers"))
        #expect(await h.market.appliedCount(for: h.id(1)) == 1, "only the approval reached Jet")
        #expect(await h.run("ship \(h.ref(1)) 1Z999AA10123456784") == 0)
        #expect(h.out.contains("ship \(h.ref(1)): sent to Jet"))
        #expect(await h.market.appliedCount(for: h.id(1)) == 2)
    }

    @Test func shipAsksForTheTrackingNumberInASession() async throws {
        let h = try await ShellHarness()
        // A number with a wrong check digit is asked for again; shipping, which cannot be taken back, is asked.
        let reader = ScriptedReader(["y", "1Z999AA10123456785", "1Z999AA10123456784", "y"])
        #expect(await h.run("approve \(h.ref(2))", "ship", reader: reader) == 0, "\(h.err)")
        #expect(
            reader.questions.suffix(3) == [
                "Tracking number for order \(h.ref(2)) (UPS): ", "Tracking number for order \(h.ref(2)) (UPS): ",
                "Ship 3 units of order \(h.ref(2)) (Buyer 2) with UPS 1Z999AA10123456784? [y/N] ",
            ], "\(reader.questions)")
        #expect(h.out.contains("the check digit (last character) should be 4") && h.out.contains("type it again"), "\(h.out)")
        #expect(await h.market.appliedCount(for: h.id(2)) == 2)
    }

    @Test func cancelOffersJetsReasonsAndCtrlCAbandons() async throws {
        let h = try await ShellHarness()
        let reader = ScriptedReader([nil])
        #expect(await h.run("cancel \(h.ref(1))", reader: reader) == 0)
        #expect(h.out.contains("Why cancel order \(h.ref(1))?"))
        #expect(h.out.contains("1. no-inventory"))
        #expect(h.out.contains("abandoned; nothing was changed"))
        #expect(await h.run("cancel \(h.ref(1)) teleported") == 1)
        #expect(h.err.contains("\"teleported\" is not a cancel reason; reasons are no-inventory, invalid-sku"))
        let yes = ScriptedReader(["3", "y"])
        #expect(await h.run("cancel \(h.ref(1))", reader: yes) == 0)
        #expect(yes.questions.last?.contains("as fraud (Jet: rejected - fraud)? 7-day cancellation rate 0.0% → 16.7%") == true, "\(yes.questions)")
        #expect(h.out.contains("cancel \(h.ref(1)): sent to Jet"))
        #expect(h.out.contains("7-day cancellation rate now 16.7% (1 of 6; limit 2.5%)"))
    }

    @Test func notesTakeTheRestOfTheLineAndRefuseControlCharacters() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("note \(h.ref(4)) called, will pick up \"tomorrow\"") == 0)
        #expect(h.out.contains("note added to \(h.ref(4)) at 2026-11-28 09:00 by ada"))
        let r = try #require(try h.repository.record(h.id(4)))
        #expect(r.notes.map(\.text) == ["called, will pick up \"tomorrow\""])
        #expect(await h.run("note 8 boxes left") == 1, "no order selected, and 8 is too short to be an id")
        #expect(h.err.contains("no order given and none selected"))
        #expect(await h.run("note \(h.ref(4)) bell\u{7}") == 1)
        #expect(h.err.contains("the note contains a control character"))
    }

    @Test func refundAndDenyAnswerOnlyReturns() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("refund \(h.ref(1))") == 1)
        #expect(h.err.contains("only a return request can be refunded or denied"))
        #expect(await h.run("refund \(h.ref(6)) --amount 5") == 1)
        #expect(h.err.contains("refunding $5.00 of the $10.00 requested on order \(h.ref(6)) needs a reason for Jet"))
        #expect(await h.run("refund \(h.ref(6)) --amount five") == 1)
        #expect(h.err.contains("--amount must be dollars and cents such as 15.00, not \"five\""))
        #expect(await h.run("deny \(h.ref(6))") == 1)
        #expect(h.err.contains("deny \(h.ref(6)) needs a reason for Jet"))
        #expect(await h.run("deny \(h.ref(6)) outside-window") == 0)
        #expect(h.out.contains("deny \(h.ref(6)): sent to Jet"))
        #expect(await h.market.orders[h.id(6)]?.returns.first?.status == .completedByMerchant)
    }

    @Test func setChecksEveryValueBeforeSavingIt() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("set ack-window 2h") == 0)
        #expect(h.out.contains("ack-window is now 2h"))
        #expect(await h.run("set ack-window soon") == 1)
        #expect(h.err.contains("ack-window must be a duration such as 15m, 2h or 1d, not \"soon\""))
        #expect(await h.run("set return-days 99") == 1)
        #expect(await h.run("set colour on") == 1)
        #expect(h.err.contains("there is no setting \"colour\""))
        #expect(try h.repository.loadSettings().ackWindow == 7200)
    }

    @Test func unknownCommandsSuggestTheNearestOne() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("shpi 8012") == 1)
        #expect(h.err.contains("unknown command \"shpi\""))
        #expect(h.err.contains("did you mean `ship`?"))
    }

    @Test func helpListsEveryCommandAndExplainsOne() async throws {
        let h = try await ShellHarness()
        #expect(await h.run("help") == 0)
        for c in CommandRegistry.all { #expect(h.out.contains(c.spec.usage), "help lists \(c.spec.name)") }
        #expect(await h.run("help ship") == 0)
        #expect(h.out.contains("Examples:"))
        #expect(h.out.contains("ship 8012 1Z999AA10123456784"))
    }

    @Test func statusSaysWhatWaitsForJet() async throws {
        let h = try await ShellHarness()
        await h.market.failSends(.unreachable)
        // Queued, not sent: the exit status says so (75: it will be sent later), not "try again".
        #expect(await h.run("approve \(h.ref(1))", "status") == 75)
        #expect(h.out.contains("approve \(h.ref(1)): queued, not sent yet: Jet could not be reached"))
        #expect(h.out.contains("jom sends it by itself"))
        #expect(h.out.contains("Outbox       1 action waiting for Jet"))
        #expect(h.out.contains("approve \(h.ref(1)), recorded 2026-11-28 09:00 by ada, 1 attempt"))
    }

    @Test func printWritesTheInvoiceWhereItSays() async throws {
        let h = try await ShellHarness()
        let file = h.invoices.file("one.html")
        #expect(await h.run("print \(h.ref(1)) --to \(file)") == 0)
        #expect(h.out.contains("invoice for \(h.ref(1)) written to \(file)"))
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(html.contains("<html") && html.contains(h.ref(1)))
    }
}

/// Scripts: one line after another, stopping at the first failure with FILE:LINE.
@Suite struct ScriptRunTests {
    @Test func aFailingLineStopsTheScriptWithItsLocation() async throws {
        let h = try await ShellHarness()
        let dir = TemporaryDirectory()
        let script = try dir.write("eod.jom", "# end of day\nshow new\n\nopen 424242\nnote \(h.ref(1)) never reached\n")
        let status = await h.runner().runScriptFile(script)
        #expect(status == 1)
        #expect(h.err.contains("\(script):4: error: no order matches \"424242\""), "\(h.err)")
        #expect(try h.repository.record(h.id(1))?.notes.isEmpty == true, "the script stopped at line 4")
    }

    @Test func keepGoingRunsOnAndStillFails() async throws {
        let h = try await ShellHarness()
        let dir = TemporaryDirectory()
        let script = try dir.write("eod.jom", "open 424242\nnote \(h.ref(1)) reached\n")
        let status = await h.runner(keepGoing: true).runScriptFile(script)
        #expect(status == 1)
        #expect(try h.repository.record(h.id(1))?.notes.map(\.text) == ["reached"])
    }
}
