// JetWire: Jet's protocol as data: its words (order, acknowledgement, exception, return and refund statuses)
// and its JSON models (orders, shipments, returns, refunds, tokens, dates), decoded tolerantly. Shared by the
// client (JetAPI) and the sandbox (JetSandbox). It owns no HTTP, no rules and no I/O, and knows nothing of the
// desk (OrderDesk): what a word means for an order, JetAPI's mapping says.
import Foundation

/// A word from one of Jet's vocabularies. Words Jet added later are kept as `.unknown("…")` rather than
/// failing to decode; comparison with the known words ignores case.
public protocol JetVocabulary: Codable, Sendable, Hashable, CustomStringConvertible {
    static var known: [Self] { get }
    static func unknown(_ raw: String) -> Self
    var rawValue: String { get }
}

extension JetVocabulary {
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

/// `created`, `ready`, `acknowledged`, `inprogress`, `complete`.
public enum JetOrderStatus: JetVocabulary {
    case created, ready, acknowledged, inprogress, complete
    case unknown(String)
    public static let known: [JetOrderStatus] = [.created, .ready, .acknowledged, .inprogress, .complete]
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
public enum JetAcknowledgementStatus: JetVocabulary {
    case accepted, rejectedOther, rejectedFraud, rejectedItemLevelError, rejectedShipFromLocationNotAvailable
    case rejectedShippingMethodNotSupported, rejectedUnfulfillableAddress
    case unknown(String)
    public static let known: [JetAcknowledgementStatus] = [
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
public enum JetItemAcknowledgementStatus: JetVocabulary {
    case fulfillable, nonfulfillableNoInventory, nonfulfillableInvalidMerchantSKU
    case unknown(String)
    public static let known: [JetItemAcknowledgementStatus] = [.fulfillable, .nonfulfillableNoInventory, .nonfulfillableInvalidMerchantSKU]
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
public enum JetExceptionState: JetVocabulary {
    case tooManyUnitsCancelled, jetManualCanceledToCompleteState, tooManyUnitsShipped, orderRejected, resolved
    case unknown(String)
    public static let known: [JetExceptionState] = [
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
public enum JetReturnStatus: JetVocabulary {
    case created, acknowledged, inprogress, refundCustomerWithoutReturn, completedByMerchant
    case unknown(String)
    public static let known: [JetReturnStatus] = [.created, .acknowledged, .inprogress, .refundCustomerWithoutReturn, .completedByMerchant]
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
public enum JetRefundStatus: JetVocabulary {
    case created, processing, accepted, rejectedCustomerCardNotValid, rejectedRefundConflictsWithReturnsPolicy
    case unknown(String)
    public static let known: [JetRefundStatus] = [
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
public enum JetReturnChargeFeedback: JetVocabulary {
    case other, outsideMerchantPolicy, notMerchantError, wrongItem, fraud, returnedOutsideWindow
    case unknown(String)
    public static let known: [JetReturnChargeFeedback] = [.other, .outsideMerchantPolicy, .notMerchantError, .wrongItem, .fraud, .returnedOutsideWindow]
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
