import Foundation
import OrderDesk
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The order index: what lists, filters, `find` and id prefixes read, so that they never decode records, and
/// where each order's current record is.
///
/// Three JSON Lines files:
/// - `index.jsonl`, the base: a header, then one line per order in store order (``StoreOrderKey``), rewritten
///   now and then. Read in chunks from the file, never loaded whole.
/// - `index-hot.jsonl`: copies of the base's lines of orders that were actionable or open at Jet when the base
///   was written (a few thousand at most), so a session starts and shows what needs doing without reading the
///   base.
/// - `index-log.jsonl`: lines appended since the base was written, each batch closed by a marker with how far
///   the records' segment then reached. A log line supersedes the base's line for its order.
/// The index is never the truth, only a copy: the records are, and it is rebuilt from them when in doubt.
final class OrderIndex {
    /// 4: lines carry their record's location and the search text as an array; the base is in store order;
    /// the hot file exists. 5: the search text is in one Unicode form (``SearchText/normalized(_:)``), with phones
    /// also as digits. An index of an older format is rebuilt from the records.
    static let format = 5
    /// The log is folded into the base when it passes this size, or a sixteenth of the base if that is more
    /// (up to 32 MB): a large base is not rewritten for a few changes.
    static let foldAt = 4 << 20

    let basePath: String
    let logPath: String
    let hotPath: String

    private(set) var base: BaseIndexFile?
    var generation: Int { base?.header.generation ?? 0 }
    private var baseCount: Int { base?.header.count ?? 0 }
    /// How far each segment holds indexed records: the base's ends, moved on by the log's markers.
    private(set) var ends: [String: Int] = [:]

    private var logStamp = FileIO.Stamp.missing
    private var logOffset = 0
    /// The log on disk is of an older base (a fold was cut short): it is ignored, and replaced at the next write.
    private var logIsStale = false
    /// Log entries by merchant order id: they supersede the base.
    private(set) var overrides: [String: IndexEntry] = [:]
    /// Orders the log added that the base does not have.
    private var added = Set<String>()
    /// The log ended in the middle of a line when last read: a write cut short.
    private(set) var tornTail = false

    /// The base's orders that were actionable or open at Jet when it was written.
    private var hot: [String: IndexEntry] = [:]
    private var activeCache: [OrderSummary]?
    private var openCache: [OrderSummary]?
    /// Base summaries received since `cutoff` (Unix seconds), read once.
    private var recentCache: (cutoff: Int, list: [OrderSummary])?
    /// The ids of the orders in the log, for prefix look-ups: `keys` gives positions in `ids`.
    private var loggedDirectory: (keys: IdDirectory, ids: [String])?
    private var finds = 0

    /// The base's id directory and find filter, built on first need or in the background (``warmUp()``).
    private let lookups = LookupsBox()

    init(directory: String) {
        basePath = directory + "/index.jsonl"
        logPath = directory + "/index-log.jsonl"
        hotPath = directory + "/index-hot.jsonl"
    }

    var count: Int { baseCount + added.count }

    // MARK: loading

    /// Loads the base, the hot lines and the log. Throws when the base is missing or damaged (the store then
    /// rebuilds it).
    func load() throws(StoreError) {
        let b = try BaseIndexFile(path: basePath, format: Self.format)
        base = b
        ends = b.header.ends
        recentCache = nil
        loadHot(b)
        resetLog()
        try readLog()
    }

    private func loadHot(_ b: BaseIndexFile) {
        hot = [:]
        invalidateCaches()
        // The hot file is a copy of some base lines; when it is missing or of another base, the base is read.
        if let data = try? FileIO.read(hotPath), let nl = data.firstIndex(of: 0x0A),  // Unreadable: computed from the base below.
            let head = try? JSONSerialization.jsonObject(with: data[..<nl]) as? [String: Any],  // As above.
            head["generation"] as? Int == b.header.generation
        {
            data.withUnsafeBytes { raw in
                var start = nl + 1
                while start < raw.count, let p = memchr(raw.baseAddress! + start, 0x0A, raw.count - start) {
                    let end = raw.baseAddress!.distance(to: UnsafeRawPointer(p))
                    if let e = IndexLineReader.entry(raw, start: start, end: end, search: false) { hot[e.summary.merchantOrderID] = e }
                    start = end + 1
                }
            }
            return
        }
        b.forEachLine { raw, start, end, _ in
            if Self.isHot(raw, start, end), let e = IndexLineReader.entry(raw, start: start, end: end, search: false) { hot[e.summary.merchantOrderID] = e }
            return true
        }
    }

