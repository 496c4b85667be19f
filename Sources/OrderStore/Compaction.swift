import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// Compaction: every change appends an order's whole record again, so the segments also hold the versions
/// before the current one. A compaction copies only the current records, byte for byte, into new segments,
/// points a new index at them, and removes the old segments.
///
/// Crash-safe: `compact.json` names the old segments and the first new one before anything is written. Until
/// the new index is in place, the old segments and the old index are the store; after it, the new ones are.
/// Whoever opens or writes the store next finishes what a crash interrupted: it removes the new segments when
/// the index does not know them yet, the old ones when it does.
extension OrderStore {
    struct CompactionMarker: Codable {
        var old: [String]
        var firstNew: String

        enum CodingKeys: String, CodingKey { case old, firstNew = "first_new" }
    }

    var compactionMarkerPath: String { path + "/compact.json" }

    /// Rewrites the current records into new segments and removes the old ones; what it did.
    @discardableResult
    public func compact() throws(StoreError) -> CompactionResult {
        try refuseWhenReadOnly()
        return try transaction { () throws(StoreError) -> CompactionResult in
            // Everything in the base first, so that one pass over it sees every order.
            try index.writeBase()
            let old = segments.names()
            let before = segments.totalSize
            let last = old.last.flatMap(OrderSegments.number) ?? 0
            let firstNew = OrderSegments.name(number: last + 1)
            try FileIO.atomicWrite(
                try Self.encode(CompactionMarker(old: old, firstNew: firstNew), file: compactionMarkerPath),
                to: compactionMarkerPath)
            let writer = try OrderSegments.Writer(segments, startingAt: firstNew)
            let builder = try IndexBuilder(spillPath: path + "/index-build.tmp")
            var failure: StoreError?
            var orders = 0
            index.base?.forEachLine { raw, start, end, _ in
                do throws(StoreError) {
                    // A line that cannot be read is left out, as a rebuild would: its record stays in the old
                    // segments until a person repairs the index (never deleted: see below).
                    guard let from = IndexLineReader.location(raw, start: start, end: end),
                        let key = IndexLineReader.key(raw, start: start, end: end),
                        let id = IndexLineReader.merchantID(raw, start: start, end: end)
                    else {
                        throw StoreError(
                            "a line of the order index \(index.basePath) cannot be read",
                            remedy: "move it aside (mv \(index.basePath) \(index.basePath).damaged): jom rebuilds it from the records, then `compact` again")
                    }
                    let record = try segments.read(from)
                    let to = try writer.add(Array(record))
                    guard let line = IndexLineReader.relocated(raw, start: start, end: end, to: to) else {
                        throw StoreError("a line of the order index \(index.basePath) cannot be read")
                    }
                    try builder.add(line: line, key: key, merchantID: id)
                    orders += 1
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
            if let failure {
                try removeNewSegments(from: firstNew)
                unlink(compactionMarkerPath)
                throw failure
            }
            try writer.flush()
            try FileIO.syncDirectory(of: segments.path(firstNew))
            try index.writeBase(merging: builder, ends: writer.ends, keepBase: false, replacingEnds: true)
            // The new index is in place: the old segments are no one's any more.
            for name in old { try segments.remove(name) }
            try FileIO.syncDirectory(of: segments.path(firstNew))
            unlink(compactionMarkerPath)
            return CompactionResult(orders: orders, bytesBefore: before, bytesAfter: segments.totalSize)
        }
    }

    public func compact(force: Bool) throws(StoreError) -> CompactionResult? {
        force ? try compact() : try compactIfWorthwhile()
    }

    /// Compacts when old versions take more than half of the segments (and more than a megabyte): the store's
    /// size follows its orders however many downloads and actions changed them. Returns what it did, if it did.
    @discardableResult
    public func compactIfWorthwhile() throws(StoreError) -> CompactionResult? {
        guard !readOnly, let live = index.liveBytesAtLeast else { return nil }
        let total = segments.totalSize
        guard total - live > max(1 << 20, live) else { return nil }
        return try compact()
    }

    /// Finishes a compaction a crash interrupted (call holding the lock, with the index loaded).
    func finishInterruptedCompaction() throws(StoreError) {
        guard FileIO.stamp(compactionMarkerPath) != .missing else { return }
        guard let data = try FileIO.read(compactionMarkerPath),
            let marker = try? JSONDecoder().decode(CompactionMarker.self, from: data),  // Damaged: reported below.
            let first = OrderSegments.number(marker.firstNew)
        else {
            throw StoreError(
                "the compaction marker \(compactionMarkerPath) is damaged",
                remedy:
                    "if index.jsonl names only segments that exist, remove it (rm \(compactionMarkerPath)); jom never removes a segment it cannot account for")
        }
        let newNames = segments.names().filter { (OrderSegments.number($0) ?? 0) >= first }
        if newNames.contains(where: { index.ends[$0] != nil }) {
            // The new index was written: the old segments are garbage.
            for name in marker.old where index.ends[name] == nil { try segments.remove(name) }
            progress("a compaction cut short was finished: the old order files are removed")
        } else {
            try removeNewSegments(from: marker.firstNew)
            progress("a compaction cut short was undone: the store is as it was before it")
        }
        try FileIO.syncDirectory(of: segments.path(marker.firstNew))
        unlink(compactionMarkerPath)
    }

    private func removeNewSegments(from firstNew: String) throws(StoreError) {
        guard let first = OrderSegments.number(firstNew) else { return }
        for name in segments.names() where (OrderSegments.number(name) ?? 0) >= first { try segments.remove(name) }
    }
}
