import Foundation
import Hummingbird
import JetWire
import SandboxKit

/// Test and training routes outside `/api`: `/sandbox/...`. Not part of Jet's protocol.
enum SandboxAdminRoutes {
    static func add(to admin: RouterGroup<SandboxRequestContext>, marketplace m: SandboxMarketplace) {
        admin.get("ledger") { _, context in
            try await SandboxRoute.answer(.json(["entries": await m.ledger()]), context)
        }
        admin.get("state") { _, context in
            try await SandboxRoute.answer(.json(await m.summary()), context)
        }
        admin.post("reset") { _, context in
            await m.reset()
            return try await SandboxRoute.answer(.json(await m.summary()), context)
        }
        admin.post("advance") { request, context in
            let object = try await SandboxRoute.object(request)
            let seconds = (object["seconds"] as? Double) ?? (object["seconds"] as? Int).map(Double.init) ?? 0
            let t = await m.advance(by: seconds)
            return try await SandboxRoute.answer(.json(["now": JetDate.format(t, style: .seconds)]), context)
        }
        admin.post("orders") { request, context in
            let body = try await SandboxRoute.body(request)
            let object = try await SandboxRoute.object(request, body)
            if object["merchant_order_id"] != nil {
                guard let o = try? JSONDecoder().decode(JetOrder.self, from: body) else {  // Refused below.
                    return try await SandboxRoute.answer(.errors(400, "The body is not a Jet order"), context)
                }
                await m.inject(order: o)
                return try await SandboxRoute.answer(.json(["ids": [o.merchantOrderID]], status: 201), context)
            }
            let count = (object["count"] as? Int) ?? 1
            let status = JetOrderStatus(rawValue: (object["status"] as? String) ?? "ready")
            return try await SandboxRoute.answer(.json(["ids": await m.generateOrders(count: count, status: status)], status: 201), context)
        }
        admin.post("returns") { request, context in
            let body = try await SandboxRoute.body(request)
            let object = try await SandboxRoute.object(request, body)
            if object["merchant_return_authorization_id"] != nil {
                guard let r = try? JSONDecoder().decode(JetReturn.self, from: body) else {  // Refused below.
                    return try await SandboxRoute.answer(.errors(400, "The body is not a Jet return"), context)
                }
                await m.inject(return: r)
                return try await SandboxRoute.answer(.json(["id": r.merchantReturnAuthorizationID], status: 201), context)
            }
            guard let order = object["merchant_order_id"] as? String, let id = await m.openReturn(orderID: order) else {
                return try await SandboxRoute.answer(.errors(404, "Give an existing merchant_order_id"), context)
            }
            return try await SandboxRoute.answer(.json(["id": id], status: 201), context)
        }
        admin.post("directed-cancel") { request, context in
            let object = try await SandboxRoute.object(request)
            guard let order = object["merchant_order_id"] as? String,
                await m.requestDirectedCancel(orderID: order, units: object["units"] as? Int)
            else {
                return try await SandboxRoute.answer(.errors(404, "Give an existing merchant_order_id"), context)
            }
            return try await SandboxRoute.answer(.noContent, context)
        }
        admin.post("cancel") { request, context in
            let object = try await SandboxRoute.object(request)
            guard let order = object["merchant_order_id"] as? String, await m.cancelByJet(orderID: order) else {
                return try await SandboxRoute.answer(.errors(404, "Give an existing merchant_order_id"), context)
            }
            return try await SandboxRoute.answer(.noContent, context)
        }
        admin.post("close-return") { request, context in
            let object = try await SandboxRoute.object(request)
            guard let id = object["merchant_return_authorization_id"] as? String, await m.closeReturnByJet(id) else {
                return try await SandboxRoute.answer(.errors(404, "Give an existing merchant_return_authorization_id"), context)
            }
            return try await SandboxRoute.answer(.noContent, context)
        }
        admin.post("faults") { request, context in
            switch await m.faults.updated(with: try await SandboxRoute.object(request)) {
            case .success(let f):
                await m.setFaults(f)
                return try await SandboxRoute.answer(.json(f), context)
            case .failure(let e):
                return try await SandboxRoute.answer(.errors(400, e.message), context)
            }
        }
        admin.post("expire-tokens") { _, context in
            await m.expireTokens()
            return try await SandboxRoute.answer(.noContent, context)
        }
    }
}
