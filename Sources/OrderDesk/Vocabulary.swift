import Foundation

// The desk's own words for where an order and its returns stand at the marketplace. They began as Jet's (and
// are stored as its strings, so every store stays readable); each marketplace's adapter maps its own wire words
// to these, and a word a marketplace adds later is kept as `.unknown("…")`.

/// A word of one of the desk's vocabularies. Words a marketplace added later are kept as `.unknown("…")` rather than
/// failing to decode; comparison with the known words ignores case.
public protocol StatusWord: Codable, Sendable, Hashable, CustomStringConvertible {
    static var known: [Self] { get }
    static func unknown(_ raw: String) -> Self
    var rawValue: String { get }
}

extension StatusWord {
    public init(rawValue: String) {
        self = Self.known.first { $0.rawValue.caseInsensitiveCompare(rawValue) == .orderedSame } ?? .unknown(rawValue)
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// Where the marketplace has the order: `created` (held: fraud check), `ready` (released, to acknowledge),
/// `acknowledged`, `inprogress` (some units shipped or cancelled), `complete`.
public enum OrderStatus: StatusWord {
    case created, ready, acknowledged, inprogress, complete
    case unknown(String)
    public static let known: [OrderStatus] = [.created, .ready, .acknowledged, .inprogress, .complete]
    public var rawValue: String {
        switch self {
        case .created: "created"
        case .ready: "ready"
        case .acknowledged: "acknowledged"
        case .inprogress: "inprogress"
        case .complete: "complete"
        case .unknown(let s): s
        }
    }
}

/// The merchant's answer at acknowledgement.
public enum AcknowledgementStatus: StatusWord {
    case accepted, rejectedOther, rejectedFraud, rejectedItemLevelError, rejectedShipFromLocationNotAvailable
    case rejectedShippingMethodNotSupported, rejectedUnfulfillableAddress
    case unknown(String)
    public static let known: [AcknowledgementStatus] = [
        .accepted, .rejectedOther, .rejectedFraud, .rejectedItemLevelError, .rejectedShipFromLocationNotAvailable,
        .rejectedShippingMethodNotSupported, .rejectedUnfulfillableAddress,
    ]
    public var rawValue: String {
        switch self {
        case .accepted: "accepted"
        case .rejectedOther: "rejected - other"
        case .rejectedFraud: "rejected - fraud"
        case .rejectedItemLevelError: "rejected - item level error"
        case .rejectedShipFromLocationNotAvailable: "rejected - ship from location not available"
        case .rejectedShippingMethodNotSupported: "rejected - shipping method not supported"
        case .rejectedUnfulfillableAddress: "rejected - unfulfillable address"
        case .unknown(let s): s
        }
    }
}

/// Per-item status at acknowledgement.
public enum ItemAcknowledgementStatus: StatusWord {
    case fulfillable, nonfulfillableNoInventory, nonfulfillableInvalidMerchantSKU
    case unknown(String)
    public static let known: [ItemAcknowledgementStatus] = [.fulfillable, .nonfulfillableNoInventory, .nonfulfillableInvalidMerchantSKU]
    public var rawValue: String {
        switch self {
        case .fulfillable: "fulfillable"
        case .nonfulfillableNoInventory: "nonfulfillable - no inventory"
        case .nonfulfillableInvalidMerchantSKU: "nonfulfillable - invalid merchant SKU"
        case .unknown(let s): s
        }
    }
}

/// An order's exception state.
public enum ExceptionState: StatusWord {
    case tooManyUnitsCancelled, jetManualCanceledToCompleteState, tooManyUnitsShipped, orderRejected, resolved
    case unknown(String)
    public static let known: [ExceptionState] = [
        .tooManyUnitsCancelled, .jetManualCanceledToCompleteState, .tooManyUnitsShipped, .orderRejected, .resolved,
    ]
    public var rawValue: String {
        switch self {
        case .tooManyUnitsCancelled: "exception - too many units cancelled"
        case .jetManualCanceledToCompleteState: "exception - jet manual canceled to complete state"
        case .tooManyUnitsShipped: "exception - too many units shipped"
        case .orderRejected: "exception - order rejected"
        case .resolved: "resolved"
        case .unknown(let s): s
        }
    }
}

/// A return's status, early and late API (both served by the sandbox).
public enum ReturnStatus: StatusWord {
    case created, acknowledged, inprogress, refundCustomerWithoutReturn, completedByMerchant
    case unknown(String)
    public static let known: [ReturnStatus] = [.created, .acknowledged, .inprogress, .refundCustomerWithoutReturn, .completedByMerchant]
    public var rawValue: String {
        switch self {
        case .created: "created"
        case .acknowledged: "acknowledged"
        case .inprogress: "inprogress"
        case .refundCustomerWithoutReturn: "refund customer without return"
        case .completedByMerchant: "completed by merchant"
        case .unknown(let s): s
        }
    }
}

/// A merchant refund's status.
public enum RefundStatus: StatusWord {
    case created, processing, accepted, rejectedCustomerCardNotValid, rejectedRefundConflictsWithReturnsPolicy
    case unknown(String)
    public static let known: [RefundStatus] = [
        .created, .processing, .accepted, .rejectedCustomerCardNotValid, .rejectedRefundConflictsWithReturnsPolicy,
    ]
    public var rawValue: String {
        switch self {
        case .created: "created"
        case .processing: "processing"
        case .accepted: "accepted"
        case .rejectedCustomerCardNotValid: "rejected - customer card not valid"
        case .rejectedRefundConflictsWithReturnsPolicy: "rejected - refund conflicts with returns policy"
        case .unknown(let s): s
        }
    }
}

/// Why the merchant disputes a return charge.
public enum ReturnChargeFeedback: StatusWord {
    case other, outsideMerchantPolicy, notMerchantError, wrongItem, fraud, returnedOutsideWindow
    case unknown(String)
    public static let known: [ReturnChargeFeedback] = [.other, .outsideMerchantPolicy, .notMerchantError, .wrongItem, .fraud, .returnedOutsideWindow]
    public var rawValue: String {
        switch self {
        case .other: "other"
        case .outsideMerchantPolicy: "outsideMerchantPolicy"
        case .notMerchantError: "notMerchantError"
        case .wrongItem: "wrongItem"
        case .fraud: "fraud"
        case .returnedOutsideWindow: "returnedOutsideWindow"
        case .unknown(let s): s
        }
    }
}
