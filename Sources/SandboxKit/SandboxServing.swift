import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// What a sandbox answers: a status, a JSON body (possibly empty), and extra headers.
public struct SandboxReply: Sendable {
    public var status: Int
    public var body: Data
    public var headers: [(String, String)] = []

    public init(status: Int, body: Data = Data(), headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// A JSON answer; a value that cannot be encoded is answered 500 with `failure`'s text.
    public static func json<T: Encodable>(_ value: T, status: Int = 200, headers: [(String, String)] = []) -> SandboxReply {
        do {
            return SandboxReply(status: status, body: try encoder.encode(value), headers: headers)
        } catch {
            return SandboxReply(status: 500, body: Data(#"{"errors":["The sandbox could not encode its answer"]}"#.utf8))
        }
    }

    public static let noContent = SandboxReply(status: 204)

    public var response: Response {
        var fields = HTTPFields()
        if !body.isEmpty { fields[.contentType] = "application/json; charset=utf-8" }
        for (name, value) in headers {
            if let n = HTTPField.Name(name) { fields[n] = value }
        }
        return Response(status: .init(code: status), headers: fields, body: body.isEmpty ? .init() : .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A sandbox's state file cannot be read or written: which file, what is wrong, and what to do.
public struct SandboxStateError: Error, CustomStringConvertible {
    public var summary: String
    public var remedy: String

    public init(summary: String, remedy: String) {
        self.summary = summary
        self.remedy = remedy
    }

    public var description: String { "\(summary) (\(remedy))" }
}

/// A sandbox's request context: Hummingbird's, plus the connection (a lost reply closes it) and the fault the
/// fault middleware chose to apply once the route has answered.
public struct SandboxRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    /// Decided before the route runs, applied to its answer.
    public var afterwards: Fault?
    /// JSON keys whose value a `.malformed(.wrongType)` fault replaces (the marketplace's list keys).
    public var malformableKeys: [String] = []

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// What routes share: reading a request, and answering with a ``SandboxReply``.
public enum SandboxRoute {
    public static func body(_ request: Request) async throws -> Data {
        var request = request
        return Data((try await request.collectBody(upTo: 16 << 20)).readableBytesView)
    }

    /// A path parameter, percent-decoded.
    public static func parameter(_ name: String, _ context: SandboxRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// An id as one path segment of a url (a `/` in it percent-encoded).
    public static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#%"))) ?? id
    }

    /// The query's parameters, percent-decoded; of a repeated one, the last.
    public static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { out[String(k)] = String(v).removingPercentEncoding ?? String(v) }
        return out
    }

    /// The request body as a JSON object (empty when there is none or it is not an object).
    public static func object(_ request: Request, _ body: Data? = nil) async throws -> [String: Any] {
        let data: Data
        if let body { data = body } else { data = try await Self.body(request) }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]  // No body means no options.
    }

    /// The reply as an HTTP response, after the fault chosen for this call: a malformed body, or no answer at all.
    public static func answer(_ reply: SandboxReply, _ context: SandboxRequestContext) async throws -> Response {
        var reply = reply
        switch context.afterwards {
        case .malformed(let how)? where (200..<300).contains(reply.status) && !reply.body.isEmpty:
            reply.body = how.apply(to: reply.body, keys: context.malformableKeys)
        case .lostReply?:
            // Applied; now the connection drops before a byte of the answer leaves.
            try? await context.channel.close()  // Already closing is the same outcome.
            throw LostReply()
        default:
            break
        }
        return reply.response
    }

    struct LostReply: Error {}
}

/// How a marketplace words the answers of injected faults.
public struct FaultReplies: Sendable {
    /// A throttle (429) with `Retry-After`.
    public var throttled: @Sendable (_ retryAfter: Int) -> SandboxReply
    /// A failure (500), nothing applied.
    public var failed: @Sendable () -> SandboxReply
    /// One call too many at once (429, no `Retry-After`).
    public var tooMany: @Sendable () -> SandboxReply
    /// JSON keys a wrong-typed answer breaks.
    public var malformableKeys: [String]
    /// Calls that never lose their reply (a login).
    public var keepsReply: @Sendable (Request) -> Bool

    public init(
        throttled: @escaping @Sendable (Int) -> SandboxReply, failed: @escaping @Sendable () -> SandboxReply,
        tooMany: @escaping @Sendable () -> SandboxReply, malformableKeys: [String], keepsReply: @escaping @Sendable (Request) -> Bool
    ) {
        self.throttled = throttled
        self.failed = failed
        self.tooMany = tooMany
        self.malformableKeys = malformableKeys
        self.keepsReply = keepsReply
    }
}

/// The configured faults on a marketplace's API: latency, then a throttle or a failure before anything is
/// applied, or a malformed answer or a lost reply after the call was applied.
public struct FaultMiddleware: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    let injector: FaultInjector
    let replies: FaultReplies

    public init(injector: FaultInjector, replies: FaultReplies) {
        self.injector = injector
        self.replies = replies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let admitted = injector.requestStarted()
        // Counted out before the answer leaves, so the count never lags behind the client.
        defer { injector.requestEnded() }
        guard admitted else { return replies.tooMany().response }
        let f = injector.faults
        if f.latencyMillis > 0 { try await Task.sleep(for: .milliseconds(Int(f.latencyMillis))) }
        var context = context
        context.malformableKeys = replies.malformableKeys
        switch injector.draw(isRead: request.method == .get || request.method == .post, canLoseReply: !replies.keepsReply(request)) {
        case .throttle?: return replies.throttled(f.retryAfter).response
        case .fail?: return replies.failed().response
        case let after:
            context.afterwards = after
            return try await next(request, context)
        }
    }
}

/// A marketplace whose state may be shared by several processes, and whose scenario moves with its clock.
public protocol SandboxStateHost: Actor {
    /// Before a call on a shared state: this process's turn, the lock on the file, and the latest state.
    func beginSharedCall() async throws(SandboxStateError)
    /// After it: what it changed saved, the lock and the turn handed on.
    func endSharedCall() async
    /// Applies what the scenario planned up to now.
    func evolve()
    /// Writes the state to its file now (when it has one).
    func saveNow() throws(SandboxStateError)
}

/// A state shared by several processes: each call from the latest state, under the lock, and saved before its
/// answer leaves.
public struct SharedStateMiddleware<Host: SandboxStateHost>: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    let host: Host
    let unusable: @Sendable (SandboxStateError) -> SandboxReply

    public init(host: Host, unusable: @escaping @Sendable (SandboxStateError) -> SandboxReply) {
        self.host = host
        self.unusable = unusable
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            try await host.beginSharedCall()
        } catch {
            return unusable(error).response
        }
        do {
            let response = try await next(request, context)
            await host.endSharedCall()
            return response
        } catch {
            await host.endSharedCall()
            throw error
        }
    }
}

/// Lets the scenario catch up with its clock before each call.
public struct ScenarioMiddleware<Host: SandboxStateHost>: RouterMiddleware {
    public typealias Context = SandboxRequestContext
    let host: Host

