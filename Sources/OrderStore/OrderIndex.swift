import Foundation
import OrderDesk

/// The order index: what lists, filters, `find` and id prefixes read, so that they never open order files.
///
/// Two JSON Lines files: `index.jsonl`, a base with one line per order (rewritten now and then), and
/// `index-log.jsonl`, lines appended since. A line in the log supersedes the base's line for that order.
/// Before order files change, their ids are logged as pending; if a crash leaves them pending, the index
/// lines are rebuilt from the order files at the next start. The index is never the truth, only a copy.
final class OrderIndex {
    /// 3: lines carry "open at Jet" and the dates the report needs. An index of an older format is rebuilt
    /// from the order files.
    static let format = 3

    struct Entry {
        let summary: OrderSummary
        let search: String
    }

    let basePath: String
    let logPath: String

    private(set) var base = Data()
    private var baseStamp = FileIO.Stamp.missing
    private(set) var baseCount = 0
    private(set) var generation = 0
    private var logStamp = FileIO.Stamp.missing
    private var logOffset = 0
    /// Log entries by merchant order id: they supersede the base.
    private(set) var overrides: [String: Entry] = [:]
    /// Orders the log added that the base does not have.
    private var added = Set<String>()
    /// Ids whose order files were being written when the log was last read.
    private(set) var pending = Set<String>()
    /// The log ended in the middle of a line when last read: a write cut short, or a damaged file.
    private(set) var tornTail = false
    /// Summaries of orders in actionable stages, built on first use.
    private var activeCache: [String: OrderSummary]?
    /// Summaries of orders Jet may still change, built on first use.
    private var openCache: [String: OrderSummary]?
    private var directory: IdDirectory?

    init(basePath: String, logPath: String) {
        self.basePath = basePath
        self.logPath = logPath
    }

    var count: Int { baseCount + added.count }

    // MARK: loading

    /// Loads the base and the log. Throws when the base is missing or damaged (the store then rebuilds it).
    func load() throws(StoreError) {
        try loadBase()
        resetLog()
        try readLog()
    }

    private func loadBase() throws(StoreError) {
        baseStamp = FileIO.stamp(basePath)
        guard let data = try FileIO.read(basePath) else {
            throw StoreError("the order index \(basePath) is missing")
        }
        guard data.last == UInt8(ascii: "\n"), let headerEnd = data.firstIndex(of: UInt8(ascii: "\n")) else {
            throw StoreError("the order index \(basePath) is incomplete")
        }
        // A header that does not parse is answered below: the index is rebuilt.
        guard let header = try? JSONSerialization.jsonObject(with: data[..<headerEnd]) as? [String: Any],
              let format = header["jom-index"] as? Int, let count = header["orders"] as? Int else {
            throw StoreError("the order index \(basePath) has no valid header line")
        }
        guard format <= Self.format else {
            throw StoreError("the order index \(basePath) was written by a newer jom (format \(format))",
                             remedy: "use the newer jom, or delete \(basePath) to have it rebuilt")
        }
        guard format == Self.format else {
            throw StoreError("the order index \(basePath) is of an older format (\(format))")
        }
        base = data
        baseCount = count
        generation = header["generation"] as? Int ?? 0
        activeCache = nil
        openCache = nil
        directory = nil
        recentCache = nil
        gramFilter = nil
    }

    private func resetLog() {
        overrides = [:]
        loggedDirectory = nil
        added = []
        pending = []
        logOffset = 0
        logStamp = .missing
    }

    /// Reads log lines appended since the last read. A last line without its newline (a torn write) is ignored.
    private func readLog() throws(StoreError) {
        let stamp = FileIO.stamp(logPath)
        guard stamp != .missing else { logStamp = stamp; return }
        if stamp.inode != logStamp.inode || stamp.size < Int64(logOffset) {
            resetLogKeepingBase()
        }
        guard let data = try FileIO.read(logPath) else { return }
        logStamp = stamp
        var start = logOffset
        var fresh: [Entry] = []
        data.withUnsafeBytes { raw in
            while start < raw.count {
                guard let nl = memchr(raw.baseAddress! + start, 0x0A, raw.count - start) else { break }
                let end = raw.baseAddress!.distance(to: UnsafeRawPointer(nl))
                defer { start = end + 1 }
                if end == start { continue }
                if raw[start] == UInt8(ascii: "[") {
                    if let (s, search) = IndexLineReader.summary(raw, start: start, end: end) {
                        fresh.append(Entry(summary: s, search: search))
                    }
                } else if let object = try? JSONSerialization.jsonObject(with: Data(raw[start..<end])) as? [String: Any] {  // else: a line of no use
                    if let g = object["generation"] as? Int, g < generation {
                        // A log from before the base was last rewritten: already merged.
                        start = raw.count
                        fresh = []
                        return
                    }
                    if let ids = object["pending"] as? [String] {
                        pending.formUnion(ids)
                        added.formUnion(object["new"] as? [String] ?? [])
                    }
                    if let ids = object["done"] as? [String] { pending.subtract(ids) }
                }
            }
        }
        logOffset = start
        tornTail = start < data.count
        apply(fresh)
    }

