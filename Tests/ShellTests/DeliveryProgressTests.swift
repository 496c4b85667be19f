import Foundation
import Testing

@testable import Shell

/// The expected finish time of a long delivery (`approve all`).
@Suite struct DeliveryProgressTests {
    @Test func theEstimateIsNeverSoonerThanTheMarketplacesPublishedLimit() {
        // 60 sent at once in the first second, 60 left: the pace so far says 1 s, Walmart's 60 a minute says 60 s.
        #expect(DeliveryProgress.remaining(done: 60, total: 120, elapsed: 1, perMinute: 60) == 60)
        // Slower than the limit: the pace so far wins (10 in 20 s, 10 left: 20 s).
        #expect(DeliveryProgress.remaining(done: 10, total: 20, elapsed: 20, perMinute: 60) == 20)
        // No published limit (Jet): the pace alone; nothing done yet: no estimate.
        #expect(DeliveryProgress.remaining(done: 5, total: 10, elapsed: 2, perMinute: nil) == 2)
        #expect(DeliveryProgress.remaining(done: 0, total: 10, elapsed: 0, perMinute: nil) == 0)
        #expect(DeliveryProgress.remaining(done: 10, total: 10, elapsed: 9, perMinute: 60) == 0)
        // 500 orders at 60 a minute, nothing sent yet: a little over 8 minutes.
        #expect(DeliveryProgress.remaining(done: 0, total: 500, elapsed: 0, perMinute: 60) == 500)
    }

    @Test func theLineSaysHowFarAndWhenItWillBeDone() {
        let nine = Date(timeIntervalSince1970: 1_795_856_400)  // 09:00:00 UTC
        let saved = NSTimeZone.default
        NSTimeZone.default = TimeZone(identifier: "UTC")!
        defer { NSTimeZone.default = saved }
        #expect(DeliveryProgress.text(verb: "approving", done: 45, total: 120, remaining: 75, at: nine) == "approving… 45/120 · done about 09:01:15 (in 1m)")
        #expect(DeliveryProgress.text(verb: "approving", done: 120, total: 120, remaining: 0, at: nine) == "approving… 120/120")
    }
}
