import Foundation
import JetWire

/// How a sandbox behaves: where it listens, whom it lets in, what its scenario does, and which faults it injects.
public struct SandboxConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// Listen on this Unix socket instead of a TCP port (the embedded sandbox: a socket in the store, which only
    /// the store's owner can reach).
    public var socketPath: String?
    /// Connections that have not sent their request yet, at most: past it the oldest is closed (a flood of idle
    /// connections cannot use up the descriptors); eight times as many connections in all.
    public var maxConnections = 256
    /// Seconds a request's head may take to arrive, and its body after the head; a connection idle longer than
    /// `idleTimeout` seconds is closed.
    public var headTimeout: Double = 10
    public var bodyTimeout: Double = 30
    /// Longer than clients keep an idle connection in their pools (AsyncHTTPClient: 60 s), so the server never
    /// closes one a client is about to reuse.
    public var idleTimeout: Double = 90
    public var seed: UInt64 = 1
    /// Ready orders at start.
    public var orders = 12
    /// Open return requests at start, on shipped orders.
    public var returns = 2
    public var user = "sandbox"
    public var secret = "sandbox"
    /// Seconds a token stays valid.
    public var tokenLifetime: TimeInterval = 3600

    /// Fraction of API calls answered 500 (nothing applied).
    public var failRate = 0.0
    /// Fraction of API calls answered 429 with `Retry-After` (nothing applied).
    public var throttleRate = 0.0
    /// Seconds sent in `Retry-After`.
    public var retryAfter = 1
    /// Milliseconds added to every API call.
    public var latencyMillis = 0.0
    /// API calls answered at once, at most: more are answered 429 at once (no Retry-After), as a rate limit
    /// would. 0: no limit.
    public var maxConcurrent = 0
    /// Fraction of JSON answers sent truncated or with a field of the wrong type.
    public var malformedRate = 0.0
    /// Fraction of API calls applied and then left unanswered: the connection drops (Jet did it, the merchant
    /// never heard).
    public var lostReplyRate = 0.0

    /// New orders per hour of scenario time (0: none).
    public var arrivalRate = 4.0
    /// Seconds an order stays `created` before it is `ready`.
    public var readyDelay: TimeInterval = 300
    /// Fraction of shipped orders whose customer asks for a return (1–5 days after shipping).
    public var returnRate = 0.15
    /// Fraction of approved orders for which Jet later asks for a directed cancel.
    public var directedCancelRate = 0.05
    /// A fixed start time for the scenario clock, which then moves only when told (`POST /sandbox/advance`).
    public var frozenClock: Date?
    /// Where the marketplace keeps its state between runs (nil: in memory only).
    public var stateFile: String?
    /// Several processes share the state file (the embedded sandbox of a store: a session, `jom watch` and
    /// scripts at once): every call is answered under a lock on the file, from its latest state, and what it
    /// changed is saved before the answer leaves. One practice marketplace per store, however many processes.
    public var sharedState = false

    public init() {}
}
