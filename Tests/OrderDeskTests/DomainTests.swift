import Foundation
import JetWire
import OrderDesk
import Testing

@Suite struct DeadlineTests {
    var settings = Settings()
    let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    @Test func approvalIsDueAckWindowAfterReady() throws {
        var s = OrderSummary(Build.record(.new))
        s.receivedAt = Build.t0
        let d = try #require(Deadline.next(for: s, settings: settings, calendar: utc))
        #expect(d.kind == .approve)
        #expect(d.due == Build.t0.addingTimeInterval(24 * 3600))
        #expect(d.urgency(now: Build.t0, dueSoon: 3600) == .onTime)
        #expect(d.urgency(now: Build.t0.addingTimeInterval(23.5 * 3600), dueSoon: 3600) == .dueSoon)
        #expect(d.urgency(now: Build.t0.addingTimeInterval(24 * 3600 + 1), dueSoon: 3600) == .late)
        var short = settings
        short.ackWindow = 15 * 60
        #expect(Deadline.next(for: s, settings: short, calendar: utc)?.due == Build.t0.addingTimeInterval(900))
    }

    @Test func shippingIsDueAtShipBy() {
        let s = OrderSummary(Build.record(.approved))
        #expect(Deadline.next(for: s, settings: settings, calendar: utc)?.due == Build.t0.addingTimeInterval(2 * 86400))
        #expect(Deadline.next(for: s, settings: settings, calendar: utc)?.kind == .ship)
    }

    @Test func returnsAreDueInBusinessDays() {
        // Saturday 10:00 + 2 business days = Tuesday 10:00.
        let saturday = Build.t0.addingTimeInterval(3600)
        let due = Deadline.addingBusinessDays(2, to: saturday, calendar: utc)
        #expect(due == saturday.addingTimeInterval(3 * 86400))
        // Thursday + 2 = Monday.
        let thursday = Build.t0.addingTimeInterval(-2 * 86400)
        #expect(Deadline.addingBusinessDays(2, to: thursday, calendar: utc) == thursday.addingTimeInterval(4 * 86400))
        let s = OrderSummary(Build.record(.returnRequested))
        #expect(Deadline.next(for: s, settings: settings, calendar: utc)?.due == Build.t0.addingTimeInterval(3600 + 3 * 86400))
    }

    @Test func settledOrdersHaveNoDeadline() {
        for stage in [OrderStage.held, .shipped, .cancelled, .refunded, .refundDenied] {
            #expect(Deadline.next(for: OrderSummary(Build.record(stage)), settings: settings) == nil, "\(stage)")
        }
        // Jet's cancel request is due before the units would ship.
        let asked = OrderSummary(Build.record(.cancelRequested))
        #expect(Deadline.next(for: asked, settings: settings) == Deadline(kind: .cancel, due: asked.shipBy!))
    }

    @Test func theLateFilterUsesTheClock() {
        let s = OrderSummary(Build.record(.new))
        #expect(!OrderFilter.late.matches(s, now: Build.t0, settings: settings))
        #expect(OrderFilter.late.matches(s, now: Build.t0.addingTimeInterval(25 * 3600), settings: settings))
        #expect(OrderFilter.actionable.matches(s, now: Build.t0, settings: settings))
        #expect(!OrderFilter.shipped.matches(s, now: Build.t0, settings: settings))
    }
}

@Suite struct CancellationRateTests {
    func summary(_ receivedDaysAgo: Double, cancelled: OrderStage.Cancellation? = nil) -> OrderSummary {
        var s = OrderSummary(Build.record(cancelled == nil ? .shipped : .cancelled))
        s.receivedAt = Build.t0.addingTimeInterval(-receivedDaysAgo * 86400)
        s.cancellation = cancelled
        return s
    }

    @Test func overSevenAndThirtyDays() {
        var list = (0..<50).map { summary(Double($0) * 0.5) }
        list.append(summary(1, cancelled: .merchant))
        list.append(summary(2, cancelled: .directed))
        list.append(summary(20, cancelled: .merchant))
        let week = CancellationRate.over(days: 7, of: list, now: Build.t0)
        #expect(week.received == 15 + 2)
        #expect(week.cancelled == 1)
        let month = CancellationRate.over(days: 30, of: list, now: Build.t0)
        #expect(month.received == 53)
        #expect(month.cancelled == 2)
        #expect(month.formatted == "3.8%")
    }

