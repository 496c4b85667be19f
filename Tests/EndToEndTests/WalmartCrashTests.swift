import Foundation
import SandboxKit
import TestSupport
import Testing
import WalmartSandbox
import WalmartWire

/// jom on a Walmart store killed with SIGKILL at random moments while 30% of Walmart's replies are lost after
/// the call was applied. Walmart has no idempotency keys: before sending again, jom reads the order and counts a
/// change already there as done. Once the outbox has drained, the sandbox's ledger holds every action exactly
/// once — none lost, none repeated, none refused for having been sent twice.
@Suite(.serialized) struct WalmartCrashTests {
    @Test func killedAtRandomMomentsWithLostRepliesEveryWalmartActionHappensOnce() async throws {
        let kills = longTests ? 150 : 20
        let seed = UInt64(ProcessInfo.processInfo.environment["JOM_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...999_999)
        var rng = SeededRandom(seed: seed)
        try await withWalmartSandbox({
            $0.orders = 0
            $0.returns = 4
            $0.seed = 5
        }) { sandbox in
            let m = sandbox.marketplace
            let ready = await m.generateOrders(count: 20)
            var returnOf: [String: String] = [:]  // purchase order → its return
            for id in await m.allReturnIDs() {
                if let po = await m.returnOrder(id)?.returnOrderLines.first?.purchaseOrderId { returnOf[po] = id }
            }
            #expect(returnOf.count == 4)
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            let env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            let setup = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(setup.status == 0, "\(setup.all)")

            // The day: approve and ship, cancel some, refund every return, notes throughout.
            let tracking = ["1Z999AA10123456784", "1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591"]
            var lines: [String] = []
            var cancelled: [String] = [], approved: [String] = [], shipped: [String] = [], parcels: [String: Int] = [:], refunded: [String] = []
            for (i, po) in ready.enumerated() {
                let o = try #require(await m.order(po))
                let skus = o.lines.map(\.item.sku)
                lines.append("note \(po) checked stock (\(i))")
                if i % 5 == 4 {
                    lines.append("cancel \(po) out-of-stock")
                    cancelled.append(po)
                } else {
                    lines.append("approve \(po)")
                    approved.append(po)
                    if i % 2 == 0 {
                        // In two parcels where the lines allow it (the first line, then the rest).
                        if skus.count >= 2, Set(skus).count == skus.count {
                            lines.append("ship \(po) \(tracking[(i + 1) % 4]) --carrier UPS --units \(skus[0]):\(o.lines[0].quantity)")
                            parcels[po] = 2
                        }
                        lines.append("ship \(po) \(tracking[i % 4]) --carrier UPS")
                        shipped.append(po)
                        if i % 4 == 2 {
                            lines.append("refund \(po) --amount 3 --reason damaged-item")
                            refunded.append(po)
                        }
                    }
                }
            }
            for po in returnOf.keys.sorted() { lines.append("refund \(po)") }
            let script = try dir.write("day.jom", lines.joined(separator: "\n") + "\n")
            _ = try await sandbox.admin("POST", "faults", ["lost_reply_rate": 0.3])

            var confirmed: [String] = []
            var killedCount = 0
            func seen(_ output: String) -> [String] {
                output.split(separator: "\n").filter { $0.contains(": sent to Walmart") || $0.contains(": queued") }.map(String.init)
            }
            for _ in 0..<kills {
                let outcome = try await Killer.run(
                    ["--store", store, "--keep-going", script], environment: env, killAfter: Double.random(in: 0.005...0.2, using: &rng))
                if outcome.killed { killedCount += 1 }
                confirmed += seen(outcome.stdout)
                let check = try await JomProcess.run(
                    ["--store", store, "-c", "show all --format csv", "-c", "status"], environment: sandbox.jomEnvironment, home: dir.path)
                #expect(check.status == 0, "seed \(seed): the store did not open after a kill: \(check.all)")
                if check.status != 0 { break }
            }
            let finish = try await JomProcess.run(["--store", store, "--keep-going", script], environment: sandbox.jomEnvironment, home: dir.path)
            confirmed += seen(finish.stdout)
            var drained = false
            for _ in 0..<20 where !drained {
                let drain = try await JomProcess.run(["--store", store, "-c", "download", "-c", "status"], environment: sandbox.jomEnvironment, home: dir.path)
                drained = drain.stdout.contains("Outbox       nothing waiting for Walmart")
            }
            #expect(drained, "seed \(seed): the outbox drained")

            let ledger = await m.ledger()
            let refused = ledger.filter { !$0.applied }.map { "\($0.path) \($0.status): \($0.body.prefix(120))" }
            #expect(refused.isEmpty, "seed \(seed): nothing was sent that Walmart had to refuse (no blind resend): \(refused)")
            var calls: [String: Int] = [:]
            for e in ledger { calls[e.path, default: 0] += 1 }
            let repeated = calls.filter { $0.value > (parcels[$0.key.split(separator: "/").dropFirst(2).first.map(String.init) ?? ""] ?? 1) }
            #expect(repeated.isEmpty, "seed \(seed): repeated: \(repeated)")
            #expect(!parcels.isEmpty && !refunded.isEmpty, "the day has parcels and refunds without a return")
            for (po, n) in parcels { #expect(calls["/v3/orders/\(po)/shipping"] == n, "\(po): \(n) parcels, each once") }
            #expect(Set(ledger.filter { $0.path.hasSuffix("/acknowledge") }.map(\.path)) == Set(approved.map { "/v3/orders/\($0)/acknowledge" }))
            #expect(Set(ledger.filter { $0.path.hasSuffix("/shipping") }.map(\.path)) == Set(shipped.map { "/v3/orders/\($0)/shipping" }))
            #expect(Set(ledger.filter { $0.path.hasSuffix("/cancel") }.map(\.path)) == Set(cancelled.map { "/v3/orders/\($0)/cancel" }))
            #expect(
                Set(ledger.filter { $0.path.hasSuffix("/refund") && $0.path.hasPrefix("/v3/orders/") }.map(\.path))
                    == Set(refunded.map { "/v3/orders/\($0)/refund" }))
            #expect(Set(ledger.filter { $0.path.hasPrefix("/v3/returns/") }.map(\.path)) == Set(returnOf.values.map { "/v3/returns/\($0)/refund" }))
            // At Walmart, the lines say the same: shipped, cancelled, returns refunded in full.
            for po in shipped { #expect(await sandbox.lineStates(po).values.allSatisfy { $0.keys.sorted() == ["Shipped"] }, "\(po)") }
            for po in cancelled { #expect(await sandbox.lineStates(po).values.allSatisfy { $0.keys.sorted() == ["Cancelled"] }, "\(po)") }
            for id in returnOf.values {
                #expect(await m.returnOrder(id)?.returnOrderLines.allSatisfy { $0.refundedQty == $0.units } == true, "\(id)")
            }
            // Every action the operator saw confirmed is at Walmart.
            for line in Set(confirmed) {
                let parts = line.split(separator: " ")
                guard parts.count >= 2 else { continue }
                let po = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: ":"))
                let paths = [po] + (returnOf[po].map { [$0] } ?? [])
                #expect(ledger.contains { e in paths.contains { e.path.contains($0) } }, "seed \(seed): confirmed but not at Walmart: \(line)")
            }
            let notes = try await JomProcess.run(
                ["--store", store, "-c", "find checked stock --format csv"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(notes.stdout.split(separator: "\n").count == ready.count + 1, "seed \(seed): every note once")
            #expect(killedCount > kills / 3, "many runs were actually killed (\(killedCount) of \(kills))")
            print(
                "Walmart crash test: \(kills) runs, \(killedCount) killed, 30% replies lost, \(ledger.count) changes at Walmart, 0 lost, 0 repeated (seed \(seed))"
            )
        }
    }
}
