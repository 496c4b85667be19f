import Foundation

/// What `show` lists. The session's current filter is one of these, or a `find` text.
public enum OrderFilter: String, Sendable, Hashable, CaseIterable {
    case actionable, new
    case toShip = "to-ship"
    case shipped, cancelled
    case cancelRequested = "cancel-requested"
    case returns, refunded, denied, late, all
    /// Orders set aside (quarantine): not a stage, a list of its own.
    case damaged

    public var explanation: String {
        switch self {
        case .actionable: "everything that needs you: new, to ship, cancel requested, return requested or accepted"
        case .new: "ready at Jet, not yet approved"
        case .toShip: "approved, not yet shipped"
        case .shipped: "every unit shipped"
        case .cancelled: "rejected or every unit cancelled"
        case .cancelRequested: "Jet asks you to cancel (a directed cancel)"
        case .returns: "return requested or accepted, the credit not yet decided"
        case .refunded: "return answered with a refund"
        case .denied: "return answered with a denial"
        case .late: "past a deadline (approve, ship or answer a return)"
        case .all: "every order in the store"
        case .damaged: "set aside: a damaged record, or what the marketplace sent cannot be read or is absurd"
        }
    }

    /// The stages this filter lists without looking at deadlines, or nil for every stage.
    public var stages: Set<OrderStage>? {
        switch self {
        case .actionable, .late: [.new, .approved, .cancelRequested, .returnRequested, .returnAccepted]
        case .new: [.new]
        case .toShip: [.approved]
        case .shipped: [.shipped]
        case .cancelled: [.cancelled]
        case .cancelRequested: [.cancelRequested]
        case .returns: [.returnRequested, .returnAccepted]
        case .refunded: [.refunded]
        case .denied: [.refundDenied]
        case .all: nil
        case .damaged: []
        }
    }

    public func matches(_ s: OrderSummary, now: Date, settings: Settings) -> Bool {
        if let stages, !stages.contains(s.stage) { return false }
        if self == .late {
            guard let d = Deadline.next(for: s, settings: settings) else { return false }
            return d.urgency(now: now, dueSoon: settings.dueSoon) == .late
        }
        return true
    }

    /// Parses a filter name or a unique prefix of one.
    public static func parse(_ text: String) -> OrderFilter? {
        let t = text.lowercased()
        if let f = OrderFilter(rawValue: t) { return f }
        if t == "toship" || t == "approved" { return .toShip }
        if t == "return" || t == "return-requested" { return .returns }
        let m = allCases.filter { $0.rawValue.hasPrefix(t) }
        return m.count == 1 && !t.isEmpty ? m[0] : nil
    }
}
