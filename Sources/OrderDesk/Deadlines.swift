import Foundation

/// The next deadline an order must meet, and how close it is.
public struct Deadline: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case approve = "approve by"
        case ship = "ship by"
        case answerReturn = "answer return by"
        /// Jet asks for units to be cancelled: before they would ship.
        case cancel = "cancel by"
    }

    public enum Urgency: Int, Sendable, Hashable, Comparable {
        case onTime, dueSoon, late
        public static func < (a: Urgency, b: Urgency) -> Bool { a.rawValue < b.rawValue }
    }

    public var kind: Kind
    public var due: Date

    public init(kind: Kind, due: Date) {
        self.kind = kind
        self.due = due
    }

    public func urgency(now: Date, dueSoon: TimeInterval) -> Urgency {
        if now > due { return .late }
        if due.timeIntervalSince(now) <= dueSoon { return .dueSoon }
        return .onTime
    }

    /// The deadline that applies to an order in its stage, if any:
    /// - new: approve within `ack-window` of becoming ready;
    /// - to ship: Jet's `request_ship_by`;
    /// - return requested: answer within `return-days` business days.
    public static func next(for summary: OrderSummary, settings: Settings, calendar: Calendar = .current) -> Deadline? {
        switch summary.stage {
        case .new:
            return summary.receivedAt.map { Deadline(kind: .approve, due: $0.addingTimeInterval(settings.ackWindow)) }
        case .approved:
            return summary.shipBy.map { Deadline(kind: .ship, due: $0) }
        case .returnRequested:
            return summary.returnRequestedAt.map {
                Deadline(kind: .answerReturn, due: addingBusinessDays(settings.returnDays, to: $0, calendar: calendar))
            }
        case .cancelRequested:
            // Jet's directed cancel names no time; the units must not ship, so it is due by the ship-by date.
            return (summary.shipBy ?? summary.receivedAt.map { $0.addingTimeInterval(settings.ackWindow) }).map { Deadline(kind: .cancel, due: $0) }
        default:
            return nil
        }
    }

    /// `date` moved forward by `days` working days (Monday to Friday), keeping its time of day.
    public static func addingBusinessDays(_ days: Int, to date: Date, calendar: Calendar) -> Date {
        var result = date
        var left = days
        while left > 0 {
            guard let next = calendar.date(byAdding: .day, value: 1, to: result) else { break }
            result = next
            if !calendar.isDateInWeekend(result) { left -= 1 }
        }
        return result
    }
}
