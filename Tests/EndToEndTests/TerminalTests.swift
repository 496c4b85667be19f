import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// The real `jom` in a pseudo-terminal: completion, history, Ctrl-C, notices above a half-typed line.
@Suite struct TerminalTests {
    struct Session {
        let sandbox: SandboxFixture
        let dir: TemporaryDirectory
        let environment: [String: String]

        static func start(_ adjust: (inout [String: String]) -> Void = { _ in }) async throws -> Session {
            let sandbox = try await SandboxFixture.start()
            let dir = TemporaryDirectory()
            var env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            env["TERM"] = "xterm"
            env["PAGER"] = "cat"
            adjust(&env)
            // A store with the sandbox's orders in it.
            let r = try await JomProcess.run(["--store", dir.file("store"), "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            return Session(sandbox: sandbox, dir: dir, environment: env)
        }

        func terminal(columns: UInt16 = 120) throws -> PseudoTerminal {
            try PseudoTerminal(JomProcess.binary, ["--store", dir.file("store")], environment: environment, columns: columns)
        }

        func stop() async { await sandbox.stop() }

        func reference(_ index: Int) async throws -> String {
            let ids = await sandbox.server.marketplace.allOrderIDs()
            return try #require(await sandbox.server.marketplace.order(ids[index])?.referenceOrderID)
        }
    }

    @Test func tabCompletesACommandAFilterAndAnOrderID() async throws {
        let s = try await Session.start()
        try await tearingDown({ await s.stop() }) {
            let t = try s.terminal()
            #expect(await t.wait(for: "jom [actionable]> "))
            t.type("sh\t")
            #expect(await t.wait(for: "ship"), "ambiguous: both candidates are listed")
            #expect(await t.wait(for: "show"))
            let mark = t.mark
            t.type("o\t")
            #expect(await t.wait(for: "w ", after: mark), "sho + TAB completes to show")
            t.type("ne\t\r")
            #expect(await t.wait(for: "5 orders (new)"), "ne + TAB completes the filter: \(t.output)")
            let ref = try await s.reference(0)
            let prefix = String(ref.prefix(5))
            let matching = try await (0..<5).asyncFilter { try await s.reference($0).hasPrefix(prefix) }
            #expect(matching.count == 1, "the test needs a unique 5-digit prefix")
            let before = t.mark
            t.type("open \(prefix)\t\r")
            #expect(await t.wait(for: "Order \(ref) ·", after: before), "the id was completed: \(t.output.suffix(400))")
            #expect(await t.quitAtNextPrompt() == 0)
        }
    }

    @Test func historySurvivesARestartAndCtrlRSearchesIt() async throws {
        let s = try await Session.start()
        try await tearingDown({ await s.stop() }) {
            do {
                let t = try s.terminal()
                #expect(await t.wait(for: "]> "))
                t.type("find hopper\r")
                #expect(await t.wait(for: "(find \"hopper\")"))
                t.type("status\r")
                #expect(await t.wait(for: "Cancel rate"))
                t.type("quit\r")
                #expect(await t.waitForExit() == 0)
            }
            let mode = try #require(fileMode(s.dir.file("store/history")))
            #expect(mode & 0o077 == 0, "the history file is private")
            let t = try s.terminal()
            #expect(await t.wait(for: "]> "))
            let mark = t.mark
            t.type("\u{1B}[A\u{1B}[A\u{1B}[A")  // Up three times: quit, status, find hopper
            #expect(await t.wait(for: "find hopper", after: mark), "history from the last session: \(t.output.suffix(300))")
            t.type("\r")
            #expect(await t.wait(for: "(find \"hopper\")", after: mark))
            #expect(await t.waitForPrompt())
            let mark2 = t.mark
            t.type("\u{12}stat")  // Ctrl-R
            #expect(await t.wait(for: "status", after: mark2))
            t.type("\r\r")
            #expect(await t.wait(for: "Cancel rate", after: mark2))
            t.type("history\r")
            #expect(await t.wait(for: "find hopper", after: mark2))
            t.type("quit\r")
            #expect(await t.waitForExit() == 0)
        }
    }

    @Test func ctrlCAtThePromptAndInsideAQuestion() async throws {
        let s = try await Session.start()
        try await tearingDown({ await s.stop() }) {
            let t = try s.terminal()
            #expect(await t.wait(for: "]> "))
            t.type("show ne")
            #expect(await t.wait(for: "show ne"))
            let mark = t.mark
            t.type("\u{3}")
            #expect(await t.wait(for: "^C", after: mark))
            t.type("status\r")
            #expect(await t.wait(for: "Cancel rate", after: mark), "the half-typed line was abandoned, the program lives on")
            #expect(!t.output.dropFirst(mark).contains("show nestatus"))

            let ref = try await s.reference(1)
            let m2 = t.mark
            t.type("cancel \(ref)\r")
            #expect(await t.wait(for: "Why cancel order \(ref)?", after: m2))
            #expect(await t.wait(for: "choose 1-7", after: m2))
            t.type("\u{3}")
            #expect(await t.wait(for: "abandoned; nothing was changed", after: m2))
            let m3 = t.mark
            t.type("show new\r")
            #expect(await t.wait(for: "5 orders (new)", after: m3), "the order was not cancelled")
            // A confirmation answered no changes nothing either.
            t.type("approve \(ref)\r")
            #expect(await t.wait(for: "[y/N]", after: m3))
            t.type("n\r")
            #expect(await t.wait(for: "Not approved.", after: m3))
            #expect(await t.quitAtNextPrompt() == 0)
            #expect(await s.sandbox.appliedLedger().isEmpty)
        }
    }

    @Test func aBackgroundDownloadNoticeLeavesAHalfTypedLineIntact() async throws {
        let s = try await Session.start()
        try await tearingDown({ await s.stop() }) {
            let setup = try await JomProcess.run(["--store", s.dir.file("store"), "-c", "set download-interval 1s"], home: s.dir.path)
            #expect(setup.status == 0)
            let t = try s.terminal()
            #expect(await t.wait(for: "]> "))
            t.type("find Lov")
            #expect(await t.wait(for: "find Lov"))
            let mark = t.mark
            _ = await s.sandbox.server.marketplace.generateOrders(count: 2, status: .ready)
            #expect(await t.wait(for: "downloaded: 2 new orders", after: mark, timeout: 20), "the notice appears: \(t.output.suffix(300))")
            // The prompt and the half-typed line are drawn again under the notice.
            #expect(
                await t.wait(for: { output in
                    let after = String(output.dropFirst(mark))
                    guard let notice = after.range(of: "downloaded: 2 new orders") else { return false }
                    return after[notice.upperBound...].contains("find Lov")
                }))
            let m2 = t.mark
            t.type("elace\r")
            #expect(await t.wait(for: "(find \"Lovelace\")", after: m2), "the line was intact: \(t.output.suffix(400))")
            #expect(await t.quitAtNextPrompt() == 0)
        }
    }

