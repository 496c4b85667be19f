import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// The whole path: jom's Jet client over real HTTP to a sandbox on port 0, into the JSON store, and back out
/// through `show`.
@Suite struct WalkingSkeletonTests {
    @Test func downloadThenShowListsTheSandboxOrdersAndStoresThemAsJSON() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 4; $0.returns = 0
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("store")

            let r = try await JomProcess.run(["--store", store, "-c", "download", "-c", "show"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("downloaded: 4 new orders"))

            // Every ready order of the sandbox is in the listing, by its reference id, and in the store as a JSON line.
            let ids = await sandbox.server.marketplace.allOrderIDs()
            #expect(ids.count == 4)
            let records = try StoreFiles.records(store)
            #expect(records.count == 4)
            for id in ids {
                let order = try #require(await sandbox.server.marketplace.order(id))
                let reference = try #require(order.referenceOrderID)
                #expect(r.stdout.contains(reference), "show should list \(reference)")
                let stored = try #require(records[id]?["order"] as? [String: Any], "a record for order \(id)")
                #expect(stored["merchantOrderID"] as? String == id)
                #expect(stored["status"] as? String == "ready")
            }
            #expect(r.stdout.contains("4 orders (actionable)"))

            // The store holds only JSON / JSON Lines, plus the lock and the history file; nothing readable by others.
            let entries = try FileManager.default.subpathsOfDirectory(atPath: store)
            for e in entries {
                var isDir: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: store + "/" + e, isDirectory: &isDir)
                if isDir.boolValue { continue }
                #expect(e.hasSuffix(".json") || e.hasSuffix(".jsonl") || e == "lock" || e == "send.lock" || e == "history", "unexpected file \(e)")
            }
            #expect(fileMode(store) == 0o700)
        }
    }

    @Test func theEmbeddedSandboxServesADemoStoreWithoutCredentials() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        let r = try await JomProcess.run(["--store", store, "-c", "download", "-c", "show new", "-c", "status"], home: dir.path)
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.contains("downloaded: 12 new orders, 2 return requests"))
        #expect(r.stdout.contains("12 orders (new)"))
        #expect(r.stdout.contains("SANDBOX"))
        #expect(FileManager.default.fileExists(atPath: store + "/sandbox.json"))

        // The demo continues across sessions: the same orders, nothing new downloaded twice.
        let again = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        #expect(again.status == 0, "\(again.all)")
        #expect(again.stdout.contains("downloaded: nothing new"), "\(again.stdout)")
    }

    @Test func aFailedCommandMakesTheExitStatusNonZero() async throws {
        let dir = TemporaryDirectory()
        let r = try await JomProcess.run(["--store", dir.file("s"), "-c", "open 999999"], home: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: no order matches \"999999\""))
        #expect(r.stderr.contains("hint:"))
    }
}
