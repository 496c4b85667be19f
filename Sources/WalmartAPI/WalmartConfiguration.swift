// WalmartAPI: the Walmart Marketplace on the wire for the desk. It owns Walmart's client (tokens, the headers
// every call needs, cursor paging, pacing to Walmart's limits, retries) and the Marketplace adapter that maps
// Walmart's purchase orders and returns to the desk's models and the desk's requests to Walmart's calls. It must
// not know the store, the shell, or the desk's rules.
import Foundation
import MarketplaceHTTP
import OrderDesk

/// Where Walmart is and which seller account to use, plus how patient and how fast the client is.
public struct WalmartConfiguration: Sendable {
    /// The API's base, without `/v3`: `https://marketplace.walmartapis.com`, or a sandbox's.
    public var baseURL: String
    public var clientID: String
    public var clientSecret: String
    /// `WM_SVC.NAME`.
    public var serviceName = "Walmart Marketplace"
    public var requestTimeout: Double = 20
    public var connectTimeout: Double = 3
    /// The most requests in flight at once.
    public var concurrency: Int = 8
    public var retry = RetryPolicy(maxAttempts: 6, baseDelay: 0.2, maxDelay: 8, maxRetryAfter: 65)
    /// Calls that change something (acknowledge, ship, cancel, refund), at most, per `pacingWindow` seconds:
    /// Walmart's published limit is 60 a minute.
    public var changesPerMinute = 60
    public var pacingWindow: Double = 60
    /// Orders per page of a list (Walmart's most is 200).
    public var pageSize = 200

    public static let production = "https://marketplace.walmartapis.com"

    public init(baseURL: String = WalmartConfiguration.production, clientID: String, clientSecret: String) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix("/v3") { url.removeLast(3) }
        self.baseURL = url
        self.clientID = clientID
        self.clientSecret = clientSecret
    }
}

/// A problem with the Walmart credentials configured on this machine.
public struct WalmartCredentialsError: OperatorFacingError {
    public var summary: String
    public var remedy: String?
}

extension WalmartConfiguration {
    /// `$XDG_CONFIG_HOME/jom/walmart-credentials.json`.
    public static func credentialsPath(environment: [String: String]) -> String {
        PrivateFile.configPath("walmart-credentials.json", environment: environment)
    }

    /// Walmart credentials from `WALMART_CLIENT_ID`, `WALMART_CLIENT_SECRET` and `WALMART_API_URL` (optional), else
    /// from the credentials file (which must not be readable by others). Nil when neither is configured.
    public static func fromEnvironment(_ environment: [String: String]) throws(WalmartCredentialsError) -> WalmartConfiguration? {
        let names = ["WALMART_CLIENT_ID", "WALMART_CLIENT_SECRET"]
        let present = names.filter { !(environment[$0] ?? "").isEmpty }
        let url = environment["WALMART_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? production
        if !present.isEmpty {
            let missing = names.filter { (environment[$0] ?? "").isEmpty }
            guard missing.isEmpty else {
                throw WalmartCredentialsError(
                    summary: "Walmart credentials are incomplete: \(missing.joined(separator: ", ")) not set",
                    remedy: "set both WALMART_CLIENT_ID and WALMART_CLIENT_SECRET (Seller Center → Settings → API Key Management)")
            }
            return WalmartConfiguration(baseURL: url, clientID: environment["WALMART_CLIENT_ID"]!, clientSecret: environment["WALMART_CLIENT_SECRET"]!)
        }
        let path = credentialsPath(environment: environment)
        let shape = #"write it as {"client_id": "…", "client_secret": "…"} (and "api_url" for another address)"#
        let data: Data
        switch PrivateFile.read(path) {
        case .absent: return nil
        case .readableByOthers(let mode):
            throw WalmartCredentialsError(
                summary: "the Walmart credentials file \(path) can be read by other users (mode \(mode)), so jom will not use it", remedy: "chmod 600 \(path)")
        case .unreadable:
            throw WalmartCredentialsError(
                summary: "the Walmart credentials file \(path) cannot be read", remedy: "check its owner and mode (chmod 600 \(path))")
        case .contents(let d): data = d
        }
        struct File: Decodable {
            var api_url: String?
            var client_id: String?
            var client_secret: String?
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data) else {  // Reported just here, with the shape it needs.
            throw WalmartCredentialsError(summary: "the Walmart credentials file \(path) is not valid JSON", remedy: shape)
        }
        guard let id = file.client_id, let secret = file.client_secret, !id.isEmpty, !secret.isEmpty else {
            throw WalmartCredentialsError(summary: "the Walmart credentials file \(path) needs client_id and client_secret", remedy: shape)
        }
        return WalmartConfiguration(baseURL: file.api_url ?? url, clientID: id, clientSecret: secret)
    }
}
