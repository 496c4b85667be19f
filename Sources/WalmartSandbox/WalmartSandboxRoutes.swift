import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SandboxKit
import WalmartWire

/// Builds the Walmart sandbox's routes: Walmart's API under `/v3` (behind faults, rate limits, the required
/// headers and tokens), test routes under `/sandbox`.
public func buildWalmartSandboxRouter(marketplace m: WalmartSandbox) -> Router<SandboxRequestContext> {
    let router = Router(context: SandboxRequestContext.self)
    router.add(middleware: WalmartErrorsMiddleware())
    router.add(
        middleware: SharedStateMiddleware(host: m) { error in
            WalmartReplies.errors(
                503, code: "SYSTEM_ERROR.GMP_ORDER_API", description: "The sandbox's state cannot be used.", info: "\(error.summary) (\(error.remedy))",
                category: "SYSTEM")
        })
    router.add(middleware: ScenarioMiddleware(host: m))
    let v3 = router.group("v3").add(middleware: FaultMiddleware(injector: m.injector, replies: walmartFaultReplies))
        .add(middleware: WalmartHeadersMiddleware(marketplace: m))
    v3.post("token") { request, context in
        let body = try await SandboxRoute.body(request)
        return try await SandboxRoute.answer(await m.issueToken(authorization: request.headers[.authorization], body: body), context)
    }
    let api = v3.group().add(middleware: WalmartTokenMiddleware(marketplace: m))
    api.get("token/detail") { _, context in
        try await SandboxRoute.answer(
            .json(["is_valid": "true", "is_channel_match": "true", "scopes": "orders:full_access,returns:full_access"]), context)
    }
    api.get("orders") { request, context in
        try await SandboxRoute.answer(await m.listOrders(released: false, query: SandboxRoute.query(request)), context)
    }
    api.get("orders/released") { request, context in
        try await SandboxRoute.answer(await m.listOrders(released: true, query: SandboxRoute.query(request)), context)
    }
    api.get("orders/:po") { _, context in
        try await SandboxRoute.answer(await m.getOrder(try SandboxRoute.parameter("po", context)), context)
    }
    api.post("orders/:po/acknowledge") { request, context in
        try await WalmartRoute.change(request, context, m) { po, _ in await m.acknowledge(po) }
    }
    api.post("orders/:po/cancel") { request, context in
        try await WalmartRoute.change(request, context, m) { po, body in await m.cancel(po, body) }
    }
    api.post("orders/:po/shipping") { request, context in
        try await WalmartRoute.change(request, context, m) { po, body in await m.ship(po, body) }
    }
    api.post("orders/:po/refund") { request, context in
        try await WalmartRoute.change(request, context, m) { po, body in await m.refund(po, body) }
    }
    api.get("returns") { request, context in
        try await SandboxRoute.answer(await m.listReturns(query: SandboxRoute.query(request)), context)
    }
    api.post("returns/:po/refund") { request, context in
        try await WalmartRoute.change(request, context, m) { id, body in await m.refundReturn(id, body) }
    }
    WalmartSandboxAdminRoutes.add(to: router.group("sandbox"), marketplace: m)
    return router
}

/// How Walmart's API words injected faults.
let walmartFaultReplies = FaultReplies(
    throttled: { retryAfter in
        WalmartReplies.errors(
            429, code: "RATE_LIMIT_EXCEEDED.GMP_ORDER_API", description: "Too many requests.", info: "Rate limit exceeded (sandbox throttle).",
            category: "REQUEST", headers: [("Retry-After", String(retryAfter))])
    },
    failed: {
        WalmartReplies.errors(
            500, code: "INTERNAL_SERVER_ERROR.GMP_ORDER_API", description: "Internal server error.", info: "Sandbox fault.", category: "SYSTEM")
    },
    tooMany: {
        WalmartReplies.errors(
            429, code: "REQUEST_THRESHOLD_VIOLATED.GMP_ORDER_API", description: "Too many requests at once.", info: "Sandbox limit.",
            category: "REQUEST")
    },
    malformableKeys: ["\"orderLines\":", "\"orderLine\":", "\"returnOrderLines\":", "\"elements\":"],
    keepsReply: { $0.uri.path.hasSuffix("/token") })

