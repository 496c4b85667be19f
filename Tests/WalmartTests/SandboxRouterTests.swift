import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SandboxKit
import Testing
import WalmartSandbox
import WalmartWire

/// The Walmart sandbox's routes in memory (Hummingbird's router test client, no socket), driven with the request
/// examples of Walmart's own OpenAPI documents and answering in the shape of their response examples.
@Suite struct SandboxRouterTests {
    /// A sandbox whose clock stands still at `clock` (epoch milliseconds: the examples' own moments).
    static func sandbox(
        at clock: Int64 = 1_795_856_400_000, _ adjust: (inout WalmartSandboxConfiguration) -> Void = { _ in }
    ) -> (WalmartSandbox, some ApplicationProtocol) {
        var c = WalmartSandboxConfiguration()
        c.seed = 7
        c.orders = 5
        c.returns = 0
        c.arrivalRate = 0
        c.returnRate = 0
        c.intentToCancelRate = 0
        c.frozenClock = Date(timeIntervalSince1970: Double(clock) / 1000)
        c.clientID = "client"
        c.clientSecret = "secret"
        adjust(&c)
        let m = try! WalmartSandbox(configuration: c)  // No state file: nothing to read.
        return (m, buildSandboxApplication(router: buildWalmartSandboxRouter(marketplace: m), settings: c.listen))
    }

    static let basic = "Basic " + Data("client:secret".utf8).base64EncodedString()

    /// Walmart's required headers, and a token when one is given.
    static func headers(_ token: String? = nil, correlation: String = UUID().uuidString) -> HTTPFields {
        var h: HTTPFields = [.accept: "application/json", .contentType: "application/json"]
        h[HTTPField.Name("WM_SVC.NAME")!] = "Walmart Marketplace"
        h[HTTPField.Name("WM_QOS.CORRELATION_ID")!] = correlation
        if let token { h[HTTPField.Name("WM_SEC.ACCESS_TOKEN")!] = token }
        return h
    }

    static func token(_ client: some TestClientProtocol) async throws -> String {
        var h = headers()
        h[.authorization] = basic
        h[.contentType] = "application/x-www-form-urlencoded"
        return try await client.execute(uri: "/v3/token", method: .post, headers: h, body: ByteBuffer(string: "grant_type=client_credentials")) { r in
            #expect(r.status == .ok)
            return try JSONDecoder().decode(WalmartToken.self, from: Data(r.body.readableBytesView)).accessToken
        }
    }

