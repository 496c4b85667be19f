import Foundation
import JetAPI
import JetWire
import OrderDesk
import Testing

/// Every JSON example in the protocol document decodes, and each variant listed in its §9 has a case.
@Suite struct DocumentExamplesTests {
    func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    @Test func tokenRequestAndAnswer() throws {
        let req = try JSONDecoder().decode(JetTokenRequest.self, from: fixture("token-request"))
        #expect(req.user == "<API user>")
        let token = try JSONDecoder().decode(JetToken.self, from: fixture("token"))
        #expect(token.tokenType == "Bearer")
        #expect(token.expiresOn?.date == JetDate.parse("2017-06-02T05:44:12Z"))
    }

    @Test func errorBodiesInEachShape() throws {
        #expect(try JSONDecoder().decode(JetErrorBody.self, from: fixture("error-bad-credentials")).text == "Invalid user or password")
        #expect(try JSONDecoder().decode(JetErrorBody.self, from: fixture("error-errors")).text == "Order is not in a valid state for this operation")
        #expect(try JSONDecoder().decode(JetErrorBody.self, from: fixture("error-error")).text == "Something went wrong")
        #expect(try JSONDecoder().decode(JetErrorBody.self, from: fixture("error-401")).text == "Unauthorized. Access token is missing or invalid.")
    }

    @Test func orderURLLists() throws {
        let list = try JSONDecoder().decode(JetURLList.self, from: fixture("order-urls"))
        #expect(list.ids == ["2ab4c8b414124f0fa04072d615ec0610", "57e542a613fa42d8b6e8362dbd5911f5"])
        #expect(try JSONDecoder().decode(JetURLList.self, from: fixture("order-urls-empty")).ids.isEmpty)
        #expect(try JSONDecoder().decode(JetURLList.self, from: fixture("return-urls")).ids == ["5b0c9f0e2d6c4b0fa3c2f8c3e1a4d7b9"])
    }

    @Test func theExampleOrderDecodesWithEveryField() throws {
        let o = try JSONDecoder().decode(JetOrder.self, from: fixture("order-detail"))
        #expect(o.merchantOrderID == "2ab4c8b414124f0fa04072d615ec0610")
        #expect(o.status == .acknowledged)
        #expect(o.acknowledgementStatus == .accepted)
        #expect(o.jetRequestDirectedCancel == false)
        #expect(o.orderItems.count == 1)
        #expect(o.orderItems[0].itemPrice?.basePrice == 39.98)
        #expect(o.orderItems[0].orderItemAcknowledgementStatus == .fulfillable)
        #expect(o.orderTotals?.feeAdjustments?.first?.value == 5.99)
        // 7 fraction digits with Z, and with an offset.
        #expect(o.orderPlacedDate?.date == JetDate.parse("2017-03-14T15:02:11Z"))
        #expect(o.orderAcknowledgeDate?.date == Date(timeIntervalSince1970: 1_489_505_720.1234567))
        let mapped = JetMapping.order(o)
        #expect(mapped.referenceOrderID == "801234567890")
        #expect(mapped.lines[0].price.total == Cents(4278))
        #expect(mapped.address.line2 == "Apt 3")
        #expect(mapped.unreadableDates == nil)
    }

    @Test func requestsFromTheDocumentDecode() throws {
        let ack = try JSONDecoder().decode(JetAcknowledgeRequest.self, from: fixture("acknowledge-request"))
        #expect(ack.acknowledgementStatus == .accepted)
        #expect(ack.orderItems?.first?.altOrderItemID == "SO-10017-1")
        let ship = try JSONDecoder().decode(JetShipRequest.self, from: fixture("ship-request"))
        #expect(ship.shipments[0].shipmentItems[0].rmaNumber == "RMA-88812")
        #expect(ship.shipments[0].shipmentItems[0].returnLocation?.city == "Edison")
        #expect(ship.shipments[0].responseShipmentDate?.date != nil)
        let cancel = try JSONDecoder().decode(JetShipRequest.self, from: fixture("cancel-shipment"))
        #expect(cancel.shipments[0].shipmentItems[0].responseShipmentCancelQty == 2)
        #expect(cancel.shipments[0].shipmentTrackingNumber == nil)
        let complete = try JSONDecoder().decode(JetCompleteReturnRequest.self, from: fixture("complete-return-request"))
        #expect(complete.returnChargeFeedback == .notMerchantError)
        #expect(complete.items[0].refundAmount?.principal == 15.00)
        let refund = try JSONDecoder().decode(JetRefundRequest.self, from: fixture("refund-request"))
        #expect(refund.items[0].refundFeedback == "Item damaged")
    }

