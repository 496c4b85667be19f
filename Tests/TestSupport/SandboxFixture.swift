import AsyncHTTPClient
import Foundation
import JetAPI
import JetSandbox
import JetWire
import MarketplaceHTTP
import NIOCore
import NIOHTTP1

/// A sandbox on a free loopback port, and a client for it.
package struct SandboxFixture: Sendable {
    package let server: SandboxServer
    package let configuration: SandboxConfiguration

    /// The fixed scenario time tests start at: Saturday 28 November 2026, 09:00 UTC.
    package static let start = Date(timeIntervalSince1970: 1_795_856_400)
    /// The same instant as jom reads it from `JOM_NOW`.
    package static let startText = "2026-11-28T09:00:00Z"

    package static func start(_ adjust: (inout SandboxConfiguration) -> Void = { _ in }) async throws -> SandboxFixture {
        var c = SandboxConfiguration()
        c.port = 0
        c.seed = 7
        c.orders = 5
        c.returns = 1
        c.arrivalRate = 0
        c.returnRate = 0
        c.directedCancelRate = 0
        c.frozenClock = start
        c.user = "test-user"
        c.secret = "test-secret-\(UInt32.random(in: 0...UInt32.max))"
        adjust(&c)
        return SandboxFixture(server: try await SandboxServer.start(c), configuration: c)
    }

    package var baseURL: String { server.baseURL }

    /// A client with the sandbox's credentials and quick retries.
    package func client(
        concurrency: Int = 8, attempts: Int = 5, timeout: Double = 30, trace: HTTPTrace? = nil,
        secret: String? = nil
    ) -> JetClient {
        var c = JetConfiguration(baseURL: baseURL, user: configuration.user, secret: secret ?? configuration.secret, merchantID: "m-1")
        c.concurrency = concurrency
        c.requestTimeout = timeout
        c.retry = .init(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.1, maxRetryAfter: 2)
        return JetClient(configuration: c, trace: trace)
    }

    package func stop() async { await server.stop() }

    /// Calls a `/sandbox/...` admin route with a JSON body; returns the JSON answer.
    package func admin(_ method: String, _ path: String, _ body: [String: Any] = [:]) async throws -> Any {
        try await sandboxAdmin(origin: "http://127.0.0.1:\(server.port)", method, path, body)
    }

    /// What the merchant sent that changed something, in order.
    package func appliedLedger() async -> [LedgerEntry] {
        await server.marketplace.ledger().filter(\.applied)
    }
}

/// Runs `body` with a sandbox on a free loopback port, and stops it before returning (or throwing): nothing of
/// it outlives the test.
@discardableResult
package func withSandbox<T>(
    _ adjust: (inout SandboxConfiguration) -> Void = { _ in },
    _ body: (SandboxFixture) async throws -> T
) async throws -> T {
    let sandbox = try await SandboxFixture.start(adjust)
    do {
        let result = try await body(sandbox)
        await sandbox.stop()
        return result
    } catch {
        await sandbox.stop()
        throw error
    }
}

/// Runs `body`, then `teardown` (stopping a sandbox, closing a client), before returning or throwing: what a test
/// starts is stopped before the test ends.
@discardableResult
package func tearingDown<T>(_ teardown: () async -> Void, _ body: () async throws -> T) async throws -> T {
    do {
        let result = try await body()
        await teardown()
        return result
    } catch {
        await teardown()
        throw error
    }
}

/// Calls a sandbox's `/sandbox/...` admin route at `origin` with a JSON body; returns the JSON answer.
package func sandboxAdmin(origin: String, _ method: String, _ path: String, _ body: [String: Any]) async throws -> Any {
    var request = HTTPClientRequest(url: "\(origin)/sandbox/\(path)")
    request.method = HTTPMethod(rawValue: method)
    if method != "GET" { request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
    return data.isEmpty ? [:] : try JSONSerialization.jsonObject(with: data)
}
