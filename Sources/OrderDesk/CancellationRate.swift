import Foundation

/// Orders the merchant cancelled (wholly, or some of their units) divided by orders received, over a window of
/// days. Cancels Jet asked for (directed cancels) and cancels by Jet itself are not the merchant's and are not
/// counted.
public struct CancellationRate: Sendable, Hashable {
    public var days: Int
    public var received: Int
    public var cancelled: Int

    public init(days: Int, received: Int, cancelled: Int) {
        self.days = days
        self.received = received
        self.cancelled = cancelled
    }

    public var percent: Double { received == 0 ? 0 : Double(cancelled) * 100 / Double(received) }

    /// The rate over `days` days before `now`.
    public static func over(days: Int, of summaries: some Sequence<OrderSummary>, now: Date) -> CancellationRate {
        let start = now.addingTimeInterval(-Double(days) * 86400)
        var received = 0, cancelled = 0
        for s in summaries {
            guard let at = s.receivedAt, at >= start, at <= now else { continue }
            received += 1
            if s.cancellation == .merchant || s.cancellation == .merchantUnits { cancelled += 1 }
        }
        return CancellationRate(days: days, received: received, cancelled: cancelled)
    }

    /// The rate after one more merchant cancel of an order (already counted among the received ones when it
    /// was received inside the window; a cancel of an older order does not change this window's rate).
    public func afterOneMoreCancel(receivedAt: Date?, now: Date) -> CancellationRate {
        let start = now.addingTimeInterval(-Double(days) * 86400)
        guard let at = receivedAt, at >= start, at <= now else { return self }
        return CancellationRate(days: days, received: max(received, 1), cancelled: cancelled + 1)
    }

    /// `1.9%`.
    public var formatted: String { String(format: "%.1f%%", percent) }
}
