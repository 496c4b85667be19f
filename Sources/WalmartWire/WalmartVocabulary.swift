import Foundation

/// Walmart's words that jom offers operators: cancel and refund reasons, carriers and service levels, as its
/// Orders API (v3) takes them.
public enum WalmartVocabulary {
    /// `cancellationReason`: (jom's name, what it means, Walmart's value).
    public static let cancelReasons: [(String, String, String)] = [
        ("customer-requested", "the customer asked to cancel (answers their request)", "CUSTOMER_REQUESTED_SELLER_TO_CANCEL"),
        ("pricing-error", "the price was wrong", "SELLER_CANCEL_PRICING_ERROR"),
        ("out-of-stock", "no stock (Walmart marks the item out of stock at that warehouse)", "SELLER_CANCEL_OUT_OF_STOCK"),
        ("fraud", "fraud confirmed with Walmart's Risk Prevention team", "SELLER_CANCEL_FRAUD_STOP_SHIPMENT"),
        ("address-not-serviceable", "the address cannot be served", "SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE"),
    ]

    /// `refundReason` of a refund without a return: (jom's name, what it means, Walmart's value).
    public static let refundReasons: [(String, String, String)] = [
        ("billing-error", "the customer was billed wrongly", "BillingError"),
        ("tax-exempt-customer", "the customer is exempt from tax", "TaxExemptCustomer"),
        ("item-not-as-advertised", "the item is not as advertised", "ItemNotAsAdvertised"),
        ("incorrect-item-received", "a different item was sent", "IncorrectItemReceived"),
        ("cancelled-yet-shipped", "cancelled, but shipped all the same", "CancelledYetShipped"),
        ("item-not-received", "the customer never received the item", "ItemNotReceivedByCustomer"),
        ("incorrect-shipping-price", "the shipping price was wrong", "IncorrectShippingPrice"),
        ("damaged-item", "the item arrived damaged", "DamagedItem"),
        ("defective-item", "the item does not work", "DefectiveItem"),
        ("customer-changed-mind", "the customer changed their mind", "CustomerChangedMind"),
        ("received-late", "the item arrived late", "CustomerReceivedItemLate"),
        ("missing-parts", "parts or instructions are missing", "Missing Parts / Instructions"),
        ("goodwill", "a goodwill gesture", "Finance -> Goodwill"),
        ("rollback", "a price rollback", "Finance -> Rollback"),
        ("buyer-canceled", "the buyer cancelled", "Buyer canceled"),
        ("customer-returned-item", "the customer returned the item", "Customer returned item"),
        ("general-adjustment", "a general adjustment", "General adjustment"),
        ("merchandise-not-received", "the merchandise was not received", "Merchandise not received"),
        ("quality-missing-parts", "quality: parts or instructions missing", "Quality -> Missing Parts / Instructions"),
        ("shipping-damaged", "damaged in shipping", "Shipping & Delivery -> Damaged"),
        ("shipping-price-discrepancy", "the shipping price differs", "Shipping & Delivery -> Shipping Price Discrepancy"),
        ("other", "another reason", "Others"),
    ]

    /// `trackingInfo.methodCode`: the six service levels, with any carrier.
    public static let methods = ["Standard", "Express", "OneDay", "Freight", "WhiteGlove", "Value"]

    /// `carrierName.carrier`: the values the ship request takes, spelled exactly so.
    public static let carriers = [
        "UPS", "USPS", "FedEx", "Airborne", "OnTrac", "DHL Ecommerce - US", "DHL", "LS", "UDS", "UPSMI", "FDX", "PILOT", "ESTES", "SAIA",
        "FDS Express", "Seko Worldwide", "HIT Delivery", "FEDEXSP", "RL Carriers", "Metropolitan Warehouse & Delivery", "China Post",
        "YunExpress", "Yellow Freight Sys", "AIT Worldwide Logistics", "Chukou1", "Sendle", "Landmark Global", "Sunyou", "Yanwen", "4PX",
        "GLS", "OSM Worldwide", "FIRST MILE", "AM Trucking", "CEVA", "India Post", "SF Express", "CNE", "TForce Freight", "AxleHire", "LSO",
        "Royal Mail", "ABF Freight System", "WanB", "Roadrunner Freight", "Meyer Distribution", "AAA Cooper", "Canada Post",
        "Southeastern Freight Lines", "Japan Post", "Correos de Mexico", "XPO Logistics", "JD Logistics", "YDH", "JCEX", "Flyt",
        "Deutsche Post", "Better Trucks", "Asendia", "SFC", "UBI", "ePost Global", "YF Logistics", "RXO", "Estes Express", "Shypmax",
        "WIN.IT America", "PITT OHIO", "PostNord Sweden", "Equick", "Whistl", "Tusou", "Shiprocket", "USPS First Class Mail", "DTDC", "PTS",
        "ShipGlobal", "Western Post",
    ]

    /// Order-line statuses.
    public static let created = "Created", acknowledged = "Acknowledged", shipped = "Shipped", delivered = "Delivered", cancelled = "Cancelled"

    /// Return statuses.
    public static let initiated = "INITIATED", returnDelivered = "DELIVERED", completed = "COMPLETED"
}
