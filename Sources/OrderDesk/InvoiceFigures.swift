import Foundation

/// What an invoice bills and a packing slip lists, from the same figures `open` and the refund cap use: units
/// cancelled are not billed (nor packed), units shipped are marked with their parcel, refunds are shown.
public struct InvoiceFigures: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var sku: String
        public var title: String
        public var ordered: Int
        public var cancelled: Int
        public var shipped: Int
        /// Units still to pack and ship.
        public var open: Int
        /// Units the customer pays for: ordered less cancelled.
        public var billed: Int
        /// The price of the billed units (the line's amounts scaled to them).
        public var amounts: Amounts

        /// The price of one unit.
        public var unitPrice: Cents {
            billed > 0 ? Cents((amounts.principal.value + billed / 2) / billed) : .zero
        }
    }

    /// A parcel that left: its tracking number and what was in it.
    public struct Parcel: Sendable, Hashable {
        public var tracking: String?
        public var carrier: String?
        public var shippedAt: Date?
        public var units: [(sku: String, quantity: Int)]

        public static func == (a: Parcel, b: Parcel) -> Bool {
            a.tracking == b.tracking && a.carrier == b.carrier && a.shippedAt == b.shippedAt
                && a.units.map(\.sku) == b.units.map(\.sku) && a.units.map(\.quantity) == b.units.map(\.quantity)
        }

        public func hash(into h: inout Hasher) {
            h.combine(tracking)
            h.combine(units.map(\.sku))
        }
    }

    public var lines: [Line]
    public var parcels: [Parcel]
    /// The sum of the billed lines.
    public var totals: Amounts
    /// Everything refunded so far (returns and refunds without one).
    public var refunded: Cents

    public init(_ record: OrderRecord) {
        let progress = OrderProgress(record)
        let charged = Refunds.chargedByLine(record)
        var lines: [Line] = []
        for ((line, amounts), p) in zip(charged, progress.lines) {
            lines.append(
                Line(
                    sku: line.sku, title: line.title, ordered: p.ordered, cancelled: p.cancelled, shipped: p.shipped,
                    open: p.open, billed: max(0, p.ordered - p.cancelled), amounts: amounts))
        }
        self.lines = lines
        totals = lines.reduce(.zero) { $0 + $1.amounts }
        refunded = Refunds.refunded(record)
        // Parcels: Jet's shipments, and ours Jet has not reported back yet (one per alt shipment id).
        var parcels: [Parcel] = []
        var known = Set<String>()
        for s in record.order.shipments where s.items.contains(where: { $0.shipped > 0 }) {
            if let id = s.altShipmentID { known.insert(id) }
            parcels.append(
                Parcel(
                    tracking: s.tracking, carrier: s.carrier, shippedAt: s.shippedAt,
                    units: s.items.filter { $0.shipped > 0 }.map { ($0.sku, $0.shipped) }))
        }
        for a in record.effectiveActions {
            guard case .ship(let s) = a.request, !s.isCancelOnly, !known.contains(s.altShipmentID) else { continue }
            parcels.append(
                Parcel(
                    tracking: s.tracking, carrier: s.carrier, shippedAt: s.shippedAt ?? a.createdAt,
                    units: s.items.filter { $0.quantity > 0 }.map { ($0.sku, $0.quantity) }))
        }
        self.parcels = parcels
    }

    /// Units still to pack.
    public var openUnits: Int { lines.reduce(0) { $0 + $1.open } }
    public var billedUnits: Int { lines.reduce(0) { $0 + $1.billed } }
}
