import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// Months of use: downloads write only what changed, the store's size follows its orders, and a compaction
/// killed at any moment loses nothing.
@Suite struct NothingLostTests {
    func recordLines(_ store: String) throws -> Int {
        try StoreFiles.segments(store).reduce(0) { $0 + (try String(contentsOfFile: $1, encoding: .utf8)).split(separator: "\n").count }
    }

    @Test func aDownloadWritesOnlyTheOrdersThatChanged() async throws {
        try await withSandbox {
            $0.orders = 6; $0.returns = 1
        } _: { sandbox in
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            let first = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(first.status == 0, "\(first.all)")
            let lines = try recordLines(store)
            #expect(lines == 7)
            // Nothing changed at Jet: three more downloads (each re-reading the open orders) write nothing.
            let again = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "download", "-c", "download"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(again.status == 0, "\(again.all)")
            #expect(try recordLines(store) == lines, "unchanged orders are not written again")
            // Jet changes one order: exactly one more record line.
            let id = await sandbox.server.marketplace.allOrderIDs()[0]
            _ = try await sandbox.admin("POST", "cancel", ["merchant_order_id": id])
            let changed = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(changed.stdout.contains("1 order cancelled by Jet"), "\(changed.all)")
            #expect(try recordLines(store) == lines + 1)
        }
    }

    @Test func aCompactionKilledAtAnyMomentLosesNoOrderAndNoNote() async throws {
        let dir = TemporaryDirectory()
        var lines: [String] = []
        for n in 0..<2000 {
            let id = String(format: "%032x", n + 1)
            lines.append(
                #"{"merchant_order_id":"\#(id)","reference_order_id":"\#(String(format: "81%010d", n))","status":"complete","buyer":{"name":"Buyer \#(n)"},"shipping_to":{"address":{"city":"Town","state":"NJ","zip_code":"07030"}},"order_items":[{"order_item_id":"i\#(n)","merchant_sku":"SKU-\#(n % 9)","request_order_quantity":1,"item_price":{"base_price":9.5}}]}"#
            )
        }
        let file = try dir.write("history.jsonl", lines.joined(separator: "\n") + "\n")
        let store = dir.file("store")
        let imported = try await JomProcess.run(["import", "--store", store, file], home: dir.path)
        #expect(imported.status == 0, "\(imported.all)")
        // Importing the same file again writes every order a second time: half the segments are old versions.
        _ = try await JomProcess.run(["import", "--store", store, file], home: dir.path)
        let noted = try await JomProcess.run(["--store", store, "-c", "note 810000000007 kept through compaction"], home: dir.path)
        #expect(noted.status == 0, "\(noted.all)")
        var rng = SeededRandom(seed: 17)
        var killed = 0
        for _ in 0..<(longTests ? 20 : 5) {
            let run = try await Killer.run(
                ["--store", store, "-c", "compact"], environment: JomProcess.environment([:], home: dir.path),
                killAfter: Double.random(in: 0.02...0.3, using: &rng))
            if run.killed { killed += 1 }
            let found = try await JomProcess.run(["--store", store, "-c", "find kept through compaction"], home: dir.path)
            #expect(found.status == 0, "\(found.all)")
            #expect(found.stdout.contains("810000000007"), "the note survived: \(found.all)")
            let all = try await JomProcess.run(["--store", store, "-c", "show all --format csv"], home: dir.path)
            #expect(all.stdout.split(separator: "\n").count == 1 + 2000, "every order is there")
            #expect(!FileManager.default.fileExists(atPath: store + "/compact.json"), "an interrupted compaction was finished or undone")
        }
        let last = try await JomProcess.run(["--store", store, "-c", "compact"], home: dir.path)
        #expect(last.status == 0, "\(last.all)")
        #expect(StoreFiles.segments(store).count == 1)
        #expect(try recordLines(store) == 2000, "one record per order")
        print("compaction crash test: \(killed) of \(longTests ? 20 : 5) runs killed")
    }
}