    public init(host: Host) { self.host = host }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        await host.evolve()
        return try await next(request, context)
    }
}

/// Where a sandbox listens and how it guards its connections.
public struct ListenSettings: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// A Unix socket instead of a TCP port.
    public var socketPath: String?
    /// Connections that have not sent their request yet, at most: past it the oldest is closed; sixteen times
    /// as many connections in all.
    public var maxConnections = 256
    public var headTimeout: Double = 10
    public var bodyTimeout: Double = 30
    /// Longer than clients keep an idle connection in their pools, so the server never closes one a client is
    /// about to reuse.
    public var idleTimeout: Double = 90

    public init() {}
}

/// A sandbox application for `router`, listening where `settings` say.
public func buildSandboxApplication(
    router: Router<SandboxRequestContext>, settings: ListenSettings, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let address: BindAddress = settings.socketPath.map { .unixDomainSocket(path: $0) } ?? .hostname(settings.host, port: settings.port)
    let head = TimeAmount.milliseconds(Int64(settings.headTimeout * 1000))
    let body = TimeAmount.milliseconds(Int64(settings.bodyTimeout * 1000))
    let waiting = WaitingConnections(limit: settings.maxConnections)
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(head: head, body: body, waiting: waiting)],
                idleTimeout: .milliseconds(Int64(settings.idleTimeout * 1000)))),
        // Beyond the waiting limit, a backstop on connections in all, well under any descriptor limit.
        configuration: .init(
            address: address, serverName: "jom-sandbox", backlog: 1024,
            availableConnectionsDelegate: MaximumAvailableConnections(max(64, settings.maxConnections * 16))),
        onServerRunning: onServerRunning,
        logger: Logger(label: "jom.sandbox", factory: { _ in SwiftLogNoOpLogHandler() }))
}

/// A sandbox application running: where it listens, and how to stop it.
public struct SandboxListener: Sendable {
    public let port: Int
    public let host: String
    public let socketPath: String?
    let task: Task<Void, any Error>

    /// `http://127.0.0.1:PORT`, or `http+unix://%2Fpath%2Fsandbox.sock` on a Unix socket.
    public var origin: String {
        if let socketPath {
            let host = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? socketPath
            return "http+unix://\(host)"
        }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// Starts `router` and returns once it accepts connections.
    public static func start(router: Router<SandboxRequestContext>, settings: ListenSettings) async throws -> SandboxListener {
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        if let socket = settings.socketPath { unlink(socket) }  // One of a process that is gone.
        let app = buildSandboxApplication(router: router, settings: settings) { channel in
            // On a Unix socket there is no port: running is all there is to tell.
            portContinuation.yield(settings.socketPath != nil ? -1 : channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }
        let task = Task {
            defer { portContinuation.finish() }
            try await app.run()
        }
        var port = 0
        for await p in portStream { port = p }
        if port == 0 {
            _ = try await task.value
            throw SandboxStartError(message: "the sandbox could not listen on \(settings.socketPath ?? "\(settings.host):\(settings.port)")")
        }
        if let socket = settings.socketPath { chmod(socket, 0o600) }
        return SandboxListener(port: max(0, port), host: settings.host, socketPath: settings.socketPath, task: task)
    }

    /// Stops listening, and waits until it has.
    public func stop() async {
        task.cancel()
        _ = await task.result  // Cancelled on purpose: how the server ended does not matter now.
        if let socketPath { unlink(socketPath) }
    }

    /// Runs until the server ends.
    public func wait() async throws { try await task.value }
}

public struct SandboxStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
