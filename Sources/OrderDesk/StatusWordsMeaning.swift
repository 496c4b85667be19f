import Foundation

// What the status words mean for an order, in one place: the stage rules ask these, never the words' text.

extension AcknowledgementStatus {
    /// One of the `rejected - …` answers: the order was turned down at acknowledgement (cancelled).
    public var isRejection: Bool {
        switch self {
        case .accepted: false
        case .rejectedOther, .rejectedFraud, .rejectedItemLevelError, .rejectedShipFromLocationNotAvailable,
            .rejectedShippingMethodNotSupported, .rejectedUnfulfillableAddress:
            true
        case .unknown(let word): word.lowercased().hasPrefix("rejected")
        }
    }
}

extension OrderStatus {
    /// Jet holds the order as acknowledged (possibly partly or wholly shipped since).
    public var isPastAcknowledgement: Bool {
        switch self {
        case .acknowledged, .inprogress, .complete: true
        case .created, .ready, .unknown: false
        }
    }

    /// Jet will not change the order any more.
    public var isFinal: Bool {
        switch self {
        case .complete: true
        default: false
        }
    }
}

extension ExceptionState {
    /// Jet ended the order itself, or because it was rejected.
    public var endsOrder: Bool {
        switch self {
        case .jetManualCanceledToCompleteState, .orderRejected: true
        default: false
        }
    }
}

extension ReturnStatus {
    /// Still waiting for the merchant's answer, as far as Jet says.
    public var isOpen: Bool {
        switch self {
        case .created, .acknowledged, .inprogress, .refundCustomerWithoutReturn: true
        case .completedByMerchant, .unknown: false
        }
    }
}
