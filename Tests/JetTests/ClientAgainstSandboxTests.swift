import Foundation
import JetAPI
import JetSandbox
import JetWire
import MarketplaceHTTP
import OrderDesk
import Synchronization
import TestSupport
import Testing

/// Our client against the sandbox on port 0: every route, and the failures.
@Suite struct ClientAgainstSandboxTests {
    /// A sandbox and a client, stopped when `body` ends.
    func withSandbox(
        _ adjust: (inout SandboxConfiguration) -> Void = { _ in }, attempts: Int = 5, timeout: Double = 30,
        _ body: (SandboxFixture, JetClient) async throws -> Void
    ) async throws {
        let sandbox = try await SandboxFixture.start(adjust)
        let client = sandbox.client(attempts: attempts, timeout: timeout)
        do {
            try await body(sandbox, client)
        } catch {
            await client.shutdown()
            await sandbox.stop()
            throw error
        }
        await client.shutdown()
        await sandbox.stop()
    }

    func readyOrder(_ client: JetClient) async throws -> JetOrder {
        let id = try #require(try await client.orderIDs(status: .ready).first)
        return try await client.order(id)
    }

    func accept(_ client: JetClient, _ o: JetOrder) async throws {
        try await client.acknowledge(
            order: o.merchantOrderID,
            JetAcknowledgeRequest(
                acknowledgementStatus: .accepted,
                orderItems: o.orderItems.map { .init(orderItemAcknowledgementStatus: .fulfillable, orderItemID: $0.orderItemID) }))
    }

    func shipment(_ o: JetOrder, id: String, cancel: Bool = false, units: Int? = nil, date: String = "2026-11-28T10:00:00.0000000-05:00") -> JetShipRequest {
        JetShipRequest(shipments: [
            JetShipment(
                altShipmentID: id, shipmentTrackingNumber: cancel ? nil : "1Z999AA10123456784",
                responseShipmentDate: cancel ? nil : JetDate(raw: date), responseShipmentMethod: cancel ? nil : "UPS Ground",
                expectedDeliveryDate: nil, shipFromZipCode: cancel ? nil : "07030", carrierPickUpDate: nil, carrier: cancel ? nil : "UPS",
                shipmentItems: o.orderItems.map {
                    JetShipmentItem(
                        merchantSKU: $0.merchantSKU ?? "", responseShipmentSKUQuantity: cancel ? 0 : (units ?? $0.requestOrderQuantity),
                        responseShipmentCancelQty: cancel ? (units ?? $0.requestOrderQuantity) : 0)
                })
        ])
    }

    // MARK: token

    @Test func tokenAuthCheckAndExpiry() async throws {
        try await withSandbox { sandbox, client in
            let t = try await client.login()
            let expiry = try #require(t.expiresOn?.date)
            #expect(expiry.timeIntervalSinceNow > 3000)
            #expect(t.expiresOn?.raw.hasSuffix("Z") == true && t.expiresOn?.raw.contains(".") == false)
            #expect(try await client.authCheck())
        }
    }

