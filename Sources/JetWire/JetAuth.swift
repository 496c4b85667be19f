import Foundation
import WireKit

/// `POST /token` body.
public struct JetTokenRequest: Codable, Sendable, Hashable {
    public var user: String
    public var pass: String

    public init(user: String, pass: String) {
        self.user = user
        self.pass = pass
    }
}

/// `POST /token` answer.
public struct JetToken: Codable, Sendable, Hashable {
    public var idToken: String
    public var tokenType: String?
    public var expiresOn: JetDate?

    enum CodingKeys: String, CodingKey {
        case idToken = "id_token", tokenType = "token_type", expiresOn = "expires_on"
    }

    public init(idToken: String, tokenType: String?, expiresOn: JetDate?) {
        self.idToken = idToken
        self.tokenType = tokenType
        self.expiresOn = expiresOn
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        idToken = try c.requiredString(.idToken)
        tokenType = c.lenientString(.tokenType)
        expiresOn = c.lenient(JetDate.self, .expiresOn)
    }
}

/// Jet's error bodies: `{"errors": [...]}`, `{"error": "..."}`, or the gateway's `{"message": "..."}`.
public struct JetErrorBody: Codable, Sendable, Hashable {
    public var errors: [String]?
    public var error: String?
    public var message: String?

    public init(errors: [String]? = nil, error: String? = nil, message: String? = nil) {
        self.errors = errors
        self.error = error
        self.message = message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errors = c.lenientArray(String.self, .errors)
        error = c.lenientString(.error)
        message = c.lenientString(.message)
    }

    /// The text of every message, joined.
    public var text: String? {
        let parts = (errors ?? []) + [error, message].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// `{"order_urls": [...]}`, `{"return_urls": [...]}`, `{"refund_urls": [...]}` (also ruby-jet's `sku_urls`).
public struct JetURLList: Decodable, Sendable, Hashable {
    public var urls: [String]

    public init(urls: [String]) { self.urls = urls }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        for key in ["order_urls", "return_urls", "refund_urls", "sku_urls"] {
            if let list = try? c.decodeIfPresent([String].self, forKey: AnyKey(key)) {  // Another shape: try the next key.
                urls = list
                return
            }
        }
        throw DecodingError.keyNotFound(AnyKey("order_urls"), .init(codingPath: c.codingPath, debugDescription: "no list of urls in the answer"))
    }

    /// The id in each url: what follows the route's known prefix (`/orders/withoutShipmentDetail/<id>`,
    /// `/returns/state/<id>`, `/refunds/state/<id>`), percent-decoded, so an id with a `/` in it stays whole; the
    /// last segment for a route jom does not know.
    public var ids: [String] {
        urls.compactMap { url in
            let trimmed = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
            for prefix in ["/orders/withoutShipmentDetail/", "/returns/state/", "/refunds/state/", "/merchant-skus/"] {
                if let r = trimmed.range(of: prefix, options: [.caseInsensitive]), r.upperBound < trimmed.endIndex {
                    let raw = String(trimmed[r.upperBound...])
                    return raw.removingPercentEncoding ?? raw
                }
            }
            return trimmed.split(separator: "/").last.map { String($0).removingPercentEncoding ?? String($0) }
        }
    }
}