/// Walmart's calls that change something.
enum WalmartRoute {
    /// Applied, written in the ledger, answered. `po` is the path's id (a purchase order, or a return).
    static func change(
        _ request: Request, _ context: SandboxRequestContext, _ m: WalmartSandbox, _ apply: @Sendable (String, Data) async -> SandboxReply
    ) async throws -> Response {
        let body = try await SandboxRoute.body(request)
        let id = try SandboxRoute.parameter("po", context)
        let reply = await apply(id, body)
        await m.record(request.method.rawValue, request.uri.path, body, reply)
        return try await SandboxRoute.answer(reply, context)
    }
}

/// A path that is no route: Walmart's `URI_NOT_FOUND`, with where the API is.
struct WalmartErrorsMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound || e.status == .methodNotAllowed {
            let path = request.uri.path
            let hint = path.hasPrefix("/v3") ? "" : " (this is a Walmart sandbox: the API is under /v3, e.g. POST /v3/token)"
            return WalmartReplies.gateway(404, code: "URI_NOT_FOUND.GMP_GATEWAY_API", description: "No route \(request.method.rawValue) \(path)\(hint)")
                .response
        }
    }
}

/// Walmart's required headers on every call: `WM_SVC.NAME`, `WM_QOS.CORRELATION_ID` (echoed back), an
/// `Accept` that JSON satisfies; then the published limits, when enforced.
struct WalmartHeadersMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let marketplace: WalmartSandbox

    static let serviceName = HTTPField.Name("WM_SVC.NAME")!
    static let correlation = HTTPField.Name("WM_QOS.CORRELATION_ID")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let service = request.headers[Self.serviceName], !service.isEmpty else {
            return WalmartReplies.gateway(
                400, code: "INVALID_REQUEST_HEADER.GMP_GATEWAY_API", field: "WM_SVC.NAME", description: "WM_SVC.NAME set null or invalid."
            ).response
        }
        guard let correlation = request.headers[Self.correlation], !correlation.isEmpty else {
            return WalmartReplies.gateway(
                400, code: "MISSING_REQUEST_HEADER.GMP_GATEWAY_API", field: "WM_QOS.CORRELATION_ID",
                description: "WM_QOS.CORRELATION_ID set null or invalid."
            ).response
        }
        if let accept = request.headers[.accept]?.lowercased(), !accept.contains("json"), !accept.contains("*/*") {
            return WalmartReplies.errors(406, code: "INVALID_ACCEPT_TYPE.GMP_ORDER_API", description: "Only supported Media Type: application/json")
                .response
        }
        let (left, wait) = await marketplace.takeAllowance(method: request.method.rawValue, path: request.uri.path)
        if let wait {
            let seconds = Int(wait.rounded(.up))
            let at = Int64((Date().timeIntervalSince1970 + wait) * 1000)
            var r = WalmartReplies.errors(
                429, code: "REQUEST_THRESHOLD_VIOLATED.GMP_ORDER_API", description: "Too many requests.",
                info: "Walmart's limit for this call is reached; retry after \(seconds) s.", category: "REQUEST")
            r.headers += [("Retry-After", String(max(1, seconds))), ("x-current-token-count", "0"), ("x-next-replenishment-time", String(at))]
            var response = r.response
            response.headers[Self.correlation] = correlation
            return response
        }
        var response = try await next(request, context)
        response.headers[Self.correlation] = correlation
        if let left, let name = HTTPField.Name("x-current-token-count") { response.headers[name] = String(left) }
        return response
    }
}

/// A live token in `WM_SEC.ACCESS_TOKEN` on every call but the token call itself.
struct WalmartTokenMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let marketplace: WalmartSandbox
    static let token = HTTPField.Name("WM_SEC.ACCESS_TOKEN")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard await marketplace.tokenIsLive(request.headers[Self.token]) else {
            return WalmartReplies.errors(
                401, code: "UNAUTHORIZED.GMP_ORDER_API", description: "Unauthorized request.", info: "Authentication failed. Verify your credentials.",
                category: "APPLICATION"
            ).response
        }
        return try await next(request, context)
    }
}

