import Foundation

/// What the operator did to an order that Jet must hear about, and how far it got.
public struct OrderAction: Codable, Sendable, Hashable, Identifiable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case approve, cancel, ship, accept, refund, deny
    }

    public enum State: Codable, Sendable, Hashable {
        /// Recorded in the outbox; not yet confirmed by Jet.
        case queued
        /// Jet confirmed it.
        case delivered(at: Date)
        /// Jet refused it; it will not be retried.
        case refused(at: Date, reason: String)

        private enum CodingKeys: String, CodingKey { case state, at, reason }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            switch try c.decode(String.self, forKey: .state) {
            case "queued": self = .queued
            case "delivered": self = .delivered(at: try c.decode(Date.self, forKey: .at))
            case "refused": self = .refused(at: try c.decode(Date.self, forKey: .at), reason: try c.decode(String.self, forKey: .reason))
            case let other:
                throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "unknown action state \"\(other)\"")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .queued: try c.encode("queued", forKey: .state)
            case .delivered(let at):
                try c.encode("delivered", forKey: .state)
                try c.encode(at, forKey: .at)
            case .refused(let at, let reason):
                try c.encode("refused", forKey: .state)
                try c.encode(at, forKey: .at)
                try c.encode(reason, forKey: .reason)
            }
        }
    }

    /// Unique id, e.g. `a-7f3c2e91b0d4`; also the source of Jet-side ids (`alt_shipment_id`).
    public var id: String
    public var merchantOrderID: String
    public var kind: Kind
    public var request: MarketplaceRequest
    public var createdAt: Date
    /// The operator (`$USER`) who did it.
    public var by: String
    public var state: State
    /// The account it is for (the store's marketplace when it was recorded); it is delivered nowhere else. Nil in
    /// actions recorded before stores knew their marketplace, and in an unattached store: then the account the
    /// store is attached to.
    public var account: MarketplaceBinding?
    /// Why, as the operator said it (a cancel reason, Jet's refund reason): kept for the timeline and `find`.
    public var reason: String?

    public init(
        id: String, merchantOrderID: String, kind: Kind, request: MarketplaceRequest, createdAt: Date, by: String,
        state: State = .queued, account: MarketplaceBinding? = nil, reason: String? = nil
    ) {
        self.reason = reason
        self.id = id
        self.merchantOrderID = merchantOrderID
        self.kind = kind
        self.request = request
        self.createdAt = createdAt
        self.by = by
        self.state = state
        self.account = account
    }

    /// Queued or delivered: an action that counts for the order's stage.
    public var isEffective: Bool {
        if case .refused = state { return false }
        return true
    }

    public var isQueued: Bool { state == .queued }

    /// A new, random action id.
    public static func newID() -> String {
        var g = SystemRandomNumberGenerator()
        let n = g.next() & 0xFFFF_FFFF_FFFF
        let hex = String(n, radix: 16)
        return "a-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }
}

/// A dated note. Notes are only ever appended; nothing edits or deletes one.
public struct Note: Codable, Sendable, Hashable {
    public var at: Date
    public var by: String
    public var text: String

    public init(at: Date, by: String, text: String) {
        self.at = at
        self.by = by
        self.text = text
    }
}

/// One line of an order's history: what happened, when, and who did it.
public struct HistoryEvent: Codable, Sendable, Hashable {
    public var at: Date
    public var by: String
    public var event: String
    public var actionID: String?

    public init(at: Date, by: String, event: String, actionID: String? = nil) {
        self.at = at
        self.by = by
        self.event = event
        self.actionID = actionID
    }
}

/// Everything jom knows about one order: Jet's view plus our own actions, notes and history.
public struct OrderRecord: Codable, Sendable, Hashable {
    public var order: Order
    public var actions: [OrderAction]
    public var notes: [Note]
    public var history: [HistoryEvent]

    public init(order: Order, actions: [OrderAction] = [], notes: [Note] = [], history: [HistoryEvent] = []) {
        self.order = order
        self.actions = actions
        self.notes = notes
        self.history = history
    }

    public var id: String { order.merchantOrderID }
    public var effectiveActions: [OrderAction] { actions.filter(\.isEffective) }
    public var queuedActions: [OrderAction] { actions.filter(\.isQueued) }
    public var stage: OrderStage { OrderStage.of(self) }

    /// Records a change of an action's state (idempotent: recording the same state twice changes nothing).
    @discardableResult
    public mutating func setState(_ state: OrderAction.State, ofAction id: String) -> Bool {
        guard let i = actions.firstIndex(where: { $0.id == id }), actions[i].state != state else { return false }
        actions[i].state = state
        return true
    }
}

extension OrderAction {
    /// What the action does, for the order's timeline: `shipped 2 unit(s) (MUG-RED ×2) with UPS 1Z…`.
    public var story: String {
        func units(_ items: [ShipmentReport.Item], _ count: (ShipmentReport.Item) -> Int) -> String {
            let n = items.reduce(0) { $0 + count($1) }
            let skus = items.filter { count($0) > 0 }.map { "\($0.sku) ×\(count($0))" }.joined(separator: ", ")
            return "\(n) unit(s) (\(skus))"
        }
        switch request {
        case .acknowledge(let ack):
            return ack.isAccepted ? "approved" : "cancelled\(reason.map { " as \($0)" } ?? "") (Jet: \(ack.status))"
        case .ship(let s):
            if s.isCancelOnly {
                if s.answersDirectedCancel { return "cancelled \(units(s.items, \.cancelQuantity)) \(reason ?? "as Jet asked")" }
                return "cancelled \(units(s.items, \.cancelQuantity))\(reason.map { " as \($0)" } ?? "")"
            }
            return "shipped \(units(s.items, \.quantity)) with \(s.carrier ?? "?") \(s.tracking ?? "")"
        case .acceptReturn:
            return "accepted the return (waiting for the item)"
        case .completeReturn(let c):
            let dispute = c.agreeToReturnCharge ? "" : "; return charge disputed (\(c.returnChargeFeedback.map { "\($0)" } ?? "?"))"
            if kind == .deny { return "refund denied (\(c.items.first?.feedback ?? ""))" + dispute }
            return "refunded \(c.refundTotal)" + (c.items.compactMap(\.feedback).first.map { " (\($0))" } ?? "") + dispute
        case .merchantRefund(let r):
            return "refunded \(r.total) without a return (\(r.reason))"
        }
    }
}
