import Foundation
import JetWords
import JetAPI

/// Test and training routes outside `/api`: `/sandbox/...`. Not part of Jet's protocol.
extension SandboxMarketplace {
    public func handleAdmin(method: String, segments: [String], body: Data) -> SandboxReply {
        evolve()
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        switch (method, segments.first ?? "") {
        case ("GET", "ledger"):
            return .json(["entries": state.ledger])
        case ("GET", "state"):
            return .json(summary())
        case ("POST", "reset"):
            reset()
            return .json(summary())
        case ("POST", "advance"):
            let seconds = (object["seconds"] as? Double) ?? (object["seconds"] as? Int).map(Double.init) ?? 0
            let t = advance(by: seconds)
            return .json(["now": JetDate.format(t, style: .seconds)])
        case ("POST", "orders"):
            if object["merchant_order_id"] != nil {
                guard let o = try? JSONDecoder().decode(JetOrder.self, from: body) else {
                    return .errors(400, "The body is not a Jet order")
                }
                inject(order: o)
                return .json(["ids": [o.merchantOrderID]], status: 201)
            }
            let count = (object["count"] as? Int) ?? 1
            let status = JetOrderStatus(rawValue: (object["status"] as? String) ?? "ready")
            return .json(["ids": generateOrders(count: count, status: status)], status: 201)
        case ("POST", "returns"):
            if object["merchant_return_authorization_id"] != nil {
                guard let r = try? JSONDecoder().decode(JetReturn.self, from: body) else { return .errors(400, "The body is not a Jet return") }
                inject(return: r)
                return .json(["id": r.merchantReturnAuthorizationID], status: 201)
            }
            guard let order = object["merchant_order_id"] as? String, let id = openReturn(orderID: order) else {
                return .errors(404, "Give an existing merchant_order_id")
            }
            return .json(["id": id], status: 201)
        case ("POST", "directed-cancel"):
            guard let order = object["merchant_order_id"] as? String,
                  requestDirectedCancel(orderID: order, units: object["units"] as? Int) else {
                return .errors(404, "Give an existing merchant_order_id")
            }
            return .noContent
        case ("POST", "faults"):
            var f = faults
            if let v = object["fail_rate"] as? Double { f.failRate = v }
            if let v = object["throttle_rate"] as? Double { f.throttleRate = v }
            if let v = object["malformed_rate"] as? Double { f.malformedRate = v }
            if let v = object["latency_ms"] as? Double { f.latencyMillis = v }
            if let v = object["retry_after"] as? Int { f.retryAfter = v }
            setFaults(f)
            return .json(f)
        case ("POST", "expire-tokens"):
            expireTokens()
            return .noContent
        default:
            return .errors(404, "Sandbox admin routes: GET /sandbox/ledger, GET /sandbox/state, POST /sandbox/reset, "
                + "/sandbox/advance, /sandbox/orders, /sandbox/returns, /sandbox/directed-cancel, /sandbox/faults, /sandbox/expire-tokens")
        }
    }
}
