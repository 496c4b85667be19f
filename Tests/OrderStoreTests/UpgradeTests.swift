import Foundation
import JetWire
import OrderDesk
import OrderStore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A store written by the previous jom (format 1: one file per order) is upgraded when first opened, and an
/// upgrade cut short at any moment starts again or completes without losing an order.
@Suite struct UpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/format1-store").path

    /// A copy of the store the previous jom left after a day's work against the sandbox.
    func copyOfFixture(_ dir: TemporaryDirectory) throws -> String {
        let store = dir.file("store")
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: store)
        return store
    }

    /// The old order files as JSON objects, by Jet id.
    func legacyOrders(_ store: String) throws -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for p in try FileManager.default.subpathsOfDirectory(atPath: store + "/orders") where p.hasSuffix(".json") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store + "/orders/" + p))) as? [String: Any])
            let order = try #require(object["order"] as? [String: Any])
            out[try #require(order["merchantOrderID"] as? String)] = object
        }
        return out
    }

    @Test func theStoreThePreviousJomLeftIsUpgradedWithEveryOrderNoteAndAction() throws {
        let dir = TemporaryDirectory()
        let path = try copyOfFixture(dir)
        let before = try legacyOrders(path)
        #expect(before.count == 14)
        let outboxBefore = try String(contentsOfFile: path + "/outbox.jsonl", encoding: .utf8)
        var notices: [String] = []
        let store = try OrderStore(path: path) { notices.append($0) }
        #expect(notices.contains { $0.contains("upgrading the store") }, "\(notices)")
        #expect(store.orderCount == 14)
        for (id, old) in before {
            let r = try #require(try store.record(id))
            #expect(r.notes.count == (old["notes"] as? [Any])?.count, "notes of \(id)")
            #expect(r.actions.count == (old["actions"] as? [Any])?.count, "actions of \(id)")
            #expect(r.history.count == (old["history"] as? [Any])?.count, "history of \(id)")
        }
        #expect(store.find("gift wrap").count == 1)
        #expect(store.summaries(in: [.shipped]).count == 1)
        #expect(store.summaries(in: [.cancelled]).count == 1)
        #expect(store.summaries(in: [.returnAccepted]).count == 1)
        // The marker says the new format; the old files are gone; the outbox and settings are as they were.
        let marker = try String(contentsOfFile: path + "/store.json", encoding: .utf8)
        #expect(marker.contains(#""jom-store" : 2"#), "\(marker)")
        #expect(marker.contains("sandbox"), "the store still belongs to the sandbox: \(marker)")
        let left = try FileManager.default.contentsOfDirectory(atPath: path + "/orders")
        #expect(left.allSatisfy { $0.hasSuffix(".jsonl") }, "\(left)")
        #expect(try String(contentsOfFile: path + "/outbox.jsonl", encoding: .utf8) == outboxBefore)
        #expect(try store.loadSettings().shipFromZip == "07030")
        // Opened again: nothing more to do.
        notices = []
        let again = try OrderStore(path: path) { notices.append($0) }
        #expect(notices.isEmpty, "\(notices)")
        #expect(again.orderCount == 14)
    }

    @Test func aDryRunDoesNotUpgradeButSaysHow() throws {
        let dir = TemporaryDirectory()
        let path = try copyOfFixture(dir)
        #expect {
            _ = try OrderStore(path: path, readOnly: true)
        } throws: { error in
            let e = error as! StoreError
            return e.summary.contains("older jom") && (e.remedy ?? "").contains("without --dry-run")
        }
        #expect(try legacyOrders(path).count == 14, "nothing changed")
    }

    @Test func anUpgradeKilledAtAnyMomentStartsAgainAndNeverLosesAnOrder() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("store")
        let count = 3000
        let records = (1...count).map { i -> OrderRecord in
            var r = Sample.record(i, status: i % 3 == 0 ? .complete : .ready)
            r.notes = [Note(at: Sample.t0, by: "ada", text: "kept \(i)")]
            return r
        }
        try OrderStore.writeFormat1Store(at: path, records: records)
        // How long a whole upgrade takes here, on a copy: the kills below fall within it.
        try FileManager.default.copyItem(atPath: path, toPath: dir.file("copy"))
        try FileManager.default.copyItem(atPath: path, toPath: dir.file("pristine"))
        let clock = ContinuousClock()
        let started = clock.now
        let whole = try await JomProcess.run(["--store", dir.file("copy"), "-c", "status"], home: dir.path)
        #expect(whole.status == 0, "\(whole.all)")
        let seconds = Double((clock.now - started).components.attoseconds) / 1e18 + Double((clock.now - started).components.seconds)
        var rng = SystemRandomNumberGenerator()
        var killedMidUpgrade = 0, attempts = 0
        let wanted = longTests ? 20 : 4
        // Kills fall at random before `latest`, which shrinks whenever a run got past the upgrade (the run's
        // start and its `status` take part of the time measured).
        var latest = seconds
        while killedMidUpgrade < wanted, attempts < wanted * 10 {
            attempts += 1
            let outcome = try await Killer.run(
                ["--store", path, "-c", "status"], environment: JomProcess.environment([:], home: dir.path),
                killAfter: latest * Double.random(in: 0.1...1, using: &rng))
            // Wherever it was cut, the store is one format or the other, whole: every old order file is there
            // until the marker says the new format.
            let marker = try String(contentsOfFile: path + "/store.json", encoding: .utf8)
            if marker.contains(#""jom-store": 1"#) || marker.contains(#""jom-store" : 1"#) {
                let files = try FileManager.default.subpathsOfDirectory(atPath: path + "/orders").filter { $0.hasSuffix(".json") }
                #expect(files.count == count, "every old order file is still there")
                if outcome.killed { killedMidUpgrade += 1 }
            } else {
                latest *= 0.7
                // Upgraded (perhaps by this run, perhaps cut short after): whole, then back to the old store.
                let store = try OrderStore(path: path)
                #expect(store.orderCount == count)
                #expect(store.find("kept 1234").count == 1)
                try FileManager.default.removeItem(atPath: path)
                try FileManager.default.copyItem(atPath: dir.file("pristine"), toPath: path)
            }
        }
        #expect(killedMidUpgrade >= wanted, "killed \(killedMidUpgrade) times in the middle of an upgrade, in \(attempts) runs")
        print(
            "upgrade test: \(killedMidUpgrade) kills in the middle of upgrading \(count) orders, \(attempts) runs (a whole upgrade took \(String(format: "%.2f", seconds)) s)"
        )
        let finished = try await JomProcess.run(["--store", path, "-c", "status"], home: dir.path)
        #expect(finished.status == 0, "\(finished.all)")
        let store = try OrderStore(path: path)
        #expect(store.orderCount == count)
        for i in [1, 2, 1500, 2999, 3000] {
            #expect(try store.record(Sample.record(i).id)?.notes.map(\.text) == ["kept \(i)"])
        }
        #expect(store.find("kept 2999").count == 1)
        #expect(store.summaries(in: [.new]).count == count - count / 3)
    }
}