/// Test and training routes outside `/v3`: `/sandbox/...`. Not part of Walmart's API.
enum WalmartSandboxAdminRoutes {
    static func add(to admin: RouterGroup<SandboxRequestContext>, marketplace m: WalmartSandbox) {
        @Sendable func missing(_ what: String) -> SandboxReply { WalmartReplies.notFound("Give an existing \(what)") }
        admin.get("ledger") { _, context in try await SandboxRoute.answer(.json(["entries": await m.ledger()]), context) }
        admin.get("state") { _, context in try await SandboxRoute.answer(.json(await m.summary()), context) }
        admin.post("reset") { _, context in
            await m.reset()
            return try await SandboxRoute.answer(.json(await m.summary()), context)
        }
        admin.post("advance") { request, context in
            let object = try await SandboxRoute.object(request)
            let seconds = (object["seconds"] as? Double) ?? (object["seconds"] as? Int).map(Double.init) ?? 0
            let t = await m.advance(by: seconds)
            return try await SandboxRoute.answer(.json(["now": WalmartTime.formatISO(t)]), context)
        }
        admin.post("orders") { request, context in
            let body = try await SandboxRoute.body(request)
            let object = try await SandboxRoute.object(request, body)
            if object["purchaseOrderId"] != nil || object["order"] != nil {
                guard let o = try? JSONDecoder().decode(WalmartOrderEnvelope.self, from: body).order else {  // Refused below.
                    return try await SandboxRoute.answer(WalmartReplies.invalid("The body is not a Walmart purchase order"), context)
                }
                await m.inject(order: o)
                return try await SandboxRoute.answer(.json(["ids": [o.purchaseOrderId]], status: 201), context)
            }
            let count = (object["count"] as? Int) ?? 1
            return try await SandboxRoute.answer(.json(["ids": await m.generateOrders(count: count)], status: 201), context)
        }
        admin.post("returns") { request, context in
            let body = try await SandboxRoute.body(request)
            let object = try await SandboxRoute.object(request, body)
            if object["returnOrderId"] != nil {
                guard let r = try? JSONDecoder().decode(WalmartReturnOrder.self, from: body) else {  // Refused below.
                    return try await SandboxRoute.answer(WalmartReplies.invalid("The body is not a Walmart return order"), context)
                }
                await m.inject(return: r)
                return try await SandboxRoute.answer(.json(["returnOrderId": r.returnOrderId], status: 201), context)
            }
            guard let po = object["purchaseOrderId"] as? String, let id = await m.openReturn(purchaseOrderID: po) else {
                return try await SandboxRoute.answer(missing("purchaseOrderId of a shipped order"), context)
            }
            return try await SandboxRoute.answer(.json(["returnOrderId": id], status: 201), context)
        }
        admin.post("intent-to-cancel") { request, context in
            let object = try await SandboxRoute.object(request)
            guard let po = object["purchaseOrderId"] as? String, await m.intendToCancel(purchaseOrderID: po, line: object["lineNumber"] as? String) else {
                return try await SandboxRoute.answer(missing("purchaseOrderId with lines not shipped"), context)
            }
            return try await SandboxRoute.answer(.noContent, context)
        }
        admin.post("deliver") { request, context in
            let object = try await SandboxRoute.object(request)
            guard let po = object["purchaseOrderId"] as? String, await m.deliverNow(purchaseOrderID: po) else {
                return try await SandboxRoute.answer(missing("purchaseOrderId with shipped lines"), context)
            }
            return try await SandboxRoute.answer(.noContent, context)
        }
        admin.post("walmart-refund") { request, context in
            let object = try await SandboxRoute.object(request)
            guard let id = object["returnOrderId"] as? String, await m.refundByWalmart(returnOrderID: id) else {
                return try await SandboxRoute.answer(missing("returnOrderId"), context)
            }
            return try await SandboxRoute.answer(.noContent, context)
        }
        admin.post("faults") { request, context in
            switch await m.faults.updated(with: try await SandboxRoute.object(request)) {
            case .success(let f):
                await m.setFaults(f)
                return try await SandboxRoute.answer(.json(f), context)
            case .failure(let e):
                return try await SandboxRoute.answer(WalmartReplies.invalid(e.message), context)
            }
        }
        admin.post("expire-tokens") { _, context in
            await m.expireTokens()
            return try await SandboxRoute.answer(.noContent, context)
        }
    }
}

/// A running Walmart sandbox: its marketplace, its address, and how to stop it.
public typealias WalmartSandboxServer = RunningSandbox<WalmartSandbox>

extension RunningSandbox where Marketplace == WalmartSandbox {
    /// The API's base (without `/v3`): `http://127.0.0.1:PORT`, or `http+unix://…` on a Unix socket.
    public var baseURL: String { origin }

    public static func start(_ configuration: WalmartSandboxConfiguration) async throws -> WalmartSandboxServer {
        let marketplace = try WalmartSandbox(configuration: configuration)
        return try await WalmartSandboxServer(
            marketplace: marketplace, router: buildWalmartSandboxRouter(marketplace: marketplace), settings: configuration.listen)
    }
}
