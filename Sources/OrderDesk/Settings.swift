import Foundation

/// The operator's settings (`set NAME VALUE`), with their defaults. Stored in the store's `settings.json`.
public struct Settings: Codable, Sendable, Hashable {
    public enum ColorMode: String, Codable, Sendable, CaseIterable { case auto, on, off }

    /// How often downloads run by themselves, in seconds; 0 turns them off.
    public var downloadInterval: TimeInterval = 15 * 60
    /// How long after an order becomes ready it must be approved (or cancelled).
    public var ackWindow: TimeInterval = 24 * 3600
    /// How close to a deadline an order counts as "due soon".
    public var dueSoon: TimeInterval = 3600
    /// Business days to answer a return request.
    public var returnDays: Int = 2
    /// Ask before approve, cancel, refund and deny.
    public var confirm: Bool = true
    public var color: ColorMode = .auto
    /// The cancellation rate to stay under, in percent.
    public var cancelRateLimit: Double = 2.5
    /// The ZIP code parcels ship from (`ship_from_zip_code`).
    public var shipFromZip: String = ""
    /// Days the customer has to return an item, sent with each shipment.
    public var daysToReturn: Int = 30
    /// Send long lists through `$PAGER` in an interactive session.
    public var pager: Bool = true
    /// The most requests to Jet at once when fetching many orders (downloads start lower and back off when Jet
    /// answers "too many requests").
    public var jetConnections: Int = 32
    public static let jetConnectionsRange = 1...64
    /// The seller's block on invoices: name, address (lines separated by `;`), phone.
    public var sellerName: String = ""
    public var sellerAddress: String = ""
    public var sellerPhone: String = ""

    public init() {}

