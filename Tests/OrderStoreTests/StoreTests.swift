import Foundation
import JetWire
import OrderDesk
import OrderStore
import TestSupport
import Testing

@Suite struct StoreTests {
    func open(_ dir: TemporaryDirectory) throws -> OrderStore {
        try OrderStore(path: dir.file("store"))
    }

    @Test func writesReadsListsAndFinds() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        let records = (1...40).map { Sample.record($0, status: $0 % 4 == 0 ? .acknowledged : .ready) }
        try store.transaction { () throws(StoreError) in try store.save(records, new: records.map(\.id)) }
        #expect(store.orderCount == 40)
        #expect(try store.record(records[3].id) == records[3])
        #expect(store.summaries(in: [.new]).count == 30)
        #expect(store.summaries(in: [.approved]).count == 10)
        #expect(store.summaries(in: nil).count == 40)
        #expect(store.find("BUYER 17").map(\.merchantOrderID) == [records[16].id])
        #expect(store.find("thing number 3").count == 6)
        #expect(store.find("austin").count == 20)
        #expect(store.find("no such text").isEmpty)
        #expect(store.matching(prefix: "800000000017", limit: 20).map(\.merchantOrderID) == [records[16].id])
        #expect(store.matching(prefix: "8000000000", limit: 20).count == 20)
        #expect(store.matching(prefix: String(records[5].id.prefix(8)), limit: 20).count == 1)

