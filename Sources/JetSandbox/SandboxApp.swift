// JetSandbox: a local Jet. It owns Jet's state machines as Jet ran them (orders, returns, refunds), a seeded
// scenario, injected faults and a ledger of what the merchant sent. It speaks Jet's wire models (JetAPI) and
// Jet's words (JetWords); it must not know the desk's rules (OrderDesk), so a mismatch between jom and Jet
// shows up in tests instead of being copied into both.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import JetWire
import Logging
import NIOCore

/// The sandbox's request context: Hummingbird's, plus the connection (a lost reply closes it) and the fault
/// the middleware chose to apply once the route has answered.
public struct SandboxRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// Decided before the route runs, applied to its answer.
    var afterwards: SandboxMarketplace.Fault?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Builds the sandbox's routes: Jet's API under `/api` (behind faults and tokens), test routes under `/sandbox`.
public func buildSandboxRouter(marketplace m: SandboxMarketplace) -> Router<SandboxRequestContext> {
    // Jet's clients disagree on case (`/Token`, `withoutShipmentDetail`): paths match in any case.
    let router = Router(context: SandboxRequestContext.self, options: .caseInsensitive)
    router.add(middleware: JetErrorsMiddleware())
    router.add(middleware: SharedStateMiddleware(marketplace: m))
    router.add(middleware: ScenarioMiddleware(marketplace: m))
    let api = router.group("api").add(middleware: FaultMiddleware(marketplace: m))
    api.post("token") { request, context in
        let body = try await SandboxRoute.body(request)
        guard let req = try? JSONDecoder().decode(JetTokenRequest.self, from: body) else {  // Refused below, with the shape it needs.
            return try await SandboxRoute.answer(.errors(400, "The body must be {\"user\": \"…\", \"pass\": \"…\"}"), context)
        }
        return try await SandboxRoute.answer(await m.issueToken(user: req.user, pass: req.pass), context)
    }
    let jet = api.group().add(middleware: TokenMiddleware(marketplace: m))
    jet.get("authcheck") { _, context in
        try await SandboxRoute.answer(SandboxReply(status: 200, body: Data("\"This message is authorized.\"".utf8)), context)
    }
    // Orders (protocol §2–§5).
    jet.get("orders/directedCancel") { _, context in
        try await SandboxRoute.answer(
            .urls("order_urls", await m.directedCancelIDs().map { "/orders/withoutShipmentDetail/\(SandboxRoute.escape($0))" }), context)
    }
    jet.get("orders/withoutShipmentDetail/:id") { _, context in
        let id = try SandboxRoute.parameter("id", context)
        guard let o = await m.order(id) else { return try await SandboxRoute.answer(.errors(404, "Order '\(id)' was not found"), context) }
        return try await SandboxRoute.answer(.json(o), context)
    }
    jet.get("orders/:key") { request, context in
        try await SandboxRoute.answer(await m.listOrders(status: try SandboxRoute.parameter("key", context), query: SandboxRoute.query(request)), context)
    }
    jet.get("orders/:key/:tag/:tagged") { _, context in
        try await SandboxRoute.answer(
            await m.listTagged(
                status: try SandboxRoute.parameter("key", context), tag: try SandboxRoute.parameter("tag", context),
                tagged: try SandboxRoute.parameter("tagged", context).lowercased()), context)
    }
    jet.put("orders/:key/acknowledge") { request, context in
        try await SandboxRoute.change(request, context, m) { id, body in await m.acknowledge(id, body) }
    }
    jet.put("orders/:key/shipped") { request, context in
        try await SandboxRoute.change(request, context, m) { id, body in await m.ship(id, body) }
    }
    jet.put("orders/:key/tag") { request, context in
        try await SandboxRoute.change(request, context, m) { id, body in await m.tag(id, body) }
    }
    // Returns (§6).
    jet.get("returns/state/:id") { _, context in
        let id = try SandboxRoute.parameter("id", context)
        guard let r = await m.returnRequest(id) else { return try await SandboxRoute.answer(.errors(404, "Return '\(id)' was not found"), context) }
        return try await SandboxRoute.answer(.json(r), context)
    }
    jet.get("returns/:key") { _, context in
        try await SandboxRoute.answer(await m.listReturns(status: try SandboxRoute.parameter("key", context)), context)
    }
    jet.put("returns/:key/acknowledge") { request, context in
        try await SandboxRoute.change(request, context, m) { id, _ in await m.acknowledgeReturn(id) }
    }
    jet.put("returns/:key/complete") { request, context in
        try await SandboxRoute.change(request, context, m) { id, body in await m.completeReturn(id, body) }
    }
    // Refunds (§7).
    jet.get("refunds/state/:id") { _, context in
        let id = try SandboxRoute.parameter("id", context)
        guard let r = await m.refund(id) else { return try await SandboxRoute.answer(.errors(404, "Refund '\(id)' was not found"), context) }
        return try await SandboxRoute.answer(.json(r), context)
    }
    jet.get("refunds/:key") { _, context in
        try await SandboxRoute.answer(await m.listRefunds(status: try SandboxRoute.parameter("key", context).lowercased()), context)
    }
    jet.post("refunds/:key/:alt") { request, context in
        let alt = try SandboxRoute.parameter("alt", context)
        return try await SandboxRoute.change(request, context, m) { order, body in await m.createRefund(order: order, altRefundID: alt, body) }
    }
    SandboxAdminRoutes.add(to: router.group("sandbox"), marketplace: m)
    return router
}

