import Foundation

/// Why the operator cancels an order, mapped onto Jet's acknowledgement vocabulary.
public enum CancelReason: String, Codable, Sendable, Hashable, CaseIterable {
    case noInventory = "no-inventory"
    case invalidSKU = "invalid-sku"
    case fraud
    case unfulfillableAddress = "unfulfillable-address"
    case shippingMethodNotSupported = "shipping-method-not-supported"
    case shipFromLocationNotAvailable = "ship-from-location-not-available"
    case other

    /// What the menu says.
    public var explanation: String {
        switch self {
        case .noInventory: "inaccurate inventory quantity (no stock)"
        case .invalidSKU: "the SKU is not ours or is wrong"
        case .fraud: "suspected fraud"
        case .unfulfillableAddress: "we cannot deliver to the address"
        case .shippingMethodNotSupported: "we cannot ship with the requested method"
        case .shipFromLocationNotAvailable: "the ship-from location is not available"
        case .other: "another reason"
        }
    }

    /// Jet's `acknowledgement_status` for this reason.
    public var acknowledgementStatus: AcknowledgementStatus {
        switch self {
        case .noInventory, .invalidSKU: .rejectedItemLevelError
        case .fraud: .rejectedFraud
        case .unfulfillableAddress: .rejectedUnfulfillableAddress
        case .shippingMethodNotSupported: .rejectedShippingMethodNotSupported
        case .shipFromLocationNotAvailable: .rejectedShipFromLocationNotAvailable
        case .other: .rejectedOther
        }
    }

    /// Jet's `order_item_acknowledgement_status` for the items, where the reason is about the items.
    public var itemStatus: ItemAcknowledgementStatus? {
        switch self {
        case .noInventory: .nonfulfillableNoInventory
        case .invalidSKU: .nonfulfillableInvalidMerchantSKU
        default: nil
        }
    }

    /// Parses a reason as typed: the name, a unique prefix of it, or its menu number (1-based).
    public static func parse(_ text: String) -> CancelReason? {
        let t = text.lowercased()
        if let n = Int(t), n >= 1, n <= allCases.count { return allCases[n - 1] }
        if let exact = CancelReason(rawValue: t) { return exact }
        let matches = allCases.filter { $0.rawValue.hasPrefix(t) }
        return matches.count == 1 && !t.isEmpty ? matches[0] : nil
    }
}

/// Why a refund is less than requested, or why it is denied: Jet's `return_refund_feedback` vocabulary.
public enum RefundFeedback: String, Codable, Sendable, Hashable, CaseIterable {
    case itemDamaged = "item-damaged"
    case wrongItem = "wrong-item"
    case missingParts = "missing-parts"
    case outsideWindow = "outside-window"
    case notInOriginalPackaging = "not-in-original-packaging"
    case customerOpenedItem = "customer-opened-item"
    case restockingFee = "restocking-fee"
    case reroutingFee = "rerouting-fee"
    case other

    /// The value sent to Jet (Jet compared these case-insensitively; both of its vocabularies are covered).
    public var jetValue: String {
        switch self {
        case .itemDamaged: "Item damaged"
        case .wrongItem: "Wrong Item"
        case .missingParts: "Item is missing parts/accessories"
        case .outsideWindow: "Returned outside window"
        case .notInOriginalPackaging: "Not shipped in original packaging"
        case .customerOpenedItem: "customer opened item"
        case .restockingFee: "Restocking fee"
        case .reroutingFee: "Rerouting fee"
        case .other: "other"
        }
    }

    public var explanation: String {
        switch self {
        case .itemDamaged: "the item came back damaged"
        case .wrongItem: "a different item came back"
        case .missingParts: "parts or accessories are missing"
        case .outsideWindow: "returned outside the return window"
        case .notInOriginalPackaging: "not returned in its original packaging"
        case .customerOpenedItem: "the customer opened the item"
        case .restockingFee: "a restocking fee applies"
        case .reroutingFee: "a rerouting fee applies"
        case .other: "another reason"
        }
    }

