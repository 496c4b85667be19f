// OrderStore: the JSON store on disk, the desk's OrderRepository. It owns the store's files (orders, index,
// outbox journal, settings, locks), atomic and durable writes, and repairs after a crash. It must not know
// Jet, HTTP, the shell, or what an action means beyond recording it.
import Foundation
import OrderDesk

/// The JSON store: a directory of files a person can read.
///
///     store.json          format marker
///     settings.json       the operator's settings
///     downloads.json      when downloads last ran and what they brought
///     orders/xx/ID.json   one file per order: Jet's view, our actions, notes, history
///     index.jsonl         one line per order: summary + search text (a copy, rebuilt when in doubt)
///     index-log.jsonl     index lines appended since index.jsonl was written
///     outbox.jsonl        actions for Jet: queued, then delivered or refused
///     history             the shell's command history (libedit's format)
///     lock                taken briefly by every write, so two sessions can share the store
///     send.lock           held by the process delivering the outbox (it writes its name there)
///
/// Every write is atomic and durable. Not thread-safe: one owner per process (the desk). The desk's
/// ``OrderRepository``; it knows nothing of Jet or of the shell.
public final class OrderStore: OrderRepository {
    public static let format = 1

    public let path: String
    /// Opened only to read (a dry run lays an overlay over it): nothing is created or repaired.
    public let readOnly: Bool
    let index: OrderIndex
    let files: OrderFiles
    let outbox: OutboxJournal
    let lock: FileLock
    public let sendLock: any SendLock
    private var settingsCache: (stamp: FileIO.Stamp, settings: Settings)?

    public var historyPath: String { path + "/history" }
    public var invoicesPath: String { path + "/invoices" }
    public var sandboxStatePath: String { path + "/sandbox.json" }
    var settingsPath: String { path + "/settings.json" }
    var downloadsPath: String { path + "/downloads.json" }

    /// Opens (creating when new) the store at `path`. Repairs what a crash left behind: pending index lines are
    /// rebuilt from order files, a missing or damaged index is rebuilt, actions in the outbox that an order file
    /// does not show yet are written into it. `progress` hears about long repairs. `readOnly` opens an existing
    /// store without creating or repairing anything (for a dry run).
    public init(path: String, readOnly: Bool = false, progress: (String) -> Void = { _ in }) throws(StoreError) {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        self.path = p
        self.readOnly = readOnly
        self.index = OrderIndex(basePath: p + "/index.jsonl", logPath: p + "/index-log.jsonl")
        self.files = OrderFiles(root: p + "/orders")
        self.outbox = OutboxJournal(path: p + "/outbox.jsonl")
        self.lock = FileLock(path: p + "/lock")
        self.sendLock = FileSendLock(path: p + "/send.lock")
        try prepareDirectory()
        if readOnly {
            try openIndex(progress: progress, underLock: false)
            try outbox.refresh()
            return
        }
        try lock.withLock { () throws(StoreError) in
            try openIndex(progress: progress, underLock: true)
            try outbox.refresh()
            try recoverPending()
            try reconcileOutbox()
        }
    }

    private func openIndex(progress: (String) -> Void, underLock: Bool) throws(StoreError) {
        do throws(StoreError) {
            try index.load()
            // Opened under the lock, so no other process is appending: half a line at the end means lines may be
            // missing too (a crash, or a damaged file). The order files are the truth: read them again.
            if underLock, index.tornTail {
                throw StoreError("the order index log \(index.logPath) ends in the middle of a line")
            }
        } catch {
            if FileIO.stamp(index.basePath) != .missing || !files.allPaths().isEmpty {
                progress("the order index needs rebuilding (\(error.summary)); reading the order files…")
            }
            try rebuildIndex(progress: progress)
        }
    }

