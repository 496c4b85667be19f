import Foundation
import JetWire

/// One call the merchant made that would change something at Jet, and what the sandbox answered.
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
}