/// Builds the sandbox application: its router, listening where `configuration` says.
public func buildSandboxApplication(
    marketplace: SandboxMarketplace, configuration: SandboxConfiguration,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
)
    -> some ApplicationProtocol
{
    let address: BindAddress =
        configuration.socketPath.map { .unixDomainSocket(path: $0) }
        ?? .hostname(configuration.host, port: configuration.port)
    let head = TimeAmount.milliseconds(Int64(configuration.headTimeout * 1000))
    let body = TimeAmount.milliseconds(Int64(configuration.bodyTimeout * 1000))
    let waiting = WaitingConnections(limit: configuration.maxConnections)
    return Application(
        router: buildSandboxRouter(marketplace: marketplace),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(head: head, body: body, waiting: waiting)],
                idleTimeout: .milliseconds(Int64(configuration.idleTimeout * 1000)))),
        // Beyond the waiting limit, a backstop on connections in all, well under any descriptor limit.
        configuration: .init(
            address: address, serverName: "jom-sandbox", backlog: 1024,
            availableConnectionsDelegate: MaximumAvailableConnections(max(64, configuration.maxConnections * 16))),
        onServerRunning: onServerRunning,
        logger: Logger(label: "jom.sandbox", factory: { _ in SwiftLogNoOpLogHandler() }))
}

/// What the routes share: reading a request, and answering with a ``SandboxReply``.
enum SandboxRoute {
    static func body(_ request: Request) async throws -> Data {
        var request = request
        return Data((try await request.collectBody(upTo: 16 << 20)).readableBytesView)
    }