    public init(from decoder: any Decoder) throws {
        // Every field is optional on disk: a settings file from an older jom keeps working.
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Settings.defaults
        downloadInterval = try c.decodeIfPresent(TimeInterval.self, forKey: .downloadInterval) ?? d.downloadInterval
        ackWindow = try c.decodeIfPresent(TimeInterval.self, forKey: .ackWindow) ?? d.ackWindow
        dueSoon = try c.decodeIfPresent(TimeInterval.self, forKey: .dueSoon) ?? d.dueSoon
        returnDays = try c.decodeIfPresent(Int.self, forKey: .returnDays) ?? d.returnDays
        confirm = try c.decodeIfPresent(Bool.self, forKey: .confirm) ?? d.confirm
        color = try c.decodeIfPresent(ColorMode.self, forKey: .color) ?? d.color
        cancelRateLimit = try c.decodeIfPresent(Double.self, forKey: .cancelRateLimit) ?? d.cancelRateLimit
        shipFromZip = try c.decodeIfPresent(String.self, forKey: .shipFromZip) ?? d.shipFromZip
        daysToReturn = try c.decodeIfPresent(Int.self, forKey: .daysToReturn) ?? d.daysToReturn
        pager = try c.decodeIfPresent(Bool.self, forKey: .pager) ?? d.pager
        jetConnections = try c.decodeIfPresent(Int.self, forKey: .jetConnections) ?? d.jetConnections
        sellerName = try c.decodeIfPresent(String.self, forKey: .sellerName) ?? d.sellerName
        sellerAddress = try c.decodeIfPresent(String.self, forKey: .sellerAddress) ?? d.sellerAddress
        sellerPhone = try c.decodeIfPresent(String.self, forKey: .sellerPhone) ?? d.sellerPhone
        for (name, key, value) in [
            ("seller-name", CodingKeys.sellerName, sellerName), ("seller-address", .sellerAddress, sellerAddress),
            ("seller-phone", .sellerPhone, sellerPhone),
        ] {
            if let problem = Self.textProblem(value) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(name) \(problem)")
            }
        }
        // A value out of range (a hand-edited file, an older jom) is reported, naming the setting; never used.
        func check<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ key: CodingKeys, _ name: String, _ shown: (T) -> String) throws {
            guard range.contains(value) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c,
                    debugDescription: "\(name) is \(shown(value)); it must be from \(shown(range.lowerBound)) to \(shown(range.upperBound))")
            }
        }
        for (name, key, value) in [
            ("download-interval", CodingKeys.downloadInterval, downloadInterval), ("ack-window", .ackWindow, ackWindow),
            ("due-soon", .dueSoon, dueSoon),
        ] {
            guard value.isFinite else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(name) is not a number of seconds")
            }
            try check(value, Self.durationRanges[name]!, key, name, DurationText.format)
        }
        try check(returnDays, 0...30, .returnDays, "return-days") { "\($0)" }
        try check(cancelRateLimit, 0...100, .cancelRateLimit, "cancel-rate-limit", formatPercent)
        try check(daysToReturn, 0...365, .daysToReturn, "days-to-return") { "\($0)" }
        try check(jetConnections, Self.jetConnectionsRange, .jetConnections, "jet-connections") { "\($0)" }
        if !shipFromZip.isEmpty, !Self.isZip(shipFromZip) {
            throw DecodingError.dataCorruptedError(
                forKey: .shipFromZip, in: c,
                debugDescription: "ship-from-zip is \"\(Printable.visible(shipFromZip))\", not a US ZIP code")
        }
    }

    /// The durations each duration setting may take, in seconds; `set` and the settings file are held to them.
    static let durationRanges: [String: ClosedRange<TimeInterval>] = [
        "download-interval": 0...86400,
        "ack-window": 60...(30 * 86400),
        "due-soon": 0...(30 * 86400),
    ]

    /// `07030` or `07030-1234`.
    static func isZip(_ v: String) -> Bool {
        let digits = v.filter(\.isASCII).filter(\.isNumber)
        return (v.count == 5 && digits.count == 5) || (v.count == 10 && digits.count == 9 && v.dropFirst(5).first == "-")
    }

    public static let defaults = Settings()

    /// One setting as `set` shows, parses and completes it.
    public struct Definition: Sendable {
        public var name: String
        public var help: String
        public var values: [String]
        public var get: @Sendable (Settings) -> String
        public var set: @Sendable (inout Settings, String) throws(DeskError) -> Void
    }

    public static let definitions: [Definition] = [
        duration(
            "download-interval", "how often downloads run by themselves (0 = never); e.g. 15m", \.downloadInterval,
            ["5m", "15m", "30m", "1h", "0"]),
        duration(
            "ack-window",
            "how long after an order becomes ready it must be approved or cancelled (default 24h; Jet's own target was far stricter: 15 minutes)",
            \.ackWindow, ["15m", "2h", "24h"]),
        duration("due-soon", "how close to a deadline an order counts as due soon", \.dueSoon, ["30m", "1h", "4h"]),
        Definition(
            name: "return-days", help: "business days to answer a return request", values: ["1", "2", "3"],
            get: { "\($0.returnDays)" },
            set: { s, v throws(DeskError) in
                guard let n = Int(v), (0...30).contains(n) else {
                    throw DeskError(
                        "return-days must be a whole number of business days from 0 to 30, not \"\(v)\"",
                        remedy: "set return-days 2")
                }
                s.returnDays = n
            }),
        Definition(
            name: "confirm", help: "ask before approve, cancel, refund and deny", values: ["on", "off"],
            get: { $0.confirm ? "on" : "off" },
            set: { s, v throws(DeskError) in s.confirm = try onOff("confirm", v) }),
        Definition(
            name: "color", help: "colour in the terminal: auto (only on a terminal, never with NO_COLOR), on, off",
            values: ColorMode.allCases.map(\.rawValue),
            get: { $0.color.rawValue },
            set: { s, v throws(DeskError) in
                guard let m = ColorMode(rawValue: v.lowercased()) else {
                    throw DeskError("color must be auto, on or off, not \"\(v)\"", remedy: "set color auto")
                }
                s.color = m
            }),
        Definition(
            name: "cancel-rate-limit", help: "the cancellation rate to stay under, in percent", values: ["1", "2", "2.5"],
            get: { formatPercent($0.cancelRateLimit) },
            set: { s, v throws(DeskError) in
                let t = v.hasSuffix("%") ? String(v.dropLast()) : v
                guard let p = Double(t), p >= 0, p <= 100 else {
                    throw DeskError("cancel-rate-limit must be a percentage, not \"\(v)\"", remedy: "set cancel-rate-limit 2.5")
                }
                s.cancelRateLimit = p
            }),
        Definition(
            name: "ship-from-zip", help: "the ZIP code parcels ship from, sent with each shipment", values: [],
            get: { $0.shipFromZip.isEmpty ? "(not set)" : $0.shipFromZip },
            set: { s, v throws(DeskError) in
                guard isZip(v) else {
                    throw DeskError("ship-from-zip must be a US ZIP code such as 07030, not \"\(v)\"", remedy: "set ship-from-zip 07030")
                }
                s.shipFromZip = v
            }),
        Definition(
            name: "days-to-return", help: "days the customer has to return an item, sent with each shipment",
            values: ["14", "30", "60"],
            get: { "\($0.daysToReturn)" },
            set: { s, v throws(DeskError) in
                guard let n = Int(v), (0...365).contains(n) else {
                    throw DeskError("days-to-return must be a number of days from 0 to 365, not \"\(v)\"", remedy: "set days-to-return 30")
                }
                s.daysToReturn = n
            }),
        Definition(
            name: "pager", help: "send long lists through $PAGER in an interactive session", values: ["on", "off"],
            get: { $0.pager ? "on" : "off" },
            set: { s, v throws(DeskError) in s.pager = try onOff("pager", v) }),
        Definition(
            name: "jet-connections",
            help: "the most requests to Jet at once when downloading many orders (1 to 64; fewer when Jet says too many)",
            values: ["8", "16", "32", "64"],
            get: { "\($0.jetConnections)" },
            set: { s, v throws(DeskError) in
                guard let n = Int(v), jetConnectionsRange.contains(n) else {
                    throw DeskError("jet-connections must be a whole number from 1 to 64, not \"\(v)\"", remedy: "set jet-connections 32")
                }
                s.jetConnections = n
            }),
        text("seller-name", "your business name, at the top of invoices", \.sellerName, example: "Acme Mugs LLC"),
        text(
            "seller-address", "your address on invoices; separate lines with ;", \.sellerAddress,
            example: "12 Example Way; Hoboken, NJ 07030"),
        text("seller-phone", "your phone number on invoices", \.sellerPhone, example: "555-010-0199"),
    ]

    /// What is wrong with a text setting: too long, or a control character.
    static func textProblem(_ v: String) -> String? {
        if v.count > 200 { return "is \(v.count) characters long; at most 200 fit on an invoice" }
        if v.unicodeScalars.contains(where: Printable.isUnsafe) { return "contains a control character" }
        return nil
    }

    private static func text(_ name: String, _ help: String, _ keyPath: WritableKeyPath<Settings, String>, example: String) -> Definition {
        // Key paths to stored properties hold no state; this one is only read.
        nonisolated(unsafe) let key = keyPath
        return Definition(
            name: name, help: help, values: [],
            get: { $0[keyPath: key].isEmpty ? "(not set)" : $0[keyPath: key] },
            set: { s, v throws(DeskError) in
                if let problem = textProblem(v) {
                    throw DeskError("\(name) \(problem)", remedy: "set \(name) \(example)")
                }
                s[keyPath: key] = v == "-" ? "" : v
            })
    }

    public static func definition(named name: String) -> Definition? {
        definitions.first { $0.name == name.lowercased() }
    }

    private static func duration(
        _ name: String, _ help: String, _ keyPath: WritableKeyPath<Settings, TimeInterval>,
        _ values: [String]
    ) -> Definition {
        // Key paths to stored properties hold no state; this one is only read.
        nonisolated(unsafe) let key = keyPath
        return Definition(
            name: name, help: help, values: values,
            get: { DurationText.format($0[keyPath: key]) },
            set: { s, v throws(DeskError) in
                let range = durationRanges[name]!
                guard let d = DurationText.parse(v) else {
                    throw DeskError(
                        "\(name) must be a duration such as 15m, 2h or 1d, not \"\(v)\"",
                        remedy: "set \(name) \(values.last ?? "15m")")
                }
                guard range.contains(d) else {
                    throw DeskError(
                        "\(name) must be from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound)), not \(v)",
                        remedy: "set \(name) \(values.last ?? "15m")")
                }
                s[keyPath: key] = d
            })
    }

    private static func onOff(_ name: String, _ v: String) throws(DeskError) -> Bool {
        switch v.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: throw DeskError("\(name) must be on or off, not \"\(v)\"", remedy: "set \(name) on")
        }
    }
}

/// `2.5%`, `0%`, `12.25%`.
public func formatPercent(_ p: Double) -> String {
    let rounded = (p * 100).rounded() / 100
    var s = String(format: "%.2f", rounded)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s + "%"
}
