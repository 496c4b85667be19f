import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What it takes to leave jom in charge of a real account for days: a store that knows its account, Jet's own
/// changes read back, downloads with nobody there, replies lost after Jet applied a call.
@Suite struct TrustTests {
    @Test func aJetStoreOpenedWithoutCredentialsNeverMeetsTheSandbox() async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            let setup = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(setup.status == 0, "\(setup.all)")
            let marker = try String(contentsOfFile: store + "/store.json", encoding: .utf8)
            #expect(
                marker.contains(#""kind" : "jet""#) && marker.contains(#""user" : "test-user""#) && !marker.contains(sandbox.configuration.secret),
                "the store records its account, never the secret: \(marker)")
            // A queued action of the real account, then a run with no credentials at all (a cron job, a missing variable).
            _ = try await sandbox.admin("POST", "faults", ["fail_rate": 1.0])
            let ref = try #require(await sandbox.server.marketplace.order(await sandbox.server.marketplace.allOrderIDs()[0])?.referenceOrderID)
            _ = try await JomProcess.run(["--store", store, "-c", "approve \(ref)"], environment: sandbox.jomEnvironment, home: dir.path)
            let before = try StoreFiles.snapshot(store).filter { $0.key != "downloads.json" }
            let r = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
            #expect(r.status == 1, "\(r.all)")
            #expect(r.stderr.contains("belongs to Jet account test-user (merchant m-1)"), "\(r.stderr)")
            #expect(r.stderr.contains("no Jet credentials are configured"))
            #expect(try StoreFiles.snapshot(store).filter { $0.key != "downloads.json" } == before, "orders and outbox as they were")
            #expect(!FileManager.default.fileExists(atPath: store + "/sandbox.json"), "the sandbox never started")
            // Everything local still works; the action stays queued for its account.
            let local = try await JomProcess.run(
                ["--store", store, "-c", "show", "-c", "open \(ref)", "-c", "note \(ref) called back", "-c", "status"],
                home: dir.path)
            #expect(local.status == 0, "\(local.all)")
            #expect(local.stdout.contains("Outbox       1 action waiting for Jet"))
            #expect(local.stdout.contains("NOT CONNECTED"), "status says why nothing is sent: \(local.stdout)")
            // Another account's credentials: refused, naming both.
            var other = sandbox.jomEnvironment
            other["JET_USER"] = "someone-else"
            let wrong = try await JomProcess.run(["--store", store, "-c", "download"], environment: other, home: dir.path)
            #expect(wrong.status == 1)
            #expect(
                wrong.stderr.contains("belongs to Jet account test-user (merchant m-1)") && wrong.stderr.contains("not to Jet account someone-else"),
                "\(wrong.stderr)")
        }
    }

    @Test func anImportedStoreStaysUnattachedUntilToldWhere() async throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("history.jsonl", ImportTests.order(1) + "\n" + ImportTests.order(2, status: "ready") + "\n")
        let imported = try await JomProcess.run(["import", "--store", dir.file("s"), file], home: dir.path)
        #expect(imported.status == 0, "\(imported.all)")
        let r = try await JomProcess.run(["--store", dir.file("s"), "-c", "download"], home: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("has orders but belongs to no marketplace yet"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("s/sandbox.json")))
        let practice = try await JomProcess.run(["--store", dir.file("s"), "--sandbox", "-c", "download"], home: dir.path)
        #expect(practice.status == 0, "--sandbox asks for it: \(practice.all)")
        #expect(try String(contentsOfFile: dir.file("s/store.json"), encoding: .utf8).contains(#""kind" : "sandbox""#))
    }

    @Test func whatJetDoesOnItsOwnIsReadBack() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 3; $0.returns = 1
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let m = sandbox.server.marketplace
            let ids = await m.allOrderIDs()
            let cancelled = try #require(await m.order(ids[0]))
            let returned = try #require(await m.order(ids[3]))
            _ = try await JomProcess.run(["--store", dir.file("s"), "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            _ = try await sandbox.admin("POST", "cancel", ["merchant_order_id": cancelled.merchantOrderID])
            let ret = try #require(await m.allReturnIDs().first)
            _ = try await sandbox.admin("POST", "close-return", ["merchant_return_authorization_id": ret])
            let r = try await JomProcess.run(
                [
                    "--store", dir.file("s"), "-c", "download", "-c", "open \(cancelled.referenceOrderID!)",
                    "-c", "show returns", "-c", "refund \(returned.referenceOrderID!)",
                ],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.stdout.contains("downloaded: 1 order cancelled by Jet, 1 return closed at Jet"), "\(r.all)")
            #expect(r.stdout.contains("Order \(cancelled.referenceOrderID!) · cancelled"))
            #expect(r.stdout.contains("Jet cancelled the order itself (exception - jet manual canceled to complete state)"))
            #expect(r.stdout.contains("No orders (returns)"))
            #expect(r.stderr.contains("it cannot be refunded"), "a closed return is not refunded: \(r.stderr)")
            #expect(r.status == 1)
        }
    }

    @Test func watchDownloadsWithNobodyThereAndStopsOnSigterm() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 2; $0.returns = 0
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: JomProcess.binary)
            p.arguments = ["watch", "--store", store, "--every", "1s"]
            p.environment = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
            _ = await sandbox.server.marketplace.generateOrders(count: 3, status: .ready)
            // The store has all five within a few runs.
            var count = 0
            for _ in 0..<40 where count < 5 {
                _ = await ProcessEvents.readable(out.fileHandleForReading.fileDescriptor, within: .milliseconds(500))
                let csv = try await JomProcess.run(["--store", store, "-c", "show new --format csv"], home: dir.path)
                count = max(0, csv.stdout.split(separator: "\n").count - 1)
            }
            #expect(count == 5, "the watcher brought every order")
            kill(p.processIdentifier, SIGTERM)
            #expect(await ProcessEvents.ended(p.processIdentifier, within: .seconds(3)), "stops within a second or two of SIGTERM")
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.contains("2026-11-28 09:00 downloaded:"), "a line per run, stamped: \(text)")
        }
    }

    @Test func cronGetsStatusesItCanActOn() async throws {
        let dir = TemporaryDirectory()
        // Nobody listens on this port: Jet is unreachable, try later.
        var env = ["JET_API_URL": "http://127.0.0.1:9/api", "JET_USER": "u", "JET_SECRET": "s", "JET_MERCHANT_ID": "m"]
        let down = try await JomProcess.run(["--store", dir.file("s"), "-c", "download"], environment: env, home: dir.path)
        #expect(down.status == 75, "EX_TEMPFAIL: \(down.all)")
        env["JET_USER"] = "other"
        let wrong = try await JomProcess.run(["--store", dir.file("s"), "-c", "download"], environment: env, home: dir.path)
        #expect(wrong.status == 75, "still unreachable (the store binds only once Jet answered): \(wrong.all)")
        let ok = try await JomProcess.run(["--store", dir.file("t"), "-c", "download"], home: dir.path)
        #expect(ok.status == 0, "\(ok.all)")
    }

    @Test func lostRepliesAreAppliedExactlyOnce() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 30; $0.returns = 4; $0.seed = 11
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            let m = sandbox.server.marketplace
            _ = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "set ship-from-zip 07030"],
                environment: sandbox.jomEnvironment, home: dir.path)
            var ready: [String] = [], returned: [String] = []
            for id in await m.allOrderIDs() {
                let o = try #require(await m.order(id))
                if o.status == .ready { ready.append(o.referenceOrderID!) } else { returned.append(o.referenceOrderID!) }
            }
            var lines: [String] = []
            for (i, ref) in ready.enumerated() {
                if i == 29 {
                    lines.append("cancel \(ref) fraud")
                } else {
                    lines.append("approve \(ref)")
                    lines.append("ship \(ref) 1Z999AA10123456784 --carrier UPS")
                }
            }
            lines += ["refund \(returned[0])", "refund \(returned[1])", "deny \(returned[2]) outside-window", "deny \(returned[3]) wrong-item"]
            let script = try dir.write("day.jom", lines.joined(separator: "\n") + "\n")
            _ = try await sandbox.admin("POST", "faults", ["lost_reply_rate": 0.3])
            let day = try await JomProcess.run(
                ["--store", store, "--keep-going", script], environment: sandbox.jomEnvironment, home: dir.path,
                timeout: 120)
            #expect(!day.stderr.contains("internal error"), "\(day.stderr)")
            var drained = false
            for _ in 0..<20 where !drained {
                let r = try await JomProcess.run(["--store", store, "-c", "download", "-c", "status"], environment: sandbox.jomEnvironment, home: dir.path)
                drained = r.stdout.contains("Outbox       nothing waiting for Jet")
            }
            #expect(drained, "the outbox drained")
            let ledger = await m.ledger()
            var byPath: [String: Int] = [:]
            for e in ledger { byPath[e.path, default: 0] += 1 }
            #expect(byPath.filter { $0.value > 1 }.isEmpty, "exactly once: \(byPath.filter { $0.value > 1 })")
            #expect(ledger.filter { !$0.applied }.isEmpty, "nothing was resent blindly (Jet refused nothing)")
            for id in await m.allOrderIDs() {
                let o = try #require(await m.order(id))
                guard ready.firstIndex(of: o.referenceOrderID!).map({ $0 < 29 }) == true else { continue }
                #expect(o.status == .complete && o.shipments?.count == 1, "\(o.referenceOrderID!): one shipment, complete")
            }
            #expect(await m.faultsInjected > 5, "replies were lost")
            #expect(ledger.filter { $0.path.hasSuffix("/complete") }.count == 4)
        }
    }
}