    @Test func whatOneMoreCancelWouldDo() {
        let rate = CancellationRate(days: 7, received: 40, cancelled: 1)
        let after = rate.afterOneMoreCancel(receivedAt: Build.t0.addingTimeInterval(-3600), now: Build.t0)
        #expect(after.cancelled == 2 && after.received == 40)
        #expect(rate.formatted == "2.5%" && after.formatted == "5.0%")
        #expect(rate.afterOneMoreCancel(receivedAt: Build.t0.addingTimeInterval(-30 * 86400), now: Build.t0) == rate)
        #expect(CancellationRate(days: 7, received: 0, cancelled: 0).percent == 0)
    }
}

@Suite struct TrackingNumberTests {
    // Valid and invalid numbers per format (check digits as published for each carrier).
    @Test(arguments: [
        ("UPS", "1Z5R89390357567127"), ("UPS", "1Z879E930346834440"), ("UPS", "1Z410E7W0392751591"), ("UPS", "1Z999AA10123456784"),
        ("USPS", "9400111201080805483016"), ("USPS", "9361289878700317633795"), ("USPS", "9405803699300124287899"),
        ("USPS", "03071790000523483741"), ("USPS", "71123456789123456787"), ("USPS", "71969010756003077385"),
        ("USPS", "RB123456785US"), ("USPS", "EA123456785US"), ("USPS", "420221539101026837331000039521"),
        ("FedEx", "986578788855"), ("FedEx", "477179081230"), ("FedEx", "041441760228964"), ("FedEx", "568283610012000"),
        ("FedEx", "9611020987654312345672"), ("FedEx", "61299998820821171811"), ("FedEx", "9261292700768711948021"),
        ("FedEx SmartPost", "9261292700768711948021"), ("FedEx SmartPost", "61299998820821171811"),
        ("OnTrac", "C11031500001879"), ("DHL", "JJD0099999999"), ("Other", "ABC-123/45.6"),
    ])
    func validNumbersPass(carrier: String, number: String) throws {
        #expect(try TrackingNumber.validate(number, carrier: carrier) == TrackingNumber.normalize(number))
    }

    @Test(arguments: [
        ("UPS", "1Z5R89390357567128", "check digit"), ("UPS", "2Z5R89390357567127", "start with 1Z"), ("UPS", "1Z1111111111", "18 characters"),
        ("USPS", "9400111201080805483017", "check digit"), ("USPS", "03071790000523483742", "check digit"),
        ("USPS", "RB123456786US", "11th character"), ("USPS", "12345", "20 or 22 digits"),
        ("FedEx", "996578788855", "check digit"), ("FedEx", "568283610012732", "check digit"),
        ("FedEx", "9261292700768711948020", "check digit"), ("FedEx", "12345", "12, 15, 20 or 22"), ("FedEx", "98657878885X", "digits only"),
        ("FedEx SmartPost", "9261292700768711948020", "check digit"),
        ("OnTrac", "C110 315", "characters"), ("Other", "AB\u{7}C", "control character"),
    ])
    func invalidNumbersSayWhatIsWrong(carrier: String, number: String, problem: String) {
        #expect {
            _ = try TrackingNumber.validate(number, carrier: carrier)
        } throws: { error in
            let e = error as! DeskError
            return e.summary.contains(problem) && e.remedy != nil
        }
    }

    @Test func spacesAndCaseAreNormalized() throws {
        #expect(try TrackingNumber.validate(" 1z5r 8939 0357 5671 27 ", carrier: "UPS") == "1Z5R89390357567127")
    }

    @Test func historicalNumbersInDownloadedOrdersAreNeverChecked() {
        // Orders from Jet keep whatever numbers they carry; only numbers we send are checked.
        var o = Build.shipped(Build.order())
        o.shipments[0].tracking = "not a real number"
        let r = OrderRecord(order: o)
        #expect(r.stage == .shipped)
        #expect(SearchText.fields(of: r).contains("not a real number"))
    }
}

@Suite struct SmallDomainTests {
    @Test func centsParseAndPrint() {
        #expect(Cents(parsing: "19.99") == Cents(1999))
        #expect(Cents(parsing: "$5") == Cents(500))
        #expect(Cents(parsing: "0.5") == Cents(50))
        #expect(Cents(parsing: "1.234") == nil)
        #expect(Cents(parsing: "-1") == nil)
        #expect(Cents(parsing: "abc") == nil)
        #expect(Cents(1999).description == "$19.99")
        #expect(Cents(5).description == "$0.05")
        #expect(Cents(dollars: 39.98) == Cents(3998))
    }

