import Foundation
import JetWire
import OrderDesk

/// A failed Jet call: which call, what Jet said (HTTP status and its `errors` text), and whether the call may
/// have changed something anyway.
public struct JetAPIError: Error, OperatorFacingError, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Jet answered with an error status.
        case http(status: Int)
        /// No connection could be made: nothing reached Jet.
        case unreachable
        /// Jet did not answer in time.
        case timeout
        /// Jet's answer could not be read (truncated, wrong types).
        case malformed
        /// The work was cancelled (Ctrl-C).
        case cancelled
    }

    public var kind: Kind
    /// `GET /orders/ready`, `PUT /orders/…/acknowledge`.
    public var call: String
    /// Jet's own messages (its `errors` array), or what went wrong.
    public var message: String
    /// True when the call changes something and may have reached Jet before failing.
    public var mayHaveApplied: Bool

    public init(_ kind: Kind, call: String, message: String, mayHaveApplied: Bool = false) {
        self.kind = kind
        self.call = call
        self.message = message
        self.mayHaveApplied = mayHaveApplied
    }

    public var status: Int? {
        if case .http(let s) = kind { return s }
        return nil
    }

    public var summary: String {
        switch kind {
        case .http(let status): "Jet answered \(call) with HTTP \(status): \(message)"
        case .unreachable: "Jet could not be reached for \(call): \(message)"
        case .timeout: "Jet did not answer \(call) in time: \(message)"
        case .malformed: "Jet's answer to \(call) could not be read: \(message)"
        case .cancelled: "\(call) was cancelled"
        }
    }

    public var remedy: String? {
        switch kind {
        case .http(401): "check JET_USER and JET_SECRET (or the credentials file)"
        case .http(400) where call.hasSuffix("/token"): "check JET_USER and JET_SECRET (or the credentials file)"
        case .unreachable: "check JET_API_URL and the network; jom retries queued actions by itself"
        default: nil
        }
    }

    public var description: String { summary }

    /// What went wrong for one of many alike calls, without naming the id: `Jet's answer could not be read:
    /// order_items has the wrong type`. Failures with the same cause are told together.
    public func cause(of id: String) -> String {
        let m = message.replacingOccurrences(of: id, with: "…")
        return switch kind {
        case .http(let status): "Jet answered with HTTP \(status): \(m)"
        case .unreachable: "Jet could not be reached: \(m)"
        case .timeout: "Jet did not answer in time: \(m)"
        case .malformed: "Jet's answer could not be read: \(m)"
        case .cancelled: "cancelled"
        }
    }

    /// Jet answered, with something that cannot be read: asking again brings the same.
    public var isUnreadableAnswer: Bool { kind == .malformed }

    /// The desk's view of this failure: refused, unreachable, uncertain, unreadable or unauthorized.
    public var marketplaceError: MarketplaceError {
        let kind: MarketplaceError.Kind
        switch self.kind {
        case .http(401): kind = .unauthorized
        case .http(400) where call.hasSuffix("/token"): kind = .unauthorized
        case .http(let s) where (400..<500).contains(s) && s != 429 && s != 408: kind = .refused(status: s)
        case .unreachable, .cancelled: kind = mayHaveApplied ? .uncertain : .unreachable
        case .malformed: kind = mayHaveApplied ? .uncertain : .badResponse
        default: kind = mayHaveApplied ? .uncertain : .unreachable
        }
        return MarketplaceError(kind, call: call, message: message)
    }
}
