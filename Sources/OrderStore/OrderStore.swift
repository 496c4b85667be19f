// OrderStore: the JSON store on disk, the desk's OrderRepository. It owns the store's files (order segments,
// index, outbox journal, settings, locks), atomic and durable writes, repairs after a crash, and upgrading a
// store written by an older jom. It must not know Jet, HTTP, the shell, or what an action means beyond
// recording it.
import Foundation
import OrderDesk

/// The JSON store: a directory of files a person can read (with `jq`, `grep`, `less`).
///
///     store.json          format marker and the marketplace the store belongs to
///     settings.json       the operator's settings
///     downloads.json      when downloads last ran and what they brought
///     orders/NNNNNN.jsonl order records, one JSON object per line, appended (a change appends the whole
///                         record again; the index says which line is current)
///     index.jsonl         one line per order, in store order: summary, where its record is, search text
///     index-hot.jsonl     copies of the index lines of orders that need the operator or Jet may change
///     index-log.jsonl     index lines appended since index.jsonl was written
///     outbox.jsonl        actions for Jet: queued, then delivered or refused
///     history             the shell's command history (libedit's format)
///     lock                taken by every write, so two sessions can share the store
///     send.lock           held by the process delivering the outbox (it writes its name there)
///
/// Every write is durable before it is used: records are appended and flushed, then their index lines. Not
/// thread-safe: one owner per process (the desk). The desk's ``OrderRepository``; it knows nothing of Jet or
/// of the shell.
public final class OrderStore: OrderRepository {
    /// 2: records in segments (format 1 had one file per order; such a store is upgraded when first opened).
    public static let format = 2

    public let path: String
    /// Opened only to read (a dry run lays an overlay over it): nothing is created or repaired.
    public let readOnly: Bool
    let index: OrderIndex
    let segments: OrderSegments
    let outbox: OutboxJournal
    let lock: FileLock
    public let sendLock: any SendLock
    private var settingsCache: (stamp: FileIO.Stamp, settings: Settings)?
    var quarantineCache: (stamp: FileIO.Stamp, entries: [QuarantineEntry])?
    /// Tells about long repairs and upgrades.
    let progress: (String) -> Void

    public var historyPath: String { path + "/history" }
    public var invoicesPath: String { path + "/invoices" }
    public var sandboxStatePath: String { path + "/sandbox.json" }
    var settingsPath: String { path + "/settings.json" }
    var downloadsPath: String { path + "/downloads.json" }

    /// Opens (creating when new) the store at `path`. Upgrades a store of an older format, and repairs what a
    /// crash left behind: records written but not indexed are indexed, a missing or damaged index is rebuilt
    /// from the records, actions in the outbox that an order's record does not show yet are written into it.
    /// `progress` hears about long work. `readOnly` opens an existing store without creating or repairing
    /// anything (for a dry run).
    public init(path: String, readOnly: Bool = false, progress: @escaping (String) -> Void = { _ in }) throws(StoreError) {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        self.path = p
        self.readOnly = readOnly
        self.progress = progress
        self.index = OrderIndex(directory: p)
        self.segments = OrderSegments(root: p + "/orders")
        self.outbox = OutboxJournal(path: p + "/outbox.jsonl")
        self.lock = FileLock(path: p + "/lock")
        self.sendLock = FileSendLock(path: p + "/send.lock")
        let format = try prepareDirectory()
        try segments.checkRoot()
        if readOnly {
            guard format == Self.format else {
                throw StoreError(
                    "the store \(p) was written by an older jom (format \(format)) and must be upgraded first",
                    remedy: "run jom once without --dry-run to upgrade it")
            }
            try openIndex(underLock: false)
            try outbox.refresh()
            return
        }
        try lock.withLock { () throws(StoreError) in
            if format < Self.format { try upgrade(from: format) }
            try openIndex(underLock: true)
            try outbox.refresh()
            // Repairs write; on a full disk they wait for the next writer, and reading goes on meanwhile.
            do throws(StoreError) {
                try finishInterruptedCompaction()
                try indexUnindexedRecords(keepInMemoryOnFailure: true)
                try reconcileOutbox()
                try removeLeftovers()
            } catch {
                progress("warning: the store could not be tidied up (\(error.summary)); it can be read, and the next write tries again")
            }
        }
    }

