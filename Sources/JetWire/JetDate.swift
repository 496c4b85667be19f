import Foundation

/// A date as Jet writes it: `2017-03-14T15:02:11.0000000Z`, `2017-03-14T11:35:20.1234567-04:00`, with 0–7
/// fraction digits and `Z` or an offset (also `MM/dd/yyyy` and `yyyy-MM-dd HH:mm:ss`, which some fields
/// carried). A value that cannot be read is kept as its raw text instead of failing the whole order.
public struct JetDate: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The instant, when the text could be read.
    public var date: Date?
    /// The text exactly as Jet sent it (or as we will send it).
    public var raw: String

    public init(raw: String) {
        self.raw = raw
        self.date = JetDate.parse(raw)
    }

    /// A date to send, in the 7-digit form Jet's validation asked for: `2017-03-15T10:12:00.0000000+00:00`.
    public init(_ date: Date) {
        self.date = date
        self.raw = JetDate.format(date, style: .sent)
    }

    public var description: String { raw }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {  // Not a string: maybe a number (below).
            self.init(raw: s)
        } else if let n = try? c.decode(Double.self) {  // Neither: handled below.
            // Seconds since 1970, which no Jet client sent but a tolerant reader accepts (years 1900–2999 only).
            self.init(raw: String(n))
            self.date = n.isFinite && n > -2_208_988_800 && n < 32_503_680_000 ? Date(timeIntervalSince1970: n) : nil
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "a date must be a string")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(raw)
    }

    public enum Style: Sendable {
        /// `2017-03-15T10:12:00.0000000+00:00`: what we send.
        case sent
        /// `2017-03-14T15:02:11.0000000Z`: what Jet sends back.
        case zulu7
        /// `2017-06-02T05:44:12Z`: the token's `expires_on`.
        case seconds
    }

    public static func format(_ date: Date, style: Style) -> String {
        var t = Int64((date.timeIntervalSince1970 * 1).rounded(.down))
        let frac = Int64(((date.timeIntervalSince1970 - Double(t)) * 10_000_000).rounded(.down))
        var days = t / 86400
        var secs = t % 86400
        if secs < 0 { secs += 86400; days -= 1 }
        t = secs
        let (y, m, d) = civil(fromDays: days)
        let base = String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", y, m, d, t / 3600, (t % 3600) / 60, t % 60)
        switch style {
        case .sent: return base + String(format: ".%07lld", frac) + "+00:00"
        case .zulu7: return base + String(format: ".%07lld", frac) + "Z"
        case .seconds: return base + "Z"
        }
    }

    /// Reads Jet's date forms; nil when the text is none of them.
    public static func parse(_ text: String) -> Date? {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == UInt8(ascii: " ") { bytes.removeLast() }
        var i = 0
        func num(_ count: Int) -> Int64? {
            guard i + count <= bytes.count else { return nil }
            var v: Int64 = 0
            for k in 0..<count {
                let b = bytes[i + k]
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int64(b - 48)
            }
            i += count
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < bytes.count, bytes[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        // MM/dd/yyyy [HH:mm:ss]
        if bytes.count >= 10, bytes[2] == UInt8(ascii: "/") {
            guard let mo = num(2), expect("/"), let d = num(2), expect("/"), let y = num(4) else { return nil }
            var h: Int64 = 0, mi: Int64 = 0, s: Int64 = 0
            if i < bytes.count {
                guard expect(" "), let hh = num(2), expect(":"), let mm = num(2) else { return nil }
                h = hh; mi = mm
                if expect(":") { guard let ss = num(2) else { return nil }; s = ss }
            }
            guard i == bytes.count else { return nil }
            return make(y, mo, d, h, mi, s, 0, 0)
        }
        guard let y = num(4), expect("-"), let mo = num(2), expect("-"), let d = num(2) else { return nil }
        if i == bytes.count { return make(y, mo, d, 0, 0, 0, 0, 0) }
        guard expect("T") || expect(" "), let h = num(2), expect(":"), let mi = num(2), expect(":"), let s = num(2) else { return nil }
        var nanos: Int64 = 0
        if expect(".") {
            var digits = 0
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(bytes[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits >= 1, digits <= 9 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if i < bytes.count {
            if expect("Z") || expect("z") {
            } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                let sign: Int64 = bytes[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = num(2) else { return nil }
                _ = expect(":")
                guard let om = num(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == bytes.count else { return nil }
        return make(y, mo, d, h, mi, s, nanos, offset)
    }

    private static func make(_ y: Int64, _ mo: Int64, _ d: Int64, _ h: Int64, _ mi: Int64, _ s: Int64, _ nanos: Int64, _ offset: Int64) -> Date? {
        guard (1...12).contains(mo), (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s) else { return nil }
        let days = daysFromCivil(y, mo, d)
        let seconds = days * 86400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }

    // Howard Hinnant's civil-date algorithms.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
