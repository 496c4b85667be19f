import Foundation
import Synchronization

/// Rates of injected faults, and the limits a sandbox enforces.
public struct Faults: Sendable, Codable {
    public var failRate: Double
    public var throttleRate: Double
    public var malformedRate: Double
    public var lostReplyRate: Double
    public var latencyMillis: Double
    public var retryAfter: Int
    public var maxConcurrent: Int = 0

    public init(
        failRate: Double = 0, throttleRate: Double = 0, malformedRate: Double = 0, lostReplyRate: Double = 0, latencyMillis: Double = 0,
        retryAfter: Int = 1, maxConcurrent: Int = 0
    ) {
        self.failRate = failRate
        self.throttleRate = throttleRate
        self.malformedRate = malformedRate
        self.lostReplyRate = lostReplyRate
        self.latencyMillis = latencyMillis
        self.retryAfter = retryAfter
        self.maxConcurrent = maxConcurrent
    }

    enum CodingKeys: String, CodingKey {
        case failRate = "fail_rate", throttleRate = "throttle_rate", malformedRate = "malformed_rate"
        case lostReplyRate = "lost_reply_rate", latencyMillis = "latency_ms", retryAfter = "retry_after", maxConcurrent = "max_concurrent"
    }

    /// Sets the rates and limits a `POST /sandbox/faults` body names (`fail_rate`, `latency_ms`, …); nil when a
    /// rate is outside 0–1 (the message says which).
    public func updated(with object: [String: Any]) -> Result<Faults, FaultsError> {
        var f = self
        if let v = object["fail_rate"] as? Double { f.failRate = v }
        if let v = object["throttle_rate"] as? Double { f.throttleRate = v }
        if let v = object["malformed_rate"] as? Double { f.malformedRate = v }
        if let v = object["lost_reply_rate"] as? Double { f.lostReplyRate = v }
        if let v = object["latency_ms"] as? Double { f.latencyMillis = v }
        if let v = object["retry_after"] as? Int { f.retryAfter = v }
        if let v = object["max_concurrent"] as? Int { f.maxConcurrent = max(0, v) }
        for (name, rate) in [
            ("fail_rate", f.failRate), ("throttle_rate", f.throttleRate), ("malformed_rate", f.malformedRate), ("lost_reply_rate", f.lostReplyRate),
        ]
        where !(0...1).contains(rate) {
            return .failure(FaultsError(message: "\(name) must be between 0 and 1"))
        }
        return .success(f)
    }
}

public struct FaultsError: Error {
    public var message: String
}

/// What goes wrong with one call.
public enum Fault: Sendable {
    /// 500 before anything is applied.
    case fail
    /// 429 before anything is applied.
    case throttle
    /// Applied, answered with a broken body.
    case malformed(Malforming)
    /// Applied, then the connection drops without an answer.
    case lostReply
}

/// How a body is broken: cut short, or one value of the wrong type.
public enum Malforming: Sendable {
    case truncated(keeping: Double)
    case wrongType

    /// `keys`: JSON keys (with their quotes and colon) whose value may be replaced by a number.
    public func apply(to body: Data, keys: [String]) -> Data {
        guard body.count > 2 else { return Data("{".utf8) }
        switch self {
        case .truncated(let fraction):
            return body.prefix(max(1, min(body.count - 1, Int(Double(body.count) * fraction))))
        case .wrongType:
            var text = String(decoding: body, as: UTF8.self)
            for key in keys {
                if let r = text.range(of: key) {
                    text.replaceSubrange(r, with: key + "42,\"was\":")
                    return Data(text.utf8)
                }
            }
            return body.prefix(body.count / 2)
        }
    }
}

/// The faults a sandbox injects, drawn from seeded rates, and the calls in flight (a limit of calls at once
/// answers the rest 429). Safe from any task.
public final class FaultInjector: Sendable {
    struct State {
        var faults: Faults
        var rng: SeededRandom
        var inFlight = 0
        var maxInFlight = 0
        var refusedAsTooMany = 0
        var injected = 0
    }

    let state: Mutex<State>

    public init(_ faults: Faults, seed: UInt64) {
        state = Mutex(State(faults: faults, rng: SeededRandom(seed: seed ^ 0xFA17)))
    }

    public var faults: Faults {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// API requests being answered right now, the most there ever were at once, calls refused as one too many,
    /// and faults injected so far.
    public var inFlight: Int { state.withLock { $0.inFlight } }
    public var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    public var refusedAsTooMany: Int { state.withLock { $0.refusedAsTooMany } }
    public var injected: Int { state.withLock { $0.injected } }

    /// Counts a call in; false when it is one too many (it is then answered 429 and counted out again).
    public func requestStarted() -> Bool {
        state.withLock { s in
            s.inFlight += 1
            if s.faults.maxConcurrent > 0, s.inFlight > s.faults.maxConcurrent {
                s.refusedAsTooMany += 1
                return false
            }
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            return true
        }
    }

    public func requestEnded() { state.withLock { $0.inFlight -= 1 } }

    /// The fault for one call, drawn from the configured rates. `canLoseReply` is false for the login.
    public func draw(isRead: Bool, canLoseReply: Bool) -> Fault? {
        state.withLock { s in
            var fault: Fault?
            if s.rng.chance(s.faults.throttleRate) {
                fault = .throttle
            } else if s.rng.chance(s.faults.failRate) {
                fault = .fail
            } else if canLoseReply, s.rng.chance(s.faults.lostReplyRate) {
                fault = .lostReply
            } else if isRead, s.rng.chance(s.faults.malformedRate) {
                fault = s.rng.chance(0.5) ? .malformed(.truncated(keeping: Double.random(in: 0.05..<0.95, using: &s.rng))) : .malformed(.wrongType)
            }
            if fault != nil { s.injected += 1 }
            return fault
        }
    }
}