        // A second session sees it all from the files.
        let again = try open(dir)
        #expect(again.orderCount == 40)
        #expect(again.find("buyer 17").count == 1)
        #expect(again.summaries(in: [.approved]).count == 10)
    }

    @Test func findMatchesWithinOneFieldOnlyAndHandlesQuotesAndUnicode() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        var r = Sample.record(1, buyer: "Chloé \"Quotes\" O'Brien")
        r.notes.append(Note(at: Sample.t0, by: "ada", text: "wants gift wrap; back\\slash"))
        try store.transaction { () throws(StoreError) in try store.save([r, Sample.record(2)], new: [r.id]) }
        #expect(store.find("chloé").count == 1)
        #expect(store.find("\"quotes\"").count == 1)
        #expect(store.find("o'brien").count == 1)
        #expect(store.find("GIFT WRAP").count == 1)
        #expect(store.find("back\\slash").count == 1)
        // The buyer name and the street are separate fields: text spanning them matches nothing.
        #expect(store.find("o'brien 1 main").isEmpty)
    }

    @Test func updatesSupersedeAndSurviveARewriteOfTheIndex() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        let records = (1...10).map { Sample.record($0) }
        try store.transaction { () throws(StoreError) in try store.save(records, new: records.map(\.id)) }
        try store.update(records[0].id) { r throws(StoreError) in
            r.order.status = .acknowledged
            r.notes.append(Note(at: Sample.t0, by: "ada", text: "rush"))
        }
        #expect(store.find("rush").count == 1)
        #expect(store.summaries(in: [.approved]).count == 1)
        #expect(store.summaries(in: [.new]).count == 9)
        try store.rebuildIndex()
        #expect(store.find("rush").count == 1)
        #expect(store.summaries(in: [.new]).count == 9)
        #expect(store.orderCount == 10)
    }

    @Test func twoSessionsOnOneStoreLoseNothing() async throws {
        let dir = TemporaryDirectory()
        let a = try open(dir)
        let b = try open(dir)
        let base = Sample.record(1)
        try a.transaction { () throws(StoreError) in try a.save([base], new: [base.id]) }
        try b.refresh()
        #expect(b.orderCount == 1)
        // Both add notes to the same order at the same time; each re-reads under the lock, so both notes stay.
        let group = DispatchGroup()
        let errors = ErrorBox()
        for (store, who) in [(a, "ada"), (b, "bob")] {
            nonisolated(unsafe) let s = store
            group.enter()
            Thread.detachNewThread {
                for i in 0..<25 {
                    do {
                        try s.update(base.id) { r throws(StoreError) in r.notes.append(Note(at: Sample.t0, by: who, text: "\(who) \(i)")) }
                    } catch { errors.add(error) }
                }
                group.leave()
            }
        }
        // Wait off Swift's cooperative threads (other tests' sandboxes need them).
        await withCheckedContinuation { c in
            Thread.detachNewThread {
                group.wait(); c.resume()
            }
        }
        #expect(errors.all.isEmpty)
        let final = try #require(try open(dir).record(base.id))
        #expect(final.notes.count == 50)
        #expect(Set(final.notes.map(\.text)).count == 50)
        try a.refresh()
        #expect(a.find("bob 24").count == 1)
    }

    /// The index files as they are now, to put back later: the state a crash leaves when records were
    /// appended but their index lines were not.
    func indexFiles(_ dir: TemporaryDirectory) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in ["index.jsonl", "index-log.jsonl", "index-hot.jsonl"] {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: dir.file("store/\(name)")))
        }
        return out
    }

    func restore(_ files: [String: Data], _ dir: TemporaryDirectory) throws {
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: dir.file("store/\(name)"))) }
    }

    @Test func recordsWrittenButNotIndexedAreIndexedAtTheNextOpen() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        let r = Sample.record(7)
        try store.transaction { () throws(StoreError) in try store.save([r], new: [r.id]) }
        let before = try indexFiles(dir)
        // Then a note and a new order: records appended, index lines too...
        try store.update(r.id) { rec throws(StoreError) in rec.notes.append(Note(at: Sample.t0, by: "ada", text: "written before the crash")) }
        let other = Sample.record(8)
        try store.transaction { () throws(StoreError) in try store.save([other], new: [other.id]) }
        // ...but the crash came before the index lines reached the disk.
        try restore(before, dir)
        #expect(try open(dir).orderCount == 2, "the new order is counted again")
        let reopened = try open(dir)
        #expect(try reopened.record(r.id)?.notes.map(\.text) == ["written before the crash"])
        #expect(reopened.find("written before the crash").map(\.merchantOrderID) == [r.id])
        #expect(reopened.summary(of: other.id) != nil)
    }

    @Test func aTornRecordOrIndexLineIsCutOffAndLaterWritesAreWhole() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        let r = Sample.record(7)
        try store.transaction { () throws(StoreError) in try store.save([r], new: [r.id]) }
        let segment = try #require(store.recordPlace(for: r.id)).file
        for (file, torn) in [(segment, #"{"id":"\#(r.id)","format":1,"ord"#), (dir.file("store/index-log.jsonl"), #"["new",17958"#)] {
            let handle = try #require(FileHandle(forWritingAtPath: file))
            handle.seekToEndOfFile()
            handle.write(Data(torn.utf8))
            try handle.close()
        }
        let reopened = try open(dir)
        #expect(reopened.summary(of: r.id)?.stage == .new)
        try reopened.update(r.id) { rec throws(StoreError) in rec.notes.append(Note(at: Sample.t0, by: "ada", text: "after repair")) }
        let again = try open(dir)
        #expect(again.find("after repair").count == 1)
        #expect(try again.record(r.id)?.notes.count == 1)
        // Every line of the segment is whole JSON now.
        for line in try String(contentsOfFile: segment, encoding: .utf8).split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
        }
    }

    @Test func aMissingOrDamagedIndexIsRebuilt() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        let records = (1...5).map { Sample.record($0) }
        try store.transaction { () throws(StoreError) in try store.save(records, new: records.map(\.id)) }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir.file("store/index.jsonl")))
        var notices: [String] = []
        let rebuilt = try OrderStore(path: dir.file("store")) { notices.append($0) }
        #expect(rebuilt.orderCount == 5)
        #expect(rebuilt.find("buyer 3").count == 1)
        #expect(notices.contains { $0.contains("rebuilding") })
        try FileManager.default.removeItem(atPath: dir.file("store/index.jsonl"))
        try FileManager.default.removeItem(atPath: dir.file("store/index-log.jsonl"))
        #expect(try open(dir).orderCount == 5)
    }

    /// Overwrites an order's record line in place (same length, so no other line moves).
    func damage(_ store: OrderStore, _ id: String, _ change: (String) -> String) throws -> String {
        let place = try #require(store.recordPlace(for: id))
        var data = try Data(contentsOf: URL(fileURLWithPath: place.file))
        let line = String(decoding: data[place.offset..<(place.offset + place.length)], as: UTF8.self)
        let damaged = Array(change(line).utf8)
        #expect(damaged.count == place.length)
        data.replaceSubrange(place.offset..<(place.offset + place.length), with: damaged)
        try data.write(to: URL(fileURLWithPath: place.file))
        return place.file
    }

    @Test func aDamagedRecordIsNamedNeverSilentlyDropped() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        let r = Sample.record(3)
        try store.transaction { () throws(StoreError) in try store.save([r, Sample.record(4)], new: [r.id]) }
        let file = try damage(store, r.id) { String($0.prefix($0.count / 2)) + String(repeating: " ", count: $0.count - $0.count / 2) }
        #expect {
            _ = try store.record(r.id)
        } throws: { error in
            let e = error as! StoreError
            return e.summary.contains(file) && e.summary.contains("damaged") && (e.remedy ?? "").contains("fix that line of \(file)")
                && e.damagedOrderID == r.id
        }
        #expect(try store.record(Sample.record(4).id) != nil, "the other orders in the file are unaffected")
        _ = try damage(store, r.id) { _ in String(repeating: "x", count: try! #require(store.recordPlace(for: r.id)).length) }
        #expect(throws: StoreError.self) { _ = try store.record(r.id) }
        let fresh = TemporaryDirectory()
        let s2 = try OrderStore(path: fresh.file("store"))
        try s2.transaction { () throws(StoreError) in try s2.save([r], new: [r.id]) }
        _ = try damage(s2, r.id) { $0.replacingOccurrences(of: #""format":1"#, with: #""format":9"#) }
        #expect {
            _ = try s2.record(r.id)
        } throws: { ($0 as! StoreError).summary.contains("newer jom") }
    }

    @Test func aStoreFromANewerJomOrAStrangeDirectoryIsRefused() throws {
        let dir = TemporaryDirectory()
        _ = try open(dir)
        try Data(#"{"jom-store":99}"#.utf8).write(to: URL(fileURLWithPath: dir.file("store/store.json")))
        #expect { _ = try open(dir) } throws: { ($0 as! StoreError).summary.contains("newer jom (format 99") }
        let other = TemporaryDirectory()
        _ = try other.write("photos/cat.jpg", "meow")
        #expect {
            _ = try OrderStore(path: other.file("photos"))
        } throws: { ($0 as! StoreError).summary.contains("is not a jom store") }
    }

    @Test func damagedSettingsSayWhichFile() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: dir.file("store/settings.json")))
        #expect {
            _ = try store.loadSettings()
        } throws: { ($0 as! StoreError).summary.contains("settings.json") }
    }

    @Test func filesAreReadableOnlyByTheOwner() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir)
        let r = Sample.record(1)
        try store.transaction { () throws(StoreError) in try store.save([r], new: [r.id]) }
        #expect(fileMode(dir.file("store")) == 0o700)
        for p in [
            try #require(store.recordPlace(for: r.id)).file, dir.file("store/index-log.jsonl"), dir.file("store/index.jsonl"),
            dir.file("store/index-hot.jsonl"), dir.file("store/store.json"),
        ] {
            #expect(fileMode(p).map { $0 & 0o077 } == 0, "\(p)")
        }
    }

    @Test func aReadOnlyStoreChangesNothingOnDiskAndRefusesWrites() throws {
        let dir = TemporaryDirectory()
        let real = try open(dir)
        let r = Sample.record(1)
        try real.transaction { () throws(StoreError) in try real.save([r], new: [r.id]) }
        let before = try StoreFiles.snapshot(withLocks: true, dir.file("store"))
        let readOnly = try OrderStore(path: dir.file("store"), readOnly: true)
        #expect(try readOnly.record(r.id) == r)
        #expect(throws: StoreError.self) {
            try readOnly.transaction { () throws(StoreError) in try readOnly.save([r], new: []) }
        }
        #expect(try StoreFiles.snapshot(withLocks: true, dir.file("store")) == before)
        #expect(throws: StoreError.self) { try OrderStore(path: dir.file("nothing-here"), readOnly: true) }
    }
}

