import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// The sandbox failing, throttling, answering late and sending broken bodies, 30% each: the end-of-day work
/// still completes, every action reaches Jet exactly once, and no jom run hangs past its timeout.
@Suite(.serialized) struct FaultTests {
    @Test func anEndOfDayUnderHeavyFaultsDeliversEveryActionExactlyOnce() async throws {
        let rounds = longTests ? 5 : 1
        var totals = (faults: 0, actions: 0)
        for round in 0..<rounds {
            let sandbox = try await SandboxFixture.start {
                $0.orders = 10; $0.returns = 4; $0.seed = UInt64(100 + round)
                $0.failRate = 0.3; $0.throttleRate = 0.3; $0.malformedRate = 0.3; $0.latencyMillis = 15; $0.retryAfter = 0
            }
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            let env = sandbox.jomEnvironment
            // Download until every order is in (a download under faults may bring only part of them).
            var downloaded = false
            for _ in 0..<15 where !downloaded {
                _ = try await JomProcess.run(["--store", store, "-c", "download"], environment: env, home: dir.path, timeout: 90)
                let all = try await JomProcess.run(["--store", store, "-c", "show all --format csv"], home: dir.path)
                downloaded = all.stdout.split(separator: "\n").count == 1 + 14
            }
            #expect(downloaded, "every order got through")
            var ready: [String] = [], returned: [String] = []
            for id in await sandbox.server.marketplace.allOrderIDs() {
                let o = try #require(await sandbox.server.marketplace.order(id))
                if o.status == .ready { ready.append(o.referenceOrderID!) } else { returned.append(o.referenceOrderID!) }
            }
            let script = try dir.write(
                "eod.jom",
                """
                set ship-from-zip 07030
                cancel \(ready[9]) shipping-method-not-supported
                approve all
                ship \(ready[0]) 1Z999AA10123456784 --carrier UPS
                ship \(ready[1]) 1Z5R89390357567127 --carrier UPS
                ship \(ready[2]) 1Z879E930346834440 --carrier UPS
                refund \(returned[0])
                refund \(returned[1])
                deny \(returned[2]) outside-window
                deny \(returned[3]) wrong-item
                note \(ready[3]) shipping tomorrow
                status
                """)
            let started = Date()
            let eod = try await JomProcess.run(["--store", store, "--keep-going", script], environment: env, home: dir.path, timeout: 120)
            #expect(Date().timeIntervalSince(started) < 120)
            #expect(!eod.stderr.contains("internal error"), "\(eod.stderr)")
            var drained = false
            for _ in 0..<20 where !drained {
                let r = try await JomProcess.run(["--store", store, "-c", "download", "-c", "status"], environment: env, home: dir.path, timeout: 90)
                drained = r.stdout.contains("Outbox       nothing waiting for Jet")
            }
            #expect(drained, "the outbox drained")
            let ledger = await sandbox.appliedLedger()
            var byPath: [String: Int] = [:]
            for e in ledger { byPath[e.path, default: 0] += 1 }
            #expect(byPath.values.allSatisfy { $0 == 1 }, "exactly once: \(byPath.filter { $0.value > 1 })")
            #expect(ledger.filter { $0.path.hasSuffix("/acknowledge") }.count == 10)
            #expect(ledger.filter { $0.path.hasSuffix("/shipped") }.count == 3)
            #expect(ledger.filter { $0.path.hasSuffix("/complete") }.count == 4)
            let all = await sandbox.server.marketplace.ledger()
            #expect(all.filter { !$0.applied }.isEmpty, "nothing was refused: no action was sent blindly twice")
            totals.actions += ledger.count
            totals.faults += await sandbox.server.marketplace.faultsInjected
            await sandbox.stop()
        }
        print(
            "fault test: \(rounds) end-of-day run(s), \(totals.faults) faults injected (30% fail / 30% throttle / 30% malformed), \(totals.actions) actions delivered exactly once, 0 lost"
        )
    }

    @Test func brokenAnswersLeaveTheStoreUnchanged() async throws {
        let sandbox = try await SandboxFixture.start { $0.malformedRate = 1 }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let r = try await JomProcess.run(
                ["--store", dir.file("s"), "-c", "download", "-c", "show all"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 1)
            #expect(r.stderr.contains("could not be read"), "\(r.stderr)")
            let after = try await JomProcess.run(["--store", dir.file("s"), "-c", "show all --format csv"], home: dir.path)
            #expect(after.stdout.split(separator: "\n").count == 1, "no order was half-written: \(after.stdout)")
        }
    }
}