    /// Whether a line's order is actionable or open at Jet, read from its first fields only.
    static func isHot(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        if stage(raw, start, end, in: actionablePrefixes) { return true }
        guard var r = IndexLineReader(raw, start: start, end: end), r.seek(.openAtMarketplace) else { return false }
        if case .int(let open)? = r.next() { return open != 0 }
        return false
    }

    static let actionablePrefixes = stagePrefixes(Set(OrderStage.allCases.filter(\.isActionable)))

    private func resetLog() {
        overrides = [:]
        loggedDirectory = nil
        added = []
        logOffset = 0
        logStamp = .missing
        logIsStale = false
        tornTail = false
        invalidateCaches()
    }

    private func invalidateCaches() {
        activeCache = nil
        openCache = nil
    }

    /// Reads log lines appended since the last read. A last line without its newline (a write cut short) is
    /// left for the next writer to cut off.
    private func readLog() throws(StoreError) {
        let stamp = FileIO.stamp(logPath)
        guard stamp != .missing else { logStamp = stamp; return }
        if stamp.inode != logStamp.inode || stamp.size < Int64(logOffset) {
            resetLog()
        }
        guard let data = try FileIO.read(logPath) else { return }
        logStamp = stamp
        var start = logOffset
        var fresh: [IndexEntry] = []
        var newIDs: [String] = []
        data.withUnsafeBytes { raw in
            while start < raw.count {
                guard let nl = memchr(raw.baseAddress! + start, 0x0A, raw.count - start) else { break }
                let end = raw.baseAddress!.distance(to: UnsafeRawPointer(nl))
                defer { start = end + 1 }
                if end == start { continue }
                if raw[start] == UInt8(ascii: "[") {
                    if let e = IndexLineReader.entry(raw, start: start, end: end) { fresh.append(e) }
                } else if let object = try? JSONSerialization.jsonObject(with: Data(raw[start..<end])) as? [String: Any] {  // Else: a line of no use.
                    if let g = object["generation"] as? Int, g < generation {
                        // A log from before the base was last rewritten: already in the base.
                        logIsStale = true
                        start = raw.count
                        fresh = []
                        newIDs = []
                        return
                    }
                    if let segment = object["segment"] as? String, let end = object["end"] as? Int {
                        ends[segment] = max(ends[segment] ?? 0, end)
                    }
                    newIDs += object["new"] as? [String] ?? []
                }
            }
        }
        logOffset = start
        tornTail = start < data.count
        added.formUnion(newIDs)
        apply(fresh)
    }

