import Foundation

/// A reason the operator gives (to cancel, to refund), as the desk names it (`out-of-stock`) and as the
/// marketplace takes it on the wire (`SELLER_CANCEL_OUT_OF_STOCK`).
public struct MarketplaceReason: Sendable, Hashable {
    /// What the operator types and the store keeps: lower-case words joined by dashes.
    public var slug: String
    /// What the menu says.
    public var explanation: String
    /// The marketplace's own value, sent as it is.
    public var code: String

    public init(_ slug: String, _ explanation: String, code: String) {
        self.slug = slug
        self.explanation = explanation
        self.code = code
    }

    /// A reason as typed: its name, a unique prefix of it, its menu number (1-based), or the marketplace's value.
    public static func parse(_ text: String, in list: [MarketplaceReason]) -> MarketplaceReason? {
        let t = text.lowercased()
        guard !t.isEmpty else { return nil }
        if let n = Int(t), n >= 1, n <= list.count { return list[n - 1] }
        if let exact = list.first(where: { $0.slug == t || $0.code.lowercased() == t }) { return exact }
        let matches = list.filter { $0.slug.hasPrefix(t) }
        return matches.count == 1 ? matches[0] : nil
    }
}

/// A marketplace's carriers and shipment methods: which names it takes, typed in any case with dashes for spaces.
public struct CarrierCatalog: Sendable {
    /// Every carrier name the marketplace takes, spelled as it wants them.
    public var carriers: [String]
    /// Methods per carrier (first = default), for marketplaces whose methods belong to carriers (Jet).
    public var methodsByCarrier: [String: [String]]
    /// Methods taken with any carrier: Jet's odd ones, or all of a marketplace's service levels (Walmart).
    public var sharedMethods: [String]
    /// The method sent when the operator names none and the order asks for none that fits.
    public var fallbackMethod: String

    public init(carriers: [String], methodsByCarrier: [String: [String]] = [:], sharedMethods: [String], fallbackMethod: String) {
        self.carriers = carriers
        self.methodsByCarrier = methodsByCarrier
        self.sharedMethods = sharedMethods
        self.fallbackMethod = fallbackMethod
    }

    /// The marketplace's spelling of a carrier typed in any case, with spaces, dashes or underscores.
    public func canonical(_ text: String) -> String? {
        let key = Carriers.squash(text)
        guard !key.isEmpty else { return nil }
        return carriers.first { Carriers.squash($0) == key }
    }

    /// The methods offered for `carrier` (its own, else the shared ones).
    public func methods(for carrier: String?) -> [String] {
        if let carrier, let own = methodsByCarrier[carrier] { return own }
        return methodsByCarrier.isEmpty ? sharedMethods : (carrier == nil ? methodsByCarrier.values.flatMap { $0 } : sharedMethods)
    }

    /// The marketplace's spelling of a shipment method typed in any case, with dashes or underscores.
    public func canonicalMethod(_ text: String) -> String? {
        let key = Carriers.squash(text)
        guard !key.isEmpty else { return nil }
        return (methodsByCarrier.values.flatMap { $0 } + sharedMethods).first { Carriers.squash($0) == key }
    }

    /// The method to send when the operator names none: the order's requested method when it fits the carrier,
    /// else the carrier's first method, else the fallback.
    public func defaultMethod(carrier: String, requested: String?) -> String {
        if methodsByCarrier.isEmpty {
            return requested.flatMap(canonicalMethod) ?? fallbackMethod
        }
        let options = methodsByCarrier[carrier] ?? []
        if let requested,
            options.isEmpty || options.contains(where: { Carriers.squash($0) == Carriers.squash(requested) })
                || Carriers.squash(requested).hasPrefix(Carriers.squash(carrier))
        {
            return requested
        }
        return options.first ?? fallbackMethod
    }
}

/// What the desk must know of the marketplace a store belongs to: its name, its words (reasons, carriers) and
/// the ways its rules differ (how an order is cancelled, which answers a return takes). Each marketplace's
/// adapter module defines its traits; the desk's rules read them instead of knowing any marketplace.
public struct MarketplaceTraits: Sendable {
    /// How the operator's cancel reaches the marketplace.
    public enum Cancelling: Sendable {
        /// A new order is refused at acknowledgement; units of an approved one are cancelled in a shipment
        /// message (Jet).
        case rejectAtAcknowledgement
        /// Lines are cancelled by their own call, with a reason, before or after approval until they ship (Walmart).
        case cancelCall
    }

