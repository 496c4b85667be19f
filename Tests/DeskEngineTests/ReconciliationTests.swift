import DeskEngine
import Foundation
import JetWire
import OrderDesk
import TestSupport
import Testing

/// Orders that leave Jet's lists are read again until Jet says they are final.
@Suite struct ReconciliationTests {
    @Test func aNewOrderJetCancelsItselfBecomesCancelledWithATimelineLine() async throws {
        let h = try DeskHarness()
        try await h.download()
        var cancelled = Sample.order(2, status: .complete)
        cancelled.exceptionState = .jetManualCanceledToCompleteState
        await h.market.add(cancelled)
        let report = try await h.desk.download()
        #expect(report.cancelledByJet == 1, "\(report.sentence)")
        #expect(report.sentence.contains("1 order cancelled by Jet"))
        let r = try #require(try h.repository.record(cancelled.merchantOrderID))
        #expect(r.stage == .cancelled)
        #expect(OrderStage.cancellation(r) == .marketplace, "Jet's cancel does not count against the merchant")
        #expect(r.history.last?.event == "Jet cancelled the order itself (exception - jet manual canceled to complete state)")
    }

    @Test func aReturnJetClosesIsNoLongerActionable() async throws {
        let h = try DeskHarness(orders: [Sample.returned(6)])
        try await h.download()
        #expect(try h.repository.record(Sample.returned(6).merchantOrderID)?.stage == .returnRequested)
        var closed = Sample.returned(6)
        closed.returns[0].status = .completedByMerchant
        await h.market.add(closed)
        let report = try await h.desk.download()
        #expect(report.returnsClosedByJet == 1, "\(report.sentence)")
        let r = try #require(try h.repository.record(closed.merchantOrderID))
        #expect(!r.stage.isActionable)
        #expect(r.history.last?.event.hasPrefix("return R-6 was closed at Jet without your answer") == true)
        #expect(await h.desk.list(.returns).isEmpty)
    }

    @Test func aQueuedActionJetNoLongerTakesIsRefusedWithoutBeingSent() async throws {
        let h = try DeskHarness()
        try await h.download()
        await h.market.failSends(.unreachable)
        let a = try await h.approve(1)
        _ = await h.desk.deliver([a.id])
        var cancelled = Sample.order(1, status: .complete)
        cancelled.exceptionState = .jetManualCanceledToCompleteState
        await h.market.add(cancelled)
        await h.market.failChecks(.unreachable)  // the download's own delivery cannot check yet
        _ = try await h.desk.download()
        let sends = await h.market.sendCalls
        let outcomes = await h.desk.deliver()
        guard case .refused(let why) = try #require(outcomes.first).result else { Issue.record("\(outcomes)"); return }
        #expect(why.hasPrefix("not sent: Jet shows order \(cancelled.referenceOrderID) as complete (exception - jet manual canceled"), "\(why)")
        #expect(await h.market.sendCalls == sends, "nothing was sent")
        #expect(h.repository.pendingActions.isEmpty)
    }

    @Test func eachDownloadReadsABoundedShareOfOpenOrdersLongestUnreadFirst() async throws {
        let orders = (1...120).map { Sample.order($0, status: .acknowledged) }
        let h = try DeskHarness(orders: orders)
        // Bring them in as orders to ship, as an import would (Jet does not list acknowledged orders).
        try h.repository.save(orders.map { OrderRecord(order: $0) }, new: orders.map(\.merchantOrderID))
        let first = try await h.desk.download()
        #expect(first.reconciled == 120, "never read: all are overdue, so all are read")
        let status = try h.repository.loadDownloadStatus()
        #expect(status.checked?.count == 120)
        let second = try await h.desk.download()
        #expect(second.reconciled == 50, "read today: only the bounded share, \(second.reconciled)")
    }
}

/// A store belongs to one marketplace.
@Suite struct StoreIdentityTests {
    @Test func theFirstDownloadAttachesTheStoreAndActionsRecordTheirAccount() async throws {
        let h = try DeskHarness()
        #expect(try h.repository.loadBinding() == nil)
        try await h.download()
        let bound = try #require(try h.repository.loadBinding())
        #expect(bound == h.market.binding)
        let a = try await h.approve(1)
        #expect(a.account == bound)
    }

    @Test func aStoreOfAnotherAccountIsNeverConnected() async throws {
        let repo = MemoryRepository()
        try repo.saveBinding(.jet(api: "https://merchant-api.jet.com/api", user: "someone-else", merchantID: "m-9"))
        let h = try DeskHarness(repository: repo)
        await #expect {
            try await h.desk.download()
        } throws: { e in
            guard let e = e as? MarketplaceError, case .notConnected = e.kind else { return false }
            return e.summary.contains("belongs to Jet account someone-else (merchant m-9)")
        }
        #expect(await h.market.sendCalls == 0)
        #expect(try repo.loadBinding() == .jet(api: "https://merchant-api.jet.com/api", user: "someone-else", merchantID: "m-9"))
    }

    @Test func anActionRecordedForAnotherAccountIsNeverSentHere() async throws {
        let h = try DeskHarness()
        try await h.download()
        var a = try await h.approve(1)
        // As if recorded while the store belonged to someone else (an older store, a hand-edited file).
        a.account = .jet(api: "https://merchant-api.jet.com/api", user: "someone-else", merchantID: nil)
        let queued = OrderAction(
            id: "a-0000000000ff", merchantOrderID: a.merchantOrderID, kind: .approve, request: a.request,
            createdAt: a.createdAt, by: "ada", account: a.account)
        let other = try DeskHarness(market: h.market)
        try other.repository.save([OrderRecord(order: Sample.order(1))], new: [a.merchantOrderID])
        try other.repository.queue([queued])
        let outcomes = await other.desk.deliver()
        guard case .queued(let why) = try #require(outcomes.first).result else { Issue.record("\(outcomes)"); return }
        #expect(why.contains("recorded for Jet account someone-else"))
        #expect(await h.market.sendCalls == 0, "an action recorded for another account is never sent")
    }
}
