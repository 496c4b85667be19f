import Foundation

/// How far each line of an order has got, counting what Jet reports and what we sent that Jet has not
/// reported back yet (a shipment is counted once, matched by its `alt_shipment_id`).
public struct OrderProgress: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var sku: String
        public var ordered: Int
        public var shipped: Int
        public var cancelled: Int
        public var cancelRequested: Int
        public var open: Int { max(0, ordered - shipped - cancelled) }
    }

    public var lines: [Line]

    public init(_ record: OrderRecord) {
        let order = record.order
        var reports = order.shipments.flatMap { $0.items.map { ($0.sku, $0.shipped, $0.cancelled) } }
        for action in record.effectiveActions {
            guard case .ship(let report) = action.request, !Self.isReportedBack(report, in: order) else { continue }
            reports += report.items.map { ($0.sku, $0.quantity, $0.cancelQuantity) }
        }
        var remaining = reports
        self.lines = order.lines.map { line in
            var shipped = 0, cancelled = 0
            // Units reported for a SKU are assigned to its lines in order, so a SKU on two lines is not counted twice.
            for i in remaining.indices where remaining[i].0 == line.sku {
                let takeShip = min(remaining[i].1, line.quantity - shipped - cancelled)
                shipped += max(0, takeShip)
                remaining[i].1 -= max(0, takeShip)
                let takeCancel = min(remaining[i].2, line.quantity - shipped - cancelled)
                cancelled += max(0, takeCancel)
                remaining[i].2 -= max(0, takeCancel)
            }
            return Line(
                sku: line.sku, ordered: line.quantity, shipped: shipped, cancelled: cancelled,
                cancelRequested: line.cancelRequested)
        }
    }

    /// Whether the marketplace's view of `order` already holds this shipment message of ours: by its id (Jet keeps
    /// our `alt_shipment_id`), or, for a marketplace that keeps no id of ours (Walmart), by the parcel's tracking
    /// number, and for cancels by each line's cancelled count reaching what it was once they arrived.
    public static func isReportedBack(_ report: ShipmentReport, in order: Order) -> Bool {
        if order.shipments.contains(where: { $0.altShipmentID == report.altShipmentID }) { return true }
        if let t = report.tracking, order.shipments.contains(where: { $0.tracking == t }) { return true }
        guard report.isCancelOnly, !report.items.isEmpty else { return false }
        var cancelledByLine: [String: Int] = [:]
        for shipment in order.shipments {
            for item in shipment.items { if let line = item.lineID { cancelledByLine[line, default: 0] += item.cancelled } }
        }
        return report.items.allSatisfy { item in
            guard let line = item.lineID, let after = item.cancelledAfter else { return false }
            return (cancelledByLine[line] ?? 0) >= after
        }
    }

    public var openUnits: Int { lines.reduce(0) { $0 + $1.open } }
    public var shippedUnits: Int { lines.reduce(0) { $0 + $1.shipped } }
    public var cancelledUnits: Int { lines.reduce(0) { $0 + $1.cancelled } }
    public var orderedUnits: Int { lines.reduce(0) { $0 + $1.ordered } }
}
