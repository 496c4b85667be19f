import Foundation

/// Which parts of an order `find` looks in: the order's ids (Jet's, the customer's, ours), buyer and
/// recipient, phones, the address, SKUs and titles, tracking numbers (Jet's and ours), return numbers and
/// their tracking, and notes. Lower-cased, one string per field, each field once.
public enum SearchText {
    public static func fields(of record: OrderRecord) -> [String] {
        let o = record.order
        var f: [String] = [o.merchantOrderID, o.referenceOrderID]
        f += [o.customerReferenceOrderID, o.altOrderID].compactMap { $0 }
        f += [o.buyer.name, o.buyer.phone, o.recipient.name, o.recipient.phone].compactMap { $0 }
        f += [o.address.line1, o.address.line2, o.address.zip].compactMap { $0 }
        // City and state together, as lists show them ("Hoboken, NJ") and as addresses are written.
        f.append(o.address.cityLine)
        for line in o.lines { f += [line.sku, line.title] }
        for s in o.shipments { if let t = s.tracking { f.append(t) } }
        for a in record.effectiveActions {
            if case .ship(let r) = a.request, let t = r.tracking { f.append(t) }
        }
        for r in o.returns { f += [r.id, r.reference, r.tracking].compactMap { $0 } }
        f += record.notes.map(\.text)
        var seen = Set<String>()
        return f.compactMap { field in
            let lower = field.lowercased()
            return lower.isEmpty || !seen.insert(lower).inserted ? nil : lower
        }
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
