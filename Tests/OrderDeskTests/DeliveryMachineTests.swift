import OrderDesk
import Testing

/// The outbox's delivery of one action, step by step: every path to delivered, refused, retried or left queued.
@Suite struct DeliveryMachineTests {
    typealias M = DeliveryMachine

    /// Runs the machine from `start` with `events` in turn; returns every step it took.
    static func walk(_ start: M.Step, _ events: [M.Event]) -> [M.Step] {
        var steps = [start]
        var step = start
        for e in events {
            guard !M.isFinal(step) else { break }
            step = M.next(after: step, e, marketplace: "Walmart")
            steps.append(step)
        }
        return steps
    }

    @Test func aFirstTryHereIsSentWithoutAskingFirst() {
        let start = M.start(otherAccount: nil, connectedTo: "Walmart", firstTryHere: true)
        #expect(start == .consultOrder)
        #expect(Self.walk(start, [.orderRead(forbids: nil), .sent]) == [.consultOrder, .send, .recordDelivered])
    }

    @Test func anActionTriedBeforeIsCheckedFirstAndNotSentTwice() {
        let start = M.start(otherAccount: nil, connectedTo: "Walmart", firstTryHere: false)
        #expect(start == .check(.beforeSending))
        // Already there (an earlier reply was lost): recorded delivered, never sent again.
        #expect(Self.walk(start, [.checked(applied: true)]) == [.check(.beforeSending), .recordDelivered])
        // Not there: the order is consulted, then it is sent.
        #expect(Self.walk(start, [.checked(applied: false), .orderRead(forbids: nil), .sent]).last == .recordDelivered)
        // The marketplace cannot be asked: it is not sent blind.
        #expect(
            Self.walk(start, [.checkFailed("timed out")]).last
                == .retryLater("could not check with Walmart whether it already arrived: timed out"))
    }

    @Test func whatTheMarketplaceSaidLastCanRuleAnActionOut() {
        #expect(Self.walk(.consultOrder, [.orderRead(forbids: "the order is cancelled")]).last == .recordRefused("not sent: the order is cancelled"))
        #expect(Self.walk(.consultOrder, [.orderUnreadable("damaged line")]).last == .retryLater("the order could not be read: damaged line"))
    }

    @Test func aRefusalOrAnUncertainAnswerIsCheckedBeforeItCounts() {
        let refused = M.Event.sendFailed(refused: true, uncertain: false, summary: "Walmart refused: 400", message: "no such line")
        let afterRefusal = M.Step.check(.afterFailure(refused: true, summary: "Walmart refused: 400", message: "no such line"))
        #expect(Self.walk(.send, [refused]) == [.send, afterRefusal])
        // The refusal hid a success (a lost reply, then "already acknowledged"): delivered.
        #expect(Self.walk(.send, [refused, .checked(applied: true)]).last == .recordDelivered)
        // A real refusal: refused with the marketplace's words.
        #expect(Self.walk(.send, [refused, .checked(applied: false)]).last == .recordRefused("no such line"))
        // Uncertain (a timeout, a 5xx): applied, or queued again.
        let uncertain = M.Event.sendFailed(refused: false, uncertain: true, summary: "no answer in 30s", message: "timeout")
        #expect(Self.walk(.send, [uncertain, .checked(applied: true)]).last == .recordDelivered)
        #expect(Self.walk(.send, [uncertain, .checked(applied: false)]).last == .retryLater("no answer in 30s"))
        #expect(
            Self.walk(.send, [uncertain, .checkFailed("unreachable")]).last == .retryLater("no answer in 30s; checking with Walmart failed too: unreachable"))
        // Never arrived (unreachable): retried, nothing to check.
        let unreachable = M.Event.sendFailed(refused: false, uncertain: false, summary: "Walmart could not be reached", message: "refused")
        #expect(Self.walk(.send, [unreachable]).last == .retryLater("Walmart could not be reached"))
    }

    @Test func anActionForAnotherAccountIsLeftQueuedUntried() {
        let start = M.start(otherAccount: "Walmart account abc", connectedTo: "Walmart account xyz", firstTryHere: true)
        guard case .leaveQueued(let why) = start else {
            Issue.record("\(start)")
            return
        }
        #expect(why.contains("abc") && why.contains("xyz") && M.isFinal(start))
    }

    @Test func anEventThatDoesNotFitTheStepIsRetriedNotLost() {
        guard case .retryLater = M.next(after: .send, .checked(applied: true), marketplace: "Jet") else {
            Issue.record("an unexpected event must not deliver or refuse")
            return
        }
    }

    @Test func retriesBackOffFrom5SecondsTo15Minutes() {
        #expect(M.retryDelay(attempts: 0, jitter: 1) == 5)
        #expect(M.retryDelay(attempts: 3, jitter: 1) == 40)
        #expect(M.retryDelay(attempts: 50, jitter: 1) == 900)
        #expect(M.retryDelay(attempts: 2, jitter: 5) == 24, "jitter is held to ±20%")
    }
}
