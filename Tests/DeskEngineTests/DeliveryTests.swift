import DeskEngine
import Foundation
import JetWire
import OrderDesk
import TestSupport
import Testing

/// A desk on an in-memory repository and a fake marketplace: exactly-once delivery, in-process.
struct DeskHarness {
    let repository: MemoryRepository
    let market: FakeMarketplace
    let desk: Desk

    init(
        orders: [Order] = (1...3).map { Sample.order($0) }, repository: MemoryRepository? = nil, market: FakeMarketplace? = nil,
        lockTimeout: Duration = .seconds(5)
    ) throws {
        let repo = repository ?? MemoryRepository()
        try repo.saveSettings(Sample.settings)
        let m = market ?? FakeMarketplace(orders: orders)
        self.repository = repo
        self.market = m
        self.desk = try Desk(
            repository: repo, operatorName: "ada", clock: .fixed(Sample.t0), sendLockTimeout: lockTimeout,
            marketplace: { m }, describe: { m.describe($0, for: $1) })
    }

    /// The same repository and marketplace, as a new process would see them after a crash.
    func restarted() throws -> DeskHarness {
        try DeskHarness(repository: repository, market: market)
    }

    func download() async throws {
        _ = try await desk.download()
    }

    func approve(_ n: Int) async throws -> OrderAction {
        let id = Sample.order(n).merchantOrderID
        return try await desk.commit([id]) { r, c throws(DeskError) in try Rules.approve(r, c) }[0]
    }

    func ship(_ n: Int) async throws -> OrderAction {
        let id = Sample.order(n).merchantOrderID
        return try await desk.commit([id]) { r, c throws(DeskError) in
            try Rules.ship(r, tracking: "1Z999AA10123456784", carrier: "UPS", method: nil, c)
        }[0]
    }
}

@Suite struct DeliveryTests {
    let one = Sample.order(1).merchantOrderID

    @Test func anActionIsRecordedSentOnceAndMarkedDelivered() async throws {
        let h = try DeskHarness()
        try await h.download()
        let a = try await h.approve(1)
        #expect(h.repository.pendingActions.map(\.action.id) == [a.id], "recorded before anything is sent")
        let outcomes = await h.desk.deliver([a.id])
        #expect(outcomes.map(\.result) == [.delivered])
        #expect(h.repository.pendingActions.isEmpty)
        #expect(await h.market.appliedCount(for: one) == 1)
        #expect(await h.market.checkCalls == 0, "a fresh action is sent without asking Jet first")
        let r = try #require(try h.repository.record(one))
        #expect(r.actions.first?.state == .delivered(at: Sample.t0))
        #expect(r.history.contains { $0.event.hasPrefix("Jet confirmed: approved") })
    }

    @Test func aLostReplyIsCheckedAtJetAndNeverSentTwice() async throws {
        let h = try DeskHarness()
        try await h.download()
        await h.market.failSends(.lostReply)
        let a = try await h.approve(1)
        let outcomes = await h.desk.deliver([a.id])
        #expect(outcomes.map(\.result) == [.delivered], "Jet's own state shows it arrived")
        #expect(await h.market.appliedCount(for: one) == 1)
        #expect(await h.market.sendCalls == 1)
    }

    @Test func killedBetweenSendAndRecordTheNextProcessFindsItAtJet() async throws {
        let h = try DeskHarness()
        try await h.download()
        // The first process sends, Jet applies it, and the process dies before hearing back.
        await h.market.failSends(.lostReply, .unreachable)
        let a = try await h.approve(1)
        await h.market.failChecks(.unreachable)
        let first = await h.desk.deliver([a.id])
        #expect(first.first.map { if case .queued = $0.result { true } else { false } } == true)
        #expect(h.repository.pendingActions.count == 1, "still queued: nobody knows yet whether it arrived")
        let next = try h.restarted()
        let outcomes = await next.desk.deliver()
        #expect(outcomes.map(\.result) == [.delivered])
        #expect(await h.market.appliedCount(for: one) == 1, "checked, not sent again")
        #expect(await h.market.sendCalls == 1)
        #expect(h.repository.pendingActions.isEmpty)
    }

