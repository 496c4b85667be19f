import Foundation
import JetWire
import OrderDesk
import Testing

/// The rules table, walked completely: every stage × every operator action.
@Suite struct RulesTableTests {
    static let table: [OrderStage: Set<Rules.Verb>] = [
        .held: [.note],
        .new: [.approve, .cancel, .note],
        .approved: [.ship, .cancelUnits, .merchantRefund, .note],
        .shipped: [.merchantRefund, .note],
        .cancelled: [.note],
        .cancelRequested: [.cancel, .note],
        .returnRequested: [.accept, .refund, .deny, .note],
        .returnAccepted: [.refund, .deny, .note],
        .refunded: [.merchantRefund, .note],
        .refundDenied: [.merchantRefund, .note],
    ]

    @Test(arguments: OrderStage.allCases)
    func theBuilderMakesEachStage(stage: OrderStage) {
        #expect(Build.record(stage).stage == stage)
    }

    static var cells: [(OrderStage, Rules.Verb)] {
        OrderStage.allCases.flatMap { s in Rules.Verb.allCases.map { (s, $0) } }
    }

    @Test(arguments: cells)
    func everyCell(stage: OrderStage, verb: Rules.Verb) throws {
        let record = Build.record(stage)
        let allowed = Self.table[stage]!.contains(verb)
        #expect(Set(Rules.allowed(in: stage)) == Self.table[stage]!)
        do {
            try perform(verb, record)
            #expect(allowed, "\(verb) should be refused for a \(stage) order")
        } catch let e as DeskError {
            #expect(!allowed, "\(verb) should be allowed for a \(stage) order, but: \(e.summary)")
            #expect(e.summary.contains("801234567890"), "the refusal names the order: \(e.summary)")
            #expect(e.summary.contains("cannot be") || e.summary.contains("is already"), "\(e.summary)")
            let remedy = try #require(e.remedy)
            #expect(remedy.contains("801234567890") || remedy.contains("download"), "the remedy says what to do instead: \(remedy)")
        }
    }

    func perform(_ verb: Rules.Verb, _ r: OrderRecord) throws {
        let c = Build.context
        switch verb {
        case .approve: _ = try Rules.approve(r, c)
        case .ship: _ = try Rules.ship(r, tracking: "1Z999AA10123456784", carrier: "UPS", method: nil, c)
        case .cancel: _ = try Rules.cancel(r, reason: .jet(.noInventory), c)
        case .cancelUnits: _ = try Rules.cancelUnits(r, [UnitCount(sku: "MUG-RED", quantity: 1)], reason: .jet(.noInventory), c)
        case .accept: _ = try Rules.accept(r, c)
        case .merchantRefund: _ = try Rules.merchantRefund(r, amount: Cents(100), reason: .jet(.priceAdjustment), c)
        case .refund: _ = try Rules.refund(r, amount: nil, feedback: nil, c)
        case .deny: _ = try Rules.deny(r, reason: .outsideWindow, c)
        case .note: _ = try Rules.note(r, text: "called the customer", c)
        }
    }

    @Test func anApprovedOrderCannotBeCancelledAndTheErrorSaysWhatToDo() {
        #expect {
            _ = try Rules.cancel(Build.record(.approved), reason: .jet(.noInventory), Build.context)
        } throws: { error in
            let e = error as! DeskError
            return e.summary
                == "order 801234567890 is approved and waiting to ship: it cannot be cancelled; once approved an order can no longer be cancelled as a whole by you (only Jet can ask for that)"
                && e.remedy == "cancel the units that cannot ship with `cancel 801234567890 <reason> --units SKU:QTY`"
        }
    }
}

@Suite struct RuleDetailsTests {
    let c = Build.context

    @Test func approvalAcceptsEveryItem() throws {
        let a = try Rules.approve(Build.record(.new), c)
        guard case .acknowledge(let ack) = a.request else { Issue.record("not an acknowledgement"); return }
        #expect(ack.status.rawValue == "accepted")
        #expect(ack.items.map(\.status.rawValue) == ["fulfillable", "fulfillable"])
        #expect(a.kind == .approve && a.by == "ada" && a.state == .queued)
    }

    @Test(arguments: CancelReason.allCases)
    func cancelReasonsMapToJetsVocabulary(reason: CancelReason) throws {
        let a = try Rules.cancel(Build.record(.new), reason: .jet(reason), c)
        guard case .acknowledge(let ack) = a.request else { Issue.record("not an acknowledgement"); return }
        let expected: [CancelReason: (String, String?)] = [
            .noInventory: ("rejected - item level error", "nonfulfillable - no inventory"),
            .invalidSKU: ("rejected - item level error", "nonfulfillable - invalid merchant SKU"),
            .fraud: ("rejected - fraud", nil),
            .unfulfillableAddress: ("rejected - unfulfillable address", nil),
            .shippingMethodNotSupported: ("rejected - shipping method not supported", nil),
            .shipFromLocationNotAvailable: ("rejected - ship from location not available", nil),
            .other: ("rejected - other", nil),
        ]
        #expect(ack.status.rawValue == expected[reason]!.0)
        #expect(ack.items.first?.status.rawValue == expected[reason]!.1)
        var after = Build.record(.new)
        after.actions.append(a)
        #expect(after.stage == .cancelled)
        #expect(OrderStage.cancellation(after) == .merchant)
    }

