import Foundation
import JetWords

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
            let lower = field.lowercased()
            return lower.isEmpty || !seen.insert(lower).inserted ? nil : lower
        }
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

    /// Whether `needle` (lower-cased) occurs within one field of a ``joined(_:)`` text.
    public static func matches(_ search: String, _ needle: String) -> Bool {
        !needle.isEmpty && !needle.contains(separator) && search.contains(needle)
    }
}
