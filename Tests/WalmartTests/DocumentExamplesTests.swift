import Foundation
import OrderDesk
import Testing
import WalmartAPI
import WalmartWire

/// Every request and response example of Walmart's own OpenAPI documents (Orders, Returns, Authentication),
/// kept as fixtures: each response decodes and maps to the desk, each request decodes into our models and
/// encodes back to the same JSON.
@Suite struct DocumentExamplesTests {
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    static func json(_ data: Data) throws -> NSObject { try #require(JSONSerialization.jsonObject(with: data) as? NSObject) }

    @Test func theOrderListsDecodeEveryOrderWithItsCursor() throws {
        for name in ["orders.response", "released.response"] {
            let list = try JSONDecoder().decode(WalmartOrderList.self, from: Self.fixture(name))
            #expect(list.meta?.nextCursor?.hasPrefix("?limit=10&hasMoreElements=true") == true, "\(name)")
            #expect(list.orders.count >= 10, "\(name): \(list.orders.count)")
            for element in list.orders {
                guard case .read(let w) = element else {
                    Issue.record("\(name): an order could not be read: \(element)")
                    continue
                }
                let o = WalmartMapping.order(w)
                #expect(o.merchantOrderID == w.purchaseOrderId && !o.lines.isEmpty, "\(name) \(w.purchaseOrderId)")
                #expect(o.unusableValues == nil && o.unreadableDates == nil, "\(name) \(w.purchaseOrderId): \(o.unusableValues ?? [])")
                #expect(o.placedAt != nil && o.shipBy != nil, "epoch-millisecond dates are read")
            }
        }
        let first = try JSONDecoder().decode(WalmartOrderList.self, from: Self.fixture("orders.response")).orders[0]
        guard case .read(let w) = first else { return }
        #expect(w.purchaseOrderId == "1796277083022" && w.customerOrderId == "5281956426648")
        #expect(w.orderDate?.date == Date(timeIntervalSince1970: 1_568_466_571))
        #expect(w.lines[0].lineNumber == "4" && w.lines[0].quantity == 1 && w.lines[0].units(in: "Created") == 1)
        let o = WalmartMapping.order(w)
        #expect(o.status == .ready && o.lines[0].itemID == "4" && o.lines[0].price.principal == Cents(1000) && o.lines[0].price.tax == Cents(80))
    }

    @Test(arguments: ["order.response.1", "order.response.2", "acknowledge.response", "cancel.response", "ship.response", "refund-order.response"])
    func everySingleOrderAnswerDecodesWrapped(name: String) throws {
        let w = try JSONDecoder().decode(WalmartOrderEnvelope.self, from: Self.fixture(name)).order
        let o = WalmartMapping.order(w)
        #expect(!o.merchantOrderID.isEmpty && o.lines.count == w.lines.count)
        #expect(o.unusableValues == nil, "\(o.unusableValues ?? [])")
        // Round trip: what we would send back is Walmart's shape again.
        let again = try JSONDecoder().decode(WalmartOrderEnvelope.self, from: JSONEncoder().encode(WalmartOrderEnvelope(w))).order
        #expect(again == w)
    }

    @Test func whatEachChangeAnswerShowsMapsToTheDesk() throws {
        func order(_ name: String) throws -> Order {
            WalmartMapping.order(try JSONDecoder().decode(WalmartOrderEnvelope.self, from: Self.fixture(name)).order)
        }
        // Acknowledged lines: accepted, not new any more.
        let acked = try order("acknowledge.response")
        #expect(acked.acknowledgementStatus == .accepted && acked.status.isPastAcknowledgement)
        // Cancelled lines: cancelled units, their charges zero (as the example shows).
        let cancelled = try order("cancel.response")
        let units = cancelled.shipments.flatMap(\.items).reduce(0) { $0 + $1.cancelled }
        #expect(units >= 1 && cancelled.status == .complete)
        // Shipped lines: parcels by tracking number, with the carrier.
        let shipped = try order("ship.response")
        #expect(shipped.shipments.contains { $0.tracking != nil && $0.carrier != nil && $0.items.contains { $0.shipped > 0 } })
        // The unwrapped form the current schema declares reads the same.
        let wrapped = try JSONDecoder().decode(WalmartOrderEnvelope.self, from: Self.fixture("order.response.1")).order
        let bare = try JSONEncoder().encode(wrapped)
        #expect(try JSONDecoder().decode(WalmartOrderEnvelope.self, from: bare).order == wrapped)
    }

    @Test func theReturnsListDecodesAndMapsByPurchaseOrder() throws {
        let list = try JSONDecoder().decode(WalmartReturnList.self, from: Self.fixture("returns.response"))
        #expect(list.meta?.nextCursor == "?sellerId=151&limit=10&offset=10")
        guard case .read(let r)? = list.returnOrders.first else {
            Issue.record("the return could not be read")
            return
        }
        #expect(r.returnOrderId == "103738048909818825" && r.returnOrderDate?.date != nil, "ISO dates on returns")
        let line = try #require(r.returnOrderLines.first)
        #expect(line.purchaseOrderId == "4790210558890" && line.purchaseOrderLineNumber == 1 && line.units == 3 && line.refundedQty == 1)
        let request = WalmartMapping.returnRequest(r, purchaseOrderID: "4790210558890")
        #expect(request.id == r.returnOrderId && request.lines.count == 1 && request.lines[0].sku == "ANTL_GDL-0700")
        #expect(request.lines[0].requested.total == Cents(12745), "lineTotal: $119.95 and $7.50 tax")
    }

    @Test(arguments: ["ship.request", "cancel.request", "refund-order.request", "refund-return.request"])
    func everyRequestDecodesAndEncodesToTheSameJSON(name: String) throws {
        let data = try Self.fixture(name)
        let again: Data
        switch name {
        case "ship.request": again = try JSONEncoder().encode(try JSONDecoder().decode(WalmartShipmentRequest.self, from: data))
        case "cancel.request": again = try JSONEncoder().encode(try JSONDecoder().decode(WalmartCancellationRequest.self, from: data))
        case "refund-order.request": again = try JSONEncoder().encode(try JSONDecoder().decode(WalmartRefundRequest.self, from: data))
        default: again = try JSONEncoder().encode(try JSONDecoder().decode(WalmartReturnRefundRequest.self, from: data))
        }
        // Our models keep every field these requests use (the ship request's return-centre address included).
        #expect(try Self.json(again) == Self.json(data), "\(String(decoding: again, as: UTF8.self))")
    }

    @Test func theTokenAnswerAndTheErrorShapes() throws {
        let token = try JSONDecoder().decode(WalmartToken.self, from: Self.fixture("token.response"))
        #expect(token.tokenType == "Bearer" && token.expiresIn == 900 && token.accessToken.hasPrefix("eyJ"))
        let service = try JSONDecoder().decode(
            WalmartErrorBody.self,
            from: Data(
                #"{"errors":[{"code":"NOT_FOUND.GMP_ORDER_API","description":"Resource not found.","info":"The requested purchase order was not found.","severity":"ERROR","category":"DATA"}]}"#
                    .utf8))
        #expect(service.codes == ["NOT_FOUND.GMP_ORDER_API"] && service.text?.contains("purchase order was not found") == true)
        let gateway = try JSONDecoder().decode(
            WalmartErrorBody.self, from: Data(#"{"error":[{"code":"INVALID_TOKEN.GMP_GATEWAY_API","description":"Invalid token"}]}"#.utf8))
        #expect(gateway.codes == ["INVALID_TOKEN.GMP_GATEWAY_API"])
        let problem = try JSONDecoder().decode(WalmartErrorBody.self, from: Data(#"{"title":"Bad Request","detail":"limit too large"}"#.utf8))
        #expect(problem.text == "Bad Request: limit too large")
    }

    @Test func toleratedVariants() throws {
        // Quantities as numbers, dates as numeric strings or ISO strings, one line as an object, nulls anywhere,
        // an unknown status kept as text.
        let text = #"""
            {"purchaseOrderId":"1234567890123","customerOrderId":null,"orderDate":"1716505555151",
             "shippingInfo":{"phone":null,"estimatedShipDate":"2024-05-28T06:00:00Z","postalAddress":null},
             "orderLines":{"orderLine":{"lineNumber":2,"item":{"sku":"SKU-1","productName":null},"orderLineQuantity":{"amount":3},
               "orderLineStatuses":{"orderLineStatus":[{"status":"OnHold","statusQuantity":{"amount":"3"},"trackingInfo":null}]},
               "charges":null,"refund":null}}}
            """#
        let w = try JSONDecoder().decode(WalmartOrderEnvelope.self, from: Data(text.utf8)).order
        #expect(w.lines.count == 1 && w.lines[0].lineNumber == "2" && w.lines[0].quantity == 3)
        #expect(w.orderDate?.date == Date(timeIntervalSince1970: 1_716_505_555.151))
        let o = WalmartMapping.order(w)
        #expect(o.shipBy == WalmartTime.parseISO("2024-05-28T06:00:00Z") && o.status == .acknowledged, "an unknown line status counts as open")
    }
}