@Suite struct OutboxTests {
    func action(_ r: OrderRecord) throws -> OrderAction {
        var s = Settings()
        s.shipFromZip = "07030"
        return try Rules.approve(r, Rules.Context(now: Sample.t0, by: "ada", settings: s))
    }

    @Test func queuedDeliveredRefused() throws {
        let dir = TemporaryDirectory()
        let store = try OrderStore(path: dir.file("s"))
        let r1 = Sample.record(1), r2 = Sample.record(2)
        let a1 = try action(r1), a2 = try action(r2)
        try store.transaction { () throws(StoreError) in try store.queue([a1, a2]) }
        #expect(store.pendingActions.map(\.action.id) == [a1.id, a2.id])
        try store.noteAttempt(a1, at: Sample.t0, error: "unreachable", next: Sample.t0.addingTimeInterval(5))
        #expect(store.pendingActions.first?.attempts == 1)
        try store.markDelivered(a1, at: Sample.t0)
        try store.markRefused(a2, at: Sample.t0, reason: "not in a valid state")
        #expect(store.pendingActions.isEmpty)
        #expect(store.refusals.map(\.reason) == ["not in a valid state"])
        let again = try OrderStore(path: dir.file("s"))
        #expect(again.pendingActions.isEmpty)
        #expect(again.refusals.count == 1)
    }