    @Test func ctrlCDuringASlowCommandInterruptsItAndThePromptComesBack() async throws {
        // Jet takes 8 s to answer each call; Ctrl-C during `download` ends the command at once.
        let sandbox = try await SandboxFixture.start { $0.latencyMillis = 8_000 }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            var env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            env["TERM"] = "xterm"
            let t = try PseudoTerminal(JomProcess.binary, ["--store", dir.file("store"), "-X"], environment: env, columns: 120)
            #expect(await t.wait(for: "]> "), "\(t.output.suffix(300))")
            let mark = t.mark
            t.type("download\r")
            #expect(await t.wait(for: "download", after: mark))
            try await Task.sleep(for: .milliseconds(300))  // The command is running, waiting on Jet.
            t.type("\u{3}")
            #expect(await t.wait(for: "interrupted", after: mark, timeout: 5), "before Jet could answer: \(t.output.suffix(400))")
            let back = t.mark
            t.type("status\r")
            #expect(await t.wait(for: "Cancel rate", after: back, timeout: 5), "the session goes on: \(t.output.suffix(400))")
        }
    }

    @Test func aBackgroundDownloadRedrawsThePromptAsItNowReads() async throws {
        // A store never downloaded: the first prompt says so. Jet answers slowly, so that prompt is drawn
        // before the first download ends; the notice of that download comes with the prompt redrawn.
        let sandbox = try await SandboxFixture.start { $0.latencyMillis = 700 }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            var env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            env["TERM"] = "xterm"
            let t = try PseudoTerminal(JomProcess.binary, ["--store", dir.file("store")], environment: env, columns: 120)
            #expect(await t.wait(for: "STALE: never downloaded]> "), "\(t.output.suffix(300))")
            let mark = t.mark
            t.type("show ne")
            #expect(await t.wait(for: "downloaded: 5 new orders, 1 return request", after: mark, timeout: 30), "\(t.output.suffix(300))")
            #expect(
                await t.wait(for: { output in
                    let after = String(output.dropFirst(mark))
                    guard let notice = after.range(of: "downloaded: 5 new orders") else { return false }
                    let redrawn = after[notice.upperBound...]
                    return redrawn.contains("jom [actionable") && redrawn.contains("show ne")
                }), "\(t.output.suffix(400))")
            let after = String(t.output.dropFirst(mark))
            let redrawn = after[after.range(of: "downloaded: 5 new orders")!.upperBound...]
            #expect(!redrawn.contains("STALE"), "the redrawn prompt still says the store is stale: \(redrawn)")
            t.type("w\r")
            #expect(await t.wait(for: "orders (new)", after: mark), "\(t.output.suffix(400))")
            #expect(await t.quitAtNextPrompt() == 0)
        }
    }

    @Test func utf8InputAndAResize() async throws {
        let s = try await Session.start()
        try await tearingDown({ await s.stop() }) {
            let ref = try await s.reference(2)
            let t = try s.terminal(columns: 80)
            #expect(await t.wait(for: "]> "))
            t.type("note \(ref) café crème ☕ bien reçu\r")
            #expect(await t.wait(for: "note added to \(ref)"))
            t.resize(columns: 50, rows: 20)
            let mark = t.mark
            t.type("open \(ref)\r")
            // At 50 columns the timeline line is broken between words, never inside one.
            #expect(
                await t.wait(for: {
                    let s = String($0.dropFirst(mark)); return s.contains("note: café crème") && s.contains("bien reçu")
                }),
                "\(t.output.suffix(600))")
            t.type("quit\r")
            #expect(await t.waitForExit() == 0)
        }
    }

    @Test func longListsGoThroughThePager() async throws {
        let s = try await Session.start { $0["PAGER"] = "sed s/^/PAGED:/" }
        try await tearingDown({ await s.stop() }) {
            let t = try PseudoTerminal(JomProcess.binary, ["--store", s.dir.file("store")], environment: s.environment, columns: 120, rows: 12)
            #expect(await t.wait(for: "]> "))
            t.type("help\r")
            #expect(await t.wait(for: "PAGED:  show [FILTER]"), "\(t.output.suffix(300))")
            #expect(await t.waitForPrompt(), "the pager has finished when the prompt is back")
            let mark = t.mark
            t.type("status\r")
            #expect(await t.wait(for: "Cancel rate", after: mark))
            #expect(!String(t.output.dropFirst(mark)).contains("PAGED:"), "a short answer is not paged")
            t.type("quit\r")
            #expect(await t.waitForExit() == 0)
        }
    }

    @Test func sigtermAtThePromptLeavesCleanly() async throws {
        let s = try await Session.start()
        try await tearingDown({ await s.stop() }) {
            let t = try s.terminal()
            #expect(await t.wait(for: "]> "))
            t.type("show")
            kill(t.pid, SIGTERM)
            #expect(await t.waitForExit() == 0)
        }
    }
}

extension Sequence {
    func asyncFilter(_ keep: (Element) async throws -> Bool) async rethrows -> [Element] {
        var out: [Element] = []
        for e in self where try await keep(e) { out.append(e) }
        return out
    }
}

extension TerminalTests {
    @Test func whatAWatcherDownloadsIsAnnouncedInTheSession() async throws {
        let s = try await Session.start()
        try await tearingDown({ await s.stop() }) {
            // This session never downloads by itself: whatever it announces, another process brought.
            let setup = try await JomProcess.run(["--store", s.dir.file("store"), "-c", "set download-interval 0"], home: s.dir.path)
            #expect(setup.status == 0)
            let t = try s.terminal()
            #expect(await t.waitForPrompt())
            let mark = t.mark
            _ = await s.sandbox.server.marketplace.generateOrders(count: 2, status: .ready)
            let other = try await JomProcess.run(
                ["--store", s.dir.file("store"), "-c", "download"], environment: s.sandbox.jomEnvironment,
                home: s.dir.path)
            #expect(other.status == 0, "\(other.all)")
            #expect(await t.wait(for: "downloaded: 2 new orders", after: mark, timeout: 20), "\(t.output.suffix(300))")
            #expect(await t.quitAtNextPrompt() == 0)
        }
    }
}