    static func fixture(_ name: String) throws -> Data { try DocumentExamplesTests.fixture(name) }
    static func object(_ data: Data) throws -> [String: Any] { try #require(JSONSerialization.jsonObject(with: data) as? [String: Any]) }
    static func object(_ buffer: ByteBuffer) throws -> [String: Any] { try object(Data(buffer.readableBytesView)) }

    /// A fixture's order (unwrapped), with `change` applied to its JSON, injected through the admin route.
    static func inject(_ name: String, _ client: some TestClientProtocol, _ change: (inout [String: Any]) -> Void = { _ in }) async throws {
        var order = try object(fixture(name))
        if let wrapped = order["order"] as? [String: Any] { order = wrapped }
        change(&order)
        let body = try JSONSerialization.data(withJSONObject: order)
        try await client.execute(uri: "/sandbox/orders", method: .post, body: ByteBuffer(bytes: body)) { r in
            #expect(r.status == .created, "\(String(buffer: r.body))")
        }
    }

    /// Sets every status of every line of an order's JSON to `status`.
    static func setStatus(_ status: String, of order: inout [String: Any]) {
        var lines = ((order["orderLines"] as? [String: Any])?["orderLine"] as? [[String: Any]]) ?? []
        for i in lines.indices {
            var statuses = ((lines[i]["orderLineStatuses"] as? [String: Any])?["orderLineStatus"] as? [[String: Any]]) ?? []
            for j in statuses.indices {
                statuses[j]["status"] = status
                statuses[j]["trackingInfo"] = nil
            }
            lines[i]["orderLineStatuses"] = ["orderLineStatus": statuses]
        }
        order["orderLines"] = ["orderLine": lines]
    }

    /// Every key path of a JSON value (array elements share one path), to compare shapes.
    static func keyPaths(_ value: Any, _ prefix: String = "") -> Set<String> {
        if let o = value as? [String: Any] {
            return o.filter { !($0.value is NSNull) }.reduce(into: Set<String>()) { out, kv in
                let path = prefix.isEmpty ? kv.key : "\(prefix).\(kv.key)"
                out.insert(path)
                out.formUnion(keyPaths(kv.value, path))
            }
        }
        if let a = value as? [Any] { return a.reduce(into: Set<String>()) { $0.formUnion(keyPaths($1, prefix + "[]")) } }
        return []
    }

    /// Where two JSON values differ (keys with null values count as absent; numbers compare by value).
    static func differences(_ a: Any?, _ b: Any?, _ path: String = "") -> [String] {
        let a = a is NSNull ? nil : a
        let b = b is NSNull ? nil : b
        if let x = a as? [String: Any], let y = b as? [String: Any] {
            return Set(x.keys).union(y.keys).sorted().flatMap { differences(x[$0], y[$0], path.isEmpty ? $0 : "\(path).\($0)") }
        }
        if let x = a as? [Any], let y = b as? [Any] {
            guard x.count == y.count else { return ["\(path): \(x.count) elements, not \(y.count)"] }
            return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, "\(path)[\($0)]") }
        }
        switch (a, b) {
        case (nil, nil): return []
        case (let x as NSObject, let y as NSObject) where x == y: return []
        default: return ["\(path): \(a.map { "\($0)" } ?? "absent") ≠ \(b.map { "\($0)" } ?? "absent")"]
        }
    }

    /// Whether an answer has every key of the document's example (it may have more), but for keys under
    /// `unkept`: what the sandbox does not keep (an order manager never reads it).
    static func hasShape(of example: String, _ body: ByteBuffer, unkept: [String] = []) throws -> Bool {
        let missing = keyPaths(try object(fixture(example))).subtracting(keyPaths(try object(body)))
            .filter { path in !unkept.contains { path.hasPrefix($0) } }
        if !missing.isEmpty { Issue.record("keys of \(example) missing: \(missing.sorted())") }
        return missing.isEmpty
    }

    @Test func theTokenCallAnswersAsWalmartDocumentsIt() async throws {
        let (_, app) = Self.sandbox()
        try await app.test(.router) { client in
            var h = Self.headers()
            h[.authorization] = Self.basic
            try await client.execute(uri: "/v3/token", method: .post, headers: h, body: ByteBuffer(string: "grant_type=client_credentials")) { r in
                let answer = try Self.object(r.body)
                let example = try Self.object(Self.fixture("token.response"))
                #expect(r.status == .ok && Set(answer.keys) == ["access_token", "token_type", "expires_in"])
                #expect(Set(answer.keys).isSubset(of: Set(example.keys)), "the example's client_credentials answer's keys")
                #expect(answer["token_type"] as? String == "Bearer" && answer["expires_in"] as? Int == 900)
            }
            // No Basic header: 401 in the gateway's shape; a wrong secret: 400; another grant: 400.
            try await client.execute(uri: "/v3/token", method: .post, headers: Self.headers(), body: ByteBuffer(string: "grant_type=client_credentials")) {
                r in
                #expect(r.status == .unauthorized && String(buffer: r.body).contains(#""error":[{"#))
            }
            var wrong = Self.headers()
            wrong[.authorization] = "Basic " + Data("client:nope".utf8).base64EncodedString()
            try await client.execute(uri: "/v3/token", method: .post, headers: wrong, body: ByteBuffer(string: "grant_type=client_credentials")) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("INVALID_CLIENT"))
            }
            try await client.execute(uri: "/v3/token", method: .post, headers: h, body: ByteBuffer(string: "grant_type=password")) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("grant_type"))
            }
            let token = try await Self.token(client)
            try await client.execute(uri: "/v3/token/detail", method: .get, headers: Self.headers(token)) { r in
                #expect(r.status == .ok)
                let detail = try Self.object(r.body)
                #expect(detail["is_valid"] as? String == "true")
            }
        }
    }

    @Test func theRequiredHeadersAndTheTokenAreChecked() async throws {
        let (_, app) = Self.sandbox()
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            var noService = Self.headers(token)
            noService[HTTPField.Name("WM_SVC.NAME")!] = nil
            try await client.execute(uri: "/v3/orders", method: .get, headers: noService) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("WM_SVC.NAME"))
            }
            var noCorrelation = Self.headers(token)
            noCorrelation[HTTPField.Name("WM_QOS.CORRELATION_ID")!] = nil
            try await client.execute(uri: "/v3/orders", method: .get, headers: noCorrelation) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("WM_QOS.CORRELATION_ID"))
            }
            var xml = Self.headers(token)
            xml[.accept] = "application/xml"
            try await client.execute(uri: "/v3/orders", method: .get, headers: xml) { r in #expect(r.status == .notAcceptable) }
            try await client.execute(uri: "/v3/orders", method: .get, headers: Self.headers("eyJ.forged")) { r in
                #expect(r.status == .unauthorized && String(buffer: r.body).contains("UNAUTHORIZED.GMP_ORDER_API"))
            }
            try await client.execute(uri: "/v3/orders", method: .get, headers: Self.headers(token, correlation: "corr-42")) { r in
                #expect(r.status == .ok && r.headers[HTTPField.Name("WM_QOS.CORRELATION_ID")!] == "corr-42", "the correlation id is echoed")
            }
            try await client.execute(uri: "/api/orders/ready", method: .get, headers: Self.headers(token)) { r in
                #expect(r.status == .notFound && String(buffer: r.body).contains("the API is under /v3"))
            }
        }
    }

    @Test func acknowledgingTheDocumentsOrderAnswersTheDocumentsAcknowledgedOrder() async throws {
        // On the day of the example: the moment its line's status date says it was acknowledged.
        let (m, app) = Self.sandbox(at: 1_568_753_156_000)
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            try await Self.inject("order.response.2", client)
            try await client.execute(uri: "/v3/orders/1796277083022", method: .get, headers: Self.headers(token)) { r in
                // One order comes wrapped in {"order": …}, as the example does.
                let answer = try Self.object(r.body)
                #expect(r.status == .ok && answer.keys.sorted() == ["order"])
                let example = try Self.object(Self.fixture("order.response.2"))
                #expect(Self.differences(answer, example) == [], "served back as injected, to the field")
            }
            try await client.execute(uri: "/v3/orders/1796277083022/acknowledge", method: .post, headers: Self.headers(token)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                // The order as it was, its line now Acknowledged at this moment: exactly what the acknowledge
                // example shows for that line (the two examples differ elsewhere: order type, ship node, refund).
                let answer = try Self.object(r.body)
                var expected = try Self.object(Self.fixture("order.response.2"))
                let acknowledged = try Self.object(Self.fixture("acknowledge.response"))
                func line(_ o: [String: Any]) -> [String: Any] {
                    (((o["order"] as? [String: Any])?["orderLines"] as? [String: Any])?["orderLine"] as? [[String: Any]])?.first ?? [:]
                }
                var l = line(expected)
                l["orderLineStatuses"] = line(acknowledged)["orderLineStatuses"]
                l["statusDate"] = line(acknowledged)["statusDate"]
                var order = expected["order"] as? [String: Any] ?? [:]
                order["orderLines"] = ["orderLine": [l]]
                expected["order"] = order
                #expect(Self.differences(answer, expected) == [], "the sandbox's answer, to the field")
                #expect(Self.differences(line(answer)["orderLineStatuses"], line(acknowledged)["orderLineStatuses"]) == [])
            }
            #expect(await m.ledger().map(\.path) == ["/v3/orders/1796277083022/acknowledge"])
            try await client.execute(uri: "/v3/orders/1796277083022/acknowledge", method: .post, headers: Self.headers(token)) { r in
                #expect(r.status == .ok, "acknowledging again changes nothing and is no error")
            }
            try await client.execute(uri: "/v3/orders/9999999999999", method: .get, headers: Self.headers(token)) { r in
                #expect(r.status == .notFound && String(buffer: r.body).contains(#""errors":"#))
            }
        }
    }

    @Test func theDocumentsShipRequestShipsBothLinesWithTheirCarriers() async throws {
        let (m, app) = Self.sandbox(at: 1_478_297_929_000)  // The example's status date, before its ship-by date.
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            try await Self.inject("ship.response", client) { order in
                var lines = ((order["orderLines"] as? [String: Any])?["orderLine"] as? [[String: Any]]) ?? []
                var second = lines[0]
                second["lineNumber"] = "2"
                lines.append(second)
                order["orderLines"] = ["orderLine": lines]
                Self.setStatus("Acknowledged", of: &order)
            }
            try await client.execute(
                uri: "/v3/orders/1234567891234/shipping", method: .post, headers: Self.headers(token), body: ByteBuffer(bytes: try Self.fixture("ship.request"))
            ) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let answer = try Self.object(r.body)
                let shaped = try Self.hasShape(of: "ship.response", r.body)
                #expect(shaped)
                _ = answer
                let o = try JSONDecoder().decode(WalmartOrderEnvelope.self, from: Data(r.body.readableBytesView)).order
                let carriers = o.lines.flatMap(\.statuses).compactMap { $0.trackingInfo?.carrierName?.carrier }
                #expect(carriers.sorted() == ["FedEx", "UPS"] && o.lines.allSatisfy { $0.units(in: "Shipped") == 1 })
            }
            #expect(await m.order("1234567891234")?.lines.map { $0.units(in: "Shipped") } == [1, 1])
        }
    }

    @Test func theDocumentsCancelRequestCancelsTheLineWithItsReason() async throws {
        let (m, app) = Self.sandbox(at: 1_476_390_000_000)  // The example's order day, before its ship-by date.
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            try await Self.inject("cancel.response", client) { Self.setStatus("Created", of: &$0) }
            try await client.execute(
                uri: "/v3/orders/1577914061094/cancel", method: .post, headers: Self.headers(token), body: ByteBuffer(bytes: try Self.fixture("cancel.request"))
            ) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let shaped = try Self.hasShape(of: "cancel.response", r.body)
                #expect(shaped)
            }
            let line = try #require(await m.order("1577914061094")?.lines.first)
            #expect(line.units(in: "Cancelled") == 1 && line.statuses.first?.cancellationReason == "CUSTOMER_REQUESTED_SELLER_TO_CANCEL")
            // Cancelled units cannot be cancelled again: Walmart's error shape, nothing changed.
            try await client.execute(
                uri: "/v3/orders/1577914061094/cancel", method: .post, headers: Self.headers(token), body: ByteBuffer(bytes: try Self.fixture("cancel.request"))
            ) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains(#""errors":"#))
            }
        }
    }

    @Test func theDocumentsRefundRequestRefundsTheShippedLine() async throws {
        let (m, app) = Self.sandbox(at: 1_476_469_000_000)
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            try await Self.inject("refund-order.response", client) { order in
                order["purchaseOrderId"] = "2577453162650"
                var lines = ((order["orderLines"] as? [String: Any])?["orderLine"] as? [[String: Any]]) ?? []
                lines[0]["lineNumber"] = "4"
                lines[0]["refund"] = nil
                order["orderLines"] = ["orderLine": lines]
            }
            try await client.execute(
                uri: "/v3/orders/2577453162650/refund", method: .post, headers: Self.headers(token),
                body: ByteBuffer(bytes: try Self.fixture("refund-order.request"))
            ) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let shaped = try Self.hasShape(of: "refund-order.response", r.body)
                #expect(shaped)
            }
            let refund = try #require(await m.order("2577453162650")?.lines.first?.refund)
            #expect(refund.refundComments == "test test" && refund.charges.first?.charge?.chargeAmount?.amount == -0.1)
            // More than was charged is refused.
            var tooMuch = try String(decoding: Self.fixture("refund-order.request"), as: UTF8.self)
            tooMuch = tooMuch.replacingOccurrences(
                of: "\"amount\": -0.1\n            },\n            \"tax\"", with: "\"amount\": -500\n            },\n            \"tax\"")
            #expect(tooMuch.contains("-500"))
            try await client.execute(uri: "/v3/orders/2577453162650/refund", method: .post, headers: Self.headers(token), body: ByteBuffer(string: tooMuch)) {
                r in
                #expect(r.status == .badRequest, "\(String(buffer: r.body))")
            }
        }
    }

    @Test func theDocumentsReturnRefundAnswersTheDocumentsResponse() async throws {
        let (m, app) = Self.sandbox()
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            var r = try #require((try Self.object(Self.fixture("returns.response"))["returnOrders"] as? [[String: Any]])?.first)
            r["returnOrderId"] = "106152711271982880"
            r["customerOrderId"] = "1535274411287"
            var lines = r["returnOrderLines"] as? [[String: Any]] ?? []
            lines[0]["refundedQty"] = nil
            r["returnOrderLines"] = lines
            try await client.execute(uri: "/sandbox/returns", method: .post, body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: r))) { a in
                #expect(a.status == .created, "\(String(buffer: a.body))")
            }
            try await client.execute(
                uri: "/v3/returns/106152711271982880/refund", method: .post, headers: Self.headers(token),
                body: ByteBuffer(bytes: try Self.fixture("refund-return.request"))
            ) { a in
                #expect(a.status == .ok, "\(String(buffer: a.body))")
                let answer = try Self.object(a.body)
                let example = try Self.object(Self.fixture("refund-return.response"))
                #expect(NSDictionary(dictionary: answer) == NSDictionary(dictionary: example))
            }
            #expect(await m.returnOrder("106152711271982880")?.returnOrderLines.first?.refundedQty == 2)
            try await client.execute(uri: "/v3/returns?returnOrderId=106152711271982880", method: .get, headers: Self.headers(token)) { a in
                #expect(a.status == .ok)
                // A single page has no cursor; return labels, channels and exception flags are Walmart's, not kept here.
                let shaped = try Self.hasShape(
                    of: "returns.response", a.body,
                    unkept: [
                        "meta.nextCursor", "returnOrders[].replacementCustomerOrderId", "returnOrders[].returnChannel", "returnOrders[].returnLineGroups",
                        "returnOrders[].returnType", "returnOrders[].returnOrderLines[].charges[].excessCharge",
                        "returnOrders[].returnOrderLines[].charges[].references", "returnOrders[].returnOrderLines[].charges[].tax[].excessTax",
                        "returnOrders[].returnOrderLines[].currentDeliveryStatus", "returnOrders[].returnOrderLines[].exceptionItemType",
                        "returnOrders[].returnOrderLines[].isFastReplacement", "returnOrders[].returnOrderLines[].isKeepIt",
                        "returnOrders[].returnOrderLines[].isReturnForException", "returnOrders[].returnOrderLines[].item.itemWeight",
                        "returnOrders[].returnOrderLines[].itemReturnSettings", "returnOrders[].returnOrderLines[].lastItem",
                        "returnOrders[].returnOrderLines[].rechargeReason", "returnOrders[].returnOrderLines[].rechargeableQty",
                        "returnOrders[].returnOrderLines[].refundChannels", "returnOrders[].returnOrderLines[].returnCancellationReason",
                        "returnOrders[].returnOrderLines[].returnExpectedFlag", "returnOrders[].returnOrderLines[].returnTrackingDetail[].references",
                    ])
                #expect(shaped)
            }
        }
    }

    @Test func listsAnswer404WhenEmptyAndPageByCursor() async throws {
        let (m, app) = Self.sandbox { $0.orders = 0 }
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            try await client.execute(uri: "/v3/orders/released", method: .get, headers: Self.headers(token)) { r in
                #expect(r.status == .notFound && String(buffer: r.body).contains("CONTENT_NOT_FOUND.GMP_ORDER_API"))
            }
            let made = await m.generateOrders(count: 450)
            var seen: [String] = []
            var cursor: String? = nil
            var pages = 0
            repeat {
                let uri = cursor.map { "/v3/orders/released\($0)" } ?? "/v3/orders/released?limit=200"
                cursor = try await client.execute(uri: uri, method: .get, headers: Self.headers(token)) { r in
                    #expect(r.status == .ok)
                    let list = try JSONDecoder().decode(WalmartOrderList.self, from: Data(r.body.readableBytesView))
                    seen += list.orders.compactMap { if case .read(let o) = $0 { o.purchaseOrderId } else { nil } }
                    #expect(list.meta?.totalCount == 450)
                    return list.meta?.nextCursor
                }
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3 && seen == made, "450 orders in pages of 200: 3 pages, each order once, in order")
            // Walmart's clients also send the cursor as a nextCursor parameter.
            let second = try await client.execute(uri: "/v3/orders/released?limit=200", method: .get, headers: Self.headers(token)) { r in
                try JSONDecoder().decode(WalmartOrderList.self, from: Data(r.body.readableBytesView)).meta?.nextCursor
            }
            let escaped = try #require(second?.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            try await client.execute(uri: "/v3/orders/released?nextCursor=\(escaped)", method: .get, headers: Self.headers(token)) { r in
                let list = try JSONDecoder().decode(WalmartOrderList.self, from: Data(r.body.readableBytesView))
                #expect(list.orders.count == 200 && list.orders.first.flatMap { if case .read(let o) = $0 { o.purchaseOrderId } else { nil } } == made[200])
            }
            try await client.execute(uri: "/v3/orders?limit=500", method: .get, headers: Self.headers(token)) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("limit"))
            }
        }
    }

    @Test func beyondWalmartsLimitsCallsAre429WithWhenToComeBack() async throws {
        // 60 calls replenished over an hour instead of a minute: however slowly this machine runs the 61 calls,
        // no allowance comes back meanwhile, so the counts are exact.
        let (m, app) = Self.sandbox {
            $0.rateLimits = true
            $0.rateWindow = 3600
        }
        try await app.test(.router) { client in
            let token = try await Self.token(client)
            let ids = await m.allOrderIDs()
            var statuses: [Int] = []
            for i in 0..<61 {
                try await client.execute(uri: "/v3/orders/\(ids[i % ids.count])/acknowledge", method: .post, headers: Self.headers(token)) { r in
                    statuses.append(r.status.code)
                    if r.status == .ok {
                        #expect(r.headers[HTTPField.Name("x-current-token-count")!] == String(59 - i), "the calls left after this one")
                    } else {
                        #expect(r.status == .tooManyRequests && String(buffer: r.body).contains("REQUEST_THRESHOLD_VIOLATED"))
                        let retry = try #require(r.headers[.retryAfter].flatMap { Int($0) })
                        #expect((1...60).contains(retry), "within the minute one call comes back: \(retry)")
                        #expect(r.headers[HTTPField.Name("x-current-token-count")!] == "0")
                        let next = try #require(r.headers[HTTPField.Name("x-next-replenishment-time")!].flatMap { Int64($0) })
                        #expect(next > Int64(Date().timeIntervalSince1970 * 1000), "epoch milliseconds in the future")
                    }
                }
            }
            #expect(statuses.prefix(60).allSatisfy { $0 == 200 } && statuses.last == 429, "60 a minute, the 61st refused")
            // Other endpoints have their own allowance.
            try await client.execute(uri: "/v3/orders/\(ids[0])", method: .get, headers: Self.headers(token)) { r in #expect(r.status == .ok) }
            #expect(await m.rateLimited == 1)
        }
    }
}