/// Long lists come from the store a page at a time, newest first, with the log's changes in their places.
@Suite struct StreamingOrderTests {
    @Test func pagesOfTheNewestFirstStreamAreEveryOrderOnceInOrder() throws {
        let dir = TemporaryDirectory()
        let store = try OrderStore(path: dir.file("s"))
        // Most orders arrive in bulk (the base index); some later one by one (the log), some change after.
        var records = (1...700).map { Sample.record($0, status: $0 % 5 == 0 ? .complete : .ready) }
        for i in records.indices where i % 3 == 0 {
            records[i].order.readyAt = Sample.t0.addingTimeInterval(Double(-(i * 7919 % 700) * 3600))  // arrivals out of file order
        }
        try store.bulkWrite { (bulk: BulkWrite) throws(StoreError) in
            for r in records[..<600] { try bulk.add(PreparedRecord.prepare(r, with: PreparedRecord.encoder()), replacing: false) }
        }
        try store.transaction { () throws(StoreError) in try store.save(Array(records[600...]), new: records[600...].map(\.id)) }
        for i in [3, 333, 650] {
            try store.update(records[i].id) { r throws(StoreError) in r.order.status = .acknowledged }
        }
        func drained(_ stages: Set<OrderStage>?, excluding: Set<String>, page: Int) -> [OrderSummary] {
            let cursor = store.newestFirst(in: stages, excluding: excluding)
            var out: [OrderSummary] = []
            while true {
                let p = cursor.next(max: page)
                if p.isEmpty { return out }
                #expect(p.count <= page)
                out += p
            }
        }
        let expected = store.summaries(in: nil).sorted(by: newestFirstOrder)
        #expect(expected.count == 700)
        for page in [1, 7, 64, 1000] {
            #expect(drained(nil, excluding: [], page: page).map(\.merchantOrderID) == expected.map(\.merchantOrderID), "pages of \(page)")
        }
        let skip = Set(expected.prefix(50).map(\.merchantOrderID))
        #expect(
            drained([.shipped, .approved], excluding: skip, page: 13).map(\.merchantOrderID)
                == expected.filter { [.shipped, .approved].contains($0.stage) && !skip.contains($0.merchantOrderID) }.map(\.merchantOrderID))
        // After the log is folded into the base, the same.
        try store.transaction { () throws(StoreError) in try store.compactIndex() }
        #expect(drained(nil, excluding: [], page: 100).map(\.merchantOrderID) == expected.map(\.merchantOrderID))
        #expect(try OrderStore(path: dir.file("s")).summaries(in: [.approved]).count == 3)
    }
}
