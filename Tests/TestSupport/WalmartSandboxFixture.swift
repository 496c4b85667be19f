import AsyncHTTPClient
import Foundation
import MarketplaceHTTP
import NIOCore
import NIOHTTP1
import SandboxKit
import WalmartAPI
import WalmartSandbox
import WalmartWire

/// A Walmart sandbox on a free loopback port, and a client for it.
package struct WalmartSandboxFixture: Sendable {
    package let server: WalmartSandboxServer
    package let configuration: WalmartSandboxConfiguration

    package static func start(_ adjust: (inout WalmartSandboxConfiguration) -> Void = { _ in }) async throws -> WalmartSandboxFixture {
        var c = WalmartSandboxConfiguration()
        c.listen.port = 0
        c.seed = 7
        c.orders = 5
        c.returns = 1
        c.arrivalRate = 0
        c.returnRate = 0
        c.intentToCancelRate = 0
        c.frozenClock = SandboxFixture.start
        c.clientID = "test-client"
        c.clientSecret = "test-secret-\(UInt32.random(in: 0...UInt32.max))"
        adjust(&c)
        return WalmartSandboxFixture(server: try await WalmartSandboxServer.start(c), configuration: c)
    }

    package var baseURL: String { server.baseURL }
    package var marketplace: WalmartSandbox { server.marketplace }

    /// A client with the sandbox's credentials and quick retries.
    package func client(attempts: Int = 5, timeout: Double = 30, perMinute: Int = 60, window: Double = 60, trace: HTTPTrace? = nil) -> WalmartClient {
        var c = WalmartConfiguration(baseURL: baseURL, clientID: configuration.clientID, clientSecret: configuration.clientSecret)
        c.requestTimeout = timeout
        c.retry = .init(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.1, maxRetryAfter: 5)
        c.changesPerMinute = perMinute
        c.pacingWindow = window
        return WalmartClient(configuration: c, trace: trace)
    }

    /// Runs `body` with a client (as ``client(attempts:timeout:perMinute:window:trace:)``), shut down before
    /// returning or throwing.
    package func withClient<T>(
        attempts: Int = 5, perMinute: Int = 60, window: Double = 60, trace: HTTPTrace? = nil, _ body: (WalmartClient) async throws -> T
    ) async throws -> T {
        let client = client(attempts: attempts, perMinute: perMinute, window: window, trace: trace)
        return try await tearingDown({ await client.shutdown() }) { try await body(client) }
    }

    /// jom's environment for this sandbox's seller account.
    package var jomEnvironment: [String: String] {
        ["WALMART_API_URL": baseURL, "WALMART_CLIENT_ID": configuration.clientID, "WALMART_CLIENT_SECRET": configuration.clientSecret]
    }

    package func stop() async { await server.stop() }

    /// Calls a `/sandbox/...` admin route with a JSON body; returns the JSON answer.
    package func admin(_ method: String, _ path: String, _ body: [String: Any] = [:]) async throws -> Any {
        try await sandboxAdmin(origin: baseURL, method, path, body)
    }

    /// Units of a purchase order's lines in each status, by line: `["1": ["Shipped": 2, "Cancelled": 1]]`.
    package func lineStates(_ po: String) async -> [String: [String: Int]] {
        guard let o = await marketplace.order(po) else { return [:] }
        var out: [String: [String: Int]] = [:]
        for l in o.lines { for s in l.statuses { out[l.lineNumber, default: [:]][s.status, default: 0] += s.units } }
        return out
    }
}

/// Runs `body` with a Walmart sandbox on a free loopback port, stopped before returning (or throwing).
@discardableResult
package func withWalmartSandbox<T>(
    _ adjust: (inout WalmartSandboxConfiguration) -> Void = { _ in },
    _ body: (WalmartSandboxFixture) async throws -> T
) async throws -> T {
    let sandbox = try await WalmartSandboxFixture.start(adjust)
    return try await tearingDown({ await sandbox.stop() }) { try await body(sandbox) }
}