    /// A path parameter, percent-decoded (`completed%20by%20merchant`).
    static func parameter(_ name: String, _ context: SandboxRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// An id as one path segment of a url (a `/` in it percent-encoded), as Jet's lists give them.
    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#%"))) ?? id
    }

    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { out[String(k)] = String(v).removingPercentEncoding ?? String(v) }
        return out
    }

    /// A call that changes something: applied, written in the ledger, answered.
    /// `key` names the order (or return) the call is about: the path's second segment.
    static func change(
        _ request: Request, _ context: SandboxRequestContext, _ m: SandboxMarketplace, id name: String = "key",
        _ apply: @Sendable (String, Data) async -> SandboxReply
    ) async throws -> Response {
        let body = try await body(request)
        let id = try parameter(name, context)
        let reply = await apply(id, body)
        _ = await m.record(request.method.rawValue, request.uri.path, body, reply)
        return try await answer(reply, context)
    }

    /// The reply as an HTTP response, after the fault chosen for this call: a malformed body, or no answer at all.
    static func answer(_ reply: SandboxReply, _ context: SandboxRequestContext) async throws -> Response {
        var reply = reply
        switch context.afterwards {
        case .malformed(let how)? where (200..<300).contains(reply.status) && !reply.body.isEmpty:
            reply.body = how.apply(to: reply.body)
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

/// Jet's API answers with `{"errors": […]}`, also for a route that does not exist.
struct JetErrorsMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound {
            let path = request.uri.path
            let hint = path.lowercased().hasPrefix("/api") ? "" : " (this is a Jet sandbox: the API is under /api, e.g. POST /api/token)"
            return SandboxReply.errors(404, "No route \(request.method.rawValue) \(path)\(hint)").response
        }
    }
}

/// A state shared by several processes (``SandboxConfiguration/sharedState``): each call from the latest state,
/// under the lock, and saved before its answer leaves.
struct SharedStateMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let marketplace: SandboxMarketplace

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            try await marketplace.beginSharedCall()
        } catch {
            return SandboxReply.errors(503, "The sandbox's state cannot be used: \(error.summary) (\(error.remedy))").response
        }
        do {
            let response = try await next(request, context)
            await marketplace.endSharedCall()
            return response
        } catch {
            await marketplace.endSharedCall()
            throw error
        }
    }
}

/// Lets the scenario catch up with its clock (arrivals, releases, returns, directed cancels) before each call.
struct ScenarioMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let marketplace: SandboxMarketplace

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        await marketplace.evolve()
        return try await next(request, context)
    }
}

/// Checks the `Authorization` header on every Jet call but the login.
struct TokenMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let marketplace: SandboxMarketplace

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard await marketplace.authorized(request.headers[.authorization]) else {
            return SandboxReply.json(["statusCode": "401", "message": "Unauthorized. Access token is missing or invalid."], status: 401).response
        }
        return try await next(request, context)
    }
}

/// The configured faults on Jet's API: latency, then a throttle or a failure before anything is applied, or a
/// malformed answer or a lost reply after the call was applied.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let marketplace: SandboxMarketplace

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let admitted = await marketplace.requestStarted()
        // Counted out before the answer leaves, so the count never lags behind the client.
        do {
            let response = try await answer(request, context: context, admitted: admitted, next: next)
            await marketplace.requestEnded()
            return response
        } catch {
            await marketplace.requestEnded()
            throw error
        }
    }

    private func answer(_ request: Request, context: Context, admitted: Bool, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard admitted else {
            return SandboxReply(status: 429, body: Data(#"{"errors":["Too many requests at once (sandbox limit)"]}"#.utf8)).response
        }
        let f = await marketplace.faults
        if f.latencyMillis > 0 { try await Task.sleep(for: .milliseconds(Int(f.latencyMillis))) }
        let isLogin = request.uri.path.lowercased().hasSuffix("/token")
        var context = context
        switch await marketplace.drawFault(isRead: request.method == .get || request.method == .post, canLoseReply: !isLogin) {
        case .throttle?:
            return SandboxReply(
                status: 429, body: Data(#"{"errors":["Too many requests (sandbox throttle)"]}"#.utf8),
                headers: [("Retry-After", String(f.retryAfter))]
            ).response
        case .fail?:
            return SandboxReply.errors(500, "Internal server error (sandbox fault)").response
        case let after:
            context.afterwards = after
            return try await next(request, context)
        }
    }
}

extension SandboxReply {
    var response: Response {
        var headers = HTTPFields()
        if !body.isEmpty { headers[.contentType] = "application/json; charset=utf-8" }
        for (name, value) in self.headers {
            if let n = HTTPField.Name(name) { headers[n] = value }
        }
        return Response(
            status: .init(code: status), headers: headers,
            body: body.isEmpty ? .init() : .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
