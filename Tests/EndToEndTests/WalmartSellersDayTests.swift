import Foundation
import SandboxKit
import TestSupport
import Testing
import WalmartSandbox
import WalmartWire

/// A seller's whole day on the Walmart sandbox, through the jom binary with Walmart credentials: download,
/// approve, ship in parcels, cancel a line, answer a customer's intent to cancel, see Walmart cancel what was
/// not shipped in time, refund a return, refund without a return, the report. At the end the sandbox holds
/// exactly those line statuses, quantities and refunds.
@Suite struct WalmartSellersDayTests {
    /// An order's lines as (line number, SKU, units).
    static func lines(_ o: WalmartOrder) -> [(number: String, sku: String, units: Int)] {
        o.lines.map { ($0.lineNumber, $0.item.sku, $0.quantity) }
    }

    @Test func aWholeDayEndsWithExactlyTheseLineStatusesAtWalmart() async throws {
        try await withWalmartSandbox({
            $0.orders = 0
            $0.returns = 0
        }) { sandbox in
            let m = sandbox.marketplace
            // Orders of several lines with distinct SKUs (so that --units names one line).
            var picked: [WalmartOrder] = []
            while picked.count < 4 {
                for id in await m.generateOrders(count: 4) {
                    guard let o = await m.order(id), o.lines.count >= 2, Set(o.lines.map(\.item.sku)).count == o.lines.count else { continue }
                    if picked.count < 4 { picked.append(o) }
                }
            }
            let (a, b, c, d) = (picked[0], picked[1], picked[2], picked[3])
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            func jom(_ commands: [String], at now: String = SandboxFixture.startText) async throws -> JomProcess.Result {
                var env = sandbox.jomEnvironment
                env["JOM_NOW"] = now
                return try await JomProcess.run(["--store", store] + commands.flatMap { ["-c", $0] }, environment: env, home: dir.path)
            }

            // Morning: download, approve four orders; A in two parcels; B loses its first line, the rest shipped.
            let (a1, b1) = (Self.lines(a)[0], Self.lines(b)[0])
            let morning = try await jom([
                "download",
                "approve \(a.purchaseOrderId)", "approve \(b.purchaseOrderId)", "approve \(c.purchaseOrderId)", "approve \(d.purchaseOrderId)",
                "ship \(a.purchaseOrderId) 1Z999AA10123456784 --carrier UPS --units \(a1.sku):\(a1.units)",
                "ship \(a.purchaseOrderId) 1Z5R89390357567127 --carrier UPS",
                "cancel \(b.purchaseOrderId) out-of-stock --units \(b1.sku):\(b1.units)",
                "ship \(b.purchaseOrderId) 9400111201080805483016 --carrier USPS",
            ])
            #expect(morning.status == 0, "\(morning.all)")
            #expect(morning.stdout.contains("downloaded: 4 new orders") || morning.stdout.contains("new orders"), "\(morning.stdout)")
            #expect(morning.stdout.components(separatedBy: ": sent to Walmart").count - 1 == 8, "\(morning.stdout)")

            // The customer of C asks to cancel; jom shows it, and the operator cancels with the customer's reason.
            _ = try await sandbox.admin("POST", "intent-to-cancel", ["purchaseOrderId": c.purchaseOrderId])
            let noon = try await jom(["download", "open \(c.purchaseOrderId)", "cancel \(c.purchaseOrderId) customer-requested"])
            #expect(noon.status == 0, "\(noon.all)")
            #expect(noon.stdout.contains("cancel request from Walmart"), "\(noon.stdout)")
            #expect(noon.stdout.contains("The customer asks to cancel"), "\(noon.stdout)")

            // A return on A: refunded in full by units; B gets $5.00 back without a return.
            _ = try await sandbox.admin("POST", "returns", ["purchaseOrderId": a.purchaseOrderId])
            let afternoon = try await jom([
                "download", "refund \(a.purchaseOrderId)", "refund \(b.purchaseOrderId) --amount 5 --reason damaged-item", "status",
            ])
            #expect(afternoon.status == 0, "\(afternoon.all)")
            #expect(afternoon.stdout.contains("Outbox       nothing waiting for Walmart"), "\(afternoon.stdout)")

            // A week later D, never shipped, has been cancelled by Walmart (ship-by date + 4 days); jom sees it.
            _ = try await sandbox.admin("POST", "advance", ["seconds": 7 * 86400])
            let later = SandboxFixture.start.addingTimeInterval(7 * 86400)
            let week = try await jom(["download", "open \(d.purchaseOrderId)", "report"], at: WalmartTime.formatISO(later))
            #expect(week.status == 0, "\(week.all)")
            #expect(week.stdout.contains("Order \(d.purchaseOrderId) · cancelled"), "\(week.stdout)")
            #expect(week.stdout.contains("Report for"), "\(week.stdout)")

            // The sandbox's lines: exactly what the day did (what was shipped has been delivered since).
            func all(_ o: WalmartOrder, _ status: String) -> [String: [String: Int]] {
                Dictionary(uniqueKeysWithValues: Self.lines(o).map { ($0.number, [status: $0.units]) })
            }
            let aStates = await sandbox.lineStates(a.purchaseOrderId)
            #expect(aStates == all(a, "Delivered"))
            var bExpected = all(b, "Delivered")
            bExpected[b1.number] = ["Cancelled": b1.units]
            let bStates = await sandbox.lineStates(b.purchaseOrderId)
            #expect(bStates == bExpected)
            #expect(await sandbox.lineStates(c.purchaseOrderId) == all(c, "Cancelled"))
            #expect(await sandbox.lineStates(d.purchaseOrderId) == all(d, "Cancelled"))
            // Who cancelled and why: the seller's reasons on B and C, Walmart's own on D.
            let reasons = { (po: String) async in
                await m.order(po)?.lines.flatMap(\.statuses).compactMap(\.cancellationReason) ?? []
            }
            #expect(await reasons(b.purchaseOrderId) == ["SELLER_CANCEL_OUT_OF_STOCK"])
            #expect(Set(await reasons(c.purchaseOrderId)) == ["CUSTOMER_REQUESTED_SELLER_TO_CANCEL"])
            #expect(!(await reasons(d.purchaseOrderId)).contains { $0.hasPrefix("SELLER_CANCEL") || $0.hasPrefix("CUSTOMER_REQUESTED") })
            // Parcels: A's first line under the first tracking number, the rest under the second.
            let aNow = try #require(await m.order(a.purchaseOrderId))
            let tracking = aNow.lines.map { $0.statuses.compactMap { $0.trackingInfo?.trackingNumber } }
            #expect(tracking.first == ["1Z999AA10123456784"] && tracking.dropFirst().allSatisfy { $0 == ["1Z5R89390357567127"] }, "\(tracking)")
            // The return refunded by every unit; B's refund of $5.00 in Walmart's negative amounts.
            let returnID = try #require(await m.allReturnIDs().last)
            let r = try #require(await m.returnOrder(returnID))
            #expect(r.returnOrderLines.allSatisfy { $0.refundedQty == $0.units }, "\(r.returnOrderLines)")
            let refunded = (await m.order(b.purchaseOrderId))?.lines.compactMap(\.refund).flatMap(\.charges) ?? []
            let total = refunded.reduce(0.0) { $0 + ($1.charge?.chargeAmount?.amount ?? 0) + ($1.charge?.tax?.taxAmount?.amount ?? 0) }
            #expect(abs(total + 5) < 0.001 && refunded.allSatisfy { ($0.charge?.chargeAmount?.amount ?? 0) <= 0 }, "\(refunded)")
            // Each change reached Walmart once: nothing refused, nothing repeated.
            let ledger = await m.ledger()
            let refused = ledger.filter { !$0.applied }.map { "\($0.path) \($0.status)" }
            #expect(refused.isEmpty)
            #expect(ledger.filter { $0.path.hasSuffix("/acknowledge") }.count == 4 && ledger.filter { $0.path.hasSuffix("/shipping") }.count == 3)
            #expect(ledger.filter { $0.path.hasSuffix("/cancel") }.count == 2 && ledger.filter { $0.path.hasSuffix("/refund") }.count == 2)
        }
    }