/// Every jom process on a practice store talks to one and the same practice marketplace.
@Suite struct OnePracticeMarketplaceTests {
    @Test func aSessionAScriptAndAnotherSessionShareOnePracticeMarketplace() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        var env = JomProcess.environment([:], home: dir.path)
        env["TERM"] = "xterm"
        let session = try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env)
        #expect(await session.waitForPrompt())
        session.type("set confirm off\r")
        #expect(await session.waitForPrompt())
        // The session downloads by itself as it starts.
        #expect(await session.wait(for: "downloaded: 12 new orders"), "\(session.output.suffix(400))")
        #expect(await session.waitForPrompt())
        // Another process approves an order the session has already downloaded.
        let csv = try await JomProcess.run(["--store", store, "-c", "show new --format csv"], home: dir.path)
        let ref = try #require(csv.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",").dropFirst().first.map(String.init))
        let other = try await JomProcess.run(["--store", store, "-c", "approve \(ref)"], home: dir.path)
        #expect(other.status == 0 && other.stdout.contains("approve \(ref): sent to Jet"), "\(other.all)")
        // The session's own practice marketplace sees that approval: the order ships.
        let mark = session.mark
        session.type("ship \(ref) 1Z999AA10123456784 --carrier UPS\r")
        #expect(await session.wait(for: "ship \(ref): sent to Jet", after: mark), "\(session.output.suffix(600))")
        #expect(await session.quitAtNextPrompt() == 0)
        // And a third process finds the order shipped there, with nothing refused.
        let after = try await JomProcess.run(["--store", store, "-c", "download", "-c", "status"], home: dir.path)
        #expect(after.status == 0, "\(after.all)")
        #expect(!after.stdout.contains("refused"), "\(after.stdout)")
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store + "/sandbox.json"))) as? [String: Any]
        let ledger = (state?["ledger"] as? [[String: Any]]) ?? []
        #expect(ledger.filter { ($0["path"] as? String)?.hasSuffix("/acknowledge") == true && $0["applied"] as? Bool == true }.count == 1)
        #expect(ledger.filter { ($0["path"] as? String)?.hasSuffix("/shipped") == true && $0["applied"] as? Bool == true }.count == 1)
    }
}

/// A hint is followed as it is written: doing what it says must make things better, never worse.
@Suite struct SafeHintTests {
    /// The JSON a hint says to write: between `write ` and ` into`.
    func jsonToWrite(_ hint: String) -> String? {
        guard let from = hint.range(of: "write {"), let to = hint.range(of: "} into", range: from.upperBound..<hint.endIndex) else { return nil }
        return "{" + String(hint[from.upperBound..<to.lowerBound]) + "}"
    }

    @Test func aDamagedStoreMarkerIsRepairedByDoingWhatTheHintSays() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        let first = try await JomProcess.run(["--store", store, "-c", "download", "-c", "note 8005 keep me"], home: dir.path)
        #expect(first.status == 0, "\(first.all)")
        try Data("{\"jom-store\": 2, \"marke".utf8).write(to: URL(fileURLWithPath: store + "/store.json"))
        let damaged = try await JomProcess.run(["--store", store, "-c", "show"], home: dir.path)
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("store.json cannot be read"), "\(damaged.stderr)")
        let json = try #require(jsonToWrite(damaged.stderr), "the hint says what to write: \(damaged.stderr)")
        try Data(json.utf8).write(to: URL(fileURLWithPath: store + "/store.json"))
        let repaired = try await JomProcess.run(["--store", store, "-c", "show all --format csv", "-c", "find keep me", "-c", "download"], home: dir.path)
        #expect(repaired.status == 0, "\(repaired.all)")
        #expect(repaired.stdout.split(separator: "\n").count >= 15, "every order is there: \(repaired.stdout)")
        #expect(repaired.stdout.contains("1 order (find \"keep me\")"))
    }

    @Test func anOldFormatWrittenOverANewStoreIsRefusedNotUpgradedFromNothing() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        let before = try StoreFiles.segments(store).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        try Data(#"{"jom-store": 1}"#.utf8).write(to: URL(fileURLWithPath: store + "/store.json"))
        let refused = try await JomProcess.run(["--store", store, "-c", "show"], home: dir.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("holds order files of format 2"), "\(refused.stderr)")
        #expect(try StoreFiles.segments(store).map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before, "no order file touched")
        let json = try #require(jsonToWrite(refused.stderr))
        try Data(json.utf8).write(to: URL(fileURLWithPath: store + "/store.json"))
        let after = try await JomProcess.run(["--store", store, "-c", "show all --format csv"], home: dir.path)
        #expect(after.status == 0, "\(after.all)")
        #expect(after.stdout.split(separator: "\n").count == 15)
    }
}