    @Test func returnsAndRefundsFromTheDocumentDecode() throws {
        let sku = try JSONDecoder().decode(JetReturnSKU.self, from: fixture("return-sku"))
        #expect(sku.requestedRefundAmount?.principal == 19.99)
        let r = try JSONDecoder().decode(JetReturn.self, from: fixture("return-detail"))
        #expect(r.returnStatus == .created)
        #expect(r.returnLocation?.count == 1)
        #expect(JetMapping.returnRequest(r).requestedTotal.total == Cents(2139))
        let created = try JSONDecoder().decode(JetRefundCreated.self, from: fixture("refund-created"))
        #expect(created.refundStatus == .created)
        let state = try JSONDecoder().decode(JetRefund.self, from: fixture("refund-state"))
        #expect(state.refundStatus == .accepted)
        #expect(state.items?.first?.refundAmount?.shippingTax == 0.07)
    }

    // MARK: §9 variants

    @Test func directedCancelInBothSpellings() throws {
        for key in ["jet_request_directed_cancel", "jet_requested_directed_cancel"] {
            let json = #"{"merchant_order_id":"x","status":"acknowledged","order_items":[],"\#(key)":true}"#
            #expect(try JSONDecoder().decode(JetOrder.self, from: Data(json.utf8)).jetRequestDirectedCancel == true, "\(key)")
        }
    }

    @Test func shipmentMethodInBothSpellings() throws {
        for key in ["response_shipment_method", "response_shipping_method"] {
            let json = #"{"alt_shipment_id":"s","\#(key)":"UPS Ground","shipment_items":[{"merchant_sku":"A","response_shipment_sku_quantity":1}]}"#
            #expect(try JSONDecoder().decode(JetShipment.self, from: Data(json.utf8)).responseShipmentMethod == "UPS Ground", "\(key)")
        }
    }

    @Test func refundListUnderEitherKey() throws {
        #expect(try JSONDecoder().decode(JetURLList.self, from: fixture("refund-urls-ruby-mock")).ids == ["1289", "1290"])
        #expect(try JSONDecoder().decode(JetURLList.self, from: Data(#"{"refund_urls":["/refunds/state/77"]}"#.utf8)).ids == ["77"])
    }

    @Test func returnStatusesOfBothEras() throws {
        for s in ["created", "acknowledged", "inprogress", "refund customer without return", "completed by merchant"] {
            if case .unknown = JetReturnStatus(rawValue: s) { Issue.record("\(s) should be known") }
        }
        #expect(JetReturnStatus(rawValue: "Completed By Merchant") == .completedByMerchant)
    }

    @Test func unknownWordsAreKeptNotFailures() throws {
        let json =
            #"{"merchant_order_id":"x","status":"shipped-later","exception_state":"exception - new kind","acknowledgement_status":"rejected - moon phase","order_items":[{"order_item_id":"i","order_item_acknowledgement_status":"maybe"}]}"#
        let o = try JSONDecoder().decode(JetOrder.self, from: Data(json.utf8))
        #expect(o.status == .unknown("shipped-later"))
        #expect(o.exceptionState == .unknown("exception - new kind"))
        #expect(o.acknowledgementStatus == .unknown("rejected - moon phase"))
        #expect(o.orderItems[0].orderItemAcknowledgementStatus == .unknown("maybe"))
        #expect(o.acknowledgementStatus?.rawValue == "rejected - moon phase")
    }

