import Foundation
import OrderDesk

/// One line of the order index: a JSON array with the order's summary and its search text.
///
///     ["new",1795849200,null,"2ab4…","801234567890",1796022000,null,"Ada Shopper","Hoboken, NJ",2,4278,"Red mug","…"]
///
/// Fields, in order: stage, received (Unix seconds), cancellation, merchant_order_id, reference_order_id,
/// ship-by, return requested, buyer, destination, units, total in cents, title, open at Jet (1 or 0), approved,
/// shipped, cancelled, refunded (Unix seconds), refunded in cents, search text. The search text
/// is every searchable field in lower case, separated by U+001F. The fields that filters need come first, so
/// a scan reads only what it needs.
enum IndexLine {
    /// The position (from 0) of "open at Jet", and of the search text, the last field.
    static let openField = 12
    static let searchField = 18

    /// The search text of `record`: its searchable fields, lower-cased, joined by U+001F.
    static func searchText(_ record: OrderRecord) -> String { SearchText.joined(record) }

    static func encode(_ s: OrderSummary, search: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "["))
        string(s.stage.rawValue, &out); comma(&out)
        int(s.receivedAt.map { Int($0.timeIntervalSince1970) }, &out); comma(&out)
        if let c = s.cancellation { string(c.rawValue, &out) } else { null(&out) }
        comma(&out)
        string(s.merchantOrderID, &out); comma(&out)
        string(s.referenceOrderID, &out); comma(&out)
        int(s.shipBy.map { Int($0.timeIntervalSince1970) }, &out); comma(&out)
        int(s.returnRequestedAt.map { Int($0.timeIntervalSince1970) }, &out); comma(&out)
        string(s.buyer, &out); comma(&out)
        string(s.destination, &out); comma(&out)
        int(s.units, &out); comma(&out)
        int(s.total.value, &out); comma(&out)
        string(s.title, &out); comma(&out)
        int(s.openAtJet ? 1 : 0, &out); comma(&out)
        for d in [s.events.approved, s.events.shipped, s.events.cancelled, s.events.refunded] {
            int(d.map { Int($0.timeIntervalSince1970) }, &out); comma(&out)
        }
        int(s.refunded.value, &out); comma(&out)
        string(search, &out)
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
        while i < end, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "]") { i += 1 }
        return true
    }

    /// The offset just after the opening quote of field `n` (counting from 0), which must be a string.
    mutating func startOfField(_ n: Int) -> Int? {
        for _ in 0..<n { guard skip() else { return nil } }
        skipSeparator()
        guard i < end, bytes[i] == UInt8(ascii: "\"") else { return nil }
        return i + 1
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
                   let low = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: raw[k + 2..<k + 6]), as: UTF8.self), radix: 16) {
                    scalarValue = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    k += 6
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalarValue).map(Character.init) ?? "\u{FFFD}").utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The whole summary, or nil when the line is damaged.
    static func summary(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> (OrderSummary, search: String)? {
        guard var r = IndexLineReader(bytes, start: start, end: end),
              let stageText = r.string(), let stage = OrderStage(rawValue: stageText),
              let received = r.optionalInt(), let cancellation = r.optionalString(),
              let mid = r.string(), let rid = r.string(), let shipBy = r.optionalInt(), let returnAt = r.optionalInt(),
              let buyer = r.string(), let destination = r.string(),
              case .int(let units)? = r.next(), case .int(let total)? = r.next(),
              let title = r.string(), case .int(let open)? = r.next(),
              let approved = r.optionalInt(), let shipped = r.optionalInt(), let cancelled = r.optionalInt(), let refundedAt = r.optionalInt(),
              case .int(let refunded)? = r.next(), let search = r.string()
        else { return nil }
        func date(_ v: Int?) -> Date? { v.map { Date(timeIntervalSince1970: Double($0)) } }
        let s = OrderSummary(merchantOrderID: mid, referenceOrderID: rid, stage: stage, receivedAt: date(received), shipBy: date(shipBy),
                             returnRequestedAt: date(returnAt), buyer: buyer, destination: destination, units: units,
                             total: Cents(total), title: title,
                             cancellation: cancellation.flatMap(OrderStage.Cancellation.init(rawValue:)), openAtJet: open != 0)
        var summary = s
        summary.events = .init(approved: date(approved), shipped: date(shipped), cancelled: date(cancelled), refunded: date(refundedAt))
        summary.refunded = Cents(refunded)
        return (summary, search)
    }
}
