import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// Outside text never drives the terminal: a corpus of hostile strings in every field Jet sends, through every
/// command and every completion point, on a real pseudo-terminal. No byte sequence of the corpus reaches the
/// screen as it was sent.
@Suite struct HostileStringsTests {
    /// What marketplace data can hold: escape sequences (a window title, a screen clear, hidden text), C1 CSI,
    /// BEL, NUL, carriage return, a line that forges a confirmation, bidi overrides, zero-width characters.
    static let corpus = [
        "\u{1B}]0;OWNED\u{07}", "\u{9B}2J", "\u{1B}[8m", "\u{1B}[2J", "\u{202E}evil", "ze\u{200B}ro", "nul\u{0}byte",
        "cr\rline", "x\napprove 999: sent to Jet", "\u{1B}P+q\u{1B}\\", "\u{2066}iso\u{2069}",
    ]
    /// The sequences that must never appear on the screen as sent.
    static let forbidden = [
        "\u{1B}]0;OWNED", "OWNED\u{07}", "\u{9B}", "\u{1B}[8m", "\u{1B}[2J", "\u{202E}", "\u{200B}", "\u{0}", "cr\rline",
        "\napprove 999: sent to Jet", "\u{1B}P+q", "\u{2066}", "\u{2069}",
    ]

    func hostileOrder(_ base: JetOrder, _ n: Int) -> JetOrder {
        var o = base
        let h = Self.corpus[n % Self.corpus.count]
        o.referenceOrderID = "85\(n)" + h
        o.buyer = JetPerson(name: "Buyer " + h, phoneNumber: "555" + h)
        o.shippingTo = JetShippingTo(
            recipient: JetPerson(name: "To " + h, phoneNumber: nil),
            address: JetAddress(address1: "1 " + h, address2: nil, city: "City" + h, state: "NJ", zipCode: "07030"))
        o.orderItems[0].merchantSKU = "SKU" + h
        o.orderItems[0].productTitle = "Title " + h
        return o
    }

    @Test func noHostileSequenceReachesTheTerminalThroughAnyCommandOrCompletion() async throws {
        try await withSandbox {
            $0.orders = Self.corpus.count; $0.returns = 2
        } _: { sandbox in
            let ids = await sandbox.server.marketplace.allOrderIDs()
            var merchantIDs: [String] = []
            for (n, id) in ids.enumerated() {
                guard let o = await sandbox.server.marketplace.order(id), o.status == .ready else { continue }
                await sandbox.server.marketplace.inject(order: hostileOrder(o, n))
                merchantIDs.append(id)
            }
            for rid in await sandbox.server.marketplace.allReturnIDs() {
                guard var r = await sandbox.server.marketplace.returnRequest(rid) else { continue }
                r.returnMerchantSKUs = r.returnMerchantSKUs.map {
                    var l = $0; l.reason = "Reason \u{1B}]0;OWNED\u{07} \u{202E}"; return l
                }
                await sandbox.server.marketplace.inject(return: r)
            }
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            var env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            env["TERM"] = "xterm"
            env["PAGER"] = "cat"
            env.removeValue(forKey: "NO_COLOR")  // colours on: outside text must still not style the screen
            let t = try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env, columns: 120, rows: 40)
            #expect(await t.waitForPrompt())
            func run(_ line: String) async {
                let mark = t.mark
                t.type(line + "\r")
                _ = await t.wait(for: { String($0.dropFirst(mark)).hasSuffix("]> ") }, timeout: 30)
            }
            /// Types `partial`, presses TAB twice (the candidates), then Ctrl-U to clear the line.
            func complete(_ partial: String) async {
                let mark = t.mark
                t.type(partial + "\t\t")
                _ = await t.wait(for: { String($0.dropFirst(mark)).contains(partial) }, timeout: 5)
                let cleared = t.mark
                t.type("\u{15}")
                _ = await t.wait(for: { $0.count > cleared }, timeout: 5)
            }
            await run("set confirm off")
            await run("download")
            let first = merchantIDs[0], second = merchantIDs[1]
            for line in [
                "show", "show all", "show new", "find OWNED", "find evil", "open \(first)", "status", "approve \(first)",
                "ship \(first) 1Z999AA10123456784 --carrier UPS", "open \(second)", "approve \(second)", "note \(second) ok",
                "show returns", "print \(second) --to -", "report", "history", "show damaged", "show all --format csv",
                "show all --format json", "find 85", "open 85", "cancel \(second) no-inventory --units nope:1",
            ] {
                await run(line)
            }
            for partial in [
                "approve ", "open ", "ship ", "ship \(second) 1Z999AA10123456784 --units ", "note ", "print ", "refund ",
                "cancel ", "accept ", "deny ", "run ", "print 85 --to ",
            ] {
                await complete(partial)
            }
            t.type("\u{4}")
            _ = await t.waitForExit()
            let screen = t.output
            for f in Self.forbidden {
                #expect(!screen.contains(f), "\(f.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")) reached the terminal raw")
            }
            #expect(screen.contains("downloaded: 11 new orders") && screen.contains(": sent to Jet"), "the commands ran: \(screen.suffix(2000))")
            #expect(screen.contains("␛]0;OWNED␇"), "made visible, not dropped")
            #expect(screen.contains("<U+202E>"))
            #expect(!screen.split(separator: "\n").contains { $0.hasPrefix("approve 999: sent to Jet") }, "no forged line")
        }
    }
}
