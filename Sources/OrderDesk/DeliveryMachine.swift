import Foundation

/// The delivery of one queued action to its marketplace, as a state machine without I/O: the engine tells it
/// what happened (an event), it says what to do next (a step), until the action is recorded delivered,
/// refused, or left queued for a retry.
///
/// Exactly once: an action that may already have reached the marketplace (tried before, here or by another
/// process) is first checked there, and only sent when the marketplace does not show it; a refusal or an
/// uncertain answer is checked again, since a lost reply of an earlier attempt looks the same.
public enum DeliveryMachine {
    /// What the engine does next.
    public enum Step: Sendable, Equatable {
        /// Ask the marketplace whether the action is already applied.
        case check(Check)
        /// Read what the store knows of the order: the marketplace's last word may rule the action out.
        case consultOrder
        /// Send it.
        case send
        /// Done: record it delivered.
        case recordDelivered
        /// Done: record it refused, with why (it leaves the outbox).
        case recordRefused(String)
        /// Not now: note the attempt and its reason; the outbox tries again after a backoff.
        case retryLater(String)
        /// Not for this connection (another account): left queued as it is, no attempt noted.
        case leaveQueued(String)
    }

    /// Why the marketplace is asked: before a first send here, or after a send that failed in a way that may
    /// hide success.
    public enum Check: Sendable, Equatable {
        case beforeSending
        case afterFailure(refused: Bool, summary: String, message: String)
    }

    /// What happened at the last step.
    public enum Event: Sendable, Equatable {
        case checked(applied: Bool)
        case checkFailed(String)
        case orderRead(forbids: String?)
        case orderUnreadable(String)
        case sent
        /// The send failed: `refused` (4xx), `uncertain` (it may have been applied: a timeout, a 5xx, a lost
        /// reply), or neither (it never arrived).
        case sendFailed(refused: Bool, uncertain: Bool, summary: String, message: String)
    }

    /// The first step for an action: `otherAccount` names the account it was recorded for when that is not
    /// this connection's; `firstTryHere` when this process recorded it and never tried it (nothing can have
    /// arrived yet).
    public static func start(otherAccount: String?, connectedTo: String, firstTryHere: Bool) -> Step {
        if let otherAccount {
            return .leaveQueued("recorded for \(otherAccount), and this session is connected to \(connectedTo); it is never sent elsewhere")
        }
        return firstTryHere ? .consultOrder : .check(.beforeSending)
    }

    /// The step after `event` happened at `step`. `marketplace` names it in reasons.
    public static func next(after step: Step, _ event: Event, marketplace: String) -> Step {
        switch (step, event) {
        case (.check, .checked(applied: true)):
            return .recordDelivered
        case (.check(.beforeSending), .checked(applied: false)):
            return .consultOrder
        case (.check(.beforeSending), .checkFailed(let why)):
            return .retryLater("could not check with \(marketplace) whether it already arrived: \(why)")
        case (.check(.afterFailure(let refused, let summary, let message)), .checked(applied: false)):
            return refused ? .recordRefused(message) : .retryLater(summary)
        case (.check(.afterFailure(_, let summary, _)), .checkFailed(let why)):
            return .retryLater("\(summary); checking with \(marketplace) failed too: \(why)")
        case (.consultOrder, .orderRead(forbids: nil)):
            return .send
        case (.consultOrder, .orderRead(forbids: let why?)):
            return .recordRefused("not sent: \(why)")
        case (.consultOrder, .orderUnreadable(let why)):
            return .retryLater("the order could not be read: \(why)")
        case (.send, .sent):
            return .recordDelivered
        case (.send, .sendFailed(let refused, let uncertain, let summary, let message)):
            // A refusal can mean an earlier attempt already did it (its answer was lost); an uncertain answer
            // may have been applied: the marketplace's own state tells.
            return refused || uncertain ? .check(.afterFailure(refused: refused, summary: summary, message: message)) : .retryLater(summary)
        default:
            return .retryLater("jom lost its place delivering this action (\(event) at \(step)); it is tried again")
        }
    }

    /// Whether a step ends the delivery.
    public static func isFinal(_ step: Step) -> Bool {
        switch step {
        case .recordDelivered, .recordRefused, .retryLater, .leaveQueued: true
        case .check, .consultOrder, .send: false
        }
    }

    /// Seconds before the next attempt after `attempts` failed ones: 5 s doubling to at most 15 minutes, with
    /// ±20% `jitter` (a number in 0.8...1.2) so that many queued actions do not come back at once.
    public static func retryDelay(attempts: Int, jitter: Double) -> TimeInterval {
        min(900, 5 * pow(2, Double(min(max(0, attempts), 20)))) * min(1.2, max(0.8, jitter))
    }
}