    @Test func badCredentialsAreRefusedWithJetsMessage() async throws {
        let sandbox = try await SandboxFixture.start()
        let client = sandbox.client(secret: "wrong")
        try await tearingDown({
            await client.shutdown(); await sandbox.stop()
        }) {
            await #expect {
                _ = try await client.orderIDs(status: .ready)
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.status == 400 && e.message == "Invalid user or password" && e.marketplaceError.kind == .unauthorized
                    && (e.remedy ?? "").contains("JET_SECRET")
            }
            #expect(await sandbox.server.marketplace.tokensIssued == 0)
        }
    }

    @Test func anExpiredTokenLogsInAgainOnce() async throws {
        try await withSandbox { sandbox, client in
            _ = try await client.orderIDs(status: .ready)
            #expect(await sandbox.server.marketplace.tokensIssued == 1)
            await sandbox.server.marketplace.expireTokens()
            _ = try await client.orderIDs(status: .ready)
            #expect(await sandbox.server.marketplace.tokensIssued == 2)
        }
    }

    @Test func aTokenAboutToExpireIsRenewedBeforeUse() async throws {
        try await withSandbox({ $0.tokenLifetime = 30 }) { sandbox, client in
            _ = try await client.orderIDs(status: .ready)
            _ = try await client.orderIDs(status: .ready)
            // Lifetime under a minute: renewed before each call rather than failing with 401.
            #expect(await sandbox.server.marketplace.tokensIssued == 2)
        }
    }

    // MARK: orders

    @Test func ordersByEveryStatusAndItsFilters() async throws {
        try await withSandbox { sandbox, client in
            for status in JetOrderStatus.known {
                let ids = try await client.orderIDs(status: status)
                #expect(status == .ready ? ids.count == 5 : status == .complete ? ids.count == 1 : ids.isEmpty, "\(status)")
            }
            #expect(try await client.orderIDs(status: .ready, query: .init(isCancelled: true)).isEmpty)
            #expect(try await client.orderIDs(status: .ready, query: .init(isCancelled: false)).count == 5)
            #expect(try await client.orderIDs(status: .ready, query: .init(fulfillmentNode: "elsewhere")).isEmpty)
            let o = try await readyOrder(client)
            let node = try #require(o.fulfillmentNode)
            #expect(try await client.orderIDs(status: .ready, query: .init(fulfillmentNode: node)).count == 5)
            await #expect {
                _ = try await client.orderIDs(status: .unknown("shipped"))
            } throws: { ($0 as? JetAPIError)?.status == 404 }
        }
    }

    @Test func anUnknownOrderIs404() async throws {
        try await withSandbox { _, client in
            await #expect {
                _ = try await client.order("0123456789abcdef0123456789abcdef")
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.status == 404 && e.message.contains("was not found") && e.marketplaceError.kind == .refused(status: 404)
            }
        }
    }

    @Test func tagsAndTaggedLists() async throws {
        try await withSandbox { _, client in
            let o = try await readyOrder(client)
            try await client.tag(order: o.merchantOrderID, "batch-42")
            #expect(try await client.orderIDs(status: .ready, tag: "batch-42", tagged: true) == [o.merchantOrderID])
            #expect(try await client.orderIDs(status: .ready, tag: "batch-42", tagged: false).count == 4)
            try await client.tag(order: o.merchantOrderID, nil)
            #expect(try await client.orderIDs(status: .ready, tag: "batch-42", tagged: true).isEmpty)
        }
    }

    @Test func acceptMovesReadyToAcknowledgedAndTwiceIsAWrongState() async throws {
        try await withSandbox { _, client in
            let o = try await readyOrder(client)
            try await accept(client, o)
            let after = try await client.order(o.merchantOrderID)
            #expect(after.status == .acknowledged)
            #expect(after.acknowledgementStatus == .accepted)
            #expect(after.orderAcknowledgeDate?.date != nil)
            #expect(after.orderItems.allSatisfy { $0.orderItemAcknowledgementStatus == .fulfillable })
            await #expect {
                try await accept(client, o)
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.status == 400 && e.message.contains("not in a valid state") && e.marketplaceError.kind == .refused(status: 400)
            }
        }
    }

    @Test(arguments: JetAcknowledgementStatus.known.filter { $0 != .accepted })
    func eachRejectionEndsTheOrder(status: JetAcknowledgementStatus) async throws {
        try await withSandbox { _, client in
            let o = try await readyOrder(client)
            let itemStatus: JetItemAcknowledgementStatus = status == .rejectedItemLevelError ? .nonfulfillableNoInventory : .fulfillable
            try await client.acknowledge(
                order: o.merchantOrderID,
                JetAcknowledgeRequest(
                    acknowledgementStatus: status,
                    orderItems: o.orderItems.map { .init(orderItemAcknowledgementStatus: itemStatus, orderItemID: $0.orderItemID) }))
            let after = try await client.order(o.merchantOrderID)
            #expect(after.status == .complete)
            #expect(after.exceptionState == .orderRejected)
            #expect(after.acknowledgementStatus == status)
            #expect(after.orderItems.first?.orderItemAcknowledgementStatus == itemStatus)
        }
    }

    @Test func shippingEverythingCompletesAndPartOfItIsInProgress() async throws {
        try await withSandbox({
            $0.seed = 11; $0.orders = 12
        }) { _, client in
            let ids = try await client.orderIDs(status: .ready)
            var multiUnit: JetOrder?
            for id in ids {
                let o = try await client.order(id)
                if o.orderItems.contains(where: { ($0.requestOrderQuantity ?? 0) > 1 }) { multiUnit = o; break }
            }
            let o = try #require(multiUnit)
            try await accept(client, o)
            try await client.ship(order: o.merchantOrderID, shipment(o, id: "S-1", units: 1))
            #expect(try await client.order(o.merchantOrderID).status == .inprogress)
            var rest = shipment(o, id: "S-2")
            for i in rest.shipments[0].shipmentItems.indices {
                rest.shipments[0].shipmentItems[i].responseShipmentSKUQuantity = (o.orderItems[i].requestOrderQuantity ?? 1) - 1
            }
            try await client.ship(order: o.merchantOrderID, rest)
            let after = try await client.order(o.merchantOrderID)
            #expect(after.status == .complete)
            #expect(after.shipments?.map(\.altShipmentID) == ["S-1", "S-2"])
            #expect(after.shipments?.first?.shipmentID != nil)
        }
    }

    @Test func aCancelOnlyShipmentNeedsAnAltShipmentIDAndCancelsUnits() async throws {
        try await withSandbox { _, client in
            let o = try await readyOrder(client)
            try await accept(client, o)
            var noID = shipment(o, id: "", cancel: true)
            noID.shipments[0].altShipmentID = nil
            await #expect {
                try await client.ship(order: o.merchantOrderID, noID)
            } throws: { ($0 as? JetAPIError)?.message.contains("alt_shipment_id is required") ?? false }
            try await client.ship(order: o.merchantOrderID, shipment(o, id: "CXL-1", cancel: true))
            let after = try await client.order(o.merchantOrderID)
            #expect(after.status == .complete)
            #expect(JetMapping.order(after).shipments.first?.items.allSatisfy { $0.cancelled > 0 && $0.shipped == 0 } == true)
            #expect(try await client.orderIDs(status: .complete, query: .init(isCancelled: true)).contains(o.merchantOrderID))
        }
    }

    @Test func shipmentsAreValidatedLikeJet() async throws {
        try await withSandbox { _, client in
            let ready = try await readyOrder(client)
            await #expect {
                try await client.ship(order: ready.merchantOrderID, shipment(ready, id: "S"))
            } throws: { ($0 as? JetAPIError)?.message.contains("only for acknowledged or inprogress") ?? false }
            try await accept(client, ready)
            await #expect {
                try await client.ship(order: ready.merchantOrderID, shipment(ready, id: "S", date: "2026-11-28 10:00"))
            } throws: { ($0 as? JetAPIError)?.message.contains("yyyy-MM-ddTHH:mm:ss.fffffff") ?? false }
            await #expect {
                try await client.ship(order: ready.merchantOrderID, shipment(ready, id: "S", date: "2026-11-28T10:00:00.00000000Z"))
            } throws: { ($0 as? JetAPIError)?.status == 400 }
            var badCarrier = shipment(ready, id: "S")
            badCarrier.shipments[0].carrier = "Pigeon"
            await #expect {
                try await client.ship(order: ready.merchantOrderID, badCarrier)
            } throws: { ($0 as? JetAPIError)?.message.contains("not a valid carrier") ?? false }
            var otherVocabulary = shipment(ready, id: "S")
            otherVocabulary.shipments[0].responseShipmentMethod = "ups_ground"
            try await client.ship(order: ready.merchantOrderID, otherVocabulary)
        }
    }

    @Test func directedCancelsAreListedUntilAnswered() async throws {
        try await withSandbox { sandbox, client in
            let o = try await readyOrder(client)
            try await accept(client, o)
            #expect(try await client.directedCancelOrderIDs().isEmpty)
            #expect(await sandbox.server.marketplace.requestDirectedCancel(orderID: o.merchantOrderID, units: nil))
            #expect(try await client.directedCancelOrderIDs() == [o.merchantOrderID])
            let flagged = try await client.order(o.merchantOrderID)
            #expect(flagged.jetRequestDirectedCancel == true)
            var answer = shipment(o, id: "DC-1", cancel: true)
            answer.shipments[0].shipmentItems = [
                JetShipmentItem(
                    merchantSKU: o.orderItems[0].merchantSKU ?? "", responseShipmentSKUQuantity: 0,
                    responseShipmentCancelQty: flagged.orderItems[0].requestOrderCancelQty)
            ]
            try await client.ship(order: o.merchantOrderID, answer)
            #expect(try await client.directedCancelOrderIDs().isEmpty)
        }
    }

    // MARK: returns

    @Test func returnsByStatusDetailAndCompletion() async throws {
        try await withSandbox { _, client in
            let ids = try await client.returnIDs(status: .created)
            #expect(ids.count == 1)
            let r = try await client.returnDetail(ids[0])
            #expect(r.returnStatus == .created)
            let refund = r.returnMerchantSKUs.map {
                JetReturnItem(
                    orderItemID: $0.orderItemID, totalQuantityReturned: $0.returnQuantity, orderReturnRefundQty: $0.returnQuantity,
                    refundAmount: $0.requestedRefundAmount)
            }
            try await client.completeReturn(
                r.merchantReturnAuthorizationID,
                JetCompleteReturnRequest(merchantOrderID: r.merchantOrderID, items: refund, agreeToReturnCharge: true))
            let done = try await client.returnDetail(r.merchantReturnAuthorizationID)
            #expect(done.returnStatus == .completedByMerchant)
            #expect(done.items?.count == refund.count)
            #expect(try await client.returnIDs(status: .completedByMerchant) == [r.merchantReturnAuthorizationID])
            #expect(try await client.returnIDs(status: .created).isEmpty)
            await #expect {
                try await client.completeReturn(
                    r.merchantReturnAuthorizationID,
                    JetCompleteReturnRequest(merchantOrderID: r.merchantOrderID, items: refund, agreeToReturnCharge: true))
            } throws: { ($0 as? JetAPIError)?.message.contains("already completed") ?? false }
        }
    }

    @Test func aPartialRefundNeedsFeedbackAndAnEarlyAcknowledgeWorks() async throws {
        try await withSandbox { _, client in
            let id = try #require(try await client.returnIDs(status: .created).first)
            try await client.acknowledgeReturn(id)
            #expect(try await client.returnIDs(status: .acknowledged) == [id])
            let r = try await client.returnDetail(id)
            func items(feedback: String?) -> [JetReturnItem] {
                r.returnMerchantSKUs.map {
                    JetReturnItem(
                        orderItemID: $0.orderItemID, totalQuantityReturned: $0.returnQuantity, orderReturnRefundQty: $0.returnQuantity,
                        returnRefundFeedback: feedback, refundAmount: JetRefundAmount(principal: 0.5, tax: 0, shippingCost: 0, shippingTax: 0))
                }
            }
            await #expect {
                try await client.completeReturn(
                    id, JetCompleteReturnRequest(merchantOrderID: r.merchantOrderID, items: items(feedback: nil), agreeToReturnCharge: true))
            } throws: { ($0 as? JetAPIError)?.message.contains("return_refund_feedback is required") ?? false }
            await #expect {
                try await client.completeReturn(
                    id, JetCompleteReturnRequest(merchantOrderID: r.merchantOrderID, items: items(feedback: "Item damaged"), agreeToReturnCharge: false))
            } throws: { ($0 as? JetAPIError)?.message.contains("return_charge_feedback is required") ?? false }
            try await client.completeReturn(
                id,
                JetCompleteReturnRequest(
                    merchantOrderID: r.merchantOrderID, items: items(feedback: "ITEM DAMAGED"),
                    agreeToReturnCharge: false, returnChargeFeedback: .notMerchantError))
            #expect(try await client.returnDetail(id).returnChargeFeedback == .notMerchantError)
        }
    }

    // MARK: refunds

    @Test func merchantRefundsAreIdempotentByAltRefundIDAndMoveThroughTheirStates() async throws {
        try await withSandbox { sandbox, client in
            let o = try await readyOrder(client)
            let request = JetRefundRequest(items: [
                JetRefundItem(
                    orderItemID: o.orderItems[0].orderItemID, totalQuantityReturned: 1, orderReturnRefundQty: 1,
                    refundReason: "better price available",
                    refundAmount: JetRefundAmount(principal: 5, tax: 0.35, shippingCost: 0, shippingTax: 0))
            ])
            let first = try await client.createRefund(order: o.merchantOrderID, altRefundID: "RF-1", request)
            #expect(first.refundStatus == .created)
            let again = try await client.createRefund(order: o.merchantOrderID, altRefundID: "RF-1", request)
            #expect(again.refundAuthorizationID == first.refundAuthorizationID)
            #expect(try await client.refundIDs(status: "created") == [first.refundAuthorizationID])
            _ = await sandbox.server.marketplace.advance(by: 120)
            #expect(try await client.refund(first.refundAuthorizationID).refundStatus == .processing)
            _ = await sandbox.server.marketplace.advance(by: 600)
            let state = try await client.refund(first.refundAuthorizationID)
            #expect(state.refundStatus == .accepted)
            #expect(state.altRefundID == "RF-1")
            #expect(try await client.refundIDs(status: "accepted") == [first.refundAuthorizationID])
            await #expect {
                _ = try await client.createRefund(order: "nope", altRefundID: "RF-2", request)
            } throws: { ($0 as? JetAPIError)?.status == 404 }
        }
    }

    // MARK: faults

    @Test func throttlingIsRetriedHonouringRetryAfter() async throws {
        try await withSandbox(
            {
                $0.throttleRate = 1; $0.retryAfter = 1
            }, attempts: 2
        ) { _, client in
            let started = Date()
            await #expect {
                _ = try await client.orderIDs(status: .ready)
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.status == 429 && e.message.contains("Too many requests")
            }
            // One wait of Retry-After (1 s) between the two attempts.
            #expect(Date().timeIntervalSince(started) >= 0.95)
        }
    }

    @Test func serverErrorsAreRetriedOnReadsButNeverBlindlyOnChanges() async throws {
        try await withSandbox({ $0.failRate = 1 }, attempts: 3) { _, client in
            await #expect {
                _ = try await client.orderIDs(status: .ready)
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.status == 500 && e.marketplaceError.kind == .unreachable
            }
        }
        let sandbox = try await SandboxFixture.start()
        let client = sandbox.client()
        try await tearingDown({
            await client.shutdown(); await sandbox.stop()
        }) {
            let o = try await readyOrder(client)
            // From now on every call fails with a 500: the acknowledge comes back "uncertain" and is not retried here.
            var f = await sandbox.server.marketplace.faults
            f.failRate = 1
            await sandbox.server.marketplace.setFaults(f)
            await #expect {
                try await client.acknowledge(order: o.merchantOrderID, JetAcknowledgeRequest(acknowledgementStatus: .accepted, orderItems: nil))
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.mayHaveApplied && e.marketplaceError.kind == .uncertain
            }
            let attempts = await sandbox.server.marketplace.ledger().filter { $0.path.hasSuffix("/acknowledge") }
            #expect(attempts.isEmpty, "a 500 is answered before the ledger; the client must not have retried")
            #expect(await sandbox.appliedLedger().isEmpty)
        }
    }

    @Test func timeoutsFailClearlyAndChangesComeBackUncertain() async throws {
        // Logged in first; then the sandbox takes 10 s to answer, and the client gives each request 1 s.
        try await withSandbox({ _ in }, attempts: 2, timeout: 1) { sandbox, client in
            // The login is not what this test is about: on a machine busy with other tests it may miss 1 s once.
            for attempt in 1...5 {
                do { _ = try await client.authCheck(); break } catch  where attempt < 5 { continue }
            }
            _ = try await sandbox.admin("POST", "faults", ["latency_ms": 10_000.0])
            let started = ContinuousClock.now
            await #expect {
                _ = try await client.authCheck()
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.kind == .timeout && e.summary.contains("did not answer")
            }
            #expect(ContinuousClock.now - started < .seconds(8), "gave up long before an answer could come")
            await #expect {
                try await client.tag(order: "x", "t")
            } throws: { ($0 as? JetAPIError)?.mayHaveApplied == true }
        }
    }

    @Test func aLoginThatCannotBeMadeFailsTheCallWithoutRetryingItAgain() async throws {
        // Every call needs a token; when the login itself times out (after its own retries), the call fails at
        // once, and a change that never left is not "uncertain". Counted, not timed: the client's trace shows
        // two login attempts and no tag call (a call that retried its whole self would log in four times).
        let sandbox = try await SandboxFixture.start { $0.latencyMillis = 10_000 }
        let attempts = Mutex<[String]>([])
        let trace = HTTPTrace { line in if line.hasPrefix("→ ") { attempts.withLock { $0.append(line) } } }
        let client = sandbox.client(attempts: 2, timeout: 0.3, trace: trace)
        try await tearingDown({
            await client.shutdown()
            await sandbox.stop()
        }) {
            await #expect {
                try await client.tag(order: "x", "t")
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.call == "POST /token" && !e.mayHaveApplied
            }
        }
        let sent = attempts.withLock { $0 }
        #expect(sent.count == 2 && sent.allSatisfy { $0.contains("/token") }, "two login attempts and nothing else: \(sent)")
    }

    @Test func malformedAnswersAreRetriedThenReportedClearly() async throws {
        try await withSandbox({ $0.malformedRate = 1 }, attempts: 3) { _, client in
            await #expect {
                _ = try await client.login()
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.kind == .malformed && e.summary.contains("could not be read") && e.call == "POST /token"
            }
        }
        try await withSandbox(
            {
                $0.malformedRate = 0.4; $0.seed = 3
            }, attempts: 12
        ) { _, client in
            // Every read eventually gets a whole answer.
            let ids = try await client.orderIDs(status: .ready)
            #expect(ids.count == 5)
            for id in ids { #expect(try await client.order(id).merchantOrderID == id) }
        }
    }

    @Test func unreachableIsSaidPlainly() async throws {
        var c = JetConfiguration(baseURL: "http://127.0.0.1:9/api", user: "u", secret: "s")
        c.retry = .init(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.02)
        let client = JetClient(configuration: c)
        try await tearingDown({ await client.shutdown() }) {
            await #expect {
                _ = try await client.orderIDs(status: .ready)
            } throws: { error in
                guard let e = error as? JetAPIError else { return false }
                return e.kind == .unreachable && e.marketplaceError.kind == .unreachable && !e.mayHaveApplied
            }
        }
    }

    @Test func manyDetailsAreFetchedSeveralAtATimeButNeverMoreThanAllowed() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 60; $0.latencyMillis = 30
        }
        let client = sandbox.client(concurrency: 4)
        try await tearingDown({
            await client.shutdown(); await sandbox.stop()
        }) {
            let ids = try await client.orderIDs(status: .ready)
            let results = await client.orders(ids)
            #expect(results.count == 60)
            #expect(results.values.allSatisfy { (try? $0.get()) != nil })
            // Requests overlapped (each takes 30 ms at the sandbox), and never more than 4 at once.
            let most = await sandbox.server.marketplace.maxInFlight
            #expect(most > 1 && most <= 4, "at most \(most) requests in flight")
        }
    }

    @Test func debugHTTPMasksSecretsAndTokens() async throws {
        let lines = LineCollector()
        let sandbox = try await SandboxFixture.start()
        let client = sandbox.client(trace: HTTPTrace { lines.append($0) })
        _ = try await client.orderIDs(status: .ready)
        await client.shutdown()
        await sandbox.stop()
        let all = lines.all.joined(separator: "\n")
        #expect(all.contains("POST \(sandbox.baseURL)/token"))
        #expect(all.contains("GET \(sandbox.baseURL)/orders/ready"))
        #expect(all.contains("\"pass\":\"***\""))
        #expect(all.contains("\"id_token\":\"***\""))
        #expect(!all.contains(sandbox.configuration.secret))
        #expect(!all.contains("eyJ0eXAi"))
    }
}

final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