    /// Parses what the operator typed: the name, a unique prefix, a menu number, or Jet's own wording.
    public static func parse(_ text: String) -> RefundFeedback? {
        let t = text.lowercased()
        if let n = Int(t), n >= 1, n <= allCases.count { return allCases[n - 1] }
        if let exact = RefundFeedback(rawValue: t) { return exact }
        if let jet = allCases.first(where: { $0.jetValue.lowercased() == t }) { return jet }
        let matches = allCases.filter { $0.rawValue.hasPrefix(t) }
        return matches.count == 1 && !t.isEmpty ? matches[0] : nil
    }
}

/// Why the merchant refunds without a return: Jet's refund reasons, as kebab-case names (`help refund` lists
/// them), mapped onto the words Jet took (its lower-case vocabulary, and its return-to-sender reasons).
public enum RefundReason: String, Codable, Sendable, Hashable, CaseIterable {
    case packageNeverArrived = "package-never-arrived"
    case lostInTransit = "lost-in-transit"
    case returnedToSender = "returned-to-sender"
    case itemDamaged = "item-damaged"
    case itemDefective = "item-defective"
    case boxAndItemDamaged = "box-and-item-damaged"
    case wrongItem = "wrong-item"
    case wrongQuantity = "wrong-quantity"
    case notAsDescribed = "not-as-described"
    case arrivedLate = "arrived-late"
    case priceAdjustment = "price-adjustment"
    case accidentalOrder = "accidental-order"
    case unauthorizedPurchase = "unauthorized-purchase"
    case unwantedGift = "unwanted-gift"
    case noLongerNeeded = "no-longer-needed"
    case other

    /// The value sent to Jet as `refund_reason`.
    public var jetValue: String {
        switch self {
        case .packageNeverArrived: "package never arrived"
        case .lostInTransit: "Return to Sender - lost in transit only"
        case .returnedToSender: "Return to Sender - damaged, undeliverable, refused"
        case .itemDamaged: "item is damaged/broken"
        case .itemDefective: "item is defective/does not work properly"
        case .boxAndItemDamaged: "shipping box and item are both damaged"
        case .wrongItem: "received wrong item than what was ordered"
        case .wrongQuantity: "wrong quantity received"
        case .notAsDescribed: "item was different than website description"
        case .arrivedLate: "package arrived later than promised delivery date"
        case .priceAdjustment: "better price available"
        case .accidentalOrder: "accidental order"
        case .unauthorizedPurchase: "unauthorized purchase"
        case .unwantedGift: "unwanted gift"
        case .noLongerNeeded: "no longer need/want"
        case .other: "other"
        }
    }

    public var explanation: String {
        switch self {
        case .packageNeverArrived: "the parcel never arrived"
        case .lostInTransit: "the carrier lost the parcel and sent nothing back"
        case .returnedToSender: "the parcel came back damaged, undeliverable or refused"
        case .itemDamaged: "the item arrived damaged or broken"
        case .itemDefective: "the item does not work"
        case .boxAndItemDamaged: "box and item both arrived damaged"
        case .wrongItem: "a different item was sent"
        case .wrongQuantity: "too few units were sent"
        case .notAsDescribed: "the item is not as described"
        case .arrivedLate: "the parcel arrived after the promised date"
        case .priceAdjustment: "a lower price (a price match, a promotion)"
        case .accidentalOrder: "the customer ordered by mistake"
        case .unauthorizedPurchase: "the purchase was not authorised"
        case .unwantedGift: "an unwanted gift"
        case .noLongerNeeded: "the customer no longer needs it"
        case .other: "another reason"
        }
    }

    /// Parses a reason as typed: the name, a unique prefix of it, or its menu number (1-based).
    public static func parse(_ text: String) -> RefundReason? {
        let t = text.lowercased()
        if let n = Int(t), n >= 1, n <= allCases.count { return allCases[n - 1] }
        if let exact = RefundReason(rawValue: t) { return exact }
        let matches = allCases.filter { $0.rawValue.hasPrefix(t) }
        return matches.count == 1 && !t.isEmpty ? matches[0] : nil
    }
}
