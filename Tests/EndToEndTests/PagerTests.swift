import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// The real `less` (and `more`) on a real pseudo-terminal at 80x24: `help`, `show all` of 200 orders and a long
/// `open` page, q, Ctrl-C and Ctrl-D leave the pager, and the prompt comes back each time; with `PAGER` unset,
/// `less`, `less -FRX` and `more`, jom started directly and under a shell with job control.
@Suite(.serialized) struct PagerTests {
    enum Start { case directly, underAShell }

    func session(pager: String?, start: Start, store: String, env base: [String: String]) throws -> PseudoTerminal {
        var env = base
        env["TERM"] = "xterm"
        if let pager { env["PAGER"] = pager } else { env.removeValue(forKey: "PAGER") }
        switch start {
        case .directly:
            return try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env, columns: 80, rows: 24)
        case .underAShell:
            // bash with job control: jom gets a process group of its own, made the terminal's foreground.
            env["PS1"] = "sh$ "
            let t = try PseudoTerminal("/bin/bash", ["--norc", "--noprofile", "-i"], environment: env, columns: 80, rows: 24)
            t.type("'\(JomProcess.binary)' --store '\(store)'\r")
            return t
        }
    }

    /// Runs `command`, waits for the pager to show a screen, presses `key`, and waits for the prompt.
    func page(_ t: PseudoTerminal, _ command: String, quitWith key: String, pagerMark: String) async -> Bool {
        let mark = t.mark
        t.type(command + "\r")
        guard await t.wait(for: { String($0.dropFirst(mark)).contains(pagerMark) }, timeout: 20) else { return false }
        t.type(key)
        return await t.wait(
            for: {
                let s = String($0.dropFirst(mark)); return s.hasSuffix("]> ") && s.contains("]> ")
            }, timeout: 20)
    }

    @Test(arguments: [
        ("unset", nil as String?, Start.directly), ("less", "less", .directly), ("less -FRX", "less -FRX", .underAShell),
        ("more", "more", .directly), ("unset, under a shell", nil, .underAShell),
    ])
    func thePagerTakesTheKeyboardAndGivesItBack(name: String, pager: String?, start: Start) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/less") else {
            Issue.record("less is not installed (scripts/test installs it)")
            return
        }
        try await withSandbox {
            $0.orders = 200; $0.returns = 0
        } _: { sandbox in
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            let setup = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "note 8 x"], environment: sandbox.jomEnvironment,
                home: dir.path, timeout: 120)
            #expect(setup.status == 0 || setup.status == 1, "\(setup.all)")
            let id = await sandbox.server.marketplace.allOrderIDs()[0]
            let long = (1...40).map { "note \(id) line \($0) of a long timeline" }.joined(separator: "\n")
            let notes = try dir.write("notes.jom", long + "\n")
            _ = try await JomProcess.run(["--store", store, notes], home: dir.path)
            let t = try session(pager: pager, start: start, store: store, env: JomProcess.environment(sandbox.jomEnvironment, home: dir.path))
            #expect(await t.waitForPrompt(), "\(name): \(t.output.suffix(300))")
            let isMore = pager == "more"
            let mark = isMore ? "--More--" : ":"
            #expect(await page(t, "help", quitWith: "q", pagerMark: isMore ? mark : "list the orders"), "\(name): help, q: \(t.output.suffix(600))")
            // `more` takes Ctrl-C as a key and goes on; q leaves it.
            #expect(
                await page(t, "show all", quitWith: isMore ? "q" : "\u{3}", pagerMark: isMore ? mark : "ORDER"),
                "\(name): show all: \(t.output.suffix(600))")
            if !isMore {
                #expect(await page(t, "open \(id)", quitWith: "\u{4}", pagerMark: "Timeline"), "\(name): open, Ctrl-D: \(t.output.suffix(600))")
            }
            // The line editor works as before: a command typed after the pager runs.
            let after = t.mark
            t.type("status\r")
            #expect(await t.wait(for: "Cancel rate", after: after), "\(name): \(t.output.suffix(400))")
            if start == .underAShell {
                #expect(await t.waitForPrompt())
                let end = t.mark
                t.type("\u{4}")
                #expect(await t.wait(for: "sh$ ", after: end), "jom left, the shell has the terminal back: \(t.output.suffix(200))")
                t.type("exit\r")
                _ = await t.waitForExit(timeout: 10)
            } else {
                #expect(await t.quitAtNextPrompt() == 0)
            }
        }
    }
}
