import Foundation
import OrderDesk

/// Where an order's current record lies: a segment file of `orders/`, and the byte range of its line (the
/// newline excluded).
struct RecordLocation: Hashable, Sendable {
    var segment: String
    var offset: Int
    var length: Int
}

/// One order as the index knows it: its summary, its search text (fields joined by U+001F), and where its
/// record is.
struct IndexEntry: Sendable {
    var summary: OrderSummary
    var search: String
    var location: RecordLocation

    var key: StoreOrderKey { StoreOrderKey(summary) }
}

/// The order the base index keeps its lines in, oldest first: when an order came in, then its reference id,
/// then (to break any tie) a hash of its Jet id. Lists stream newest first by walking it backwards.
struct StoreOrderKey: Comparable, Hashable, Sendable {
    var received: Int64
    var ref0: UInt64
    var ref1: UInt64
    var id: UInt64

    init(received: Int?, reference: some Collection<UInt8>, merchantID: some Collection<UInt8>) {
        self.received = received.map(Int64.init) ?? .min
        var a: UInt64 = 0, b: UInt64 = 0
        for (i, c) in reference.prefix(16).enumerated() {
            if i < 8 { a |= UInt64(c) << UInt64(56 - 8 * i) } else { b |= UInt64(c) << UInt64(56 - 8 * (i - 8)) }
        }
        ref0 = a
        ref1 = b
        id = StoreOrderKey.hash(merchantID)
    }

    init(_ s: OrderSummary) {
        self.init(
            received: s.receivedAt.map { Int($0.timeIntervalSince1970.rounded(.down)) }, reference: Array(s.referenceOrderID.utf8),
            merchantID: Array(s.merchantOrderID.utf8))
    }

    /// FNV-1a of the bytes.
    static func hash(_ bytes: some Collection<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    static func < (a: Self, b: Self) -> Bool {
        (a.received, a.ref0, a.ref1, a.id) < (b.received, b.ref0, b.ref1, b.id)
    }
}

/// One line of the order index: a JSON array with the order's summary, where its record is, and its search
/// text.
///
///     ["new",1795849200,null,"2ab4…","801234567890",1796022000,null,"Ada Shopper","Hoboken, NJ",2,4278,"Red mug",
///      1,null,null,null,null,0,"000001",52344,1873,["2ab4…","801234567890","ada shopper",…]]
///
/// Fields, in order: stage, received (Unix seconds), cancellation, merchant_order_id, reference_order_id,
/// ship-by, return requested, buyer, destination, units, total in cents, title, open at Jet (1 or 0), approved,
/// shipped, cancelled, refunded (Unix seconds), refunded in cents, the record's segment, offset and length, and
/// the search text: every searchable field in lower case, one string each. The fields that filters need come
/// first, so a scan reads only what it needs.
/// The fields of an index line, in their order: a reader finds one by name (``IndexLineReader/seek(_:)``), never by
/// counting.
enum IndexField: Int, CaseIterable, Sendable {
    case stage, received, cancellation, merchantID, referenceID, shipBy, returnRequested, buyer, destination, units, total, title
    case openAtMarketplace, approved, shipped, cancelled, refundedAt, refunded
    /// Where the record is: its segment, the byte its line starts at, its length.
    case segment, offset, length
    /// The search text, an array of strings: the last field.
    case search
}

enum IndexLine {

    /// The search text of `record`: its searchable fields, lower-cased, joined by U+001F.
    static func searchText(_ record: OrderRecord) -> String { SearchText.joined(record) }

