import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// Two operators on one store: both work, nothing is lost or sent twice, and each sees the other's changes
/// by its next prompt.
@Suite struct TwoSessionTests {
    @Test func twoProcessesWritingAtOnceLoseNothing() async throws {
        let sandbox = try await SandboxFixture.start { $0.orders = 12 }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            _ = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            var refs: [String] = []
            for id in await sandbox.server.marketplace.allOrderIDs() {
                if let o = await sandbox.server.marketplace.order(id), o.status == .ready { refs.append(o.referenceOrderID!) }
            }
            func script(_ who: String, _ mine: ArraySlice<String>) throws -> String {
                try dir.write("\(who).jom", mine.map { "approve \($0)\nnote \(refs[0]) \(who) was here on \($0)" }.joined(separator: "\n") + "\n")
            }
            let a = try script("ada", refs[0..<6]), b = try script("bob", refs[6..<12])
            async let ra = JomProcess.run(["--store", store, a], environment: sandbox.jomEnvironment, home: dir.path)
            async let rb = JomProcess.run(["--store", store, b], environment: sandbox.jomEnvironment, home: dir.path)
            let (x, y) = try await (ra, rb)
            #expect(x.status == 0, "\(x.all)")
            #expect(y.status == 0, "\(y.all)")
            let ledger = await sandbox.appliedLedger()
            #expect(ledger.count == 12)
            #expect(Set(ledger.map(\.path)).count == 12)
            let open = try await JomProcess.run(["--store", store, "-c", "open \(refs[0])"], home: dir.path)
            #expect(open.stdout.components(separatedBy: " was here on ").count - 1 == 12, "all 12 notes kept: \(open.stdout)")
            let toShip = try await JomProcess.run(["--store", store, "-c", "show to-ship --format csv"], home: dir.path)
            #expect(toShip.stdout.split(separator: "\n").count == 13)
        }
    }

    @Test func aSessionSeesAnotherSessionsChangesByItsNextPrompt() async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            _ = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            var env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            env["TERM"] = "xterm"
            let t = try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env)
            #expect(await t.wait(for: "jom [actionable]> "))
            t.type("show new\r")
            #expect(await t.wait(for: "5 orders (new)"))
            let ref = try #require(await sandbox.server.marketplace.order(await sandbox.server.marketplace.allOrderIDs()[0])?.referenceOrderID)
            let other = try await JomProcess.run(
                ["--store", store, "-c", "approve \(ref)", "-c", "note \(ref) approved by the other session"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(other.status == 0, "\(other.all)")
            let mark = t.mark
            t.type("show\r")
            #expect(await t.wait(for: "4 orders (new)", after: mark), "\(t.output.suffix(300))")
            t.type("find other session\r")
            #expect(await t.wait(for: "1 order (find", after: mark))
            t.type("quit\r")
            #expect(await t.waitForExit() == 0)
        }
    }
}
