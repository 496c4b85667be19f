import Foundation
import OrderDesk

/// An order made ready to be written in bulk: its record line and index fields, prepared on any thread.
public struct PreparedRecord: Sendable {
    public let id: String
    let line: [UInt8]
    let summary: OrderSummary
    let search: String

    public static func prepare(_ record: OrderRecord, with encoder: JSONEncoder) throws(StoreError) -> PreparedRecord {
        PreparedRecord(
            id: record.id, line: try RecordLine.encode(record, with: encoder), summary: OrderSummary(record),
            search: IndexLine.searchText(record))
    }

    /// An encoder for ``prepare(_:with:)``: one per thread.
    public static func encoder() -> JSONEncoder { RecordLine.encoder() }
}

/// Many orders written at once (`jom import`), with the store's lock held from start to end: records go to
/// the segments a few megabytes at a time, index lines to a spill file, and at the end one new base index is
/// written. Memory stays flat however many orders come. Other sessions go on reading meanwhile; their writes
/// wait. Killed half way, the records written so far are indexed by the next process that opens the store.
public final class BulkWrite {
    let store: OrderStore
    private let writer: OrderSegments.Writer
    private let builder: IndexBuilder
    /// Orders already in the store that this batch writes anew: their old index lines go.
    private var replaced = Set<String>()
    public private(set) var written = 0

    init(store: OrderStore) throws(StoreError) {
        self.store = store
        writer = try OrderSegments.Writer(store.segments)
        builder = try IndexBuilder(spillPath: store.path + "/index-build.tmp")
    }

    /// Whether this batch already wrote the order.
    public func wrote(_ id: String) throws(StoreError) -> Bool {
        try builder.contains(merchantID: id)
    }

    /// The order as the store had it before this batch (nil when it is new to the store).
    public func existing(_ id: String) throws(StoreError) -> OrderRecord? {
        try store.record(id)
    }

    public func add(_ p: PreparedRecord, replacing: Bool) throws(StoreError) {
        let location = try writer.add(p.line)
        try builder.add(IndexEntry(summary: p.summary, search: p.search, location: location))
        if replacing { replaced.insert(p.id) }
        written += 1
    }

    /// Makes what was added so far durable (the records; the index comes at the end).
    public func flush() throws(StoreError) { try writer.flush() }

    func finish() throws(StoreError) {
        try writer.flush()
        try store.index.writeBase(merging: builder, dropping: replaced, ends: writer.ends)
    }
}

extension OrderStore {
    /// Runs `body` with a ``BulkWrite`` under the store's lock, then writes the new index.
    public func bulkWrite<T>(_ body: (BulkWrite) throws(StoreError) -> T) throws(StoreError) -> T {
        try refuseWhenReadOnly()
        return try transaction { () throws(StoreError) -> T in
            let bulk = try BulkWrite(store: self)
            let result = try body(bulk)
            try bulk.finish()
            return result
        }
    }

    /// Upgrades a store of format 1 (one file per order) to records in segments, under the lock. Safe to cut
    /// short at any moment: the old files stay until `store.json` says format 2, and a run cut short starts
    /// again from them.
    func upgrade(from format: Int) throws(StoreError) {
        guard format == 1 else {
            throw StoreError("the store \(path) is of format \(format), which this jom cannot upgrade", remedy: "use the jom that wrote it")
        }
        let legacy = LegacyOrderFiles(root: segments.root)
        let paths = legacy.allPaths()
        if paths.isEmpty, !segments.names().isEmpty {
            // Order files of format 2 and none of format 1: this is no store to upgrade, whatever store.json says
            // (a marker written by hand). Upgrading would start from nothing and drop every order.
            throw StoreError(
                "\(markerPath) says format 1, but the store holds order files of format 2 (\(segments.root)/*.jsonl)",
                remedy: #"write {"jom-store": 2} into \#(markerPath) (keeping its "marketplace" if it has one), then run jom again"#)
        }
        // What an earlier attempt wrote is of no use: start again from the order files.
        for name in segments.names() { unlink(segments.path(name)) }
        progress("upgrading the store \(path) to this jom's format: \(paths.count) orders (once)…")
        let writer = try OrderSegments.Writer(segments)
        let builder = try IndexBuilder(spillPath: path + "/index-build.tmp")
        var done = 0
        for chunk in stride(from: 0, to: paths.count, by: 2048).map({ Array(paths[$0..<min(paths.count, $0 + 2048)]) }) {
            var files: [(String, Data)] = []
            for p in chunk {
                guard let data = try FileIO.read(p) else { continue }
                files.append((p, data))
            }
            let prepared = parallelMap(files) { (file: (String, Data), coders: (JSONDecoder, JSONEncoder)) -> Result<PreparedRecord, StoreError> in
                do throws(StoreError) {
                    let r = try legacy.decode(file.1, path: file.0, decoder: coders.0)
                    return .success(try PreparedRecord.prepare(r, with: coders.1))
                } catch { return .failure(error) }
            } makeContext: {
                (RecordLine.decoder(), RecordLine.encoder())
            }
            for result in prepared {
                // A damaged order file stops the upgrade, naming it: nothing is dropped. The store stays as it was.
                let p = try result.get()
                let location = try writer.add(p.line)
                try builder.add(IndexEntry(summary: p.summary, search: p.search, location: location))
            }
            done += chunk.count
            if paths.count > 20_000 { progress("… \(done) of \(paths.count) orders upgraded") }
        }
        try writer.flush()
        try index.writeBase(merging: builder, ends: writer.ends, keepBase: false)
        // From here on the store is of the new format; the old files are only left to remove.
        var m = try readMarker()
        m.format = Self.format
        try writeMarker(m)
        try legacy.removeAll()
    }
}

extension OrderStore {
    /// Writes a store as a jom of format 1 left it: one pretty-printed file per order under `orders/xx/`, and
    /// `store.json` saying format 1. For tests of the upgrade.
    package static func writeFormat1Store(at path: String, records: [OrderRecord]) throws(StoreError) {
        try FileIO.makeDirectory(path)
        try FileIO.makeDirectory(path + "/orders")
        try LegacyOrderFiles(root: path + "/orders").write(records)
        try FileIO.atomicWrite(Data(#"{"jom-store": 1}"#.utf8 + [0x0A]), to: path + "/store.json")
        // The old index: a header of an index format this jom does not read (it is replaced by the upgrade).
        try FileIO.atomicWrite(Data(#"{"jom-index":3,"generation":1,"orders":\#(records.count)}"#.utf8 + [0x0A]), to: path + "/index.jsonl")
    }
}
