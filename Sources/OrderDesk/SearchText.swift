import Foundation

/// Which parts of an order `find` looks in: ids, buyer, recipient, address, phone, e-mail relay, SKUs,
/// titles, tracking numbers (Jet's and ours), return ids, and notes. Lower-cased, one string per field.
public enum SearchText {
    public static func fields(of record: OrderRecord) -> [String] {
        let o = record.order
        var f: [String] = [o.merchantOrderID, o.referenceOrderID]
        f += [o.customerReferenceOrderID, o.altOrderID, o.hashEmail].compactMap { $0 }
        f += [o.buyer.name, o.buyer.phone, o.recipient.name, o.recipient.phone].compactMap { $0 }
        f += [o.address.line1, o.address.line2, o.address.zip].compactMap { $0 }
        // City and state together, as lists show them ("Hoboken, NJ") and as addresses are written.
        f.append(o.address.cityLine)
        for line in o.lines { f += [line.sku, line.title, line.itemID] }
        for s in o.shipments { f += [s.tracking, s.altShipmentID].compactMap { $0 } }
        for a in record.effectiveActions {
            if case .ship(let r) = a.request, let t = r.tracking { f.append(t) }
        }
        for r in o.returns { f += [r.id, r.reference, r.tracking].compactMap { $0 } }
        f += record.notes.map(\.text)
        return f.filter { !$0.isEmpty }.map { $0.lowercased() }
    }
}