    @Test func optionalFieldsMayBeMissingNullOrOfTheWrongType() throws {
        let json =
            #"{"merchant_order_id":12345,"status":"ready","buyer":null,"order_detail":"?","order_totals":{"item_price":{"base_price":"19.99","item_tax":null}},"order_items":[{"order_item_id":7,"request_order_quantity":"2"}]}"#
        let o = try JSONDecoder().decode(JetOrder.self, from: Data(json.utf8))
        #expect(o.merchantOrderID == "12345")
        #expect(o.buyer == nil)
        #expect(o.orderDetail == nil)
        #expect(o.orderTotals?.itemPrice?.basePrice == 19.99)
        #expect(o.orderItems[0].orderItemID == "7")
        #expect(o.orderItems[0].requestOrderQuantity == 2)
    }

    @Test func absurdNumbersAreHeldNotFatal() throws {
        let json =
            #"{"merchant_order_id":"x","status":"ready","order_placed_date":1e300,"order_items":[{"order_item_id":"a","request_order_quantity":9223372036854775807,"item_price":{"base_price":1e300,"item_tax":-1e308}},{"order_item_id":"b","request_order_quantity":9223372036854775807,"item_price":{"base_price":1e300}}]}"#
        let o = JetMapping.order(try JSONDecoder().decode(JetOrder.self, from: Data(json.utf8)))
        #expect(o.units == 2_000_000_000)
        #expect(o.totals.principal == Cents(200_000_000_000_000))
        #expect(o.placedAt == nil)
        #expect(Cents(dollars: .nan) == .zero && Cents(dollars: .infinity) == .zero)
    }

    @Test func requiredFieldsFailWithTheirName() throws {
        let json = #"{"status":"ready","order_items":[]}"#
        #expect {
            try JSONDecoder().decode(JetOrder.self, from: Data(json.utf8))
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "merchant_order_id"
        }
    }

    @Test(arguments: [
        ("2017-03-14T15:02:11Z", 1_489_503_731.0),
        ("2017-03-14T15:02:11.5Z", 1_489_503_731.5),
        ("2017-03-14T15:02:11.0000000Z", 1_489_503_731.0),
        ("2017-03-14T15:02:11.1234567+00:00", 1_489_503_731.1234567),
        ("2017-03-14T11:02:11.0000000-04:00", 1_489_503_731.0),
        ("2017-03-14T20:32:11+0530", 1_489_503_731.0),
        ("03/14/2017", 1_489_449_600.0),
        ("2017-03-14 15:02:11", 1_489_503_731.0),
    ])
    func datesInEveryForm(text: String, seconds: Double) throws {
        let d = try #require(JetDate.parse(text), "\(text)")
        #expect(abs(d.timeIntervalSince1970 - seconds) < 0.001, "\(text)")
    }

    @Test func aMalformedDateIsKeptAsItsText() throws {
        let json = #"{"merchant_order_id":"x","status":"ready","order_placed_date":"2014-07-26T:04:00.0000000Z","order_items":[]}"#
        let o = try JSONDecoder().decode(JetOrder.self, from: Data(json.utf8))
        #expect(o.orderPlacedDate?.date == nil)
        #expect(o.orderPlacedDate?.raw == "2014-07-26T:04:00.0000000Z")
        #expect(JetMapping.order(o).unreadableDates?["order_placed_date"] == "2014-07-26T:04:00.0000000Z")
    }

    @Test func datesWeSendHaveSevenFractionDigitsAndAnOffset() {
        let d = JetDate(Date(timeIntervalSince1970: 1_489_572_720.25))
        #expect(d.raw == "2017-03-15T10:12:00.2500000+00:00")
        #expect(JetDate.format(Date(timeIntervalSince1970: 1_496_382_252), style: .seconds) == "2017-06-02T05:44:12Z")
    }
}
