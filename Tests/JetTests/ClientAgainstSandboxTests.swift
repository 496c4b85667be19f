import Foundation
import JetAPI
import JetSandbox
import Testing
import TestSupport

@Suite struct ClientAgainstSandboxTests {
    @Test func logsInListsAndFetchesReadyOrders() async throws {
        let sandbox = try await SandboxFixture.start()
        defer { Task { await sandbox.stop() } }
        let client = sandbox.client()
        defer { Task { await client.shutdown() } }

        let token = try await client.login()
        #expect(token.tokenType == "Bearer")
        #expect(token.expiresOn?.date != nil)
        #expect(try await client.authCheck())

        let ids = try await client.orderIDs(status: .ready)
        #expect(ids.count == 5)
        let details = await client.orders(ids)
        #expect(details.count == 5)
        for id in ids {
            let order = try #require(try details[id]?.get())
            #expect(order.merchantOrderID == id)
            #expect(order.status == .ready)
            #expect(!order.orderItems.isEmpty)
            #expect(order.orderReadyDate?.date != nil)
        }
    }
}
