import Foundation

/// What a download brought: order details, open return requests by order, and what could not be fetched.
public struct DownloadResult: Sendable {
    public var orders: [Order]
    /// Return requests by `merchant_order_id`.
    public var returns: [String: [ReturnRequest]]
    /// Orders and returns that could not be fetched; the rest of the download still counts.
    public var failures: [DownloadFailure]
    /// What the operator should know about how the download went (a list the marketplace gave in pages).
    public var remarks: [String] = []

    public init(orders: [Order] = [], returns: [String: [ReturnRequest]] = [:], failures: [DownloadFailure] = []) {
        self.orders = orders
        self.returns = returns
        self.failures = failures
    }
}

/// An order or return a download could not fetch, and why.
public struct DownloadFailure: Sendable, Hashable {
    public enum Subject: String, Sendable, Hashable {
        case order, returnRequest = "return"
    }

    public var subject: Subject
    /// The marketplace's id of the order or return.
    public var id: String
    /// Why, in words that do not name the id: failures with the same cause are told together.
    public var cause: String
    /// The marketplace answered, but with something that cannot be read: the order is set aside.
    public var unreadable: Bool
    /// The order the failure is about (a return's order, when known).
    public var orderID: String?

    public init(_ subject: Subject, id: String, cause: String, unreadable: Bool, orderID: String? = nil) {
        self.subject = subject
        self.id = id
        self.cause = cause
        self.unreadable = unreadable
        self.orderID = orderID ?? (subject == .order ? id : nil)
    }

    /// `order 2ab4…: Jet's answer could not be read: order_items has the wrong type`.
    public var line: String { "\(subject.rawValue) \(id): \(cause)" }

    /// `3 could not be read: 2 × Jet's answer could not be read (e.g. order 2ab4…); 1 × timed out (order 57e5…)`.
    public static func grouped(_ failures: [DownloadFailure]) -> [(cause: String, count: Int, example: DownloadFailure)] {
        var order: [String] = []
        var groups: [String: (Int, DownloadFailure)] = [:]
        for f in failures {
            if let g = groups[f.cause] { groups[f.cause] = (g.0 + 1, g.1) } else { order.append(f.cause); groups[f.cause] = (1, f) }
        }
        return order.map { ($0, groups[$0]!.0, groups[$0]!.1) }.sorted { $0.count > $1.count }
    }
}

/// Why a marketplace call failed, in terms that decide what happens to the action.
public struct MarketplaceError: OperatorFacingError, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Jet said no (4xx other than 401/429): sending the same request again will not help.
        case refused(status: Int)
        /// Jet could not be reached: nothing was applied.
        case unreachable
        /// The call may or may not have been applied (a timeout or 5xx on a change): check before resending.
        case uncertain
        /// Jet answered something we cannot read, or kept failing a read.
        case badResponse
        /// Jet does not accept our credentials.
        case unauthorized
        /// This store may not talk to this marketplace (it belongs to another one, or there are no credentials).
        case notConnected(remedy: String?)
    }

    public var kind: Kind
    /// The call, e.g. `PUT /orders/2ab4…/acknowledge`.
    public var call: String
    public var message: String
    /// Who failed: `Jet`, `Walmart`.
    public var marketplace: String
    /// What to check when the credentials are refused.
    public var credentialsRemedy: String

    public init(
        _ kind: Kind, call: String, message: String, marketplace: String = "Jet",
        credentialsRemedy: String = "check JET_USER and JET_SECRET (or the credentials file)"
    ) {
        self.kind = kind
        self.call = call
        self.message = message
        self.marketplace = marketplace
        self.credentialsRemedy = credentialsRemedy
    }

    public var summary: String {
        switch kind {
        case .refused(let status): "\(marketplace) refused \(call) (HTTP \(status)): \(message)"
        case .unreachable: "\(marketplace) could not be reached for \(call): \(message)"
        case .uncertain: "\(marketplace) did not confirm \(call): \(message)"
        case .badResponse: "\(marketplace)'s answer to \(call) could not be read: \(message)"
        case .unauthorized: "\(marketplace) did not accept our credentials for \(call): \(message)"
        case .notConnected: message
        }
    }

    public var remedy: String? {
        switch kind {
        case .unauthorized: "\(credentialsRemedy), then `download`"
        case .unreachable, .uncertain, .badResponse: "jom retries by itself; `status` shows what is waiting"
        case .refused: nil
        case .notConnected(let remedy): remedy
        }
    }

    public var description: String { summary }
}

/// The marketplace as the order desk sees it. Jet's adapter implements it over HTTP; nothing else in the
/// desk knows about URLs or JSON.
public protocol Marketplace: Sendable {
    /// Where orders come from, for the banner and `status`: e.g. `Jet sandbox at http://127.0.0.1:8080/api`.
    var displayName: String { get }

    /// The account this marketplace is: the embedded sandbox, or a Jet account.
    var binding: MarketplaceBinding { get }

    /// Fetches ready orders, directed cancels, open return requests, and the current state of the `watch` orders
    /// and of the `returns` jom still holds as open (Jet lists only open ones, so a closed one must be asked for).
    /// At most `connections` requests at once.
    func download(watch: [String], returns: [String], connections: Int) async throws(MarketplaceError) -> DownloadResult

    /// Fetches one order's current state.
    func order(_ merchantOrderID: String) async throws(MarketplaceError) -> Order

    /// Fetches one return request's current state.
    func returnRequest(_ id: String) async throws(MarketplaceError) -> ReturnRequest

    /// Sends one change. Throws ``MarketplaceError`` saying whether it was refused, not delivered, or uncertain.
    func send(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError)

    /// Whether a change that may have been sent before (a crash, a timeout) has already been applied by Jet,
    /// using Jet's own state: the acknowledgement status, the `alt_shipment_id`, the return's status.
    func isApplied(_ request: MarketplaceRequest, for merchantOrderID: String) async throws(MarketplaceError) -> Bool

    /// The HTTP call that `send` would make, for `--dry-run`: method, path and body.
    func describe(_ request: MarketplaceRequest, for merchantOrderID: String) -> String

    /// Stops background work and closes connections.
    func shutdown() async
}
