import Foundation

/// Which parts of an order `find` looks in: everything `open` shows. The order's ids (Jet's, the customer's,
/// ours), buyer and recipient, phones, the buyer's Jet e-mail, the address, SKUs and titles, amounts as `open`
/// shows them (`65.81`), its dates (`2026-11-28`, in the machine's time zone), carrier, method and service
/// level, tracking numbers (Jet's and ours), Jet's statuses and exception, return numbers, reasons and
/// tracking, the reasons given for our cancels and refunds, and notes with their authors. Lower-cased, one
/// string per field, each field once.
public enum SearchText {
    public static func fields(of record: OrderRecord) -> [String] {
        let o = record.order
        var f: [String] = [o.merchantOrderID, o.referenceOrderID]
        f += [o.customerReferenceOrderID, o.altOrderID, o.hashEmail].compactMap { $0 }
        f += [o.buyer.name, o.buyer.phone, o.recipient.name, o.recipient.phone].compactMap { $0 }
        // Phones also as their digits alone: `find 5551339499` finds `(555) 133-9499`.
        f += [o.buyer.phone, o.recipient.phone].compactMap { $0.map(digits) }.filter { $0.count >= 7 }
        f += [o.address.line1, o.address.line2, o.address.zip].compactMap { $0 }
        // City and state together, as lists show them ("Hoboken, NJ") and as addresses are written.
        f.append(o.address.cityLine)
        f += [o.requestedCarrier, o.requestedMethod, o.serviceLevel].compactMap { $0 }
        f += [o.status.rawValue, o.acknowledgementStatus?.rawValue, o.exceptionState?.rawValue].compactMap { $0 }
        f += [o.placedAt, o.readyAt, o.shipBy, o.deliverBy].compactMap { $0.map(day) }
        for line in o.lines {
            f += [line.sku, line.title]
            f += amounts(line.price)
        }
        let t = o.totals
        f += [t.principal.plain, t.tax.plain, (t.shipping + t.shippingTax).plain, t.total.plain]
        for s in o.shipments {
            f += [s.tracking, s.carrier, s.method, s.shippedAt.map(day)].compactMap { $0 }
        }
        for a in record.effectiveActions {
            switch a.request {
            case .ship(let r): f += [r.tracking, r.carrier, r.method].compactMap { $0 }
            case .completeReturn(let c): f.append(c.refundTotal.plain)
            case .merchantRefund(let m): f.append(m.total.plain)
            default: break
            }
            if let reason = a.reason { f.append(reason) }
        }
        for r in o.returns {
            f += [r.id, r.reference, r.tracking, r.carrier, r.requestedAt.map(day), r.refunded?.total.plain].compactMap { $0 }
            f.append(r.requestedTotal.total.plain)
            for l in r.lines { f += [l.reason, l.requested.total.plain] }
        }
        for n in record.notes { f += [n.text, n.by] }
        var seen = Set<String>()
        return f.compactMap { field in
            let lower = normalized(field)
            return lower.isEmpty || !seen.insert(lower).inserted ? nil : lower
        }
    }

    /// Text as search compares it, the same for the order's fields and the text searched for: one Unicode form
    /// (NFKC: `ｶﾞ` and `ガ`, a decomposed `한` and a composed one, are the same), lower case, and without the
    /// invisible characters that would split a word (zero-width spaces and joiners, the byte-order mark).
    public static func normalized(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        // NFKC, then NFC: this Foundation leaves some compatibility forms decomposed (ｶﾞ as カ + U+3099).
        let compatible = text.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
        var kept = String.UnicodeScalarView()
        for scalar in compatible.unicodeScalars where !isInvisible(scalar) { kept.append(scalar) }
        return String(kept).lowercased()
    }

