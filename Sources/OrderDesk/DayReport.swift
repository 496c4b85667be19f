import Foundation

/// The end-of-day report: what happened each day over the last N days (today last), counted from the orders'
/// summaries. Days are the machine's calendar days.
public struct DayReport: Sendable {
    public enum Measure: String, Sendable, CaseIterable {
        case received, approved, shipped, cancelled, refunded
        /// Order totals of the orders received that day, less those since cancelled.
        case revenue
        /// What was refunded, counted on the day of an order's first refund.
        case refundedAmount = "refunds"

        public var isMoney: Bool { self == .revenue || self == .refundedAmount }

        public var label: String {
            switch self {
            case .received: "received"
            case .approved: "approved"
            case .shipped: "shipped"
            case .cancelled: "cancelled"
            case .refunded: "refunded"
            case .revenue: "revenue"
            case .refundedAmount: "refunds"
            }
        }
    }

    /// The first instant of each day, oldest first; the last is today.
    public var days: [Date]
    /// Per measure, one value a day (counts, or cents for money).
    public var values: [Measure: [Int]]
    /// Now: orders late and due soon.
    public var late: Int
    public var dueSoon: Int
    public var week: CancellationRate
    public var month: CancellationRate

    public func total(_ m: Measure) -> Int { values[m]?.reduce(0, +) ?? 0 }
    public func today(_ m: Measure) -> Int { values[m]?.last ?? 0 }

    /// Counts `summaries` into `days` days ending today. `late`, `dueSoon` and the rates are worked out by the
    /// caller (they come from the whole store, not only these days).
    public static func count(
        _ summaries: some Sequence<OrderSummary>, days: Int, now: Date, calendar: Calendar = .current,
        late: Int, dueSoon: Int, week: CancellationRate, month: CancellationRate
    ) -> DayReport {
        let today = calendar.startOfDay(for: now)
        let starts: [Date] = (0..<days).reversed().compactMap { calendar.date(byAdding: .day, value: -$0, to: today) }
        var values: [Measure: [Int]] = [:]
        for m in Measure.allCases { values[m] = Array(repeating: 0, count: starts.count) }
        guard let first = starts.first else {
            return DayReport(days: [], values: values, late: late, dueSoon: dueSoon, week: week, month: month)
        }
        let end = calendar.date(byAdding: .day, value: 1, to: today) ?? now
        /// The day `d` falls on, if within the report.
        func slot(_ d: Date?) -> Int? {
            guard let d, d >= first, d < end else { return nil }
            // Days are not all 24 hours (daylight saving): find the last start at or before d.
            var lo = 0, hi = starts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= d { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        for s in summaries {
            if let i = slot(s.receivedAt) {
                values[.received]![i] += 1
                if s.stage != .cancelled { values[.revenue]![i] += s.total.value }
            }
            if let i = slot(s.events.approved) { values[.approved]![i] += 1 }
            if let i = slot(s.events.shipped) { values[.shipped]![i] += 1 }
            if let i = slot(s.events.cancelled) { values[.cancelled]![i] += 1 }
            if let i = slot(s.events.refunded) {
                values[.refunded]![i] += 1
                values[.refundedAmount]![i] += s.refunded.value
            }
        }
        return DayReport(days: starts, values: values, late: late, dueSoon: dueSoon, week: week, month: month)
    }

    /// `▁▂▃▅▇`: one block a day, scaled to the largest day (an empty day is the lowest block).
    public static func sparkline(_ values: [Int]) -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let top = max(1, values.max() ?? 0)
        return String(values.map { v in v <= 0 ? blocks[0] : blocks[min(7, max(1, Int((Double(v) / Double(top) * 7).rounded())))] })
    }
}

/// What sold and what came back over a report's days: the SKUs with the most units received, and the reasons
/// customers gave most for returns. Read from the orders' records (the report's HTML page shows them).
public struct ReportTops: Sendable, Equatable {
    public struct SKU: Sendable, Equatable {
        public var sku: String
        public var title: String
        public var units: Int
        public var revenue: Cents
    }

    public var skus: [SKU]
    public var returnReasons: [(reason: String, count: Int)]
    /// Orders looked at (the newest, when there were more than could be read at once).
    public var orders: Int

    public static func == (a: ReportTops, b: ReportTops) -> Bool {
        a.skus == b.skus && a.orders == b.orders && a.returnReasons.map(\.reason) == b.returnReasons.map(\.reason)
            && a.returnReasons.map(\.count) == b.returnReasons.map(\.count)
    }

    /// The top `limit` of each, from `records` (orders received in the period; returns requested in it).
    public static func count(_ records: [OrderRecord], since: Date, limit: Int = 5) -> ReportTops {
        var bySKU: [String: SKU] = [:]
        var reasons: [String: Int] = [:]
        for r in records {
            if let at = r.order.receivedAt, at >= since, r.stage != .cancelled {
                for l in r.order.lines {
                    var s = bySKU[l.sku] ?? SKU(sku: l.sku, title: l.title, units: 0, revenue: .zero)
                    s.units += l.quantity
                    s.revenue = s.revenue + l.price.total
                    bySKU[l.sku] = s
                }
            }
            for ret in r.order.returns where (ret.requestedAt ?? .distantPast) >= since {
                for l in ret.lines where !l.reason.isEmpty { reasons[l.reason, default: 0] += l.quantity }
            }
        }
        let skus = bySKU.values.sorted { ($0.units, $0.revenue, $1.sku) > ($1.units, $1.revenue, $0.sku) }.prefix(limit)
        let top = reasons.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(limit).map { (reason: $0.key, count: $0.value) }
        return ReportTops(skus: Array(skus), returnReasons: top, orders: records.count)
    }
}