    /// `Jet`, `Walmart`: in messages (`Walmart refused …`).
    public var name: String
    /// What the marketplace calls the id jom keys orders on: `merchant order id`, `purchase order number`.
    public var orderIDName: String
    public var cancelling: Cancelling
    /// Reasons for `cancel`.
    public var cancelReasons: [MarketplaceReason]
    /// The reason used when the marketplace asked for the cancel (Jet's directed cancel, Walmart's customer intent).
    public var requestedCancelReason: MarketplaceReason?
    /// Reasons for a refund without a return.
    public var refundReasons: [MarketplaceReason]
    /// Whether a return can be accepted before it is refunded (Jet's return acknowledgement).
    public var acceptsReturns: Bool
    /// Whether a return can be answered with a denial (nothing refunded) through the API.
    public var deniesReturns: Bool
    /// Whether a return's refund is an amount the merchant chooses (Jet), or only units the marketplace prices
    /// itself (Walmart).
    public var refundsReturnAmounts: Bool
    /// A refund without a return only for shipped units (Walmart), or for approved orders too (Jet).
    public var refundsOnlyShipped: Bool
    /// Whether a shipment must say the ZIP code it ships from (Jet).
    public var needsShipFromZip: Bool
    public var carriers: CarrierCatalog
    /// The acknowledgement deadline the marketplace sets, for a new store's `ack-window`.
    public var acknowledgeWithin: TimeInterval
    /// Units not shipped this long after the ship-by date are cancelled by the marketplace itself (Walmart: 4 days).
    public var autoCancelAfterShipBy: TimeInterval?
    /// What the operator checks when the marketplace refuses the credentials.
    public var credentialsRemedy: String
    /// What the marketplace calls a cancel it asked for: `a directed cancel`, `the customer's request to cancel`.
    public var requestedCancelName: String
    /// Characters of the longest order id operators see (lists keep a column this wide).
    public var orderIDWidth = 12
    /// How many changes (acknowledge, ship, cancel, refund) the marketplace takes a minute; nil when it
    /// publishes no limit. The outbox's expected finish time reads it.
    public var changesPerMinute: Int?
    /// The names of the first two columns of `--format csv|json` (the ids): Jet's own field names by default.
    public var exportIDNames = ["merchant_order_id", "reference_order_id"]
    /// What `help` says of a command on this marketplace where Jet's text would mislead, by command name.
    public var commandHelp: [String: MarketplaceHelp] = [:]

    public init(
        name: String, orderIDName: String, cancelling: Cancelling, cancelReasons: [MarketplaceReason], requestedCancelReason: MarketplaceReason?,
        refundReasons: [MarketplaceReason], acceptsReturns: Bool, deniesReturns: Bool, refundsReturnAmounts: Bool, refundsOnlyShipped: Bool,
        needsShipFromZip: Bool, carriers: CarrierCatalog, acknowledgeWithin: TimeInterval, autoCancelAfterShipBy: TimeInterval?,
        credentialsRemedy: String, requestedCancelName: String
    ) {
        self.name = name
        self.orderIDName = orderIDName
        self.cancelling = cancelling
        self.cancelReasons = cancelReasons
        self.requestedCancelReason = requestedCancelReason
        self.refundReasons = refundReasons
        self.acceptsReturns = acceptsReturns
        self.deniesReturns = deniesReturns
        self.refundsReturnAmounts = refundsReturnAmounts
        self.refundsOnlyShipped = refundsOnlyShipped
        self.needsShipFromZip = needsShipFromZip
        self.carriers = carriers
        self.acknowledgeWithin = acknowledgeWithin
        self.autoCancelAfterShipBy = autoCancelAfterShipBy
        self.credentialsRemedy = credentialsRemedy
        self.requestedCancelName = requestedCancelName
    }

    /// Jet's: the marketplace the desk was first built for.
    public static let jet = MarketplaceTraits(
        name: "Jet", orderIDName: "merchant order id", cancelling: .rejectAtAcknowledgement,
        cancelReasons: CancelReason.allCases.map(MarketplaceReason.jet),
        requestedCancelReason: nil,
        refundReasons: RefundReason.allCases.map(MarketplaceReason.jet),
        acceptsReturns: true, deniesReturns: true, refundsReturnAmounts: true, refundsOnlyShipped: false, needsShipFromZip: true,
        carriers: CarrierCatalog(
            carriers: Carriers.all, methodsByCarrier: Carriers.methods, sharedMethods: Carriers.otherMethods, fallbackMethod: "Other"),
        acknowledgeWithin: 24 * 3600, autoCancelAfterShipBy: nil,
        credentialsRemedy: "check JET_USER and JET_SECRET (or the credentials file)", requestedCancelName: "a directed cancel")

    /// The date the marketplace cancels unshipped units by itself, for an order due to ship by `shipBy`.
    public func autoCancelDate(shipBy: Date?) -> Date? {
        guard let shipBy, let after = autoCancelAfterShipBy else { return nil }
        return shipBy.addingTimeInterval(after)
    }
}

extension MarketplaceReason {
    /// One of Jet's cancel reasons.
    public static func jet(_ reason: CancelReason) -> MarketplaceReason {
        MarketplaceReason(reason.rawValue, reason.explanation, code: reason.acknowledgementStatus.rawValue)
    }

    /// One of Jet's reasons for a refund without a return.
    public static func jet(_ reason: RefundReason) -> MarketplaceReason {
        MarketplaceReason(reason.rawValue, reason.explanation, code: reason.jetValue)
    }
}

/// A command's help on one marketplace: what replaces the text written for Jet (nil keeps it).
public struct MarketplaceHelp: Sendable {
    public var summary: String?
    public var details: String?
    public var examples: [String]?
    /// Option help by option name (`--carrier`).
    public var options: [String: String]

    public init(summary: String? = nil, details: String? = nil, examples: [String]? = nil, options: [String: String] = [:]) {
        self.summary = summary
        self.details = details
        self.examples = examples
        self.options = options
    }
}