    private func resetLogKeepingBase() {
        resetLog()
        activeCache = nil
        openCache = nil
        directory = nil
    }

    /// Picks up what other sessions wrote. Returns true when anything changed.
    @discardableResult
    func refresh() throws(StoreError) -> Bool {
        let b = FileIO.stamp(basePath)
        if b != baseStamp {
            try load()
            return true
        }
        let l = FileIO.stamp(logPath)
        if l != logStamp {
            try readLog()
            return true
        }
        return false
    }

    /// Folds entries into the in-memory view (after they were appended to the log, or in a dry run).
    func apply(_ entries: [Entry]) {
        for e in entries {
            let id = e.summary.merchantOrderID
            if overrides.updateValue(e, forKey: id) == nil, var logged = loggedDirectory {
                loggedDirectory = nil  // (so the copy below is not shared)
                logged.keys.insert(merchantID: id, referenceID: e.summary.referenceOrderID, line: logged.ids.count)
                logged.ids.append(id)
                loggedDirectory = logged
            }
            if activeCache != nil {
                if e.summary.stage.isActionable { activeCache?[id] = e.summary } else { activeCache?[id] = nil }
            }
            if openCache != nil {
                if e.summary.openAtJet { openCache?[id] = e.summary } else { openCache?[id] = nil }
            }
        }
    }

    func markAdded(_ ids: [String]) { added.formUnion(ids) }

    // MARK: scanning the base

    /// Calls `body` with the byte range of every order line of the base (the header is skipped).
    func forEachBaseLine(_ body: (UnsafeRawBufferPointer, Int, Int) -> Bool) {
        base.withUnsafeBytes { raw in
            guard let p = raw.baseAddress, raw.count > 0 else { return }
            guard let first = memchr(p, 0x0A, raw.count) else { return }
            var start = p.distance(to: UnsafeRawPointer(first)) + 1
            while start < raw.count {
                guard let nl = memchr(p + start, 0x0A, raw.count - start) else { return }
                let end = p.distance(to: UnsafeRawPointer(nl))
                if end > start, !body(raw, start, end) { return }
                start = end + 1
            }
        }
    }

    /// The merchant order id of a base line (field 3), or nil.
    static func merchantID(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String? {
        guard var r = IndexLineReader(raw, start: start, end: end), r.skip(), r.skip(), r.skip() else { return nil }
        return r.string()
    }

    /// Whether the line's stage (field 0) is one of `prefixes` (`["new"` etc.), compared as bytes.
    static func stage(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, in prefixes: [[UInt8]]) -> Bool {
        for p in prefixes where end - start > p.count {
            if memcmp(raw.baseAddress! + start, p, p.count) == 0 { return true }
        }
        return false
    }

    static func stagePrefixes(_ stages: Set<OrderStage>) -> [[UInt8]] {
        stages.map { Array("[\"\($0.rawValue)\"".utf8) }
    }

    // MARK: queries

    /// Summaries of orders in `stages` (every order when nil), in the order they were added to the store.
    func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] {
        if let stages, stages.allSatisfy(\.isActionable) {
            return active().filter { stages.contains($0.stage) }
        }
        var out: [OrderSummary] = []
        let prefixes = stages.map(Self.stagePrefixes)
        forEachBaseLine { raw, start, end in
            if let prefixes, !Self.stage(raw, start, end, in: prefixes) { return true }
            guard let (s, _) = IndexLineReader.summary(raw, start: start, end: end) else { return true }
            if overrides[s.merchantOrderID] == nil { out.append(s) }
            return true
        }
        for e in overrides.values where stages?.contains(e.summary.stage) ?? true { out.append(e.summary) }
        return out
    }