/// The disk filling up at random moments: an action reported as failed never reaches Jet, one reported as sent
/// or queued reaches it exactly once, a note is never doubled, and reading goes on.
@Suite(.serialized) struct FullDiskTests {
    @Test func theDiskFillingUpAtRandomMomentsNeverSendsTwiceNorHidesWhatWasSent() async throws {
        guard let disk = try await SmallDisk(megabytes: 3) else { return }
        let seed = UInt64(ProcessInfo.processInfo.environment["JOM_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...999_999)
        var rng = SeededRandom(seed: seed)
        try await withSandbox {
            $0.orders = 14; $0.returns = 4; $0.seed = 9
        } _: { sandbox in
            let store = disk.path + "/store"
            let home = TemporaryDirectory()
            let setup = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "set ship-from-zip 07030"],
                environment: sandbox.jomEnvironment, home: home.path)
            #expect(setup.status == 0, "\(setup.all)")
            var ready: [(ref: String, id: String)] = [], returned: [(ref: String, id: String)] = []
            for id in await sandbox.server.marketplace.allOrderIDs() {
                let o = try #require(await sandbox.server.marketplace.order(id))
                if o.status == .ready { ready.append((o.referenceOrderID!, id)) } else { returned.append((o.referenceOrderID!, id)) }
            }
            // Each action is typed again after a failure, as an operator would: at most three times.
            var work: [(line: String, id: String, path: String)] = []
            let tracking = ["1Z999AA10123456784", "1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591"]
            for (i, o) in ready.enumerated() {
                work.append(("note \(o.ref) packed by hand (\(i))", o.id, ""))
                work.append(("approve \(o.ref)", o.id, "/acknowledge"))
                if i % 2 == 0 { work.append(("ship \(o.ref) \(tracking[i % 4]) --carrier UPS", o.id, "/shipped")) }
            }
            for o in returned { work.append(("refund \(o.ref)", o.id, "/complete")) }
            var reportedFailed: [String: Int] = [:]
            var confirmed: Set<String> = []
            for w in work {
                for _ in 0..<3 {
                    try disk.fill(leaving: Int.random(in: 0...12_000, using: &rng))
                    let r = try await JomProcess.run(["--store", store, "-c", w.line], environment: sandbox.jomEnvironment, home: home.path)
                    disk.empty()
                    if r.status == 0 || r.status == 75 {
                        confirmed.insert(w.line)
                        break
                    }
                    #expect(r.status == 1, "seed \(seed): \(w.line): \(r.all)")
                    #expect(!r.stderr.contains("internal error"), "seed \(seed): \(r.all)")
                    reportedFailed[w.line, default: 0] += 1
                    // Reading goes on, whatever the disk.
                    try disk.fill(leaving: 0)
                    let read = try await JomProcess.run(
                        ["--store", store, "-c", "show", "-c", "open \(w.id)"], environment: sandbox.jomEnvironment,
                        home: home.path)
                    disk.empty()
                    #expect(read.status == 0, "seed \(seed): reading on a full disk: \(read.all)")
                }
            }
            // Room again: whatever is queued goes out.
            let drain = try await JomProcess.run(["--store", store, "-c", "download", "-c", "status"], environment: sandbox.jomEnvironment, home: home.path)
            #expect(drain.status == 0, "seed \(seed): \(drain.all)")
            #expect(drain.stdout.contains("nothing waiting for Jet"), "seed \(seed): \(drain.stdout)")
            #expect(!drain.stdout.contains("closed at Jet"), "every answer jom sent is in its order's file: \(drain.stdout)")
            let ledger = await sandbox.appliedLedger()
            for w in work where !w.path.isEmpty {
                let calls = ledger.filter { $0.path.contains(w.id) && $0.path.hasSuffix(w.path) || w.path == "/complete" && $0.body.contains(w.id) }
                if confirmed.contains(w.line) {
                    #expect(calls.count == 1, "seed \(seed): \(w.line) was confirmed and must reach Jet once: \(calls.count)")
                } else {
                    #expect(calls.isEmpty, "seed \(seed): \(w.line) was reported failed every time but reached Jet")
                }
            }
            // Notes: none doubled.
            for (i, o) in ready.enumerated() {
                let open = try await JomProcess.run(["--store", store, "-c", "open \(o.ref)"], environment: sandbox.jomEnvironment, home: home.path)
                let n = open.stdout.components(separatedBy: "packed by hand (\(i))").count - 1
                if confirmed.contains("note \(o.ref) packed by hand (\(i))") { #expect(n == 1, "seed \(seed): \(o.ref)") }
                #expect(n <= 1, "seed \(seed): note doubled on \(o.ref): \(open.stdout)")
            }
            print(
                "full-disk test (seed \(seed)): \(work.count) actions, \(reportedFailed.values.reduce(0, +)) failed attempts, \(confirmed.count) confirmed, \(ledger.count) calls at Jet"
            )
        }
    }
}