    static func encode(_ e: IndexEntry) -> [UInt8] {
        let s = e.summary
        var out: [UInt8] = []
        out.reserveCapacity(256 + e.search.utf8.count)
        out.append(UInt8(ascii: "["))
        string(s.stage.rawValue, &out); comma(&out)
        int(s.receivedAt.map { Int($0.timeIntervalSince1970.rounded(.down)) }, &out); comma(&out)
        if let c = s.cancellation { string(c.rawValue, &out) } else { null(&out) }
        comma(&out)
        string(s.merchantOrderID, &out); comma(&out)
        string(s.referenceOrderID, &out); comma(&out)
        int(s.shipBy.map { Int($0.timeIntervalSince1970.rounded(.down)) }, &out); comma(&out)
        int(s.returnRequestedAt.map { Int($0.timeIntervalSince1970.rounded(.down)) }, &out); comma(&out)
        string(s.buyer, &out); comma(&out)
        string(s.destination, &out); comma(&out)
        int(s.units, &out); comma(&out)
        int(s.total.value, &out); comma(&out)
        string(s.title, &out); comma(&out)
        int(s.openAtJet ? 1 : 0, &out); comma(&out)
        for d in [s.events.approved, s.events.shipped, s.events.cancelled, s.events.refunded] {
            int(d.map { Int($0.timeIntervalSince1970.rounded(.down)) }, &out); comma(&out)
        }
        int(s.refunded.value, &out); comma(&out)
        string(e.location.segment, &out); comma(&out)
        int(e.location.offset, &out); comma(&out)
        int(e.location.length, &out); comma(&out)
        // The search text as an array of strings: a needle (escaped the same way) never holds a bare quote, so
        // it cannot match across the `","` between two fields.
        out.append(UInt8(ascii: "["))
        var first = true
        for field in e.search.split(separator: SearchText.separator, omittingEmptySubsequences: true) {
            if !first { comma(&out) }
            first = false
            string(String(field), &out)
        }
        out.append(UInt8(ascii: "]"))
        out.append(UInt8(ascii: "]"))
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// The needle as it appears inside an encoded, lower-cased search text.
    static func escapedNeedle(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        string(text, &out)
        return Array(out.dropFirst().dropLast())
    }

    private static func comma(_ out: inout [UInt8]) { out.append(UInt8(ascii: ",")) }
    private static func null(_ out: inout [UInt8]) { out.append(contentsOf: Array("null".utf8)) }

    private static func int(_ v: Int?, _ out: inout [UInt8]) {
        guard let v else { null(&out); return }
        out.append(contentsOf: Array(String(v).utf8))
    }

    static func string(_ s: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Reads an index line field by field, without Foundation's JSON machinery.
struct IndexLineReader {
    let bytes: UnsafeRawBufferPointer
    var i: Int
    let end: Int
    /// The field the reader is at (each read or skip moves on one).
    private(set) var field = 0

    /// Skips to `target` (which must not be behind the reader); false when the line ends first.
    mutating func seek(_ target: IndexField) -> Bool {
        while field < target.rawValue { guard skip() else { return false } }
        return field == target.rawValue
    }

    /// A reader over `bytes[start..<end]`, positioned after the opening `[`. Nil when the line is not an array.
    init?(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) {
        guard start < end, bytes[start] == UInt8(ascii: "[") else { return nil }
        self.bytes = bytes
        self.i = start + 1
        self.end = end
    }

    enum Value { case string(String), int(Int), null }

    mutating func skipSeparator() {
        while i < end, bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: " ") { i += 1 }
    }

    mutating func next() -> Value? {
        skipSeparator()
        guard i < end else { return nil }
        field += 1
        let b = bytes[i]
        if b == UInt8(ascii: "\"") { return readString().map { .string($0) } }
        if b == UInt8(ascii: "n") {
            guard i + 4 <= end else { return nil }
            i += 4
            return .null
        }
        var negative = false
        if b == UInt8(ascii: "-") { negative = true; i += 1 }
        var v = 0
        var digits = 0
        while i < end, bytes[i] >= 48, bytes[i] <= 57 {
            v = v &* 10 &+ Int(bytes[i] - 48)
            i += 1
            digits += 1
        }
        return digits > 0 ? .int(negative ? -v : v) : nil
    }

    /// Skips one value; cheaper than reading it.
    mutating func skip() -> Bool {
        skipSeparator()
        guard i < end else { return false }
        field += 1
        if bytes[i] == UInt8(ascii: "\"") {
            i += 1
            while i < end {
                let c = bytes[i]
                if c == UInt8(ascii: "\\") { i += 2; continue }
                i += 1
                if c == UInt8(ascii: "\"") { return true }
            }
            return false
        }
        if bytes[i] == UInt8(ascii: "[") {
            // A nested array (the search text): skip to its closing bracket, minding strings.
            i += 1
            while i < end {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    while i < end, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                } else if c == UInt8(ascii: "]") {
                    i += 1
                    return true
                }
                i += 1
            }
            return false
        }
        while i < end, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "]") { i += 1 }
        return true
    }

    /// The bytes of a string value without its quotes (escapes left as they are).
    mutating func rawString() -> Range<Int>? {
        skipSeparator()
        guard i < end, bytes[i] == UInt8(ascii: "\"") else { return nil }
        field += 1
        let start = i + 1
        i += 1
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if c == UInt8(ascii: "\"") { i += 1; return start..<(i - 1) }
            i += 1
        }
        return nil
    }