    @Test func unreachableStaysQueuedWithItsErrorAndGoesLater() async throws {
        let h = try DeskHarness()
        try await h.download()
        await h.market.failSends(.unreachable)
        let a = try await h.approve(1)
        let first = await h.desk.deliver([a.id])
        guard case .queued(let reason) = try #require(first.first).result else { Issue.record("not queued"); return }
        #expect(reason.contains("could not be reached"))
        let entry = try #require(h.repository.pendingActions.first)
        #expect(entry.attempts == 1 && entry.lastError == reason && (entry.nextAttempt ?? .distantPast) > Sample.t0)
        #expect(await h.desk.retryDue().isEmpty, "its backoff has not run out on the pinned clock")
        #expect(await h.desk.deliver().map(\.result) == [.delivered])
        #expect(await h.market.appliedCount(for: one) == 1)
    }

    @Test func aRefusalLeavesTheOutboxAndSaysWhyOnTheOrder() async throws {
        let h = try DeskHarness()
        try await h.download()
        await h.market.failSends(.refused("merchant_sku 'X' is not on order"))
        let a = try await h.approve(1)
        let outcomes = await h.desk.deliver([a.id])
        #expect(outcomes.map(\.result) == [.refused(reason: "merchant_sku 'X' is not on order")])
        #expect(h.repository.pendingActions.isEmpty)
        #expect(h.repository.refusals.map(\.action.id) == [a.id])
        let r = try #require(try h.repository.record(one))
        #expect(r.stage == .new, "a refused approval does not count")
        #expect(r.history.last?.event == "Jet refused approve: merchant_sku 'X' is not on order")
    }

    @Test func aRefusalOfWhatJetAlreadyShowsCountsAsDelivered() async throws {
        let h = try DeskHarness()
        try await h.download()
        // Another tool approved the order at Jet after our last download: our approval is refused as "not
        // ready", and Jet's state shows exactly what we asked for.
        var elsewhere = Sample.order(1, status: .acknowledged)
        elsewhere.acknowledgementStatus = .accepted
        await h.market.add(elsewhere)
        let a = try await h.approve(1)
        let outcomes = await h.desk.deliver([a.id])
        #expect(outcomes.map(\.result) == [.delivered])
        #expect(await h.market.appliedCount(for: one) == 0, "nothing was applied twice")
        #expect(h.repository.refusals.isEmpty)
    }

    @Test func actionsOnOneOrderGoInOrderAndWaitForEachOther() async throws {
        let h = try DeskHarness()
        try await h.download()
        await h.market.failSends(.unreachable)
        let approve = try await h.approve(1)
        let ship = try await h.ship(1)
        let first = await h.desk.deliver([ship.id])
        #expect(first.count == 2)
        #expect(first.map(\.action.id) == [approve.id, ship.id], "asking for the shipment sends the approval first")
        guard case .queued(let why) = first[1].result else { Issue.record("the shipment went first"); return }
        #expect(why == "waiting for an earlier action on the same order")
        let second = await h.desk.deliver()
        #expect(second.map(\.result) == [.delivered, .delivered])
        let kinds = await h.market.applied.map { r -> String in if case .ship = r.request { "ship" } else { "ack" } }
        #expect(kinds == ["ack", "ship"])
    }

    @Test func aWriteThatFailsAfterJetConfirmedIsShownAndMendedByTheNextAttempt() async throws {
        let h = try DeskHarness()
        try await h.download()
        let a = try await h.approve(1)
        h.repository.failNextWrites(1)
        let outcomes = await h.desk.deliver([a.id])
        #expect(outcomes.map(\.result) == [.delivered])
        let warnings = await h.desk.takeWarnings()
        #expect(warnings.count == 1 && warnings[0].contains("reached Jet, but recording that failed"), "\(warnings)")
        #expect(h.repository.pendingActions.count == 1, "the outbox could not say delivered")
        #expect(await h.desk.deliver().map(\.result) == [.delivered])
        #expect(h.repository.pendingActions.isEmpty)
        #expect(await h.market.appliedCount(for: one) == 1, "found at Jet, not sent again")
    }