    private func openIndex(underLock: Bool) throws(StoreError) {
        do throws(StoreError) {
            try index.load()
        } catch {
            if segments.names().isEmpty {
                // A new store: an empty index.
                if readOnly { return }
                try index.writeBase(keepBase: false)
                return
            }
            progress("the order index needs rebuilding (\(error.summary)); reading the order records…")
            try rebuildIndex()
        }
    }

    /// Checks `store.json` (creating it for a new store) and returns the store's format.
    private func prepareDirectory() throws(StoreError) -> Int {
        var st = stat()
        if stat(path, &st) != 0 {
            guard !readOnly else { throw StoreError("there is no store at \(path) to run against", remedy: "run once without --dry-run to create it") }
            try makeDirectories(path)
        } else if st.st_mode & 0o077 != 0 && !readOnly {
            chmod(path, 0o700)
        }
        let marker = markerPath
        if FileIO.stamp(marker) != .missing {
            let m = try readMarker()
            guard m.format <= Self.format else {
                throw StoreError(
                    "the store \(path) was written by a newer jom (format \(m.format); this jom reads \(Self.format))",
                    remedy: "use the newer jom for this store")
            }
            if !readOnly { try FileIO.makeDirectory(segments.root) }
            return m.format
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []  // Unlistable: treated as empty.
        // A crash while the store was being created can leave the lock, a temporary marker and an empty
        // `orders` directory behind.
        let emptyOrders = ((try? FileManager.default.contentsOfDirectory(atPath: segments.root)) ?? []).isEmpty  // Missing: nothing in it.
        guard entries.allSatisfy({ $0.hasPrefix(".") || $0 == "lock" || $0.hasPrefix("store.json.tmp-") || ($0 == "orders" && emptyOrders) }) else {
            throw StoreError(
                "\(path) is not a jom store (it has no store.json) and is not empty",
                remedy: "choose an empty or new directory with --store")
        }
        guard !readOnly else { return Self.format }
        try writeMarker(StoreMarker(format: Self.format, created: ISO8601DateFormatter().string(from: Date()), marketplace: nil))
        try FileIO.makeDirectory(segments.root)
        return Self.format
    }

    private func makeDirectories(_ p: String) throws(StoreError) {
        let parent = PathText.parent(of: p)
        if !parent.isEmpty, FileIO.stamp(parent) == .missing { try makeDirectories(parent) }
        try FileIO.makeDirectory(p, mode: 0o700)
    }

    // MARK: reading

    /// Picks up changes other sessions made (index, outbox). Cheap: a few `stat` calls when nothing changed.
    @discardableResult
    public func refresh() throws(StoreError) -> Bool {
        let changed = try index.refresh()
        try outbox.refresh()
        return changed
    }

    public var location: String { path }

    /// One order, read from its record.
    public func record(_ id: String) throws(StoreError) -> OrderRecord? {
        guard let entry = index.entry(of: id) else { return nil }
        let r: OrderRecord
        do throws(StoreError) {
            r = try segments.record(at: entry.location)
        } catch {
            var e = error
            if e.isDamagedRecord { e.damagedOrderID = id }
            throw e
        }
        guard r.id == id else {
            throw StoreError(
                "the order index of \(path) points order \(id) at the record of order \(r.id)",
                remedy: "move \(index.basePath) aside (mv \(index.basePath) \(index.basePath).damaged): jom rebuilds the index from the records")
        }
        return r
    }

    /// Where an order's record is: the segment file and the byte its line starts at.
    public func recordPlace(for id: String) -> (file: String, offset: Int, length: Int)? {
        index.entry(of: id).map { (segments.path($0.location.segment), $0.location.offset, $0.location.length) }
    }

    public var orderCount: Int { index.count }

    public func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] {
        index.summaries(in: stages)
    }

    public func active() -> [OrderSummary] { index.active() }

    public func openAtJet() -> [OrderSummary] { index.openAtJet() }

    public func find(_ text: String) -> [OrderSummary] { index.find(text) }

    public func received(since date: Date) -> [OrderSummary] { index.received(since: date) }

    public func changed(since date: Date) -> [OrderSummary] { index.changed(since: date) }