    /// An array of strings (the search text).
    mutating func stringArray() -> [String]? {
        skipSeparator()
        guard i < end, bytes[i] == UInt8(ascii: "[") else { return nil }
        field += 1
        i += 1
        var out: [String] = []
        while true {
            skipSeparator()
            guard i < end else { return nil }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return out }
            guard bytes[i] == UInt8(ascii: "\""), let s = readString() else { return nil }
            out.append(s)
        }
    }

    mutating func string() -> String? {
        if case .string(let s)? = next() { return s }
        return nil
    }

    mutating func optionalInt() -> Int?? {
        switch next() {
        case .int(let v)?: return .some(v)
        case .null?: return .some(nil)
        default: return nil
        }
    }

    mutating func optionalString() -> String?? {
        switch next() {
        case .string(let s)?: return .some(s)
        case .null?: return .some(nil)
        default: return nil
        }
    }

    private mutating func readString() -> String? {
        i += 1
        let start = i
        var escaped = false
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") { escaped = true; i += 2; continue }
            if c == UInt8(ascii: "\"") { break }
            i += 1
        }
        guard i < end else { return nil }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
        i += 1
        if !escaped { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            let c = raw[k]
            guard c == UInt8(ascii: "\\"), k + 1 < raw.count else { out.append(c); k += 1; continue }
            let e = raw[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard k + 4 <= raw.count, let v = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: raw[k..<k + 4]), as: UTF8.self), radix: 16)
                else { return nil }
                k += 4
                var scalarValue = v
                if (0xD800..<0xDC00).contains(v), k + 6 <= raw.count, raw[k] == UInt8(ascii: "\\"), raw[k + 1] == UInt8(ascii: "u"),
                    let low = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: raw[k + 2..<k + 6]), as: UTF8.self), radix: 16)
                {
                    scalarValue = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    k += 6
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalarValue).map(Character.init) ?? "\u{FFFD}").utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The whole entry, or nil when the line is damaged. Without `search`, the search text is not read (it is
    /// the costly part, and only a search of the log needs it): the entry's `search` is then empty.
    static func entry(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int, search withSearch: Bool = true) -> IndexEntry? {
        guard var r = IndexLineReader(bytes, start: start, end: end),
            let stageText = r.string(), let stage = OrderStage(rawValue: stageText),
            let received = r.optionalInt(), let cancellation = r.optionalString(),
            let mid = r.string(), let rid = r.string(), let shipBy = r.optionalInt(), let returnAt = r.optionalInt(),
            let buyer = r.string(), let destination = r.string(),
            case .int(let units)? = r.next(), case .int(let total)? = r.next(),
            let title = r.string(), case .int(let open)? = r.next(),
            let approved = r.optionalInt(), let shipped = r.optionalInt(), let cancelled = r.optionalInt(), let refundedAt = r.optionalInt(),
            case .int(let refunded)? = r.next(), let segment = r.string(), case .int(let offset)? = r.next(),
            case .int(let length)? = r.next(), let search = withSearch ? r.stringArray() : []
        else { return nil }
        func date(_ v: Int?) -> Date? { v.map { Date(timeIntervalSince1970: Double($0)) } }
        var s = OrderSummary(
            merchantOrderID: mid, referenceOrderID: rid, stage: stage, receivedAt: date(received), shipBy: date(shipBy),
            returnRequestedAt: date(returnAt), buyer: buyer, destination: destination, units: units,
            total: Cents(total), title: title,
            cancellation: cancellation.flatMap(OrderStage.Cancellation.init(rawValue:)), openAtJet: open != 0)
        s.events = .init(approved: date(approved), shipped: date(shipped), cancelled: date(cancelled), refunded: date(refundedAt))
        s.refunded = Cents(refunded)
        return IndexEntry(
            summary: s, search: search.joined(separator: String(SearchText.separator)),
            location: RecordLocation(segment: segment, offset: offset, length: length))
    }

    /// The line's place in the store order (fields 1, 3 and 4), read without decoding the rest.
    static func key(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> StoreOrderKey? {
        guard var r = IndexLineReader(bytes, start: start, end: end), r.seek(.received), let received = r.optionalInt(), r.seek(.merchantID),
            let mid = r.rawString(), let rid = r.rawString()
        else { return nil }
        let ref = UnsafeRawBufferPointer(rebasing: bytes[rid]), id = UnsafeRawBufferPointer(rebasing: bytes[mid])
        if ref.contains(0x5C) || id.contains(0x5C) {
            // An escape in an id (hostile data): the key of the decoded ids, as entries compute it.
            return entry(bytes, start: start, end: end)?.key
        }
        return StoreOrderKey(received: received, reference: ref, merchantID: id)
    }

    /// Where the line's record is (fields 18 to 20), read without decoding the rest.
    static func location(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> RecordLocation? {
        guard var r = IndexLineReader(bytes, start: start, end: end), r.seek(.segment) else { return nil }
        guard let segment = r.string(), case .int(let offset)? = r.next(), case .int(let length)? = r.next() else { return nil }
        return RecordLocation(segment: segment, offset: offset, length: length)
    }

    /// The line with its record's location replaced (a compaction moved the record), nothing else touched.
    static func relocated(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int, to location: RecordLocation) -> [UInt8]? {
        guard var r = IndexLineReader(bytes, start: start, end: end), r.seek(.segment) else { return nil }
        r.skipSeparator()
        let from = r.i
        guard r.seek(.search) else { return nil }
        var out = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<from]))
        IndexLine.string(location.segment, &out)
        out += Array(",\(location.offset),\(location.length)".utf8)
        out += Array(UnsafeRawBufferPointer(rebasing: bytes[r.i..<end]))
        return out
    }

    /// The merchant order id of a line (field 3), or nil.
    static func merchantID(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> String? {
        guard var r = IndexLineReader(bytes, start: start, end: end), r.seek(.merchantID) else { return nil }
        return r.string()
    }

    /// Where the search text's fields begin and end: between the `[` and `]` of its array.
    static func searchRegion(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> Range<Int>? {
        guard var r = IndexLineReader(bytes, start: start, end: end), r.seek(.search) else { return nil }
        r.skipSeparator()
        // The line ends `]]`: the search array's, then the line's.
        guard r.i < end, bytes[r.i] == UInt8(ascii: "["), end - 2 > r.i else { return nil }
        return (r.i + 1)..<(end - 2)
    }
}
