import Foundation

// SandboxKit: what every marketplace's sandbox shares: the server (deadlines, connection limits, a Unix
// socket), injected faults, the ledger, a seeded generator, and the lock and file of a state shared by processes.
// It knows no marketplace: each one's routes and state machines plug in.

/// One call the merchant made that would change something at the marketplace, and what the sandbox answered.
public struct LedgerEntry: Codable, Sendable, Hashable {
    public var seq: Int
    public var at: Date
    public var method: String
    public var path: String
    /// The request body as sent.
    public var body: String
    public var status: Int
    /// True when the call changed the marketplace (a 2xx answer).
    public var applied: Bool

    public init(seq: Int, at: Date, method: String, path: String, body: String, status: Int, applied: Bool) {
        self.seq = seq
        self.at = at
        self.method = method
        self.path = path
        self.body = body
        self.status = status
        self.applied = applied
    }
}
