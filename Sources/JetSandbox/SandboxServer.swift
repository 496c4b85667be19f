import Foundation
import JetWords
import HTTPTypes
import Hummingbird
import JetAPI
import Logging
import NIOCore

/// Answers HTTP requests: `/api/...` as Jet (with the configured faults), `/sandbox/...` for tests.
struct SandboxResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let marketplace: SandboxMarketplace

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let body = Data((try await request.collectBody(upTo: 16 << 20)).readableBytesView)
        let rawPath = request.uri.path
        let segments = rawPath.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let method = request.method.rawValue
        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { query[String(k)] = String(v).removingPercentEncoding ?? String(v) }

        let reply: SandboxReply
        if segments.first?.lowercased() == "api" {
            await marketplace.requestStarted()
            defer { Task { await marketplace.requestEnded() } }
            let c = await marketplace.faults
            if c.latencyMillis > 0 { try? await Task.sleep(for: .milliseconds(Int(c.latencyMillis))) }
            switch await marketplace.drawFault(isRead: method == "GET" || method == "POST") {
            case .throttle?:
                reply = SandboxReply(status: 429, body: Data(#"{"errors":["Too many requests (sandbox throttle)"]}"#.utf8),
                                     headers: [("Retry-After", String(c.retryAfter))])
            case .fail?:
                reply = .errors(500, "Internal server error (sandbox fault)")
            case .malformed?:
                var r = await marketplace.handleAPI(method: method, path: rawPath, segments: Array(segments.dropFirst()),
                                                    query: query, body: body, authorization: request.headers[.authorization])
                if (200..<300).contains(r.status), !r.body.isEmpty { r.body = await marketplace.malform(r.body) }
                reply = r
            case nil:
                reply = await marketplace.handleAPI(method: method, path: rawPath, segments: Array(segments.dropFirst()),
                                                    query: query, body: body, authorization: request.headers[.authorization])
            }
        } else if segments.first == "sandbox" {
            reply = await marketplace.handleAdmin(method: method, segments: Array(segments.dropFirst()), body: body)
        } else {
            reply = .errors(404, "This is a Jet sandbox: the API is under /api (e.g. POST /api/token)")
        }
        var headers = HTTPFields()
        if !reply.body.isEmpty { headers[.contentType] = "application/json; charset=utf-8" }
        for (name, value) in reply.headers {
            if let n = HTTPField.Name(name) { headers[n] = value }
        }
        return Response(status: .init(code: reply.status), headers: headers,
                        body: reply.body.isEmpty ? .init() : .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

/// A running sandbox: its marketplace, its address, and how to stop it.
public final class SandboxServer: Sendable {
    public let marketplace: SandboxMarketplace
    public let port: Int
    public let host: String
    let task: Task<Void, any Error>

    /// `http://127.0.0.1:PORT/api`.
    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/api" }

    init(marketplace: SandboxMarketplace, port: Int, host: String, task: Task<Void, any Error>) {
        self.marketplace = marketplace
        self.port = port
        self.host = host
        self.task = task
    }

    /// Starts a sandbox and returns once it accepts connections.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        let marketplace = SandboxMarketplace(configuration: configuration)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: SandboxResponder(marketplace: marketplace),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "jom-sandbox"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: "jom.sandbox", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task {
            defer { portContinuation.finish() }
            try await app.run()
        }
        var port = 0
        for await p in portStream { port = p }
        if port == 0 {
            _ = try await task.value
            throw SandboxStartError(message: "the sandbox could not listen on \(configuration.host):\(configuration.port)")
        }
        return SandboxServer(marketplace: marketplace, port: port, host: configuration.host, task: task)
    }

    /// Stops listening and saves the marketplace's state.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
        await marketplace.saveNow()
    }

    /// Runs until the process is told to stop.
    public func wait() async throws {
        try await task.value
    }
}

public struct SandboxStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