    /// Orders in actionable stages (new, to ship, cancel requested, return requested).
    func active() -> [OrderSummary] {
        if let activeCache { return Array(activeCache.values) }
        var cache: [String: OrderSummary] = [:]
        let prefixes = Self.stagePrefixes(Set(OrderStage.allCases.filter(\.isActionable)))
        forEachBaseLine { raw, start, end in
            guard Self.stage(raw, start, end, in: prefixes), let (s, _) = IndexLineReader.summary(raw, start: start, end: end) else { return true }
            cache[s.merchantOrderID] = s
            return true
        }
        for (id, e) in overrides {
            if e.summary.stage.isActionable { cache[id] = e.summary } else { cache[id] = nil }
        }
        activeCache = cache
        return Array(cache.values)
    }

    /// Orders Jet may still change (not complete there, or with a return not closed).
    func openAtJet() -> [OrderSummary] {
        if let openCache { return Array(openCache.values) }
        var cache: [String: OrderSummary] = [:]
        forEachBaseLine { raw, start, end in
            guard var r = IndexLineReader(raw, start: start, end: end) else { return true }
            for _ in 0..<IndexLine.openField { guard r.skip() else { return true } }
            guard case .int(let open)? = r.next(), open != 0, let (s, _) = IndexLineReader.summary(raw, start: start, end: end) else { return true }
            cache[s.merchantOrderID] = s
            return true
        }
        for (id, e) in overrides {
            if e.summary.openAtJet { cache[id] = e.summary } else { cache[id] = nil }
        }
        openCache = cache
        return Array(cache.values)
    }

    /// Orders received at or after `date` (for the cancellation rate): reads only the first fields.
    func received(since date: Date) -> [OrderSummary] {
        let cutoff = Int(date.timeIntervalSince1970)
        // The base's recent orders are read once per session (from a day earlier, so a later call is covered).
        if recentCache == nil || cutoff < recentCache!.cutoff {
            var list: [OrderSummary] = []
            let from = cutoff - 86400
            forEachBaseLine { raw, start, end in
                guard var r = IndexLineReader(raw, start: start, end: end), r.skip(), case .int(let at)? = r.next(), at >= from,
                      let (s, _) = IndexLineReader.summary(raw, start: start, end: end)
                else { return true }
                list.append(s)
                return true
            }
            recentCache = (from, list)
        }
        var out = recentCache!.list.filter { overrides[$0.merchantOrderID] == nil && ($0.receivedAt.map { $0 >= date } ?? false) }
        for e in overrides.values where (e.summary.receivedAt.map { $0 >= date } ?? false) { out.append(e.summary) }
        return out
    }

    /// Base summaries received since `cutoff` (Unix seconds), read once.
    private var recentCache: (cutoff: Int, list: [OrderSummary])?

