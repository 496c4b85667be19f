import Foundation
import JetWire
import OrderDesk
import Testing

/// The seller's whole day in the rules: returns accepted first, parcels, unit cancels, refunds of lines and
/// without a return, never more than was paid.
@Suite struct SellersDayTests {
    let c = Build.context

    func applied(_ a: OrderAction, to r: OrderRecord) -> OrderRecord { Build.appending(a, to: r) }

    @Test func acceptingAReturnWaitsForTheItemAndEndsTheAnswerDeadline() throws {
        let r = Build.record(.returnRequested)
        #expect(Deadline.next(for: OrderSummary(r), settings: Settings())?.kind == .answerReturn)
        let a = try Rules.accept(r, c)
        guard case .acceptReturn(let acc) = a.request else { Issue.record("\(a.request)"); return }
        #expect(acc.returnID == "ret-1" && a.kind == .accept)
        let accepted = applied(a, to: r)
        #expect(accepted.stage == .returnAccepted && accepted.stage.isActionable)
        #expect(Deadline.next(for: OrderSummary(accepted), settings: Settings()) == nil, "the deadline applies to the first answer")
        #expect(try Rules.refund(accepted, amount: nil, feedback: nil, c).kind == .refund)
        #expect(try Rules.deny(accepted, reason: .wrongItem, c).kind == .deny)
        #expect(throws: DeskError.self) { try Rules.accept(accepted, c) }
    }

    @Test func acceptOnANewOrderSaysToApprove() {
        #expect {
            _ = try Rules.accept(Build.record(.new), c)
        } throws: { ($0 as! DeskError).summary.contains("a new order is approved with `approve`") }
    }

    @Test func aParcelShipsSomeUnitsAndTheOrderWaitsForTheRest() throws {
        let r = Build.record(.approved)  // MUG-RED ×2, TEA-50 ×1
        let first = try Rules.ship(r, tracking: "1Z999AA10123456784", carrier: "UPS", method: nil, units: [UnitCount(sku: "MUG-RED", quantity: 1)], c)
        guard case .ship(let s) = first.request else { Issue.record("not a shipment"); return }
        #expect(s.items.map { "\($0.sku)×\($0.quantity)" } == ["MUG-RED×1"])
        var after = applied(first, to: r)
        #expect(after.stage == .approved && OrderProgress(after).openUnits == 2)
        var c2 = c
        c2.actionID = "a-000000000002"
        let cancel = try Rules.cancelUnits(after, [UnitCount(sku: "mug-red", quantity: 1)], reason: .jet(.noInventory), c2)
        guard case .ship(let cs) = cancel.request else { Issue.record("not a cancel"); return }
        #expect(cs.isCancelOnly && !cs.answersDirectedCancel && cs.items.first?.cancelQuantity == 1)
        after = applied(cancel, to: after)
        #expect(OrderStage.merchantCancelledUnits(after) == 1)
        #expect(OrderSummary(after).cancellation == .merchantUnits, "it counts in the cancellation rate")
        #expect {
            _ = try Rules.ship(after, tracking: "1Z999AA10123456784", carrier: "UPS", method: nil, units: [UnitCount(sku: "MUG-RED", quantity: 1)], c)
        } throws: { ($0 as! DeskError).summary == "order 801234567890 has 0 open units of MUG-RED; 1 cannot be shipped" }
        var c3 = c
        c3.actionID = "a-000000000003"
        after = applied(try Rules.ship(after, tracking: "1Z999AA10123456784", carrier: "UPS", method: nil, c3), to: after)
        #expect(after.stage == .shipped, "the last parcel ships what is left")
    }

    @Test func unitCancelsAreRefusedBeforeApprovalAndForUnknownSKUs() throws {
        #expect {
            _ = try Rules.cancelUnits(Build.record(.new), [UnitCount(sku: "MUG-RED", quantity: 1)], reason: .jet(CancelReason.noInventory), c)
        } throws: { ($0 as! DeskError).summary.contains("before approval the whole order is cancelled (without --units)") }
        #expect {
            _ = try Rules.cancelUnits(Build.record(.approved), [UnitCount(sku: "BOWL", quantity: 1)], reason: .jet(CancelReason.noInventory), c)
        } throws: { ($0 as! DeskError).summary == "order 801234567890 has no SKU BOWL" }
        #expect(throws: DeskError.self) { try UnitCount.parse("MUG-RED") }
        #expect(throws: DeskError.self) { try UnitCount.parse("MUG-RED:0") }
        #expect(try UnitCount.parse("MUG-RED:1, TEA-50:2,MUG-RED:1") == [UnitCount(sku: "MUG-RED", quantity: 2), UnitCount(sku: "TEA-50", quantity: 2)])
    }

    @Test func refundingSomeLinesOfAReturnNeedsAReasonForTheOthers() throws {
        let r = Build.record(.returnRequested)  // MUG-RED $21.39 and TEA-50 $10.00 requested
        #expect {
            _ = try Rules.refund(r, units: [UnitCount(sku: "MUG-RED", quantity: 1)], amount: nil, feedback: nil, c)
        } throws: { ($0 as! DeskError).summary.contains("refunding only some of what was returned") }
        let a = try Rules.refund(r, units: [UnitCount(sku: "MUG-RED", quantity: 1)], amount: nil, feedback: .wrongItem, c)
        guard case .completeReturn(let comp) = a.request else { Issue.record("\(a.request)"); return }
        #expect(comp.items.map(\.amount.total) == [Cents(2139), .zero])
        #expect(comp.items[1].feedback == "Wrong Item" && comp.items[0].feedback == nil)
    }

    @Test func disputingTheReturnCharge() throws {
        let a = try Rules.deny(Build.record(.returnRequested), reason: .outsideWindow, disputeCharge: .returnedOutsideWindow, c)
        guard case .completeReturn(let comp) = a.request else { Issue.record("\(a.request)"); return }
        #expect(!comp.agreeToReturnCharge && comp.returnChargeFeedback == .returnedOutsideWindow)
    }

    @Test func aRefundWithoutAReturnNeverGoesPastWhatWasPaid() throws {
        let shipped = Build.record(.shipped)  // paid: 2 × $21.39 + $21.39 = $64.17
        #expect(Refunds.charged(shipped) == Cents(6417))
        let a = try Rules.merchantRefund(shipped, amount: Cents(1000), reason: .jet(.priceAdjustment), c)
        guard case .merchantRefund(let m) = a.request else { Issue.record("\(a.request)"); return }
        #expect(m.total == Cents(1000) && m.altRefundID == c.actionID && m.reason == "price-adjustment" && m.reasonCode == "better price available")
        let after = applied(a, to: shipped)
        #expect(Refunds.refunded(after) == Cents(1000))
        #expect {
            _ = try Rules.merchantRefund(after, amount: Cents(6000), reason: .jet(.lostInTransit), c)
        } throws: { e in
            let e = e as! DeskError
            return e.summary == "refunding $60.00 on order 801234567890 would make $70.00 refunded of the $64.17 the customer paid"
                && e.remedy == "at most $54.17 is left to refund (`open 801234567890` lists the refunds)"
        }
        #expect {
            _ = try Rules.merchantRefund(Build.record(.new), amount: Cents(100), reason: .jet(RefundReason.other), c)
        } throws: { ($0 as! DeskError).summary.contains("cannot be refunded") }
    }
}