    @Test func anotherSessionSendingTheOutboxIsNamedWhenTheWaitRunsOut() async throws {
        let repo = MemoryRepository()
        let market = FakeMarketplace(orders: [Sample.order(1), Sample.order(2)])
        let ada = try DeskHarness(repository: repo, market: market, lockTimeout: .milliseconds(200))
        try await ada.download()
        let a = try await ada.approve(1)
        await market.closeGate()
        let sending = Task { await ada.desk.deliver([a.id]) }
        while await market.sendCalls == 0 { await Task.yield() }
        let bob = try DeskHarness(repository: repo, market: market, lockTimeout: .milliseconds(200))
        let b = try await bob.approve(2)
        let waited = await bob.desk.deliver([b.id])
        guard case .queued(let why) = try #require(waited.first).result else { Issue.record("not queued"); return }
        #expect(why.contains("being sent by ada's jom"), "\(why)")
        await market.openGate()
        #expect(await sending.value.map(\.result) == [.delivered])
        #expect(await bob.desk.deliver().map(\.result) == [.delivered])
    }
}

@Suite struct DownloadMergeTests {
    @Test func downloadingTheSameThingTwiceChangesNothing() async throws {
        let h = try DeskHarness()
        let first = try await h.desk.download()
        #expect(first.newOrders == 3)
        let again = try await h.desk.download()
        #expect(again.sentence == "nothing new")
        #expect(again.changedOrders == 0)
    }

    @Test func notesAndUnsentActionsSurviveWhatJetSays() async throws {
        let h = try DeskHarness()
        try await h.download()
        let id = Sample.order(1).merchantOrderID
        _ = try await h.desk.note(id, "customer called")
        await h.market.failSends(.unreachable)
        let a = try await h.approve(1)
        _ = await h.desk.deliver([a.id])
        // Jet still says ready (the approval has not reached it): the local approval holds.
        try await h.download()
        let r = try #require(try h.repository.record(id))
        #expect(r.notes.map(\.text) == ["customer called"])
        #expect(r.stage == .approved)
        #expect(r.actions.map(\.id) == [a.id])
    }

    @Test func aFailedDownloadIsRecordedAndThrown() async throws {
        let h = try DeskHarness()
        await h.market.failDownloads(.unreachable)
        await #expect(throws: MarketplaceError.self) { try await h.desk.download() }
        let status = try h.repository.loadDownloadStatus()
        #expect(status.lastAttempt == Sample.t0 && status.lastSuccess == nil)
        #expect(status.lastError?.contains("could not be reached") == true)
    }
}

@Suite struct DryRunTests {
    @Test func aDryRunOverlayKeepsEveryChangeInMemory() async throws {
        let base = MemoryRepository(records: [Sample.record(1)])
        try base.saveSettings(Sample.settings)
        let overlay = OverlayRepository(over: base)
        let market = FakeMarketplace(orders: [Sample.order(1)])
        let desk = try Desk(
            repository: overlay, operatorName: "ada", clock: .fixed(Sample.t0), dryRun: true,
            marketplace: { market }, describe: { market.describe($0, for: $1) })
        let id = Sample.order(1).merchantOrderID
        let a = try await desk.commit([id]) { r, c throws(DeskError) in try Rules.approve(r, c) }
        let outcomes = await desk.deliver(Set(a.map(\.id)))
        #expect(outcomes.map(\.result) == [.wouldSend(call: "PUT /orders/\(id)/acknowledge")])
        #expect(await desk.list(.toShip).map(\.merchantOrderID) == [id], "the dry run sees its own approval")
        #expect(try base.record(id)?.actions.isEmpty == true, "the real store is untouched")
        #expect(base.pendingActions.isEmpty)
        #expect(await market.sendCalls == 0)
        _ = try await desk.note(id, "only in memory")
        #expect(await desk.find("only in memory").count == 1)
        #expect(base.find("only in memory").isEmpty)
    }
}