    private func prepareDirectory() throws(StoreError) {
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
                throw StoreError("the store \(path) was written by a newer jom (format \(m.format); this jom reads \(Self.format))",
                                 remedy: "use the newer jom for this store")
            }
        } else {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []  // Unlistable: treated as empty.
            // A crash while the store was being created can leave the lock and a temporary marker behind.
            guard entries.allSatisfy({ $0.hasPrefix(".") || $0 == "lock" || $0.hasPrefix("store.json.tmp-") }) else {
                throw StoreError("\(path) is not a jom store (it has no store.json) and is not empty",
                                 remedy: "choose an empty or new directory with --store")
            }
            guard !readOnly else { return }
            try writeMarker(StoreMarker(format: Self.format, created: ISO8601DateFormatter().string(from: Date()), marketplace: nil))
        }
        if !readOnly { try FileIO.makeDirectory(files.root) }
    }

    private func makeDirectories(_ p: String) throws(StoreError) {
        let parent = (p as NSString).deletingLastPathComponent
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

    /// One order, read from its file.
    public func record(_ id: String) throws(StoreError) -> OrderRecord? {
        try files.read(id)
    }

    /// Where an order's file is.
    public func filePath(for id: String) -> String { files.path(for: id) }

    public var orderCount: Int { index.count }

    public func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] {
        index.summaries(in: stages)
    }

    public func active() -> [OrderSummary] { index.active() }

    public func openAtJet() -> [OrderSummary] { index.openAtJet() }

    public func find(_ text: String) -> [OrderSummary] { index.find(text) }

    public func received(since date: Date) -> [OrderSummary] { index.received(since: date) }

    public func summary(of id: String) -> OrderSummary? { index.summary(of: id) }

    public func matching(prefix: String, limit: Int) -> [OrderSummary] {
        index.matching(prefix, limit: limit)
    }

    /// Builds the id directory and the find filter now (a session does this in the background after its first prompt).
    public func warmUp() {
        _ = index.ids()
        index.buildGramFilter()
    }

    // MARK: writing

    /// Runs `body` holding the store's lock, after picking up other sessions' changes.
    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try lock.withLock { () throws(StoreError) -> T in
            try refresh()
            return try body()
        }
    }

    /// Writes these orders (call inside `transaction`). Few orders: each file synced; many: one flush for all.
    /// `new` lists the ids the store did not have.
    public func save(_ records: [OrderRecord], new: [String]) throws(StoreError) {
        try save(records, new: new, compact: true)
    }

    /// `compact: false` leaves folding the index log into the base to a later `compactIndex()` (imports).
    public func save(_ records: [OrderRecord], new: [String] = [], compact: Bool) throws(StoreError) {
        guard !records.isEmpty else { return }
        try refuseWhenReadOnly()
        let entries = Self.entries(records)
        try index.appendPending(entries, new: new)
        let encoder = OrderFiles.encoder()
        if records.count <= 4 {
            for r in records {
                let p = files.path(for: r.id)
                try FileIO.makeDirectory((p as NSString).deletingLastPathComponent)
                try FileIO.atomicWrite(try files.encode(r, with: encoder), to: p)
            }
        } else {
            try writeMany(records)
        }
        try index.appendDone(records.map(\.id))
        index.markAdded(new)
        index.apply(entries)
        if compact { try compactIndex() }
    }

    /// Folds the index log into the base once it is large.
    public func compactIndex() throws(StoreError) {
        if !readOnly, index.logSize > 4 << 20 { try index.rewriteBase() }
    }

    private func refuseWhenReadOnly() throws(StoreError) {
        if readOnly { throw StoreError("the store \(path) was opened only to read", remedy: "run without --dry-run to change it") }
    }

    /// Index entries for records; many are built on every core.
    static func entries(_ records: [OrderRecord]) -> [OrderIndex.Entry] {
        @Sendable func entry(_ r: OrderRecord) -> OrderIndex.Entry { OrderIndex.Entry(summary: OrderSummary(r), search: IndexLine.searchText(r)) }
        guard records.count > 256 else { return records.map(entry) }
        // Each slot is written by exactly one iteration, and read only after all iterations end.
        nonisolated(unsafe) let out = UnsafeMutableBufferPointer<OrderIndex.Entry?>.allocate(capacity: records.count)
        out.initialize(repeating: nil)
        defer { out.deallocate() }
        let ways = ProcessInfo.processInfo.activeProcessorCount * 2
        DispatchQueue.concurrentPerform(iterations: ways) { w in
            var i = w
            while i < records.count {
                out[i] = entry(records[i])
                i += ways
            }
        }
        return out.map { $0! }
    }

    /// Many order files with one flush: temporary files, flush, renames, flush.
    private func writeMany(_ records: [OrderRecord]) throws(StoreError) {
        let files = self.files
        let shards = Set(records.map { files.shard(for: $0.id) })
        for s in shards { try FileIO.makeDirectory("\(files.root)/\(s)") }
        let pid = getpid()
        // Encoding is the slow part: spread it over the cores.
        // Each index is written by exactly one iteration, and read only after all iterations end.
        nonisolated(unsafe) let encoded = UnsafeMutableBufferPointer<Data?>.allocate(capacity: records.count)
        encoded.initialize(repeating: nil)
        defer { encoded.deallocate() }
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 2, records.count / 64 + 1))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let encoder = OrderFiles.encoder()
            var i = chunk
            while i < records.count {
                encoded[i] = try? files.encode(records[i], with: encoder)  // A nil slot fails the write below, naming the order.
                i += chunks
            }
        }
        for (i, r) in records.enumerated() {
            guard let data = encoded[i] else { throw StoreError("could not encode order \(r.order.referenceOrderID) for \(files.path(for: r.id))") }
            try FileIO.writeFile(data, to: files.path(for: r.id) + ".tmp-\(pid)", sync: false)
        }
        try FileIO.syncFileSystem(containing: path)
        for r in records {
            let p = files.path(for: r.id)
            guard rename(p + ".tmp-\(pid)", p) == 0 else { throw .io("replace", p) }
        }
        try FileIO.syncFileSystem(containing: path)
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

    /// Rebuilds the index from the order files. Damaged files are reported and left out (not deleted).
    public func rebuildIndex(progress: (String) -> Void) throws(StoreError) {
        let paths = files.allPaths()
        var body = Data()
        var count = 0
        var damaged: [String] = []
        let decoder = OrderFiles.decoder()
        for (n, p) in paths.enumerated() {
            if n > 0, n % 10_000 == 0 { progress("… \(n) of \(paths.count) order files read") }
            // A file that does not decode is listed as damaged below (never deleted).
            guard let data = try FileIO.read(p), let stored = try? decoder.decode(OrderFiles.Stored.self, from: data) else {
                damaged.append(p)
                continue
            }
            let r = stored.record
            body.append(contentsOf: IndexLine.encode(OrderSummary(r), search: IndexLine.searchText(r)))
            count += 1
        }
        for p in damaged { progress("warning: \(p) could not be read and is not in the index; move it aside or restore it") }
        if readOnly {
            throw StoreError("the order index of \(path) needs rebuilding", remedy: "run jom once without --dry-run")
        }
        try index.writeBase(body, count: count, generation: index.generation + 1)
    }

    /// Re-indexes orders whose writes a crash interrupted.
    private func recoverPending() throws(StoreError) {
        let ids = Array(index.pending)
        guard !ids.isEmpty else { return }
        var records: [OrderRecord] = []
        for id in ids {
            files.removeLeftovers(for: id)
            if let r = try files.read(id) { records.append(r) }
        }
        if records.isEmpty {
            try index.appendDone(ids)
        } else {
            try save(records, new: [])
            try index.appendDone(ids)
        }
        try index.refresh()
    }

    /// Makes every order file show the actions the outbox holds for it (a crash between the two writes).
    private func reconcileOutbox() throws(StoreError) {
        var changed: [OrderRecord] = []
        for e in outbox.entries {
            guard var r = try files.read(e.action.merchantOrderID) else { continue }
            if !r.actions.contains(where: { $0.id == e.action.id }) {
                r.actions.append(e.action)
                r.history.append(HistoryEvent(at: e.action.createdAt, by: e.action.by,
                                              event: "\(e.action.kind.rawValue) recorded (restored from the outbox after an interruption)",
                                              actionID: e.action.id))
                changed.append(r)
            }
        }
        // Outcomes recorded in the outbox but not yet in the order file: only the latest few can be affected.
        for outcome in outbox.recentOutcomes.suffix(32) {
            let id = outcome.action.merchantOrderID
            var current = changed.first(where: { $0.id == id })
            if current == nil { current = try files.read(id) }
            guard var rec = current, rec.actions.contains(where: { $0.id == outcome.action.id && $0.isQueued }) else { continue }
            rec.setState(outcome.state, ofAction: outcome.action.id)
            changed.removeAll { $0.id == id }
            changed.append(rec)
        }
        if !changed.isEmpty { try save(changed, new: []) }
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
        let settings = try Self.decode(Settings.self, data, file: settingsPath,
                                       remedy: "fix the value it names (`set` lists what each setting takes), or move the file aside (mv \(settingsPath) \(settingsPath).damaged) to go back to the defaults")
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
        return try Self.decode(DownloadStatus.self, data, file: downloadsPath,
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
        return try Self.decode(StoreMarker.self, data, file: markerPath,
                               remedy: #"restore it from a backup; a marker only needs {"jom-store": 1} (add "marketplace" if you know which account the store belongs to)"#)
    }

    private func writeMarker(_ m: StoreMarker) throws(StoreError) {
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
