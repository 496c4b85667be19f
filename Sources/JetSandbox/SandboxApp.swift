// JetSandbox: a local Jet. It owns Jet's state machines as Jet ran them (orders, returns, refunds), a seeded
// scenario, injected faults and a ledger of what the merchant sent (SandboxKit serves it). It speaks Jet's wire
// models and words (JetWire); it must not know the desk's rules (OrderDesk), so a mismatch between jom and Jet
// shows up in tests instead of being copied into both.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import JetWire
import Logging
import NIOCore
@_exported import SandboxKit

/// Builds the sandbox's routes: Jet's API under `/api` (behind faults and tokens), test routes under `/sandbox`.
public func buildSandboxRouter(marketplace m: SandboxMarketplace) -> Router<SandboxRequestContext> {
    // Jet's clients disagree on case (`/Token`, `withoutShipmentDetail`): paths match in any case.
    let router = Router(context: SandboxRequestContext.self, options: .caseInsensitive)
    router.add(middleware: JetErrorsMiddleware())
    router.add(
        middleware: SharedStateMiddleware(host: m) { error in
            SandboxReply.errors(503, "The sandbox's state cannot be used: \(error.summary) (\(error.remedy))")
        })
    router.add(middleware: ScenarioMiddleware(host: m))
    let api = router.group("api").add(middleware: FaultMiddleware(injector: m.injector, replies: jetFaultReplies))
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
        try await JetRoute.change(request, context, m) { id, body in await m.acknowledge(id, body) }
    }
    jet.put("orders/:key/shipped") { request, context in
        try await JetRoute.change(request, context, m) { id, body in await m.ship(id, body) }
    }
    jet.put("orders/:key/tag") { request, context in
        try await JetRoute.change(request, context, m) { id, body in await m.tag(id, body) }
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
        try await JetRoute.change(request, context, m) { id, _ in await m.acknowledgeReturn(id) }
    }
    jet.put("returns/:key/complete") { request, context in
        try await JetRoute.change(request, context, m) { id, body in await m.completeReturn(id, body) }
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
        return try await JetRoute.change(request, context, m) { order, body in await m.createRefund(order: order, altRefundID: alt, body) }
    }
    SandboxAdminRoutes.add(to: router.group("sandbox"), marketplace: m)
    return router
}

/// How Jet's API words injected faults.
let jetFaultReplies = FaultReplies(
    throttled: { retryAfter in
        SandboxReply(status: 429, body: Data(#"{"errors":["Too many requests (sandbox throttle)"]}"#.utf8), headers: [("Retry-After", String(retryAfter))])
    },
    failed: { SandboxReply.errors(500, "Internal server error (sandbox fault)") },
    tooMany: { SandboxReply(status: 429, body: Data(#"{"errors":["Too many requests at once (sandbox limit)"]}"#.utf8)) },
    malformableKeys: [
        "\"order_items\":", "\"order_urls\":", "\"return_merchant_SKUs\":", "\"return_urls\":", "\"refund_urls\":", "\"shipment_items\":",
    ],
    keepsReply: { $0.uri.path.lowercased().hasSuffix("/token") })

extension SandboxConfiguration {
    /// Where and how the server listens.
    public var listen: ListenSettings {
        var l = ListenSettings()
        l.host = host
        l.port = port
        l.socketPath = socketPath
        l.maxConnections = maxConnections
        l.headTimeout = headTimeout
        l.bodyTimeout = bodyTimeout
        l.idleTimeout = idleTimeout
        return l
    }
}

/// Jet's calls that change something.
enum JetRoute {
    /// A call that changes something: applied, written in the ledger, answered.
    /// `key` names the order (or return) the call is about: the path's second segment.
    static func change(
        _ request: Request, _ context: SandboxRequestContext, _ m: SandboxMarketplace, id name: String = "key",
        _ apply: @Sendable (String, Data) async -> SandboxReply
    ) async throws -> Response {
        let body = try await SandboxRoute.body(request)
        let id = try SandboxRoute.parameter(name, context)
        let reply = await apply(id, body)
        _ = await m.record(request.method.rawValue, request.uri.path, body, reply)
        return try await SandboxRoute.answer(reply, context)
    }
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
