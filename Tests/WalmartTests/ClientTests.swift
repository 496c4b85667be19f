import Foundation
import MarketplaceHTTP
import OrderDesk
import Synchronization
import TestSupport
import Testing
import WalmartAPI
import WalmartSandbox
import WalmartWire

/// The Walmart client and adapter against the Walmart sandbox on a free loopback port: real HTTP, real tokens.
@Suite struct ClientTests {
    /// The requests a client made, as `METHOD path` (from its trace).
    final class Calls: Sendable {
        let lines = Mutex<[String]>([])
        var trace: HTTPTrace {
            HTTPTrace { line in
                guard line.hasPrefix("→ ") else { return }
                let parts = line.dropFirst(2).split(separator: " ")
                guard parts.count >= 2, let url = URL(string: String(parts[1])) else { return }
                self.lines.withLock { $0.append("\(parts[0]) \(url.path)") }
            }
        }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func aDownloadReadsEveryReleasedOrderByCursorPagesWithNoCallPerOrder() async throws {
        try await withWalmartSandbox({
            $0.orders = 0
            $0.returns = 0
        }) { sandbox in
            let made = await sandbox.marketplace.generateOrders(count: 450)
            let calls = Calls()
            let result = try await sandbox.withClient(trace: calls.trace) { client in
                try await WalmartMarketplace(client: client, displayName: "test", clock: .fixed(SandboxFixture.start))
                    .download(watch: [], returns: [], connections: 4)
            }
            #expect(result.orders.map(\.merchantOrderID) == made && result.failures.isEmpty)
            #expect(result.orders.allSatisfy { $0.status == .ready && !$0.lines.isEmpty }, "released: ready to acknowledge")
            let gets = calls.all.filter { $0.hasPrefix("GET") }
            #expect(gets.filter { $0 == "GET /v3/orders/released" }.count == 3, "450 orders in pages of 200: \(gets)")
            #expect(!gets.contains { $0.hasPrefix("GET /v3/orders/") && $0 != "GET /v3/orders/released" }, "no call per order")
            #expect(result.remarks.contains { $0.contains("450 orders") })
        }
    }

    @Test func anExpiredTokenIsRenewedOnceAndTheCallGoesThrough() async throws {
        try await withWalmartSandbox { sandbox in
            try await sandbox.withClient { client in
                let id = try #require(await sandbox.marketplace.allOrderIDs().first)
                #expect(try await client.order(id)?.purchaseOrderId == id)
                _ = try await sandbox.admin("POST", "expire-tokens")
                #expect(try await client.order(id)?.purchaseOrderId == id, "the 401 renews the token and the call is made again")
                #expect(await client.tokensFetched() == 2)
            }
        }
    }

    @Test func aClientWithTheWrongSecretIsToldWhatToFix() async throws {
        try await withWalmartSandbox { sandbox in
            var c = WalmartConfiguration(baseURL: sandbox.baseURL, clientID: sandbox.configuration.clientID, clientSecret: "wrong")
            c.retry = .init(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.1, maxRetryAfter: 5)
            let client = WalmartClient(configuration: c)
            let marketplace = WalmartMarketplace(client: client, displayName: "test", clock: .fixed(SandboxFixture.start))
            var refusal: MarketplaceError?
            do { _ = try await marketplace.download(watch: [], returns: [], connections: 1) } catch { refusal = error as? MarketplaceError }
            await client.shutdown()
            let e = try #require(refusal, "a wrong secret downloaded")
            #expect(e.kind == .unauthorized && e.credentialsRemedy.contains("WALMART_CLIENT_SECRET"), "\(e)")
        }
    }

    @Test func changesPacedBelowWalmartsLimitAreNeverRefused() async throws {
        // Walmart's limit of 60 a minute, here 60 in 10 seconds so that the test is quick: 60 at once, then
        // 20 more as the allowance is replenished (about 3.5 s).
        try await withWalmartSandbox({
            $0.rateLimits = true
            $0.rateWindow = 10
        }) { sandbox in
            let ids = await sandbox.marketplace.generateOrders(count: 5)  // Released: theirs to acknowledge.
            try await sandbox.withClient(perMinute: 60, window: 10) { paced in
                for i in 0..<80 { _ = try await paced.acknowledge(ids[i % ids.count]) }
            }
            #expect(await sandbox.marketplace.rateLimited == 0, "the client waited for its allowance instead of being refused")
        }
    }

    @Test func anUnpacedClientThrottledBySandboxRetriesAfterWhatWalmartSays() async throws {
        // Walmart's 60, replenished over an hour: the 61st call is refused (429 with Retry-After) however fast or
        // slow this machine is; once the allowance is back the client's retry goes through.
        try await withWalmartSandbox({
            $0.rateLimits = true
            $0.rateWindow = 3600
        }) { sandbox in
            let ids = await sandbox.marketplace.generateOrders(count: 5)
            let throttled = try await sandbox.withClient(attempts: 20, perMinute: 100_000, window: 60) { eager in
                let calls = Task {
                    for i in 0..<61 { _ = try await eager.acknowledge(ids[i % ids.count]) }
                }
                for _ in 0..<3000 where await sandbox.marketplace.rateLimited == 0 { try await Task.sleep(for: .milliseconds(20)) }
                await sandbox.marketplace.replenishAllowances()
                try await calls.value
                return eager.throttleCount
            }
            #expect(await sandbox.marketplace.rateLimited >= 1, "beyond the allowance the sandbox answered 429")
            #expect(throttled >= 1, "and the call still went through after Retry-After")
        }
    }
}
