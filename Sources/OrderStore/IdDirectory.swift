import Foundation

/// The base index's order ids, sorted for prefix look-ups, each pointing at its line in the base. Compact: an
/// id is kept as its first sixteen bytes (lower-cased) packed in two numbers, so a million orders cost 48 MB
/// here; an id longer than that is checked against its line.
struct IdDirectory {
    private var byReference: [Slot] = []
    private var byMerchant: [Slot] = []

    struct Slot {
        var key: Key
        var line: Int
    }

    struct Key: Comparable {
        var high: UInt64
        var low: UInt64
        static func < (a: Key, b: Key) -> Bool { (a.high, a.low) < (b.high, b.low) }
    }

    /// Up to sixteen bytes, lower-cased ASCII, packed big-endian; the rest of the sixteen filled with `fill`.
    static func pack(_ bytes: some Collection<UInt8>, fill: UInt8 = 0) -> Key {
        var v = [UInt8](repeating: fill, count: 16)
        for (i, b) in bytes.prefix(16).enumerated() { v[i] = b >= 65 && b <= 90 ? b + 32 : b }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 {
            high = high << 8 | UInt64(v[i])
            low = low << 8 | UInt64(v[i + 8])
        }
        return Key(high: high, low: low)
    }

    mutating func add(merchantID: some Collection<UInt8>, referenceID: some Collection<UInt8>, line: Int) {
        byReference.append(Slot(key: Self.pack(referenceID), line: line))
        byMerchant.append(Slot(key: Self.pack(merchantID), line: line))
    }

    mutating func sort() {
        byReference.sort { $0.key < $1.key || ($0.key == $1.key && $0.line < $1.line) }
        byMerchant.sort { $0.key < $1.key || ($0.key == $1.key && $0.line < $1.line) }
    }

    var count: Int { byMerchant.count }

    /// Lines whose merchant id may be `id` (the first sixteen bytes match; the caller checks the line).
    func lines(mayBeMerchantID id: String) -> [Int] {
        let key = Self.pack(Array(id.utf8))
        var out: [Int] = []
        var i = lowerBound(byMerchant, key)
        while i < byMerchant.count, byMerchant[i].key == key {
            out.append(byMerchant[i].line)
            i += 1
        }
        return out
    }

    /// Lines whose reference id or merchant id may start with `prefix` (case-insensitive; a prefix longer than
    /// sixteen bytes is checked by the caller against the line). At most `limit` of each kind.
    func lines(mayStartWith prefix: String, limit: Int) -> [Int] {
        let bytes = Array(prefix.lowercased().utf8)
        // Every id whose first bytes are the prefix's lies between the prefix padded with 0x00 and with 0xFF.
        let low = Self.pack(bytes), high = Self.pack(bytes, fill: 0xFF)
        var out: [Int] = []
        for list in [byReference, byMerchant] {
            var i = lowerBound(list, low)
            var n = 0
            while i < list.count, list[i].key <= high, n < limit {
                out.append(list[i].line)
                i += 1
                n += 1
            }
        }
        return out
    }

    private func lowerBound(_ list: [Slot], _ key: Key) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
