import DeskEngine
import Foundation
import JetWords
import OrderDesk
@testable import Shell
import Testing
import TestSupport

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
