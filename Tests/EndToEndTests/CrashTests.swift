import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// jom killed with SIGKILL at random moments, many times: the store always opens, and once the outbox has
/// drained the sandbox's ledger holds every action exactly once — none lost, none repeated. The second run
/// also loses 30% of Jet's replies after applying the call (Jet did it, jom never heard).
@Suite(.serialized) struct CrashTests {
    @Test(arguments: [0.0, 0.3])
    func killedAtRandomMomentsNothingIsLostOrRepeated(lostReplies: Double) async throws {
        let kills = longTests ? 200 : (lostReplies > 0 ? 15 : 25)
        let seed = UInt64(ProcessInfo.processInfo.environment["JOM_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...999_999)
        var rng = SeededRandom(seed: seed)
        let sandbox = try await SandboxFixture.start {
            $0.orders = 24; $0.returns = 6; $0.seed = 5
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            let env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            let setup = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "set ship-from-zip 07030"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(setup.status == 0, "\(setup.all)")

            // The day's work: approve, ship, cancel, refund, deny and notes, across every order.
            var ready: [String] = [], returned: [String] = []
            for id in await sandbox.server.marketplace.allOrderIDs() {
                let o = try #require(await sandbox.server.marketplace.order(id))
                if o.status == .ready { ready.append(o.referenceOrderID!) } else { returned.append(o.referenceOrderID!) }
            }
            let tracking = ["1Z999AA10123456784", "1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591"]
            var lines: [String] = []
            for (i, ref) in ready.enumerated() {
                lines.append("note \(ref) checked stock (\(i))")
                if i % 6 == 5 {
                    lines.append("cancel \(ref) no-inventory")
                } else {
                    lines.append("approve \(ref)")
                    if i % 2 == 0 { lines.append("ship \(ref) \(tracking[i % 4]) --carrier UPS") }
                }
            }
            for (i, ref) in returned.enumerated() {
                lines.append(i % 2 == 0 ? "refund \(ref)" : "deny \(ref) outside-window")
                lines.append("note \(ref) return handled")
            }
            let script = try dir.write("day.jom", lines.joined(separator: "\n") + "\n")
            if lostReplies > 0 { _ = try await sandbox.admin("POST", "faults", ["lost_reply_rate": lostReplies]) }

            var confirmed: [String] = []  // "approve 80…" lines the operator saw as sent or queued
            var killedCount = 0
            for _ in 0..<kills {
                let delay = Double.random(in: 0.005...0.2, using: &rng)
                let outcome = try await Killer.run(["--store", store, "--keep-going", script], environment: env, killAfter: delay)
                if outcome.killed { killedCount += 1 }
                confirmed += outcome.stdout.split(separator: "\n").filter { $0.contains(": sent to Jet") || $0.contains(": queued") }.map(String.init)
                // After every kill the store opens.
                let check = try await JomProcess.run(
                    ["--store", store, "-c", "show all --format csv", "-c", "status"], environment: sandbox.jomEnvironment, home: dir.path)
                #expect(check.status == 0, "seed \(seed): the store did not open after a kill: \(check.all)")
                if check.status != 0 { break }
            }
            // Finish the day and drain the outbox (with lost replies, a few downloads may be needed).
            let finish = try await JomProcess.run(["--store", store, "--keep-going", script], environment: sandbox.jomEnvironment, home: dir.path)
            confirmed += finish.stdout.split(separator: "\n").filter { $0.contains(": sent to Jet") || $0.contains(": queued") }.map(String.init)
            var drained = false
            for _ in 0..<20 where !drained {
                let drain = try await JomProcess.run(["--store", store, "-c", "download", "-c", "status"], environment: sandbox.jomEnvironment, home: dir.path)
                drained = drain.stdout.contains("Outbox       nothing waiting for Jet")
            }
            #expect(drained, "seed \(seed): the outbox drained")

            let ledger = await sandbox.server.marketplace.ledger()
            let refused = ledger.filter { !$0.applied }.map { "\($0.path) \($0.status)" }
            #expect(refused.isEmpty, "seed \(seed): nothing was sent that Jet had to refuse (no blind resend): \(refused)")
            // Exactly once per action: one acknowledge per order, one shipment per order shipped, one completion per return.
            var seen: [String: Int] = [:]
            for e in ledger { seen[e.path, default: 0] += 1 }
            let repeated = seen.filter { $0.value > 1 }
            #expect(repeated.isEmpty, "seed \(seed): repeated: \(repeated)")
            let expectedAcks = ready.count
            let expectedShips = ready.indices.filter { $0 % 6 != 5 && $0 % 2 == 0 }.count
            #expect(ledger.filter { $0.path.hasSuffix("/acknowledge") }.count == expectedAcks, "seed \(seed)")
            #expect(ledger.filter { $0.path.hasSuffix("/shipped") }.count == expectedShips, "seed \(seed)")
            #expect(ledger.filter { $0.path.hasSuffix("/complete") }.count == returned.count, "seed \(seed)")
            // Every action the operator saw confirmed is at Jet.
            for line in Set(confirmed) {
                let parts = line.split(separator: " ")
                guard parts.count >= 2 else { continue }
                let ref = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: ":"))
                let id = try #require(await idOf(ref, sandbox))
                #expect(ledger.contains { $0.path.contains(id) || $0.body.contains(id) }, "seed \(seed): confirmed but not at Jet: \(line)")
            }
            // Notes are local: every note line ended up in the store exactly once per run that wrote it, never lost.
            let notes = try await JomProcess.run(
                ["--store", store, "-c", "find checked stock --format csv"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(notes.stdout.split(separator: "\n").count == ready.count + 1, "seed \(seed)")
            #expect(killedCount > kills / 3, "many runs were actually killed (\(killedCount) of \(kills))")
            print(
                "crash test: \(kills) runs, \(killedCount) killed with SIGKILL, \(Int(lostReplies * 100))% replies lost, \(ledger.count) actions at Jet, 0 lost, 0 repeated (seed \(seed))"
            )
        }
    }

    /// The merchant order id of a reference id (a return completion's body names the order by it).
    func idOf(_ reference: String, _ sandbox: SandboxFixture) async -> String? {
        for id in await sandbox.server.marketplace.allOrderIDs() where await sandbox.server.marketplace.order(id)?.referenceOrderID == reference {
            return id
        }
        return nil
    }

    @Test func anImportKilledMidWriteLeavesAStoreThatOpensAndCompletesOnASecondRun() async throws {
        let dir = TemporaryDirectory()
        var lines: [String] = []
        for n in 0..<3000 {
            let id = String(format: "%032x", n + 1)
            lines.append(
                #"{"merchant_order_id":"\#(id)","reference_order_id":"\#(String(format: "81%010d", n))","status":"complete","buyer":{"name":"Buyer \#(n)"},"shipping_to":{"address":{"city":"Town","state":"NJ","zip_code":"07030"}},"order_items":[{"order_item_id":"i\#(n)","merchant_sku":"SKU-\#(n % 9)","request_order_quantity":1,"item_price":{"base_price":9.5}}]}"#
            )
        }
        let file = try dir.write("history.jsonl", lines.joined(separator: "\n") + "\n")
        let store = dir.file("store")
        var rng = SeededRandom(seed: 99)
        for _ in 0..<(longTests ? 20 : 4) {
            _ = try await Killer.run(
                ["import", "--store", store, file], environment: JomProcess.environment([:], home: dir.path),
                killAfter: Double.random(in: 0.01...0.4, using: &rng))
            let open = try await JomProcess.run(["--store", store, "-c", "status"], home: dir.path)
            #expect(open.status == 0, "\(open.all)")
        }
        let complete = try await JomProcess.run(["import", "--store", store, file], home: dir.path)
        #expect(complete.status == 0, "\(complete.all)")
        let all = try await JomProcess.run(["--store", store, "-c", "show all --format csv"], home: dir.path)
        #expect(all.stdout.split(separator: "\n").count == 3001)
        let found = try await JomProcess.run(["--store", store, "-c", "find buyer 2999"], home: dir.path)
        #expect(found.stdout.contains("1 order"))
    }
}
