import Foundation
import JetSandbox
import JetWire
import TestSupport
import Testing

/// Many orders are fetched several at a time: never more than `jet-connections` at once, and fewer when Jet
/// answers "too many requests".
@Suite struct DownloadConcurrencyTests {
    @Test func neverMoreRequestsAtOnceThanTheSettingAllows() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 200; $0.returns = 0
        }
        try await tearingDown({ await sandbox.stop() }) {
            _ = try await sandbox.admin("POST", "faults", ["latency_ms": 20.0])
            let dir = TemporaryDirectory()
            let r = try await JomProcess.run(
                ["--store", dir.file("s"), "-c", "set jet-connections 5", "-c", "download"],
                environment: sandbox.jomEnvironment, home: dir.path, timeout: 120)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("downloaded: 200 new orders"), "\(r.stdout)")
            let peak = await sandbox.server.marketplace.maxInFlight
            #expect(peak <= 5 && peak >= 2, "at most 5 at once, and more than one: \(peak)")
        }
    }

    @Test func whenJetSaysTooManyTheDownloadSlowsDownAndStillGetsEverything() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 300; $0.returns = 0
        }
        try await tearingDown({ await sandbox.stop() }) {
            _ = try await sandbox.admin("POST", "faults", ["latency_ms": 20.0, "max_concurrent": 4])
            let dir = TemporaryDirectory()
            let r = try await JomProcess.run(
                ["--store", dir.file("s"), "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path,
                timeout: 120)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("downloaded: 300 new orders"), "\(r.stdout)")
            // A client that kept its 32 requests going would be refused nearly 7 times in 8; one that halves on
            // each 429 settles near the limit.
            let refused = await sandbox.server.marketplace.refusedAsTooMany
            #expect(refused > 0, "the limit was reached (else this test shows nothing)")
            #expect(refused < 75, "refused \(refused) times for 300 orders")
            print("download concurrency test: 300 orders under a limit of 4 at once, \(refused) answered 429")
        }
    }
}
