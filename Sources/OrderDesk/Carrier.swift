import Foundation

/// Jet's carrier names (the `carrier` of a shipment), and the shipment methods we offer for the common ones.
public enum Carriers {
    /// Jet's base list, then the later additions seen in merchants' plugins.
    public static let all: [String] = [
        "FedEx", "FedEx SmartPost", "FedEx Freight", "UPS", "UPS Freight", "UPS Mail Innovations", "UPS SurePost",
        "OnTrac", "OnTrac Direct Post", "DHL", "DHL Global Mail", "USPS", "CEVA", "Laser Ship", "Spee Dee",
        "A Duie Pyle", "A1", "ABF", "APEX", "Averitt", "Dynamex", "Eastern Connection", "Ensenda", "Estes",
        "Land Air Express", "Lone Star", "Meyer", "New Penn", "Pilot", "Prestige", "RBF", "Reddaway", "RL Carriers",
        "Roadrunner", "Southeastern Freight", "UDS", "UES", "YRC", "GSO", "A&M Trucking", "SAIA Freight",
        "Old Dominion", "Parcel", "Bekins / Home Direct", "Seko Worldwide", "Mail Express", "Newgistics",
        "NonstopDelivery", "MPX", "Other",
    ]

    /// Jet's spelling of a carrier typed in any case, with spaces, dashes or underscores: `ups`, `fedex`,
    /// `laser-ship`. Nil when it is not one of Jet's carriers.
    public static func canonical(_ text: String) -> String? {
        let key = squash(text)
        return all.first { squash($0) == key }
    }

    /// Display-name shipment methods per carrier (the vocabulary Jet's later clients sent), first = default.
    public static let methods: [String: [String]] = [
        "UPS": [
            "UPS Ground", "UPS 2nd Day Air", "UPS 2nd Day Air AM", "UPS 3 Day Select", "UPS Next Day Air",
            "UPS Next Day Air Saver",
        ],
        "UPS SurePost": ["UPS SurePost"],
        "UPS Mail Innovations": ["UPS Mail Innovations"],
        "FedEx": [
            "FedEx Ground", "FedEx Home Delivery", "FedEx 2 Day", "FedEx Express Saver", "FedEx Priority Overnight",
            "FedEx Standard Overnight", "FedEx First Overnight",
        ],
        "FedEx SmartPost": ["FedEx Smart Post"],
        "USPS": [
            "USPS Priority Mail", "USPS First Class Mail", "USPS Priority Mail Express", "USPS Media Mail",
            "USPS Standard Post",
        ],
        "DHL Global Mail": ["DHL Global Mail"],
        "OnTrac": ["Ontrac Ground"],
    ]

    /// Methods Jet took that belong to no carrier above.
    static let otherMethods = [
        "Freight", "USPS Retail Ground", "OnTrac Direct Post", "DHL eCommerce", "DHL Express Worldwide",
        "LaserShip Next Day", "GSO Ground", "Other",
    ]

    /// Jet's spelling of a shipment method typed in any case, with dashes or underscores (`ups-ground`,
    /// `UPS_Ground`, `UPSGround`). Nil when Jet would not take it.
    public static func canonicalMethod(_ text: String) -> String? {
        let key = squash(text)
        guard !key.isEmpty else { return nil }
        return (methods.values.flatMap { $0 } + otherMethods).first { squash($0) == key }
    }

    /// The method to send when the operator names none: the order's requested method when it belongs to the
    /// carrier, else the carrier's first method, else `Other`.
    public static func defaultMethod(carrier: String, requested: String?) -> String {
        let options = methods[carrier] ?? []
        if let requested,
            options.isEmpty || options.contains(where: { squash($0) == squash(requested) })
                || squash(requested).hasPrefix(squash(carrier))
        {
            return requested
        }
        return options.first ?? "Other"
    }

    static func squash(_ s: String) -> String {
        String(s.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "&" })
    }
}
