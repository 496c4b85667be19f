// WalmartSandbox: a local Walmart Marketplace. It serves `/v3/...` as Walmart's own documents describe it
// (tokens, the required headers, wrapped single orders, 404 for empty order lists, cursors, error bodies, 429
// with Retry-After beyond the published limits) with Walmart's state machines: lines with quantities, customer
// intent to cancel, automatic cancellation after the ship-by date, returns moving INITIATED → DELIVERED →
// COMPLETED, refunds Walmart issues itself. It speaks Walmart's wire models (WalmartWire) and is served by
// SandboxKit; it must not know the client or the desk, so a mismatch between jom and Walmart shows up in tests.
import Foundation
import SandboxKit

/// How a Walmart sandbox behaves: whom it lets in, what its scenario does, and which faults it injects.
public struct WalmartSandboxConfiguration: Sendable {
    public var listen = ListenSettings()
    public var seed: UInt64 = 1
    /// Purchase orders released at start (some sharing a customer order).
    public var orders = 12
    /// Returns at start, on shipped orders.
    public var returns = 2
    /// The client id and secret the token call accepts.
    public var clientID = "sandbox"
    public var clientSecret = "sandbox"
    /// Seconds a token lives (Walmart: 900).
    public var tokenLifetime: TimeInterval = 900
    public var faults = Faults()
    /// Enforce Walmart's published per-endpoint limits (429 beyond them).
    public var rateLimits = false
    /// The window the limits count in, in seconds (Walmart's: a minute; tests shorten it).
    public var rateWindow: Double = 60
    /// New purchase orders per hour of scenario time (0: none).
    public var arrivalRate = 4.0
    /// Fraction of shipped orders whose customer starts a return (1–5 days after shipping).
    public var returnRate = 0.15
    /// Fraction of acknowledged orders whose customer asks to cancel before shipment.
    public var intentToCancelRate = 0.05
    /// Days after the estimated ship date when Walmart cancels lines not shipped.
    public var autoCancelDays = 4.0
    /// Refuse ship requests without `sellerOrderId` (the current spec requires it; the clients seen do not send it).
    public var requireSellerOrderID = false
    /// A fixed start time for the scenario clock, which then moves only when told (`POST /sandbox/advance`).
    public var frozenClock: Date?
    /// Where the marketplace keeps its state between runs (nil: in memory only).
    public var stateFile: String?
    /// Several processes share the state file (the embedded sandbox of a store).
    public var sharedState = false

    public init() {}
}

/// Walmart's published per-endpoint limits, per minute.
public enum WalmartRateLimits {
    public static let perMinute: [(method: String, pattern: String, limit: Int)] = [
        ("GET", "/v3/orders/released", 60),
        ("GET", "/v3/orders/*", 5000),
        ("GET", "/v3/orders", 5000),
        ("POST", "/v3/orders/*/acknowledge", 60),
        ("POST", "/v3/orders/*/cancel", 60),
        ("POST", "/v3/orders/*/shipping", 60),
        ("POST", "/v3/orders/*/refund", 60),
        ("GET", "/v3/returns", 50),
        ("POST", "/v3/returns/*/refund", 60),
    ]

    /// The limit a call falls under: (its endpoint's name, calls per minute).
    public static func limit(method: String, path: String) -> (String, Int)? {
        let parts = path.split(separator: "/").map(String.init)
        for rule in perMinute where rule.method == method {
            let pattern = rule.pattern.split(separator: "/").map(String.init)
            guard pattern.count == parts.count else { continue }
            if zip(pattern, parts).allSatisfy({ $0 == "*" || $0 == $1 }) { return ("\(rule.method) \(rule.pattern)", rule.limit) }
        }
        return nil
    }
}
