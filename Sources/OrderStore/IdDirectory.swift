import Foundation

/// The base index's order ids, sorted for prefix look-ups, each pointing at its line in the base. Compact: an
/// id is kept as its first sixteen bytes (lower-cased) packed in two numbers, and a merchant id also as a hash
/// for exact look-ups, so a million orders cost 64 MB here; an id longer than that is checked against its line.
struct IdDirectory {
    private var byReference: [Slot] = []
    private var byMerchant: [Slot] = []
    /// Every merchant id's hash (``StoreOrderKey/hash(_:)``), for exact look-ups of ids that share their first
    /// sixteen bytes with many others.
    private var merchantHashes: [(hash: UInt64, line: Int)] = []

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
        merchantHashes.append((StoreOrderKey.hash(merchantID), line))
    }

    mutating func sort() {
        byReference.sort { $0.key < $1.key || ($0.key == $1.key && $0.line < $1.line) }
        byMerchant.sort { $0.key < $1.key || ($0.key == $1.key && $0.line < $1.line) }
        merchantHashes.sort { $0.hash < $1.hash }
    }

    var count: Int { byMerchant.count }

    /// Lines whose merchant id may be exactly `id` (its hash matches; the caller checks the line).
    func lines(mayBeMerchantID id: String) -> [Int] {
        let h = StoreOrderKey.hash(id.utf8)
        var lo = 0, hi = merchantHashes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if merchantHashes[mid].hash < h { lo = mid + 1 } else { hi = mid }
        }
        var out: [Int] = []
        while lo < merchantHashes.count, merchantHashes[lo].hash == h {
            out.append(merchantHashes[lo].line)
            lo += 1
        }
        return out
    }

    /// Lines whose reference id or merchant id may start with `prefix` (case-insensitive; a prefix longer than
    /// sixteen bytes is checked by the caller against the line). At most `limit` of each kind for a prefix of
    /// up to sixteen bytes (each is a match); every candidate for a longer one.
    func lines(mayStartWith prefix: String, limit: Int) -> [Int] {
        let bytes = Array(prefix.lowercased().utf8)
        // Every id whose first bytes are the prefix's lies between the prefix padded with 0x00 and with 0xFF.
        let low = Self.pack(bytes), high = Self.pack(bytes, fill: 0xFF)
        // Beyond sixteen bytes every id with the same first sixteen is a candidate: the caller checks them all.
        let cap = bytes.count > 16 ? Int.max : limit
        var out: [Int] = []
        for list in [byReference, byMerchant] {
            var i = lowerBound(list, low)
            var n = 0
            while i < list.count, list[i].key <= high, n < cap {
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