    @Test func cancellingANewOrderNeedsAReason() {
        #expect(throws: DeskError.self) { _ = try Rules.cancel(Build.record(.new), reason: nil, c) }
    }

    @Test func aDirectedCancelCancelsExactlyTheUnitsJetAskedFor() throws {
        let r = Build.record(.cancelRequested)
        let a = try Rules.cancel(r, reason: nil, c)
        guard case .ship(let s) = a.request else { Issue.record("a directed cancel is a shipped message"); return }
        #expect(s.isCancelOnly)
        #expect(s.altShipmentID == a.id)
        #expect(s.items.map(\.sku) == ["MUG-RED"])
        #expect(s.items.map(\.cancelQuantity) == [1])
        var after = r
        after.actions.append(a)
        // One unit of MUG-RED cancelled, the rest still to ship; not a merchant cancel.
        #expect(after.stage == .approved)
        #expect(OrderStage.outstandingCancelRequest(after) == 0)
    }

    @Test func shippingShipsEveryOpenUnitWithTheCarriersDefaults() throws {
        let a = try Rules.ship(Build.record(.approved), tracking: "1z999aa1 0123456784", carrier: "ups", method: nil, c)
        guard case .ship(let s) = a.request else { Issue.record("not a shipment"); return }
        #expect(s.tracking == "1Z999AA10123456784")
        #expect(s.carrier == "UPS")
        #expect(s.method == "UPS Ground")
        #expect(s.shipFromZip == "07030")
        #expect(s.items.map(\.quantity) == [2, 1])
        #expect(s.daysToReturn == 30)
        var after = Build.record(.approved)
        after.actions.append(a)
        #expect(after.stage == .shipped)
    }

    @Test func shippingIsRefusedForABadNumberAnUnknownCarrierOrNoShipFromZip() {
        #expect(throws: DeskError.self) { _ = try Rules.ship(Build.record(.approved), tracking: "1Z999AA10123456785", carrier: "UPS", method: nil, c) }
        #expect(throws: DeskError.self) { _ = try Rules.ship(Build.record(.approved), tracking: "1Z999AA10123456784", carrier: "Pigeon Post", method: nil, c) }
        var noZip = c
        noZip.settings.shipFromZip = ""
        #expect {
            _ = try Rules.ship(Build.record(.approved), tracking: "1Z999AA10123456784", carrier: "UPS", method: nil, noZip)
        } throws: { ($0 as! DeskError).remedy?.contains("set ship-from-zip") ?? false }
    }

    @Test func aFullRefundCreditsWhatWasRequested() throws {
        let a = try Rules.refund(Build.record(.returnRequested), amount: nil, feedback: nil, c)
        guard case .completeReturn(let r) = a.request else { Issue.record("not a return completion"); return }
        #expect(r.refundTotal == Cents(3139))
        #expect(r.items.allSatisfy { $0.feedback == nil })
        #expect(r.items.map(\.refundQuantity) == [1, 1])
    }

    @Test func aPartialRefundNeedsFeedbackAndIsSplitExactly() throws {
        #expect {
            _ = try Rules.refund(Build.record(.returnRequested), amount: Cents(1000), feedback: nil, c)
        } throws: { ($0 as! DeskError).summary.contains("needs a reason") }
        let a = try Rules.refund(Build.record(.returnRequested), amount: Cents(1001), feedback: .itemDamaged, c)
        guard case .completeReturn(let r) = a.request else { Issue.record("not a return completion"); return }
        #expect(r.refundTotal == Cents(1001))
        #expect(r.items.allSatisfy { $0.feedback == "Item damaged" })
        #expect(throws: DeskError.self) { _ = try Rules.refund(Build.record(.returnRequested), amount: Cents(999_999), feedback: .other, c) }
        #expect(throws: DeskError.self) { _ = try Rules.refund(Build.record(.returnRequested), amount: Cents(0), feedback: .other, c) }
    }

    @Test func aDenialRefundsNothingAndGivesJetTheReason() throws {
        let a = try Rules.deny(Build.record(.returnRequested), reason: .wrongItem, c)
        guard case .completeReturn(let r) = a.request else { Issue.record("not a return completion"); return }
        #expect(r.refundTotal == .zero)
        #expect(r.items.allSatisfy { $0.feedback == "Wrong Item" && $0.refundQuantity == 0 })
        #expect(throws: DeskError.self) { _ = try Rules.deny(Build.record(.returnRequested), reason: nil, c) }
    }

    @Test func notesAreForAnyStageButNeverEmpty() throws {
        for stage in OrderStage.allCases { _ = try Rules.note(Build.record(stage), text: "ok", c) }
        #expect(throws: DeskError.self) { _ = try Rules.note(Build.record(.new), text: "   ", c) }
        #expect(throws: DeskError.self) { _ = try Rules.note(Build.record(.new), text: "bell\u{7}", c) }
    }

    @Test func aRefusedActionNoLongerCounts() throws {
        var r = Build.record(.new)
        var a = try Rules.approve(r, c)
        r.actions.append(a)
        #expect(r.stage == .approved)
        a.state = .refused(at: c.now, reason: "not in a valid state")
        r.actions = [a]
        #expect(r.stage == .new)
    }
}