    /// Orders where `text` occurs in a searchable field, case-insensitively. Scans the mapped base as bytes
    /// for the encoded needle; a hit counts only inside a line's search text (its last field), whose fields
    /// are separated by U+001F, a byte no needle contains, so a match never spans two fields. Only the lines
    /// that match are decoded.
    func find(_ text: String) -> [OrderSummary] {
        let needle = text.lowercased()
        guard !needle.isEmpty, !needle.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return [] }
        let pattern = IndexLine.escapedNeedle(needle)
        var out: [OrderSummary] = []
        // The first search of a process scans everything; later ones build (once) and use the gram filter.
        finds += 1
        if finds > 1, gramFilter == nil { buildGramFilter() }
        base.withUnsafeBytes { raw in
            guard let p = raw.baseAddress, raw.count > 0, let firstNL = memchr(p, 0x0A, raw.count) else { return }
            let ranges = gramFilter?.candidates(for: pattern) ?? [(p.distance(to: UnsafeRawPointer(firstNL)) + 1)..<raw.count]
            pattern.withUnsafeBytes { pat in
                for range in ranges {
                    var from = range.lowerBound
                    while from < range.upperBound {
                        guard let hit = FileIO.memmem(p + from, range.upperBound - from, pat.baseAddress!, pat.count) else { break }
                        let h = p.distance(to: UnsafeRawPointer(hit))
                        var start = h
                        while start > 0, raw[start - 1] != 0x0A { start -= 1 }
                        let end = memchr(p + h, 0x0A, raw.count - h).map { p.distance(to: UnsafeRawPointer($0)) } ?? raw.count
                        from = end + 1
                        guard var reader = IndexLineReader(raw, start: start, end: end), let searchStart = reader.startOfField(IndexLine.searchField) else { continue }
                        // The search text runs from after its opening quote to before the closing `"]`.
                        let region = UnsafeRawBufferPointer(rebasing: raw[searchStart..<max(searchStart, end - 2)])
                        guard region.count >= pat.count, FileIO.memmem(region.baseAddress, region.count, pat.baseAddress!, pat.count) != nil else { continue }
                        guard let (s, search) = IndexLineReader.summary(raw, start: start, end: end), overrides[s.merchantOrderID] == nil else { continue }
                        // An escape sequence in the text (a quote, a backslash) could fake a match: then check the decoded text.
                        if let base = region.baseAddress, memchr(base, 0x5C, region.count) != nil, !Self.matches(search, needle) { continue }
                        out.append(s)
                    }
                }
            }
        }
        for e in overrides.values where Self.matches(e.search, needle) { out.append(e.summary) }
        return out
    }

    private var finds = 0
    private var gramFilter: GramFilter?

    /// Builds the gram filter now (a session does it in the background after its first prompt).
    func buildGramFilter() {
        guard gramFilter == nil else { return }
        gramFilter = base.withUnsafeBytes { GramFilter(index: $0) }
    }

    /// Whether `needle` occurs in one of the fields of a search text (fields cannot be spanned: the needle has
    /// no U+001F).
    static func matches(_ search: String, _ needle: String) -> Bool {
        var s = search, n = needle
        return s.withUTF8 { sb in
            n.withUTF8 { nb in
                nb.count <= sb.count && FileIO.memmem(sb.baseAddress, sb.count, nb.baseAddress, nb.count) != nil
            }
        }
    }

    /// The summary of one order, from the log or the base.
    func summary(of id: String) -> OrderSummary? {
        if let e = overrides[id] { return e.summary }
        guard let line = ids().line(ofMerchantID: id) else { return nil }
        return summary(atLine: line)
    }

    /// Orders whose reference or merchant id starts with `prefix` (case-insensitive), up to `limit`.
    func matching(_ prefix: String, limit: Int) -> [OrderSummary] {
        let d = ids()
        var found: [String: OrderSummary] = [:]
        for line in d.lines(matching: prefix, limit: limit) {
            if let s = summary(atLine: line), overrides[s.merchantOrderID] == nil { found[s.merchantOrderID] = s }
        }
        let logged = loggedIDs()
        for slot in logged.keys.lines(matching: prefix, limit: limit) where found.count < limit {
            if let e = overrides[logged.ids[slot]] { found[e.summary.merchantOrderID] = e.summary }
        }
        return Array(found.values)
    }

    private func summary(atLine start: Int) -> OrderSummary? {
        base.withUnsafeBytes { raw in
            guard start < raw.count, let p = raw.baseAddress else { return nil }
            let end = memchr(p + start, 0x0A, raw.count - start).map { p.distance(to: UnsafeRawPointer($0)) } ?? raw.count
            return IndexLineReader.summary(raw, start: start, end: end)?.0
        }
    }

    /// The base's ids, sorted for prefix lookups; built on first use (a session warms it up in the background).
    /// The ids of the orders in the log, for prefix lookups: `keys` gives positions in `ids`. Built when first
    /// needed, then kept up to date as orders are logged.
    private var loggedDirectory: (keys: IdDirectory, ids: [String])?

    private func loggedIDs() -> (keys: IdDirectory, ids: [String]) {
        if let loggedDirectory { return loggedDirectory }
        var keys = IdDirectory()
        var ids: [String] = []
        for (id, e) in overrides {
            keys.add(merchantID: id, referenceID: e.summary.referenceOrderID, line: ids.count)
            ids.append(id)
        }
        keys.sort()
        loggedDirectory = (keys, ids)
        return (keys, ids)
    }

    func ids() -> IdDirectory {
        if let directory { return directory }
        var d = IdDirectory()
        forEachBaseLine { raw, start, end in
            guard var r = IndexLineReader(raw, start: start, end: end), r.skip(), r.skip(), r.skip(),
                  let mid = r.string(), let rid = r.string() else { return true }
            d.add(merchantID: mid, referenceID: rid, line: start)
            return true
        }
        d.sort()
        directory = d
        return d
    }


    // MARK: writing

    /// Appends `{"pending": ids}` and the new lines in one durable write, before the order files change.
    func appendPending(_ entries: [Entry], new: [String]) throws(StoreError) {
        try FileIO.truncateTornTail(logPath)
        var bytes = Self.idsLine("pending", entries.map(\.summary.merchantOrderID), new: new)
        for e in entries {
            bytes.append(contentsOf: IndexLine.encode(e.summary, search: e.search))
        }
        if FileIO.stamp(logPath) == .missing {
            bytes = Data(#"{"generation":\#(generation)}"#.utf8 + [0x0A]) + bytes
        }
        try FileIO.append(bytes, to: logPath, sync: true)
    }

    /// Marks the order files written. Not synced: if it is lost, the next start re-checks those orders.
    func appendDone(_ ids: [String]) throws(StoreError) {
        try FileIO.append(Self.idsLine("done", ids), to: logPath, sync: false)
    }

    /// `{"pending":["id",…],"new":[…]}` or `{"done":[…]}`, one line.
    static func idsLine(_ key: String, _ ids: [String], new: [String] = []) -> Data {
        func list(_ ids: [String]) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (i, id) in ids.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                IndexLine.string(id, &out)
            }
            out.append(UInt8(ascii: "]"))
            return out
        }
        var out = Array("{\"\(key)\":".utf8) + list(ids)
        if !new.isEmpty { out += Array(",\"new\":".utf8) + list(new) }
        out += Array("}\n".utf8)
        return Data(out)
    }


    var logSize: Int { Int(max(0, FileIO.stamp(logPath).size)) }

    /// Writes a new base holding every order (the old base with the log folded in), then starts an empty log.
    func rewriteBase(extra: [Entry] = []) throws(StoreError) {
        var merged = overrides
        for e in extra { merged[e.summary.merchantOrderID] = e }
        var body = Data()
        body.reserveCapacity(base.count + merged.count * 256)
        var count = 0
        forEachBaseLine { raw, start, end in
            guard let id = Self.merchantID(raw, start, end) else { return true }
            if let e = merged.removeValue(forKey: id) {
                body.append(contentsOf: IndexLine.encode(e.summary, search: e.search))
            } else {
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start...end]))
            }
            count += 1
            return true
        }
        let rest = merged.values.sorted { ($0.summary.receivedAt ?? .distantPast, $0.summary.merchantOrderID) < ($1.summary.receivedAt ?? .distantPast, $1.summary.merchantOrderID) }
        for e in rest {
            body.append(contentsOf: IndexLine.encode(e.summary, search: e.search))
            count += 1
        }
        try writeBase(body, count: count, generation: generation + 1)
    }

    /// Replaces the base with `lines` (already encoded) and an empty log.
    func writeBase(_ body: Data, count: Int, generation newGeneration: Int) throws(StoreError) {
        let header = #"{"jom-index":\#(Self.format),"generation":\#(newGeneration),"orders":\#(count)}"# + "\n"
        try FileIO.atomicWrite(Data(header.utf8) + body, to: basePath)
        let logHeader = #"{"generation":\#(newGeneration)}"# + "\n"
        try FileIO.atomicWrite(Data(logHeader.utf8), to: logPath)
        try load()
    }
}