    /// Zero-width and formatting characters that change nothing a reader sees.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x200B...0x200D, 0x2060...0x2064, 0xFEFF, 0x00AD, 0x180E: true
        default: false
        }
    }

    /// `5551339499` of `(555) 133-9499`.
    static func digits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }))
    }

    /// How the operator writes a date with slashes: month first (`12/06/2026`, the US), day first (`06/12/2026`),
    /// or either (both are searched).
    public enum DateOrder: Sendable {
        case monthFirst, dayFirst, either

        /// From the locale's environment (`LC_ALL`, `LC_TIME`, `LANG`): `en_US` month first, other named locales day
        /// first, `C`/`POSIX` or none: either.
        public static func from(environment: [String: String]) -> DateOrder {
            let locale = [environment["LC_ALL"], environment["LC_TIME"], environment["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
            let name = locale.split(separator: ".").first.map(String.init) ?? ""
            if name.isEmpty || name == "C" || name == "POSIX" { return .either }
            if name.hasPrefix("en_US") || name.hasPrefix("en_PH") || name.hasPrefix("es_US") { return .monthFirst }
            return .dayFirst
        }
    }

    /// What `find TEXT` looks for: the text itself (normalized), and what the operator most likely meant where
    /// the store writes it otherwise: an amount as lists print it (`$1,234.50` → `1234.50`), a phone by its digits
    /// (`(555) 133-9499` → `5551339499`), a date in the operator's form (`06/12/2026`, `6.12.2026` → `2026-12-06`).
    public static func needles(_ text: String, dates: DateOrder) -> [String] {
        let t = text.trimmingCharacters(in: .whitespaces)
        var out = [normalized(t)]
        func add(_ s: String) { if !s.isEmpty, !out.contains(s) { out.append(s) } }
        // An amount: `$65.81`, `65.81`, `$1,234.50`, `1,234`.
        var amount = t
        if amount.hasPrefix("$") { amount.removeFirst() }
        if amount.contains(where: \.isNumber), amount.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }),
            amount.first?.isNumber == true, !amount.contains(",,")
        {
            let plain = amount.replacingOccurrences(of: ",", with: "")
            if plain.filter({ $0 == "." }).count <= 1 { add(plain) }
        }
        // A phone: digits with the usual punctuation, seven digits or more.
        let d = digits(t)
        if d.count >= 7, t.unicodeScalars.allSatisfy({ ($0.value >= 48 && $0.value <= 57) || " ()-.+/".unicodeScalars.contains($0) }),
            !t.contains("/") || t.split(separator: "/").count != 3
        {
            add(d)
        }
        // A date: `12/06/2026`, `06.12.2026`, `6-12-2026`.
        let parts = t.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).map(String.init)
        if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), parts[2].count == 4,
            let a = Int(parts[0]), let b = Int(parts[1]), let y = Int(parts[2])
        {
            func day(_ m: Int, _ dd: Int) {
                guard (1...12).contains(m), (1...31).contains(dd) else { return }
                add("\(y)-\(m < 10 ? "0" : "")\(m)-\(dd < 10 ? "0" : "")\(dd)")
            }
            let dots = t.contains(".")
            switch dates {
            case .monthFirst where !dots: day(a, b)
            case .dayFirst: day(b, a)
            default:
                day(a, b)
                day(b, a)
            }
        }
        return out
    }

    /// A line's amounts as `open` shows them: price, tax, shipping.
    static func amounts(_ a: Amounts) -> [String] {
        [a.principal.plain, a.tax.plain, (a.shipping + a.shippingTax).plain]
    }

    /// `2026-11-28`, in the machine's time zone (as `open` shows dates).
    public static func day(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        let y = Int(parts.tm_year) + 1900, m = Int(parts.tm_mon) + 1, dd = Int(parts.tm_mday)
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(dd < 10 ? "0" : "")\(dd)"
    }

    /// Separates the fields of a search text; no needle contains it, so a match never spans two fields.
    public static let separator: Character = "\u{1F}"

    /// The searchable fields of `record` as one text: lower-cased, joined by ``separator``.
    public static func joined(_ record: OrderRecord) -> String {
        fields(of: record).map { $0.contains(separator) ? $0.replacingOccurrences(of: String(separator), with: " ") : $0 }
            .joined(separator: String(separator))
    }

    /// Whether `needle` (``normalized(_:)``) occurs within one field of a ``joined(_:)`` text.
    public static func matches(_ search: String, _ needle: String) -> Bool {
        !needle.isEmpty && !needle.contains(separator) && search.contains(needle)
    }
}
