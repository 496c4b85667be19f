import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// Index entries for more orders than memory should hold (an import, a migration, a rebuild): their lines go
/// to a spill file as they come, with only a small sort key per entry kept in memory (48 bytes), so a million
/// orders cost about 50 MB here. ``OrderIndex/writeBase(merging:dropping:ends:)`` then merges them, in store
/// order, with the current base into a new one.
final class IndexBuilder {
    struct Slot {
        var key: StoreOrderKey
        var offset: Int
        var length: Int
    }

    let spillPath: String
    private let fd: Int32
    private var spillSize = 0
    private var pending: [UInt8] = []
    private(set) var slots: [Slot] = []
    /// Slot numbers by a hash of the merchant id, to notice an order given twice (`more` only for the rare
    /// hash shared by two ids).
    private var byID: [UInt64: Int32] = [:]
    private var more: [UInt64: [Int32]] = [:]
    private var sorted = false

    init(spillPath: String) throws(StoreError) {
        self.spillPath = spillPath
        fd = open(spillPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io("create", spillPath) }
    }

    deinit {
        close(fd)
        unlink(spillPath)
    }

    var count: Int { slots.count }

    func add(_ entry: IndexEntry) throws(StoreError) {
        let line = IndexLine.encode(entry)
        let slot = Slot(key: entry.key, offset: spillSize + pending.count, length: line.count - 1)
        let h = StoreOrderKey.hash(entry.summary.merchantOrderID.utf8)
        if byID[h] == nil { byID[h] = Int32(slots.count) } else { more[h, default: []].append(Int32(slots.count)) }
        slots.append(slot)
        pending += line
        if pending.count > 4 << 20 { try writePending() }
        sorted = false
    }

    /// Adds a line as it is (a compaction's, already encoded; without its newline).
    func add(line: [UInt8], key: StoreOrderKey, merchantID: String) throws(StoreError) {
        let slot = Slot(key: key, offset: spillSize + pending.count, length: line.count)
        let h = StoreOrderKey.hash(merchantID.utf8)
        if byID[h] == nil { byID[h] = Int32(slots.count) } else { more[h, default: []].append(Int32(slots.count)) }
        slots.append(slot)
        pending += line
        pending.append(0x0A)
        if pending.count > 4 << 20 { try writePending() }
        sorted = false
    }

    /// Whether an entry for this order was added.
    func contains(merchantID id: String) throws(StoreError) -> Bool {
        let h = StoreOrderKey.hash(id.utf8)
        guard let first = byID[h] else { return false }
        try writePending()
        let candidates = [first] + (more[h] ?? [])
        for c in candidates {
            guard let line = line(slots[Int(c)]) else { continue }
            if line.withUnsafeBytes({ IndexLineReader.merchantID($0, start: 0, end: $0.count) }) == id { return true }
        }
        return false
    }

    private func writePending() throws(StoreError) {
        guard !pending.isEmpty else { return }
        try FileIO.writeAll(fd, Data(pending), path: spillPath)
        spillSize += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Makes every entry readable, in store order.
    func finish() throws(StoreError) {
        try writePending()
        if !sorted {
            slots.sort { $0.key < $1.key }
            byID = [:]
            more = [:]
            sorted = true
        }
    }

    /// The bytes of a slot's line (no newline).
    func line(_ slot: Slot) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: slot.length)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, slot.length, off_t(slot.offset)) }
        return n == slot.length ? out : nil
    }
}