    @Test func amountsScaleToAnExactTotal() {
        let a = Amounts(principal: Cents(1999), tax: Cents(140), shipping: Cents(499))
        for target in [0, 1, 1000, 2637, 2638] {
            #expect(a.scaled(toTotal: Cents(target)).total == Cents(min(target, 2638)))
        }
    }

    @Test func durations() {
        #expect(DurationText.parse("15m") == 900)
        #expect(DurationText.parse("1h30m") == 5400)
        #expect(DurationText.parse("2d") == 172_800)
        #expect(DurationText.parse("45") == 2700)
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.format(900) == "15m")
        #expect(DurationText.format(86400) == "24h")
        #expect(DurationText.format(172_800) == "2d")
        #expect(DurationText.format(5400) == "1h30m")
    }

    @Test func settingsParseAndRefuseClearly() throws {
        var s = Settings()
        try Settings.definition(named: "ack-window")!.set(&s, "2h")
        #expect(s.ackWindow == 7200)
        try Settings.definition(named: "confirm")!.set(&s, "off")
        #expect(!s.confirm)
        #expect {
            try Settings.definition(named: "download-interval")!.set(&s, "often")
        } throws: { ($0 as! DeskError).remedy == "set download-interval 0" }
        #expect(throws: DeskError.self) { try Settings.definition(named: "ship-from-zip")!.set(&s, "NJ") }
        let decoded = try JSONDecoder().decode(Settings.self, from: Data(#"{"confirm":false}"#.utf8))
        #expect(decoded.ackWindow == 86400 && !decoded.confirm)
    }

    @Test func mergingTheSameDownloadTwiceChangesNothing() throws {
        let o = Build.order()
        let (first, changes) = try #require(Merge.merge(o, returns: [], into: nil, at: Build.t0))
        #expect(changes == [.newOrder])
        #expect(Merge.merge(o, returns: [], into: first, at: Build.t0) == nil)
        var withNote = first
        withNote.notes.append(Note(at: Build.t0, by: "ada", text: "keep me"))
        withNote.actions.append(try Rules.approve(first, Build.context))
        var changed = o
        changed.status = .acknowledged
        let (merged, c2) = try #require(Merge.merge(changed, returns: [], into: withNote, at: Build.t0))
        #expect(c2 == [.statusChanged(from: "ready", to: "acknowledged")])
        #expect(merged.notes == withNote.notes)
        #expect(merged.actions == withNote.actions)
    }

    @Test func returnsAndDirectedCancelsAreAnnounced() throws {
        let record = OrderRecord(order: Build.shipped(Build.order()))
        let ret = Build.withReturn(Build.order()).returns[0]
        let (r, changes) = try #require(Merge.merge(record.order, returns: [ret], into: record, at: Build.t0))
        #expect(changes == [.returnRequested])
        #expect(r.stage == .returnRequested)
        var cancel = Build.order(status: .acknowledged)
        cancel.directedCancel = true
        let (_, c) = try #require(Merge.merge(cancel, returns: [], into: OrderRecord(order: Build.order(status: .acknowledged)), at: Build.t0))
        #expect(c == [.cancelRequested])
    }

    @Test func searchTextCoversEveryFieldOperatorsLookFor() {
        var r = OrderRecord(order: Build.withReturn(Build.order()))
        r.notes.append(Note(at: Build.t0, by: "ada", text: "Gift WRAP please"))
        let f = SearchText.fields(of: r)
        for needle in [
            "801234567890", "2ab4c8b4", "ada shopper", "555-010-0199", "12 example way", "hoboken", "07030", "mug-red",
            "title tea-50", "1z999aa10123456784", "r-1", "gift wrap please",
        ] {
            #expect(f.contains { $0.contains(needle) }, "\(needle)")
        }
    }

    @Test func filtersAndReasonsParseFromPrefixesAndNumbers() {
        #expect(OrderFilter.parse("to") == .toShip)
        #expect(OrderFilter.parse("ret") == .returns)
        #expect(OrderFilter.parse("re") == nil)
        #expect(OrderFilter.parse("s") == .shipped)
        #expect(CancelReason.parse("1") == .noInventory)
        #expect(CancelReason.parse("fr") == .fraud)
        #expect(RefundFeedback.parse("Returned outside window") == .outsideWindow)
        #expect(Carriers.canonical("fedex-smartpost") == "FedEx SmartPost")
        #expect(Carriers.canonical("ups") == "UPS")
    }
}
