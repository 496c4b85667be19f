import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// jom and the sandbox read one pinned clock, so what an operator sees depends on the scenario, never on
/// the day the tests run.
@Suite struct ClockTests {
    @Test func aShortDayOfWorkAYearAheadReadsAsOnItsOwnDay() async throws {
        let later = SandboxFixture.start.addingTimeInterval(365 * 86400)
        let laterText = ISO8601DateFormatter().string(from: later)
        let sandbox = try await SandboxFixture.start {
            $0.frozenClock = later; $0.orders = 3; $0.returns = 0
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            var env = sandbox.jomEnvironment
            env["JOM_NOW"] = laterText
            let ids = await sandbox.server.marketplace.allOrderIDs()
            let ref = try #require(await sandbox.server.marketplace.order(ids[0])?.referenceOrderID)
            let r = try await JomProcess.run(
                [
                    "--store", dir.file("s"), "-c", "set ship-from-zip 07030", "-c", "download", "-c", "show new", "-c", "approve \(ref)",
                    "-c", "ship \(ref) 1Z999AA10123456784 --carrier UPS", "-c", "open \(ref)", "-c", "status",
                ],
                environment: env, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("3 orders (new)"), "\(r.stdout)")
            #expect(r.stdout.contains("approve in 23h"), "the orders are due within a day, not late: \(r.stdout)")
            #expect(r.stdout.range(of: #"\d+[smhd] late"#, options: .regularExpression) == nil, "nothing is late: \(r.stdout)")
            #expect(r.stdout.contains("approved  [sent to Jet"), "\(r.stdout)")
            #expect(r.stdout.contains("2027-11-28"), "dates are the scenario's: \(r.stdout)")
            #expect(r.stdout.contains("nothing late or due soon"), "\(r.stdout)")
            #expect(await sandbox.appliedLedger().count == 2)
        }
    }
}