    public func summary(of id: String) -> OrderSummary? { index.summary(of: id) }

    public func matching(prefix: String, limit: Int) -> [OrderSummary] {
        index.matching(prefix, limit: limit)
    }

    public func newestFirst(in stages: Set<OrderStage>?, excluding: Set<String>) -> any SummaryCursor {
        index.newestFirst(in: stages, excluding: excluding)
    }

    /// Builds the id directory and the find filter in the background (a session does this after its first prompt).
    public func warmUp() { index.warmUp() }

    // MARK: writing

    /// Runs `body` holding the store's lock, after picking up other sessions' changes (and indexing records a
    /// writer that crashed left unindexed).
    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try lock.withLock { () throws(StoreError) -> T in
            try refresh()
            if !readOnly {
                try finishInterruptedCompaction()
                try indexUnindexedRecords()
            }
            return try body()
        }
    }

    /// Writes these orders (call inside `transaction`): their records appended and flushed, then their index
    /// lines. `new` lists the ids the store did not have.
    public func save(_ records: [OrderRecord], new: [String]) throws(StoreError) {
        guard !records.isEmpty else { return }
        try refuseWhenReadOnly()
        let lines = try Self.encode(records)
        let (locations, segment, end) = try segments.append(lines)
        let entries = Self.entries(records, at: locations)
        try index.appendBatch(entries, new: new, segment: segment, end: end)
        if index.shouldFold { try index.writeBase() }
    }

    /// Folds the index log into the base now.
    public func compactIndex() throws(StoreError) {
        try refuseWhenReadOnly()
        try index.writeBase()
    }

    func refuseWhenReadOnly() throws(StoreError) {
        if readOnly { throw StoreError("the store \(path) was opened only to read", remedy: "run without --dry-run to change it") }
    }

    /// Record lines for records; many are encoded on every core.
    static func encode(_ records: [OrderRecord]) throws(StoreError) -> [[UInt8]] {
        guard records.count > 64 else {
            let encoder = RecordLine.encoder()
            var out: [[UInt8]] = []
            for r in records { out.append(try RecordLine.encode(r, with: encoder)) }
            return out
        }
        let results = parallelMap(records) { (r: OrderRecord, encoder: JSONEncoder) -> Result<[UInt8], StoreError> in
            do throws(StoreError) { return .success(try RecordLine.encode(r, with: encoder)) } catch { return .failure(error) }
        } makeContext: {
            RecordLine.encoder()
        }
        var out: [[UInt8]] = []
        out.reserveCapacity(records.count)
        for r in results { out.append(try r.get()) }
        return out
    }

    /// Index entries for records at their locations; many are built on every core.
    static func entries(_ records: [OrderRecord], at locations: [RecordLocation]) -> [IndexEntry] {
        @Sendable func entry(_ r: OrderRecord, _ l: RecordLocation) -> IndexEntry {
            IndexEntry(summary: OrderSummary(r), search: IndexLine.searchText(r), location: l)
        }
        guard records.count > 64 else { return zip(records, locations).map(entry) }
        let pairs = Array(zip(records, locations))
        return parallelMap(pairs) { (p: (OrderRecord, RecordLocation), _: Void) in
            entry(p.0, p.1)
        } makeContext: {
            ()
        }
    }

    /// Re-reads one order, lets `change` modify it, and writes it back, all under the lock.
    @discardableResult
    public func update(_ id: String, _ change: (inout OrderRecord) throws(StoreError) -> Void) throws(StoreError) -> OrderRecord {
        try transaction { () throws(StoreError) -> OrderRecord in
            guard var r = try record(id) else { throw StoreError("order \(id) is not in the store \(path)", remedy: "run `download`") }
            let before = r
            try change(&r)
            if r != before { try save([r], new: []) }
            return r
        }
    }

    // MARK: outbox

    /// Actions waiting for Jet, oldest first.
    public var pendingActions: [OutboxEntry] { outbox.entries }

    /// Actions Jet refused recently.
    public var refusals: [Refusal] { outbox.refusals }

    /// Records actions for Jet durably (call inside `withLock`, before writing the orders that show them).
    public func queue(_ actions: [OrderAction]) throws(StoreError) {
        try refuseWhenReadOnly()
        try outbox.queue(actions)
    }

    public func markDelivered(_ action: OrderAction, at: Date) throws(StoreError) {
        try refuseWhenReadOnly()
        try outbox.delivered(action.id, at: at)
        try outbox.compactIfLarge(now: at)
    }

    public func markRefused(_ action: OrderAction, at: Date, reason: String) throws(StoreError) {
        try refuseWhenReadOnly()
        try outbox.refused(action, at: at, reason: reason)
    }

    public func noteAttempt(_ action: OrderAction, at: Date, error: String, next: Date) throws(StoreError) {
        try refuseWhenReadOnly()
        try outbox.attempt(action.id, at: at, error: error, next: next)
    }

    // MARK: repair

    /// Indexes records a writer appended but did not get to index (it crashed between the two writes, or was
    /// killed in an import): the lines past how far the index says each segment reaches. A torn last line is
    /// cut off; a whole line that cannot be read is reported and stepped over, never deleted.
    ///
    /// `keepInMemoryOnFailure`: when the index cannot be written (a full disk), the records are still indexed in
    /// this process's memory, so reading shows them; the next writer indexes them on disk.
    func indexUnindexedRecords(keepInMemoryOnFailure: Bool = false) throws(StoreError) {
        for name in segments.names() {
            let known = index.ends[name] ?? 0
            let size = segments.size(name)
            guard size > known else { continue }
            var latest: [String: (line: Data, location: RecordLocation)] = [:]
            var order: [String] = []
            let whole = try segments.forEachLine(in: name, from: known) { raw, offset throws(StoreError) in
                guard let id = RecordLine.id(raw) else {
                    progress("warning: the line at byte \(offset) of \(segments.path(name)) is not an order record; it is left as it is")
                    return
                }
                if latest[id] == nil { order.append(id) }
                latest[id] = (Data(raw), RecordLocation(segment: name, offset: offset, length: raw.count))
            }
            if whole < size { try segments.truncate(name, to: whole) }
            var records: [(OrderRecord, RecordLocation)] = []
            let decoder = RecordLine.decoder()
            for id in order {
                let (line, location) = latest[id]!
                do throws(StoreError) {
                    records.append(
                        (
                            try RecordLine.decode(
                                line, place: "byte \(location.offset) of \(segments.path(name))",
                                file: segments.path(name), decoder: decoder), location
                        ))
                } catch {
                    progress("warning: \(error.summary); it is left as it is")
                }
            }
            if !records.isEmpty {
                progress(
                    "the order index was behind \(segments.path(name)) (jom stopped while writing?): \(records.count) order\(records.count == 1 ? "" : "s") indexed again from their records"
                )
            }
            let new = records.map(\.0.id).filter { index.entry(of: $0) == nil }
            let entries = Self.entries(records.map(\.0), at: records.map(\.1))
            do throws(StoreError) {
                try index.appendBatch(entries, new: new, segment: name, end: whole)
            } catch {
                guard keepInMemoryOnFailure else { throw error }
                index.apply(entries)
                index.markAdded(new)
                throw error
            }
        }
        if index.shouldFold { try index.writeBase() }
    }

    /// Rebuilds the index from the records: the last line of each order in the segments is its current record.
    /// Lines that cannot be read are reported and left out (not deleted).
    public func rebuildIndex() throws(StoreError) {
        guard !readOnly else {
            throw StoreError("the order index of \(path) needs rebuilding", remedy: "run jom once without --dry-run")
        }
        // Where each order's last line is, segment by segment in the order they were written.
        var latest: [String: RecordLocation] = [:]
        for name in segments.names() {
            let whole = try segments.forEachLine(in: name, from: 0) { raw, offset throws(StoreError) in
                guard let id = RecordLine.id(raw) else {
                    progress("warning: the line at byte \(offset) of \(segments.path(name)) is not an order record; it is left out of the index")
                    return
                }
                latest[id] = RecordLocation(segment: name, offset: offset, length: raw.count)
            }
            if whole < segments.size(name) { try segments.truncate(name, to: whole) }
        }
        let builder = try IndexBuilder(spillPath: path + "/index-build.tmp")
        let locations = latest.values.sorted { ($0.segment, $0.offset) < ($1.segment, $1.offset) }
        latest = [:]
        var done = 0
        for chunk in stride(from: 0, to: locations.count, by: 4096).map({ Array(locations[$0..<min(locations.count, $0 + 4096)]) }) {
            var lines: [(Data, RecordLocation)] = []
            for l in chunk { lines.append((try segments.read(l), l)) }
            let decoded = parallelMap(lines) { (item: (Data, RecordLocation), decoder: JSONDecoder) -> Result<OrderRecord, StoreError> in
                do throws(StoreError) {
                    return .success(
                        try RecordLine.decode(
                            item.0, place: "byte \(item.1.offset) of \(item.1.segment).jsonl",
                            file: item.1.segment, decoder: decoder))
                } catch { return .failure(error) }
            } makeContext: {
                RecordLine.decoder()
            }
            var records: [OrderRecord] = [], at: [RecordLocation] = []
            for (i, result) in decoded.enumerated() {
                switch result {
                case .success(let r): records.append(r); at.append(chunk[i])
                case .failure(let e): progress("warning: \(e.summary); that order is left out of the index until the line is repaired")
                }
            }
            for e in Self.entries(records, at: at) { try builder.add(e) }
            done += chunk.count
            if locations.count > 20_000 { progress("… \(done) of \(locations.count) orders indexed") }
        }
        var ends: [String: Int] = [:]
        for name in segments.names() { ends[name] = segments.size(name) }
        try index.writeBase(merging: builder, ends: ends, keepBase: false)
    }

    /// Makes every order's record show the actions the outbox holds for it (a crash between the two writes).
    private func reconcileOutbox() throws(StoreError) {
        var changed: [OrderRecord] = []
        for e in outbox.entries {
            // A damaged record is left as it is (set aside when the desk meets it); the others are repaired.
            guard var r = try? record(e.action.merchantOrderID) else { continue }
            if !r.actions.contains(where: { $0.id == e.action.id }) {
                r.actions.append(e.action)
                r.history.append(
                    HistoryEvent(
                        at: e.action.createdAt, by: e.action.by,
                        event: "\(e.action.kind.rawValue) recorded (restored from the outbox after an interruption)",
                        actionID: e.action.id))
                changed.append(r)
            }
        }
        // Outcomes recorded in the outbox but not yet in the order's record: only the latest few can be affected.
        for outcome in outbox.recentOutcomes.suffix(32) {
            let id = outcome.action.merchantOrderID
            var current = changed.first(where: { $0.id == id })
            if current == nil { current = try? record(id) }  // Damaged: as above.
            guard var rec = current else { continue }
            if !rec.actions.contains(where: { $0.id == outcome.action.id }) {
                // Sent before its order's file showed it (that write failed): the file learns it now.
                var a = outcome.action
                a.state = outcome.state
                rec.actions.append(a)
                rec.history.append(
                    HistoryEvent(
                        at: a.createdAt, by: a.by,
                        event: "\(a.kind.rawValue) recorded (restored from the outbox after an interruption)", actionID: a.id))
            } else {
                guard rec.actions.contains(where: { $0.id == outcome.action.id && $0.isQueued }) else { continue }
                rec.setState(outcome.state, ofAction: outcome.action.id)
            }
            changed.removeAll { $0.id == id }
            changed.append(rec)
        }
        if !changed.isEmpty { try save(changed, new: []) }
    }

    /// Temporary files a crash left, and the order files of a store upgraded from format 1.
    private func removeLeftovers() throws(StoreError) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {  // Unlistable: nothing to remove.
            // `x.tmp-PID` of a process that is gone (a live one may be writing it), and a spill of a builder.
            if let dash = name.range(of: ".tmp-", options: .backwards), let pid = Int32(name[dash.upperBound...]),
                kill(pid, 0) != 0 && errno == ESRCH
            {
                unlink(path + "/" + name)
            } else if name == "index-build.tmp" {
                unlink(path + "/" + name)
            } else if name.hasPrefix("sandbox-"), name.hasSuffix(".sock"), let pid = Int32(name.dropFirst(8).dropLast(5)),
                kill(pid, 0) != 0 && errno == ESRCH
            {
                // The embedded sandbox's socket of a process that is gone.
                unlink(path + "/" + name)
            }
        }
        try LegacyOrderFiles(root: segments.root).removeAll()
    }

    // MARK: settings, download status, marketplace binding

    public func loadSettings() throws(StoreError) -> Settings {
        // Read again only when the file changed (every command asks, so other sessions' `set` is seen).
        let stamp = FileIO.stamp(settingsPath)
        if let cached = settingsCache, cached.stamp == stamp { return cached.settings }
        guard stamp != .missing, let data = try FileIO.read(settingsPath) else {
            settingsCache = (.missing, Settings())
            return Settings()
        }
        let settings = try Self.decode(
            Settings.self, data, file: settingsPath,
            remedy:
                "fix the value it names (`set` lists what each setting takes), or move the file aside (mv \(settingsPath) \(settingsPath).damaged) to go back to the defaults"
        )
        settingsCache = (stamp, settings)
        return settings
    }

    public func saveSettings(_ settings: Settings) throws(StoreError) {
        try refuseWhenReadOnly()
        let data = try Self.encode(settings, file: settingsPath)
        try transaction { () throws(StoreError) in try FileIO.atomicWrite(data, to: settingsPath) }
    }

    public func loadDownloadStatus() throws(StoreError) -> DownloadStatus {
        guard let data = try FileIO.read(downloadsPath) else { return DownloadStatus() }
        return try Self.decode(
            DownloadStatus.self, data, file: downloadsPath,
            remedy: "move it aside (mv \(downloadsPath) \(downloadsPath).damaged); it only records when downloads ran, and the next download writes it anew")
    }

    public func saveDownloadStatus(_ status: DownloadStatus) throws(StoreError) {
        try refuseWhenReadOnly()
        try FileIO.atomicWrite(try Self.encode(status, file: downloadsPath), to: downloadsPath)
    }

    public func loadBinding() throws(StoreError) -> MarketplaceBinding? {
        try readMarker().marketplace
    }

    public func saveBinding(_ binding: MarketplaceBinding) throws(StoreError) {
        try refuseWhenReadOnly()
        try transaction { () throws(StoreError) in
            var m = try readMarker()
            m.marketplace = binding
            try writeMarker(m)
        }
    }

    // MARK: store.json

    var markerPath: String { path + "/store.json" }

    /// `store.json`: the format, when the store was made, and the marketplace it belongs to.
    struct StoreMarker: Codable {
        var format: Int
        var created: String?
        var marketplace: MarketplaceBinding?

        enum CodingKeys: String, CodingKey { case format = "jom-store", created, marketplace }
    }

    func readMarker() throws(StoreError) -> StoreMarker {
        guard let data = try FileIO.read(markerPath) else {
            throw StoreError("the store marker \(markerPath) is missing", remedy: "point --store at the store's directory")
        }
        return try Self.decode(StoreMarker.self, data, file: markerPath, remedy: markerRemedy())
    }

    /// What to write into a damaged `store.json`, from what the store holds: its format, and the practice
    /// marketplace when the store has one (a real account's details only a person knows).
    func markerRemedy() -> String {
        let format = LegacyOrderFiles(root: segments.root).allPaths().isEmpty ? Self.format : 1
        let sandbox = FileIO.stamp(sandboxStatePath) != .missing
        let json = sandbox ? #"{"jom-store": \#(format), "marketplace": {"kind": "sandbox"}}"# : #"{"jom-store": \#(format)}"#
        let account = sandbox ? "" : #" (add "marketplace" as in the README if you know which account the store belongs to)"#
        return "restore it from a backup, or write \(json) into it\(account)"
    }

    func writeMarker(_ m: StoreMarker) throws(StoreError) {
        try FileIO.atomicWrite(try Self.encode(m, file: markerPath), to: markerPath)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, file: String, remedy: String) throws(StoreError) -> T {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        do {
            return try d.decode(T.self, from: data)
        } catch {
            throw StoreError("the file \(file) cannot be read: \(JSONProblem.describe(error, data: data))", remedy: remedy)
        }
    }

    static func encode<T: Encodable>(_ value: T, file: String) throws(StoreError) -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        do {
            var data = try e.encode(value)
            data.append(0x0A)
            return data
        } catch {
            throw StoreError("could not write \(file): \(error)")
        }
    }
}
