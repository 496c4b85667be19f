import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// Lists that fit the screen: at 80 columns no row of `show` wraps; at 40, `open` breaks no number or word.
@Suite struct ListsThatFitTests {
    /// What the terminal shows of a command's output: escape sequences and carriage returns left out.
    static func screenLines(_ raw: String) -> [String] {
        var s = raw.replacingOccurrences(of: "\r", with: "")
        while let r = s.range(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", options: .regularExpression) { s.removeSubrange(r) }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func width(_ s: String) -> Int { s.unicodeScalars.count }

    @Test func showFitsEightyColumnsAndOpenBreaksNoNumberAtForty() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        let setup = try await JomProcess.run(
            [
                "--store", store, "-c", "download",
                "-c", "note 8005 the customer called about the refund of $1,234.56 and the gift wrap of the blue mugs",
            ],
            home: dir.path)
        #expect(setup.status == 0, "\(setup.all)")
        var env = JomProcess.environment([:], home: dir.path)
        env["TERM"] = "xterm"
        env["PAGER"] = "cat"
        let t = try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env, columns: 80, rows: 40)
        #expect(await t.waitForPrompt())
        var mark = t.mark
        t.type("show\r")
        #expect(await t.wait(for: "orders (actionable)", after: mark))
        #expect(await t.waitForPrompt())
        let rows = Self.screenLines(String(t.output.dropFirst(mark))).filter { $0.hasPrefix("80") || $0.hasPrefix("ORDER") }
        #expect(rows.count >= 10, "\(rows)")
        for r in rows { #expect(Self.width(r) < 80, "a row of \(Self.width(r)) columns wraps at 80: \(r)") }
        #expect(rows.filter { $0.hasPrefix("80") }.allSatisfy { $0.contains("$") }, "TOTAL stays on its row")
        t.resize(columns: 40, rows: 40)
        mark = t.mark
        t.type("open 8005\r")
        #expect(await t.wait(for: "Timeline", after: mark))
        #expect(await t.waitForPrompt())
        let shown = Self.screenLines(String(t.output.dropFirst(mark)))
        let text = shown.joined(separator: "\n")
        for amount in ["$45.00", "$16.50", "$61.50", "$4.31", "$65.81", "$1,234.56"] {
            #expect(shown.contains { $0.contains(amount) }, "\(amount) is whole on one line: \(text)")
        }
        for line in shown where !line.hasPrefix("jom [") {
            let words = line.split(separator: " ")
            #expect(Self.width(line) < 40 || words.count == 1 || line.contains("@customer"), "wider than the screen: \(line)")
        }
        #expect(await t.quitAtNextPrompt() == 0)
    }

    @Test func aNarrowTerminalListsARecordAtATime() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        let r = try await JomProcess.run(["--store", store, "-c", "show new"], environment: ["COLUMNS": "40"], home: dir.path)
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.contains("── 800512763015") && r.stdout.contains("total    $65.81"), "\(r.stdout)")
        for line in r.stdout.split(separator: "\n") { #expect(Self.width(String(line)) < 40, "\(line)") }
    }
}

/// Completion that helps choose: ids with who and what beside them, a question before more than a screenful,
/// every documented word.
@Suite struct CompletionThatHelpsTests {
    @Test func idsComeWithTheBuyerAndStageAndALongListAsksFirst() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        var env = JomProcess.environment([:], home: dir.path)
        env["TERM"] = "xterm"
        let t = try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env, columns: 100, rows: 10)
        #expect(await t.waitForPrompt())
        var mark = t.mark
        // One TAB: the ids are ambiguous, and 14 of them do not fit 10 rows: a question first.
        t.type("open 80\t")
        #expect(await t.wait(for: "Display all 14 possibilities? (y or n)", after: mark), "\(t.output.suffix(300))")
        mark = t.mark
        t.type("n")
        #expect(await t.wait(for: { String($0.dropFirst(mark)).hasSuffix("open 80") }), "n shows nothing: \(t.output.suffix(200))")
        #expect(!String(t.output.dropFirst(mark)).contains("Liam Hopper"))
        mark = t.mark
        t.type("\t")
        #expect(await t.wait(for: "possibilities", after: mark))
        t.type("y")
        #expect(await t.wait(for: "800512763015  Liam Hopper · new · $65.81", after: mark), "\(t.output.suffix(600))")
        mark = t.mark
        t.type("\u{15}print a\t")
        #expect(await t.wait(for: { String($0.dropFirst(mark)).contains("ll") }), "the completion is drawn")
        t.type("\r")
        #expect(await t.wait(for: "invoices for 14 orders", after: mark), "print a + TAB completed to print all: \(t.output.suffix(300))")
        #expect(await t.quitAtNextPrompt() == 0)
    }
}
