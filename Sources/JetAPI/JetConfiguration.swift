import Foundation
import JetWire
import MarketplaceHTTP
import OrderDesk

/// Where Jet is and how to log in, plus how patient the client is.
public struct JetConfiguration: Sendable {
    /// e.g. `https://merchant-api.jet.com/api` or a sandbox's `http://127.0.0.1:8080/api` (no trailing slash).
    public var baseURL: String
    public var user: String
    public var secret: String
    public var merchantID: String?

    /// The longest one request may take, in seconds.
    public var requestTimeout: Double = 10
    public var connectTimeout: Double = 3
    /// The most requests in flight at once when fetching many details (a fetch may ask for fewer).
    public var concurrency: Int = 64
    public var retry = RetryPolicy()

    public init(baseURL: String, user: String, secret: String, merchantID: String? = nil) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.user = user
        self.secret = secret
        self.merchantID = merchantID
    }
}

/// A problem with the Jet credentials configured on this machine.
public struct CredentialsError: OperatorFacingError {
    public var summary: String
    public var remedy: String?
}

extension JetConfiguration {
    /// The credentials file: `$XDG_CONFIG_HOME/jom/credentials.json` (`~/.config/jom/credentials.json`).
    public static func credentialsPath(environment: [String: String]) -> String {
        PrivateFile.configPath("credentials.json", environment: environment)
    }

    /// Jet credentials from `JET_API_URL`, `JET_USER`, `JET_SECRET`, `JET_MERCHANT_ID`, else from the credentials
    /// file (which must not be readable by others). Nil when neither is configured: then jom uses its sandbox.
    public static func fromEnvironment(_ environment: [String: String]) throws(CredentialsError) -> JetConfiguration? {
        let names = ["JET_API_URL", "JET_USER", "JET_SECRET"]
        let present = names.filter { !(environment[$0] ?? "").isEmpty }
        if !present.isEmpty {
            let missing = names.filter { (environment[$0] ?? "").isEmpty }
            guard missing.isEmpty else {
                throw CredentialsError(
                    summary: "Jet credentials are incomplete: \(missing.joined(separator: ", ")) not set",
                    remedy: "set all of JET_API_URL, JET_USER, JET_SECRET (and JET_MERCHANT_ID), or none to use the sandbox")
            }
            return JetConfiguration(
                baseURL: environment["JET_API_URL"]!, user: environment["JET_USER"]!,
                secret: environment["JET_SECRET"]!, merchantID: environment["JET_MERCHANT_ID"])
        }
        let path = credentialsPath(environment: environment)
        let data: Data
        switch PrivateFile.read(path) {
        case .absent: return nil
        case .readableByOthers(let mode):
            throw CredentialsError(
                summary: "the Jet credentials file \(path) can be read by other users (mode \(mode)), so jom will not use it",
                remedy: "chmod 600 \(path)")
        case .unreadable:
            throw CredentialsError(summary: "the Jet credentials file \(path) cannot be read", remedy: "check its owner and mode (chmod 600 \(path))")
        case .contents(let d): data = d
        }
        struct File: Decodable {
            var api_url: String?
            var user: String?
            var secret: String?
            var merchant_id: String?
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw CredentialsError(
                summary: "the Jet credentials file \(path) is not valid JSON",
                remedy: #"write it as {"api_url": "https://…/api", "user": "…", "secret": "…", "merchant_id": "…"}"#)
        }
        guard let url = file.api_url, let user = file.user, let secret = file.secret else {
            throw CredentialsError(
                summary: "the Jet credentials file \(path) needs api_url, user and secret",
                remedy: #"write it as {"api_url": "https://…/api", "user": "…", "secret": "…", "merchant_id": "…"}"#)
        }
        return JetConfiguration(baseURL: url, user: user, secret: secret, merchantID: file.merchant_id)
    }
}