    @Test func helpOnAWalmartStoreSpeaksOfWalmart() async throws {
        let dir = TemporaryDirectory()
        let commands = [
            "show", "find", "open", "approve", "ship", "cancel", "accept", "refund", "deny", "note", "print", "report", "download", "status",
            "compact", "run", "set", "history", "quit",
        ]
        let r = try await JomProcess.run(
            ["--sandbox", "walmart", "--store", dir.file("store"), "-c", "help"] + commands.flatMap { ["-c", "help \($0)"] }, home: dir.path)
        #expect(r.status == 0, "\(r.all)")
        let jet = r.stdout.split(separator: "\n").filter { $0.contains("Jet") && !$0.contains("Jet only: not used on Walmart") }
        #expect(jet.isEmpty, "help on a Walmart store speaks of Jet: \(jet)")
        for reason in ["customer-requested", "pricing-error", "out-of-stock", "fraud", "address-not-serviceable", "damaged-item"] {
            #expect(r.stdout.contains("    \(reason) "), "\(reason) is listed")
        }
        #expect(!r.stdout.contains("no-inventory") && r.stdout.contains("purchase order number"))
    }

    @Test func thePracticeWalmartStoreIsOneMarketplaceForEveryProcess() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("store")
        func jom(_ commands: String...) async throws -> JomProcess.Result {
            try await JomProcess.run(["--sandbox", "walmart", "--store", store] + commands.flatMap { ["-c", $0] }, home: dir.path)
        }
        let first = try await jom("download", "show new --format csv-raw")
        #expect(first.status == 0, "\(first.all)")
        let rows = first.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }
        let po = try #require(rows.first.map { String($0.prefix { $0 != "," }) }, "\(first.stdout)")
        #expect(po.count == 13, "a Walmart purchase order number: \(po)")
        #expect(first.stdout.contains("\npurchase_order_id,order_number,stage,"), "the columns are named as Walmart names its ids")
        // Each step in a process of its own: the embedded sandbox of each reads and saves the store's one state.
        let approve = try await jom("approve \(po)")
        #expect(approve.stdout.contains("approve \(po): sent to Walmart"), "\(approve.all)")
        let ship = try await jom("ship \(po) 1Z999AA10123456784 --carrier UPS")
        #expect(ship.stdout.contains("ship \(po): sent to Walmart"), "\(ship.all)")
        let open = try await jom("download", "open \(po)", "status")
        #expect(open.status == 0, "\(open.all)")
        #expect(open.stdout.contains("Order \(po) · shipped") && open.stdout.contains("1Z999AA10123456784"), "\(open.stdout)")
        let bound = try String(contentsOfFile: store + "/store.json", encoding: .utf8)
        #expect(bound.contains("walmart-sandbox"), "\(bound)")
    }
}
