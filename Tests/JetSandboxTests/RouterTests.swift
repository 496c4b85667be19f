import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JetAPI
import JetSandbox
import JetWire
import NIOCore
import Testing

/// The sandbox's routes, tested in memory through Hummingbird's router test client: no socket.
@Suite struct RouterTests {
    static func sandbox(_ adjust: (inout SandboxConfiguration) -> Void = { _ in }) -> (SandboxMarketplace, some ApplicationProtocol) {
        var c = SandboxConfiguration()
        c.seed = 7
        c.orders = 3
        c.returns = 1
        c.arrivalRate = 0
        c.frozenClock = Date(timeIntervalSince1970: 1_795_856_400)
        c.user = "u"
        c.secret = "s"
        adjust(&c)
        let m = try! SandboxMarketplace(configuration: c)  // No state file: nothing to read.
        return (m, buildSandboxApplication(router: buildSandboxRouter(marketplace: m), settings: c.listen))
    }

    static func login(_ client: some TestClientProtocol) async throws -> HTTPFields {
        try await client.execute(uri: "/api/Token", method: .post, body: ByteBuffer(string: #"{"user":"u","pass":"s"}"#)) { r in
            #expect(r.status == .ok, "the token path matches in any case")
            let token = try JSONDecoder().decode(JetToken.self, from: Data(r.body.readableBytesView))
            return [.authorization: "bearer \(token.idToken)"]
        }
    }

    @Test func loginThenOrdersByStatusAndDetail() async throws {
        let (m, app) = Self.sandbox()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/orders/ready", method: .get) { r in
                #expect(r.status == .unauthorized)
            }
            let auth = try await Self.login(client)
            let ids: [String] = try await client.execute(uri: "/api/orders/ready", method: .get, headers: auth) { r in
                #expect(r.status == .ok)
                return try JSONDecoder().decode(JetURLList.self, from: Data(r.body.readableBytesView)).ids
            }
            #expect(ids == Array(await m.allOrderIDs().prefix(3)))
            try await client.execute(uri: "/api/orders/WITHOUTSHIPMENTDETAIL/\(ids[0])", method: .get, headers: auth) { r in
                let o = try JSONDecoder().decode(JetOrder.self, from: Data(r.body.readableBytesView))
                #expect(o.merchantOrderID == ids[0] && o.status == .ready)
            }
            try await client.execute(uri: "/api/orders/teleported", method: .get, headers: auth) { r in
                #expect(r.status == .notFound)
                #expect(String(buffer: r.body).contains(#""errors":["'teleported' is not an order status"#))
            }
        }
    }

    @Test func unknownRoutesAnswerInJetsErrorShape() async throws {
        let (_, app) = Self.sandbox()
        try await app.test(.router) { client in
            try await client.execute(uri: "/nothing/here", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(String(buffer: r.body).contains(#"{"errors":["No route GET /nothing/here (this is a Jet sandbox"#))
            }
        }
    }

    @Test func changesGoToTheLedgerAndReturnStatusesArePercentDecoded() async throws {
        let (m, app) = Self.sandbox()
        try await app.test(.router) { client in
            let auth = try await Self.login(client)
            let id = await m.allOrderIDs()[0]
            let body = #"{"acknowledgement_status":"accepted"}"#
            try await client.execute(uri: "/api/orders/\(id)/acknowledge", method: .put, headers: auth, body: ByteBuffer(string: body)) { r in
                #expect(r.status == .noContent)
            }
            let ledger = await m.ledger()
            #expect(ledger.map(\.path) == ["/api/orders/\(id)/acknowledge"])
            #expect(ledger.first?.applied == true && ledger.first?.body == body)
            #expect(await m.order(id)?.status == .acknowledged)
            try await client.execute(uri: "/api/returns/completed%20by%20merchant", method: .get, headers: auth) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("return_urls"))
            }
        }
    }

    @Test func faultsHappenBeforeOrAfterTheCallIsApplied() async throws {
        let (m, app) = Self.sandbox { $0.throttleRate = 1 }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/token", method: .post, body: ByteBuffer(string: #"{"user":"u","pass":"s"}"#)) { r in
                #expect(r.status == .tooManyRequests)
                #expect(r.headers[.retryAfter] == "1")
            }
        }
        var calm = await m.faults
        calm.throttleRate = 0
        await m.setFaults(calm)
        var broken = calm
        broken.malformedRate = 1
        try await app.test(.router) { [broken] client in
            let auth = try await Self.login(client)
            await m.setFaults(broken)
            try await client.execute(uri: "/api/orders/ready", method: .get, headers: auth) { r in
                #expect(r.status == .ok)
                #expect((try? JSONDecoder().decode(JetURLList.self, from: Data(r.body.readableBytesView))) == nil, "the body is broken")
            }
        }
        #expect(await m.faultsInjected == 2, "one throttle, one malformed answer")
    }

    @Test func adminRoutesDriveTheScenario() async throws {
        let (m, app) = Self.sandbox()
        try await app.test(.router) { client in
            try await client.execute(uri: "/sandbox/orders", method: .post, body: ByteBuffer(string: #"{"count":2}"#)) { r in
                #expect(r.status == .created)
            }
            #expect(await m.allOrderIDs().count == 6)
            try await client.execute(uri: "/sandbox/faults", method: .post, body: ByteBuffer(string: #"{"lost_reply_rate":2}"#)) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/sandbox/faults", method: .post, body: ByteBuffer(string: #"{"lost_reply_rate":0.3}"#)) { r in
                #expect(String(buffer: r.body).contains(#""lost_reply_rate":0.3"#))
            }
            try await client.execute(uri: "/sandbox/advance", method: .post, body: ByteBuffer(string: #"{"seconds":3600}"#)) { r in
                #expect(String(buffer: r.body).contains("2026-11-28T10:00:00Z"))
            }
        }
    }
}
