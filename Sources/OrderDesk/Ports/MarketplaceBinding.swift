import Foundation

/// The marketplace a store belongs to: the embedded sandbox, or one Jet account (its API address, user and
/// merchant id; never the secret). Written into the store the first time it talks to a marketplace, and never
/// changed by jom after that.
public enum MarketplaceBinding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The embedded Jet sandbox.
    case sandbox
    case jet(api: String, user: String, merchantID: String?)
    /// The embedded Walmart sandbox.
    case walmartSandbox
    /// One Walmart Marketplace seller account: its API address and client id.
    case walmart(api: String, clientID: String)

    private enum CodingKeys: String, CodingKey { case kind, api, user, merchantID = "merchant_id", clientID = "client_id" }

    /// The marketplace's name: `Jet`, `Walmart`.
    public var marketplaceName: String {
        switch self {
        case .sandbox, .jet: "Jet"
        case .walmartSandbox, .walmart: "Walmart"
        }
    }

    /// The embedded sandbox of a marketplace, not a real account.
    public var isSandbox: Bool {
        switch self {
        case .sandbox, .walmartSandbox: true
        case .jet, .walmart: false
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "sandbox": self = .sandbox
        case "walmart-sandbox": self = .walmartSandbox
        case "walmart":
            self = .walmart(api: try c.decode(String.self, forKey: .api), clientID: try c.decode(String.self, forKey: .clientID))
        case "jet":
            self = .jet(
                api: try c.decode(String.self, forKey: .api), user: try c.decode(String.self, forKey: .user),
                merchantID: try c.decodeIfPresent(String.self, forKey: .merchantID))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown marketplace kind \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .sandbox:
            try c.encode("sandbox", forKey: .kind)
        case .walmartSandbox:
            try c.encode("walmart-sandbox", forKey: .kind)
        case .walmart(let api, let clientID):
            try c.encode("walmart", forKey: .kind)
            try c.encode(api, forKey: .api)
            try c.encode(clientID, forKey: .clientID)
        case .jet(let api, let user, let merchantID):
            try c.encode("jet", forKey: .kind)
            try c.encode(api, forKey: .api)
            try c.encode(user, forKey: .user)
            try c.encodeIfPresent(merchantID, forKey: .merchantID)
        }
    }

    /// `the embedded Jet sandbox`, `Jet account ada (merchant m-1) at https://merchant-api.jet.com/api`.
    public var description: String {
        switch self {
        case .sandbox: "the embedded Jet sandbox"
        case .walmartSandbox: "the embedded Walmart sandbox"
        case .walmart(let api, let clientID): "Walmart seller account \(clientID) at \(api)"
        case .jet(let api, let user, let merchantID):
            "Jet account \(user)" + (merchantID.map { " (merchant \($0))" } ?? "") + " at \(api)"
        }
    }

    /// Two bindings name the same account: the same API and user (and merchant id, when both give one).
    public func isSameAccount(as other: MarketplaceBinding) -> Bool {
        switch (self, other) {
        case (.sandbox, .sandbox), (.walmartSandbox, .walmartSandbox): return true
        case let (.walmart(a1, c1), .walmart(a2, c2)): return Self.normalized(a1) == Self.normalized(a2) && c1 == c2
        case let (.jet(a1, u1, m1), .jet(a2, u2, m2)):
            guard Self.normalized(a1) == Self.normalized(a2), u1 == u2 else { return false }
            if let m1, let m2 { return m1 == m2 }
            return true
        default: return false
        }
    }

    private static func normalized(_ url: String) -> String {
        var u = url.lowercased()
        while u.hasSuffix("/") { u.removeLast() }
        return u
    }
}