    @Test func anActionInTheOutboxButNotYetInItsOrderFileIsRestored() throws {
        let dir = TemporaryDirectory()
        let store = try OrderStore(path: dir.file("s"))
        let r = Sample.record(1)
        try store.transaction { () throws(StoreError) in try store.save([r], new: [r.id]) }
        let a = try action(r)
        // The crash came after the outbox was synced, before the order file was written.
        try store.transaction { () throws(StoreError) in try store.queue([a]) }
        let reopened = try OrderStore(path: dir.file("s"))
        let restored = try #require(try reopened.record(r.id))
        #expect(restored.actions.map(\.id) == [a.id])
        #expect(restored.stage == .approved)
        #expect(restored.history.last?.event.contains("restored from the outbox") == true)
    }

    @Test func aTornOutboxLineIsCutNotFatal() throws {
        let dir = TemporaryDirectory()
        let store = try OrderStore(path: dir.file("s"))
        let a = try action(Sample.record(1))
        try store.transaction { () throws(StoreError) in try store.queue([a]) }
        let handle = try #require(FileHandle(forWritingAtPath: dir.file("s/outbox.jsonl")))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"op":"deliv"#.utf8))
        try handle.close()
        let reopened = try OrderStore(path: dir.file("s"))
        #expect(reopened.pendingActions.count == 1)
        try reopened.markDelivered(a, at: Sample.t0)
        #expect(try OrderStore(path: dir.file("s")).pendingActions.isEmpty)
    }

    @Test func aDamagedOutboxLineStopsTheStoreWithTheFileNamed() throws {
        let dir = TemporaryDirectory()
        _ = try OrderStore(path: dir.file("s"))
        try Data("{\"op\":\"queued\",\"action\":42}\n".utf8).write(to: URL(fileURLWithPath: dir.file("s/outbox.jsonl")))
        #expect {
            _ = try OrderStore(path: dir.file("s"))
        } throws: { ($0 as! StoreError).summary.contains("outbox.jsonl") }
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func add(_ e: any Error) { lock.lock(); errors.append(e); lock.unlock() }
    var all: [any Error] { lock.lock(); defer { lock.unlock() }; return errors }
}

@Suite struct FindAgreesWithAPlainSearchTests {
    @Test func everyNeedleFindsExactlyTheOrdersWhoseFieldsHoldIt() throws {
        let dir = TemporaryDirectory()
        let store = try OrderStore(path: dir.file("s"))
        var records = (1...400).map { Sample.record($0) }
        records[17].notes.append(Note(at: Sample.t0, by: "ada", text: "Fragile \"glass\" – handle with care"))
        try store.transaction { () throws(StoreError) in try store.save(records, new: records.map(\.id)) }
        var rng = SystemRandomNumberGenerator()
        var needles = ["buyer 1", "thing number 3", "austin", "fragile \"glass\"", "07030", "zzz", "8000000001", "555-000-03", "–", "e"]
        for _ in 0..<150 {
            let fields = SearchText.fields(of: records.randomElement(using: &rng)!)
            let f = fields.randomElement(using: &rng)!
            let a = Int.random(in: 0..<f.count, using: &rng), n = Int.random(in: 1...min(8, f.count - a), using: &rng)
            needles.append(String(Array(f)[a..<(a + n)]))
        }
        // Many searches in one session: the first scans everything, later ones go through the gram filter.
        for needle in needles {
            let expected = Set(records.filter { r in SearchText.fields(of: r).contains { $0.contains(needle.lowercased()) } }.map(\.id))
            #expect(Set(store.find(needle).map(\.merchantOrderID)) == expected, "needle \"\(needle)\"")
        }
    }
}

/// One Unicode form for the order's text and the text searched for: every script, every way of typing it.
@Suite struct SearchNormalizationTests {
    @Test func findMatchesEveryScriptWhateverItsFormAndIgnoresInvisibleCharacters() throws {
        let dir = TemporaryDirectory()
        let store = try OrderStore(path: dir.file("store"))
        var r = Sample.record(1, buyer: "Ana\u{200B}Maria 김민준")
        r.notes.append(Note(at: Sample.t0, by: "ada", text: "客户要求礼品包装; 東京都渋谷区; ｶﾞﾗｽ 置き"))
        let nfd = "\u{1100}\u{1175}\u{11B7}"  // 김 typed as its jamo (decomposed)
        try store.transaction { () throws(StoreError) in try store.save([r, Sample.record(2)], new: [r.id]) }
        func check(_ s: OrderStore) {
            for needle in ["礼品", "東京都", "김민준", "\(nfd)민준", "anamaria", "ANAMARIA", "ana\u{200D}maria", "ガラス", "ｶﾞﾗｽ"] {
                #expect(s.find(SearchText.normalized(needle)).map(\.merchantOrderID) == [r.id], "\(needle)")
            }
        }
        check(store)
        // From the base too (after the index is folded), as another process reads it.
        try store.compactIndex()
        check(try OrderStore(path: dir.file("store")))
    }
}