/// The base's order ids sorted for prefix lookups, each pointing at its line in the base (summaries are read
/// from the line when needed, so 100,000 orders cost a few megabytes here, not a copy of every summary).
struct IdDirectory {
    private var byReference: [(key: String, line: Int)] = []
    private var byMerchant: [(key: String, line: Int)] = []

    mutating func add(merchantID: String, referenceID: String, line: Int) {
        byReference.append((referenceID.lowercased(), line))
        byMerchant.append((merchantID.lowercased(), line))
    }

    /// Adds one order keeping the lists sorted.
    mutating func insert(merchantID: String, referenceID: String, line: Int) {
        let r = referenceID.lowercased(), m = merchantID.lowercased()
        byReference.insert((r, line), at: lowerBound(byReference, r))
        byMerchant.insert((m, line), at: lowerBound(byMerchant, m))
    }

    mutating func sort() {
        byReference.sort { $0.key < $1.key }
        byMerchant.sort { $0.key < $1.key }
    }

    func line(ofMerchantID id: String) -> Int? {
        let key = id.lowercased()
        let i = lowerBound(byMerchant, key)
        return i < byMerchant.count && byMerchant[i].key == key ? byMerchant[i].line : nil
    }

    /// Lines whose reference id or merchant id starts with `prefix` (case-insensitive), up to `limit` of each.
    func lines(matching prefix: String, limit: Int) -> [Int] {
        let key = prefix.lowercased()
        var out: [Int] = []
        for list in [byReference, byMerchant] {
            var i = lowerBound(list, key)
            var n = 0
            while i < list.count, list[i].key.utf8.starts(with: key.utf8), n < limit {
                out.append(list[i].line)
                i += 1
                n += 1
            }
        }
        return out
    }

    private func lowerBound(_ list: [(key: String, line: Int)], _ key: String) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
