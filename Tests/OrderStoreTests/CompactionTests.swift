import Foundation
import JetWire
import OrderDesk
import OrderStore
import TestSupport
import Testing

/// The store's size follows its orders: old versions of records are dropped by a compaction, which a crash at
/// any moment can neither lose an order to nor leave half done.
@Suite struct CompactionTests {
    func segmentBytes(_ store: String) -> Int {
        StoreFiles.segments(store).reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    }

    /// 40 orders, each changed `rounds` times (a note each time).
    func busyStore(_ dir: TemporaryDirectory, rounds: Int) throws -> (OrderStore, [OrderRecord]) {
        let store = try OrderStore(path: dir.file("store"))
        var records = (1...40).map { Sample.record($0) }
        try store.transaction { () throws(StoreError) in try store.save(records, new: records.map(\.id)) }
        for round in 1...rounds {
            for i in records.indices {
                records[i].notes.append(Note(at: Sample.t0, by: "ada", text: "round \(round) of order \(i)"))
            }
            try store.transaction { () throws(StoreError) in try store.save(records, new: []) }
        }
        return (store, records)
    }

    @Test func compactionKeepsEveryCurrentRecordAndDropsTheOldVersions() throws {
        let dir = TemporaryDirectory()
        let (store, records) = try busyStore(dir, rounds: 20)
        let before = segmentBytes(dir.file("store"))
        let result = try #require(try store.compact(force: true))
        #expect(result.orders == 40)
        #expect(result.bytesBefore == before)
        let after = segmentBytes(dir.file("store"))
        #expect(after == result.bytesAfter)
        #expect(after * 10 < before, "20 versions of each order became one: \(before) → \(after) bytes")
        for r in records { #expect(try store.record(r.id) == r) }
        #expect(store.find("round 20 of order 7").count == 1)
        #expect(store.find("round 3 of order 7").count == 1, "every note is in the current record")
        // Another process opening the store afterwards sees the same orders, and can change them.
        let again = try OrderStore(path: dir.file("store"))
        #expect(again.orderCount == 40)
        for r in records { #expect(try again.record(r.id) == r) }
        var changed = records[0]
        changed.notes.append(Note(at: Sample.t0, by: "bob", text: "after the compaction"))
        try again.transaction { () throws(StoreError) in try again.save([changed], new: []) }
        try store.refresh()
        #expect(try store.record(changed.id) == changed)
        #expect(!FileManager.default.fileExists(atPath: dir.file("store/compact.json")))
    }

    @Test func compactionRunsByItselfOnlyWhenOldVersionsTakeMostOfTheSpace() throws {
        let dir = TemporaryDirectory()
        let (store, _) = try busyStore(dir, rounds: 1)
        #expect(try store.compact(force: false) == nil, "two versions of 40 small orders are not worth rewriting")
        let busyDir = TemporaryDirectory()
        let (busy, _) = try busyStore(busyDir, rounds: 60)
        let done = try #require(try busy.compact(force: false), "60 versions of each order are")
        #expect(done.bytesAfter * 10 < done.bytesBefore)
        #expect(try busy.compact(force: false) == nil, "and once compacted, not again at once")
    }

    @Test func aCompactionCutShortIsUndoneOrFinishedByTheNextOpening() throws {
        // Cut short before the new index: the new segments go, the old ones are the store.
        let dir = TemporaryDirectory()
        let (store, records) = try busyStore(dir, rounds: 3)
        let path = dir.file("store")
        let old = StoreFiles.segments(path)
        _ = store
        try Data(#"{"old":["000001"],"first_new":"000002"}"#.utf8).write(to: URL(fileURLWithPath: path + "/compact.json"))
        try Data(try Data(contentsOf: URL(fileURLWithPath: old[0])).prefix(1000)).write(to: URL(fileURLWithPath: path + "/orders/000002.jsonl"))
        let reopened = try OrderStore(path: path)
        #expect(StoreFiles.segments(path) == old)
        #expect(!FileManager.default.fileExists(atPath: path + "/compact.json"))
        for r in records { #expect(try reopened.record(r.id) == r) }

        // Cut short after the new index, before the old segments were removed: they go.
        try reopened.compact()
        let compacted = StoreFiles.segments(path)
        #expect(compacted.map { ($0 as NSString).lastPathComponent } == ["000002.jsonl"])
        try Data(#"{"old":["000001"],"first_new":"000002"}"#.utf8).write(to: URL(fileURLWithPath: path + "/compact.json"))
        try Data("{\"id\":\"leftover\"}\n".utf8).write(to: URL(fileURLWithPath: path + "/orders/000001.jsonl"))
        let finished = try OrderStore(path: path)
        #expect(StoreFiles.segments(path) == compacted)
        for r in records { #expect(try finished.record(r.id) == r) }
    }
}