    /// Picks up what other sessions wrote. Returns true when anything changed.
    @discardableResult
    func refresh() throws(StoreError) -> Bool {
        let b = FileIO.stamp(basePath)
        if b != base?.stamp {
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
    func apply(_ entries: [IndexEntry]) {
        guard !entries.isEmpty else { return }
        for e in entries {
            let id = e.summary.merchantOrderID
            if overrides.updateValue(e, forKey: id) == nil, var logged = loggedDirectory {
                loggedDirectory = nil  // (so the copy below is not shared)
                logged.keys.add(merchantID: Array(id.utf8), referenceID: Array(e.summary.referenceOrderID.utf8), line: logged.ids.count)
                logged.keys.sort()
                logged.ids.append(id)
                loggedDirectory = logged
            }
        }
        invalidateCaches()
    }

    func markAdded(_ ids: some Sequence<String>) { added.formUnion(ids) }

    // MARK: stages

    /// Whether the line's stage (field 0) is one of `prefixes` (`["new"` etc.), compared as bytes.
    static func stage(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, in prefixes: [[UInt8]]) -> Bool {
        for p in prefixes where end - start > p.count {
            if memcmp(raw.baseAddress! + start, p, p.count) == 0 { return true }
        }
        return false
    }

    static func stagePrefixes(_ stages: Set<OrderStage>) -> [[UInt8]] {
        stages.map { Array("[\"\($0.rawValue)\",".utf8) }
    }

    // MARK: queries

    /// Summaries of orders in `stages` (every order when nil). Reads the whole base unless every stage is
    /// actionable; long lists should stream with ``newestFirst(in:excluding:)`` instead.
    func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] {
        if let stages, stages.allSatisfy(\.isActionable) {
            return active().filter { stages.contains($0.stage) }
        }
        var out: [OrderSummary] = []
        let prefixes = stages.map(Self.stagePrefixes)
        base?.forEachLine { raw, start, end, _ in
            if let prefixes, !Self.stage(raw, start, end, in: prefixes) { return true }
            guard let e = IndexLineReader.entry(raw, start: start, end: end, search: false), overrides[e.summary.merchantOrderID] == nil else { return true }
            out.append(e.summary)
            return true
        }
        for e in overrides.values where stages?.contains(e.summary.stage) ?? true { out.append(e.summary) }
        return out
    }

    /// Orders in actionable stages (new, to ship, cancel requested, return requested or accepted).
    func active() -> [OrderSummary] {
        if let activeCache { return activeCache }
        var out: [OrderSummary] = []
        for (id, e) in hot where overrides[id] == nil && e.summary.stage.isActionable { out.append(e.summary) }
        for e in overrides.values where e.summary.stage.isActionable { out.append(e.summary) }
        activeCache = out
        return out
    }

    /// Orders Jet may still change (not complete there, or with a return not closed).
    func openAtJet() -> [OrderSummary] {
        if let openCache { return openCache }
        var out: [OrderSummary] = []
        for (id, e) in hot where overrides[id] == nil && e.summary.openAtJet { out.append(e.summary) }
        for e in overrides.values where e.summary.openAtJet { out.append(e.summary) }
        openCache = out
        return out
    }

    /// Orders received at or after `date` (the cancellation rate, the report): the base is in store order, so
    /// only its end is read.
    func received(since date: Date) -> [OrderSummary] {
        let cutoff = Int(date.timeIntervalSince1970.rounded(.down))
        // Read once per base (from a day earlier, so a later call is covered).
        if recentCache == nil || cutoff < recentCache!.cutoff {
            var list: [OrderSummary] = []
            let from = cutoff - 86400
            if let base {
                base.forEachLine(from: base.firstLine(receivedAtLeast: from)) { raw, start, end, _ in
                    if let e = IndexLineReader.entry(raw, start: start, end: end, search: false) { list.append(e.summary) }
                    return true
                }
            }
            recentCache = (from, list)
        }
        var out = recentCache!.list.filter { overrides[$0.merchantOrderID] == nil && ($0.receivedAt.map { $0 >= date } ?? false) }
        for e in overrides.values where (e.summary.receivedAt.map { $0 >= date } ?? false) { out.append(e.summary) }
        return out
    }

    /// Orders received, approved, shipped, cancelled or refunded at or after `date` (the report). Reads the
    /// numbers at the front of every line; only lines that qualify are decoded.
    func changed(since date: Date) -> [OrderSummary] {
        let cutoff = Int(date.timeIntervalSince1970.rounded(.down))
        var out: [OrderSummary] = []
        base?.forEachLine { raw, start, end, _ in
            guard var r = IndexLineReader(raw, start: start, end: end), r.seek(.received) else { return true }
            var recent = false
            if case .int(let at)? = r.next(), at >= cutoff { recent = true }
            if !recent, r.seek(.approved) {
                // Approved, shipped, cancelled, refunded: the four dates in a row.
                for _ in [IndexField.approved, .shipped, .cancelled, .refundedAt] {
                    if case .int(let at)? = r.next(), at >= cutoff { recent = true; break }
                }
            }
            guard recent, let e = IndexLineReader.entry(raw, start: start, end: end, search: false), overrides[e.summary.merchantOrderID] == nil else {
                return true
            }
            out.append(e.summary)
            return true
        }
        for e in overrides.values {
            let s = e.summary
            if [s.receivedAt, s.events.approved, s.events.shipped, s.events.cancelled, s.events.refunded].contains(where: { ($0 ?? .distantPast) >= date }) {
                out.append(s)
            }
        }
        return out
    }

    /// Orders where `text` occurs in a searchable field, case-insensitively. Scans the base as bytes for the
    /// encoded needle (only the blocks the gram filter lets through, once it is built); a hit counts only
    /// inside a line's search text. Only the lines that match are decoded.
    func find(_ text: String) -> [OrderSummary] {
        let needle = SearchText.normalized(text)
        guard !needle.isEmpty, !needle.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return [] }
        let pattern = IndexLine.escapedNeedle(needle)
        // A needle with a quote, or a lone comma, could match across the `","` between two fields: then the
        // decoded fields have the last word.
        let mustCheck = pattern.contains(UInt8(ascii: "\"")) || pattern == [UInt8(ascii: ",")]
        var out: [OrderSummary] = []
        finds += 1
        if let base {
            // The first search of a process reads everything; later ones wait for (or build) the filter.
            let filter = finds > 1 ? lookupsNow()?.filter : lookups.current(generation: generation)?.filter
            let ranges = filter?.candidates(for: pattern) ?? [base.bodyStart..<base.size]
            pattern.withUnsafeBytes { pat in
                for range in ranges {
                    base.forEachChunk(from: range.lowerBound, to: range.upperBound) { raw, _ in
                        let p = raw.baseAddress!
                        var from = 0
                        while from < raw.count {
                            guard let found = FileIO.memmem(p + from, raw.count - from, pat.baseAddress!, pat.count) else { break }
                            let h = p.distance(to: UnsafeRawPointer(found))
                            var start = h
                            while start > 0, raw[start - 1] != 0x0A { start -= 1 }
                            let end = memchr(p + h, 0x0A, raw.count - h).map { p.distance(to: UnsafeRawPointer($0)) } ?? raw.count
                            from = end + 1
                            guard let region = IndexLineReader.searchRegion(raw, start: start, end: end) else { continue }
                            // A hit in the line's other fields (a buyer's name as written, before its search text)
                            // does not count; the search text itself is looked at.
                            var hit = h
                            if hit < region.lowerBound {
                                guard region.count >= pat.count,
                                    let again = FileIO.memmem(p + region.lowerBound, region.count, pat.baseAddress!, pat.count)
                                else { continue }
                                hit = p.distance(to: UnsafeRawPointer(again))
                            }
                            guard hit + pat.count <= region.upperBound,
                                let e = IndexLineReader.entry(raw, start: start, end: end, search: mustCheck), overrides[e.summary.merchantOrderID] == nil
                            else { continue }
                            if mustCheck, !Self.matches(e.search, needle) { continue }
                            out.append(e.summary)
                        }
                        return true
                    }
                }
            }
        }
        for e in overrides.values where Self.matches(e.search, needle) { out.append(e.summary) }
        return out
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

    /// The entry of one order by its exact merchant id: from the log, the hot lines, or the base.
    func entry(of id: String) -> IndexEntry? {
        if let e = overrides[id] { return e }
        if let e = hot[id] { return e }
        guard let base, let directory = lookupsNow()?.directory else { return nil }
        for offset in directory.lines(mayBeMerchantID: id) {
            if let e = entry(atLine: offset, in: base), e.summary.merchantOrderID == id { return e }
        }
        return nil
    }

    func summary(of id: String) -> OrderSummary? { entry(of: id)?.summary }

    /// Orders whose reference or merchant id starts with `prefix` (case-insensitive), up to `limit`.
    func matching(_ prefix: String, limit: Int) -> [OrderSummary] {
        let p = prefix.lowercased()
        func starts(_ s: OrderSummary) -> Bool { s.referenceOrderID.lowercased().hasPrefix(p) || s.merchantOrderID.lowercased().hasPrefix(p) }
        var found: [String: OrderSummary] = [:]
        if prefix.utf8.count > 16, let exact = entry(of: prefix) {
            // A whole merchant id (the desk resolves orders by them): that order, without reading every id that
            // shares its first sixteen bytes.
            return [exact.summary]
        }
        if let base, let directory = lookupsNow()?.directory {
            for offset in directory.lines(mayStartWith: prefix, limit: limit) where found.count < 2 * limit {
                if let e = entry(atLine: offset, in: base), overrides[e.summary.merchantOrderID] == nil, starts(e.summary) {
                    found[e.summary.merchantOrderID] = e.summary
                }
            }
        }
        let logged = loggedIDs()
        for slot in logged.keys.lines(mayStartWith: prefix, limit: limit) where found.count < 2 * limit {
            if let e = overrides[logged.ids[slot]], starts(e.summary) { found[e.summary.merchantOrderID] = e.summary }
        }
        return Array(found.values)
    }

    private func entry(atLine offset: Int, in base: BaseIndexFile) -> IndexEntry? {
        guard let line = base.line(at: offset) else { return nil }
        return line.withUnsafeBytes { IndexLineReader.entry($0, start: 0, end: $0.count, search: false) }
    }

    private func loggedIDs() -> (keys: IdDirectory, ids: [String]) {
        if let loggedDirectory { return loggedDirectory }
        var keys = IdDirectory()
        var ids: [String] = []
        for (id, e) in overrides {
            keys.add(merchantID: Array(id.utf8), referenceID: Array(e.summary.referenceOrderID.utf8), line: ids.count)
            ids.append(id)
        }
        keys.sort()
        loggedDirectory = (keys, ids)
        return (keys, ids)
    }

    // MARK: lookups over the base

    /// The id directory and find filter of the current base: built now if nobody has (waiting for a build
    /// already under way in the background).
    private func lookupsNow() -> BaseLookups? {
        guard let base else { return nil }
        return lookups.get(generation: base.header.generation) { BaseLookups(base: base) }
    }

    /// Builds the id directory and the find filter in the background (a session does this after its first
    /// prompt), reading the base through a file of its own.
    func warmUp() {
        guard let base else { return }
        let generation = base.header.generation, path = basePath, box = lookups
        guard box.startBuilding(generation: generation) else { return }
        Thread.detachNewThread {
            // Another base since? Then this one is of no use; the next query builds for the new one.
            let built = (try? BaseIndexFile(path: path, format: Self.format)).flatMap {
                $0.header.generation == generation ? BaseLookups(base: $0) : nil
            }
            box.finishBuilding(built, generation: generation)
        }
    }

    // MARK: streaming

    /// Every order in `stages` (all when nil), newest first in store order, not those in `excluding`: a page at
    /// a time, reading the base backwards, so the first rows come at once however many orders there are.
    func newestFirst(in stages: Set<OrderStage>?, excluding: Set<String>) -> NewestFirstCursor {
        NewestFirstCursor(base: base, overrides: overrides, stages: stages, excluding: excluding)
    }

    // MARK: writing

    /// Appends a batch's lines, then a marker with how far `segment` now reaches, in one durable write (after
    /// the records were written and flushed).
    func appendBatch(_ entries: [IndexEntry], new: [String], segment: String, end: Int) throws(StoreError) {
        try prepareLog()
        var bytes: [UInt8] = []
        for e in entries { bytes += IndexLine.encode(e) }
        // The marker comes last: when it is there, every line before it is too (a torn batch leaves the
        // records past the old end to be indexed again from the segment).
        var marker = Array(#"{"segment":"#.utf8)
        IndexLine.string(segment, &marker)
        marker += Array(#","end":\#(end)"#.utf8)
        if !new.isEmpty {
            marker += Array(#","new":["#.utf8)
            for (i, id) in new.enumerated() {
                if i > 0 { marker.append(UInt8(ascii: ",")) }
                IndexLine.string(id, &marker)
            }
            marker.append(UInt8(ascii: "]"))
        }
        marker += Array("}\n".utf8)
        bytes += marker
        let upToDate = FileIO.stamp(logPath) == logStamp
        try FileIO.append(Data(bytes), to: logPath, sync: true)
        ends[segment] = max(ends[segment] ?? 0, end)
        added.formUnion(new)
        apply(entries)
        if upToDate {
            // Our own lines need not be read back.
            logOffset += bytes.count
            logStamp = FileIO.stamp(logPath)
        }
    }

    /// Before appending: a log of an older base is replaced, a missing one started, a torn last line cut off.
    private func prepareLog() throws(StoreError) {
        if logIsStale || FileIO.stamp(logPath) == .missing {
            try FileIO.atomicWrite(Data((#"{"generation":\#(generation)}"# + "\n").utf8), to: logPath)
            resetLog()
            try readLog()
            return
        }
        if tornTail {
            try FileIO.truncateTornTail(logPath)
            tornTail = false
            logStamp = FileIO.stamp(logPath)
        }
    }

    var logSize: Int { Int(max(0, FileIO.stamp(logPath).size)) }

    /// At least the bytes of the current records (nil when the base does not say): the base's count, plus the
    /// records the log points at (their earlier versions in the base still counted, so never too little).
    var liveBytesAtLeast: Int? {
        guard let live = base?.header.live else { return nil }
        return live + overrides.values.reduce(0) { $0 + $1.location.length }
    }

    /// Whether the log is big enough to fold into the base.
    var shouldFold: Bool {
        logSize > max(Self.foldAt, min(32 << 20, (base?.size ?? 0) / 16))
    }

    /// Writes a new base holding every order: the current base and log, and the entries of `builder` (an
    /// import's, a rebuild's), less the base and log lines of `dropping` (orders the builder has anew), in
    /// store order; then the hot lines, then an empty log. Reads and writes in chunks: memory stays flat.
    /// `keepBase: false` writes only the builder's entries (a rebuild, an upgrade).
    /// `replacingEnds` makes `newEnds` the only segments the base knows (a compaction, which removes the others).
    func writeBase(
        merging builder: IndexBuilder? = nil, dropping: Set<String> = [], ends newEnds: [String: Int] = [:],
        keepBase: Bool = true, replacingEnds: Bool = false
    ) throws(StoreError) {
        let old = keepBase ? base : nil
        let newGeneration = generation + 1
        let pid = getpid()
        let baseOut = try ChunkWriter(path: basePath + ".tmp-\(pid)")
        let hotOut = try ChunkWriter(path: hotPath + ".tmp-\(pid)")
        try baseOut.write([UInt8](repeating: 0x20, count: BaseIndexFile.headerSize - 1) + [0x0A])
        try hotOut.write(Array((#"{"generation":\#(newGeneration)}"# + "\n").utf8))
        var count = 0
        var live = 0

        func emit(_ line: UnsafeRawBufferPointer, hot: Bool) throws(StoreError) {
            live += IndexLineReader.location(line, start: 0, end: line.count)?.length ?? 0
            try baseOut.write(line)
            try baseOut.write([0x0A])
            if hot {
                try hotOut.write(line)
                try hotOut.write([0x0A])
            }
            count += 1
        }

        // A fresh start (a rebuild, an upgrade) takes nothing from the current base and log.
        let logged = (keepBase ? Array(overrides.values) : []).filter { !dropping.contains($0.summary.merchantOrderID) }
            .map { ($0.key, $0) }.sorted { $0.0 < $1.0 }
        var nextLogged = 0
        try builder?.finish()
        let slots = builder?.slots ?? []
        var nextSlot = 0

        /// Writes the log's and the builder's entries that come before `key` (all of them when nil).
        func emitBefore(_ key: StoreOrderKey?) throws(StoreError) {
            while true {
                let l = nextLogged < logged.count && (key == nil || logged[nextLogged].0 < key!) ? logged[nextLogged].0 : nil
                let s = nextSlot < slots.count && (key == nil || slots[nextSlot].key < key!) ? slots[nextSlot].key : nil
                if let l, s == nil || l < s! {
                    let e = logged[nextLogged].1
                    nextLogged += 1
                    let line = IndexLine.encode(e)
                    try FileIO.withBytes(line) { raw throws(StoreError) in
                        try emit(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 1)]), hot: e.summary.stage.isActionable || e.summary.openAtJet)
                    }
                } else if s != nil, let builder {
                    let slot = slots[nextSlot]
                    nextSlot += 1
                    guard let line = builder.line(slot) else { throw .io("read", builder.spillPath, errno: EIO) }
                    try FileIO.withBytes(line) { raw throws(StoreError) in try emit(raw, hot: Self.isHot(raw, 0, raw.count)) }
                } else {
                    return
                }
            }
        }

        var failure: StoreError?
        let skipping = !overrides.isEmpty || !dropping.isEmpty
        old?.forEachLine { raw, start, end, _ in
            do throws(StoreError) {
                if skipping, let id = IndexLineReader.merchantID(raw, start: start, end: end),
                    overrides[id] != nil || dropping.contains(id)
                {
                    return true
                }
                // A line that cannot be read is left out: the index is a copy, and a rebuild finds the record.
                guard let key = IndexLineReader.key(raw, start: start, end: end) else { return true }
                try emitBefore(key)
                try emit(UnsafeRawBufferPointer(rebasing: raw[start..<end]), hot: Self.isHot(raw, start, end))
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        try emitBefore(nil)

        var allEnds = replacingEnds ? [:] : ends
        for (k, v) in newEnds { allEnds[k] = max(allEnds[k] ?? 0, v) }
        try baseOut.write(
            BaseIndexFile.headerLine(format: Self.format, generation: newGeneration, count: count, ends: allEnds, live: live),
            at: 0)
        try hotOut.finish()
        try baseOut.finish()
        // The hot file first: if a crash comes between the renames, its generation says it is not the base's.
        guard rename(hotOut.path, hotPath) == 0 else { throw .io("replace", hotPath) }
        guard rename(baseOut.path, basePath) == 0 else { throw .io("replace", basePath) }
        try FileIO.syncDirectory(of: basePath)
        try FileIO.atomicWrite(Data((#"{"generation":\#(newGeneration)}"# + "\n").utf8), to: logPath)
        try load()
    }
}

/// The base's id directory and find filter: built from one reading of the base, then never changed (so one
/// built on another thread is safe to hand over).
final class BaseLookups: Sendable {
    let directory: IdDirectory
    let filter: GramFilter

    init(base: BaseIndexFile) {
        var directory = IdDirectory()
        var filter = GramFilter()
        base.forEachLine { raw, start, end, offset in
            if var r = IndexLineReader(raw, start: start, end: end), r.seek(.merchantID),
                let mid = r.rawString(), let rid = r.rawString()
            {
                directory.add(
                    merchantID: UnsafeRawBufferPointer(rebasing: raw[mid]), referenceID: UnsafeRawBufferPointer(rebasing: raw[rid]),
                    line: offset)
            }
            // Only the search text can match; a line that cannot be read is hashed whole.
            filter.add(raw, region: IndexLineReader.searchRegion(raw, start: start, end: end) ?? start..<end, lineOffset: offset)
            return true
        }
        directory.sort()
        filter.finish(end: base.size)
        self.directory = directory
        self.filter = filter
    }
}

/// Hands the base's lookups between the thread that builds them and the index that uses them.
final class LookupsBox: Sendable {
    private struct State {
        var generation = -1
        var lookups: BaseLookups?
        var building = false
    }

    private let state = Mutex(State())
    private let done = NSCondition()

    func current(generation: Int) -> BaseLookups? {
        state.withLock { $0.generation == generation ? $0.lookups : nil }
    }

    /// The lookups of this generation: waits for a build under way, else builds them with `make` here.
    func get(generation: Int, make: () -> BaseLookups) -> BaseLookups {
        done.lock()
        while state.withLock({ $0.building && $0.generation == generation }) { done.wait() }
        done.unlock()
        if let l = current(generation: generation) { return l }
        let built = make()
        state.withLock { $0 = State(generation: generation, lookups: built, building: false) }
        return built
    }

    /// Claims the build of this generation's lookups; false when they exist or are being built.
    func startBuilding(generation: Int) -> Bool {
        state.withLock { s in
            if s.generation == generation && (s.lookups != nil || s.building) { return false }
            s = State(generation: generation, lookups: nil, building: true)
            return true
        }
    }

    func finishBuilding(_ lookups: BaseLookups?, generation: Int) {
        done.lock()
        state.withLock { s in
            if s.generation == generation {
                s.lookups = lookups
                s.building = false
            }
        }
        done.broadcast()
        done.unlock()
    }
}

/// Writes a file in large chunks; ``finish()`` flushes it to disk. `write(_:at:)` overwrites earlier bytes
/// (the base's header, written last).
final class ChunkWriter {
    let path: String
    private let fd: Int32
    private var pending: [UInt8] = []

    init(path: String) throws(StoreError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io("create", path) }
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) throws(StoreError) {
        pending += bytes
        if pending.count > 4 << 20 { try drain() }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        pending.append(contentsOf: bytes)
        if pending.count > 4 << 20 { try drain() }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws(StoreError) {
        try drain()
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard n == bytes.count else { throw .io("write", path) }
    }

    private func drain() throws(StoreError) {
        guard !pending.isEmpty else { return }
        try FileIO.writeAll(fd, Data(pending), path: path)
        pending.removeAll(keepingCapacity: true)
    }

    func finish() throws(StoreError) {
        try drain()
        guard fsync(fd) == 0 else { throw .io("flush", path) }
    }
}

/// Streams orders newest first: the base backwards merged with a snapshot of the log. Holds its own view of
/// the base file, so a fold by another session does not disturb it.
final class NewestFirstCursor: SummaryCursor {
    private let base: BaseIndexFile?
    private var position: Int
    private let overridden: Set<String>
    private var logged: [(key: StoreOrderKey, summary: OrderSummary)]
    private var nextLogged = 0
    private let prefixes: [[UInt8]]?
    private let stages: Set<OrderStage>?
    private let excluding: Set<String>
    /// Base entries read ahead, newest first.
    private var ahead: [(key: StoreOrderKey, summary: OrderSummary)] = []
    private var aheadIndex = 0
    private var baseDone: Bool

    init(base: BaseIndexFile?, overrides: [String: IndexEntry], stages: Set<OrderStage>?, excluding: Set<String>) {
        self.base = base
        position = base?.size ?? 0
        overridden = Set(overrides.keys)
        self.stages = stages
        self.excluding = excluding
        prefixes = stages.map(OrderIndex.stagePrefixes)
        logged = overrides.values.filter { e in (stages?.contains(e.summary.stage) ?? true) && !excluding.contains(e.summary.merchantOrderID) }
            .map { ($0.key, $0.summary) }.sorted { $1.0 < $0.0 }
        baseDone = base == nil
    }

    /// Up to `max` more orders; empty at the end.
    func next(max: Int) -> [OrderSummary] {
        var out: [OrderSummary] = []
        while out.count < max {
            if aheadIndex == ahead.count, !baseDone { readAhead(lines: Swift.max(256, max)) }
            let b = aheadIndex < ahead.count ? ahead[aheadIndex] : nil
            let l = nextLogged < logged.count ? logged[nextLogged] : nil
            if let b, l == nil || l!.key < b.key {
                out.append(b.summary)
                aheadIndex += 1
            } else if let l {
                out.append(l.summary)
                nextLogged += 1
            } else {
                break
            }
        }
        return out
    }

    private func readAhead(lines: Int) {
        ahead = []
        aheadIndex = 0
        guard let base else { baseDone = true; return }
        var stoppedEarly = false
        base.forEachLineBackward(before: position, chunkSize: 1 << 20) { raw, start, end, offset in
            position = offset
            if let prefixes, !OrderIndex.stage(raw, start, end, in: prefixes) { return true }
            if let e = IndexLineReader.entry(raw, start: start, end: end, search: false), !overridden.contains(e.summary.merchantOrderID),
                !excluding.contains(e.summary.merchantOrderID)
            {
                ahead.append((e.key, e.summary))
            }
            if ahead.count >= lines {
                stoppedEarly = true
                return false
            }
            return true
        }
        if !stoppedEarly { baseDone = true }
    }
}
