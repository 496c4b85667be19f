import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What probing the binary from outside found: each of these failed before it was mended.
@Suite struct ProbeTests {
    @Test func absurdSettingsAreRefusedAndAStoredOneIsReportedNotTrappedOn() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("s")
        for value in ["99999999999999999999d", "9223372036854775807s"] {
            let r = try await JomProcess.run(["--store", store, "-c", "set ack-window \(value)"], home: dir.path)
            #expect(r.status == 1 && r.stderr.contains("ack-window must be a duration"), "\(r.all)")
        }
        let ok = try await JomProcess.run(["--store", store, "-c", "show new", "-c", "status"], home: dir.path)
        #expect(ok.status == 0, "nothing absurd was saved: \(ok.all)")
        // A settings file edited by hand (or by an older jom) with a value out of range.
        try #"{"ackWindow": 8.64e24}"#.write(toFile: store + "/settings.json", atomically: true, encoding: .utf8)
        for command in ["show new", "status", "set"] {
            let r = try await JomProcess.run(["--store", store, "-c", command], home: dir.path)
            #expect(r.status == 1, "\(command): \(r.all)")
            #expect(
                r.stderr.contains("the file \(store)/settings.json cannot be read: ackWindow: ack-window is more than 366d; it must be from 1m to 30d"),
                "\(command): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("backtrace"))
        }
    }

    static let hostile = "Eve\u{1B}]0;pwned\u{07}\u{1B}[2J"

    /// A sandbox with one order whose buyer's name carries escape sequences.
    func hostileSandbox() async throws -> (SandboxFixture, String) {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 1; $0.returns = 0
        }
        let id = await sandbox.server.marketplace.allOrderIDs()[0]
        var o = try #require(await sandbox.server.marketplace.order(id))
        o.buyer = JetPerson(name: Self.hostile, phoneNumber: "555\u{1B}[31m")
        o.orderItems[0].productTitle = "Mug\u{9B}31m"
        await sandbox.server.marketplace.inject(order: o)
        return (sandbox, o.referenceOrderID!)
    }

    @Test func controlCharactersFromJetNeverReachTheTerminalRaw() async throws {
        let (sandbox, ref) = try await hostileSandbox()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let txt = dir.file("invoice.txt"), csv = dir.file("orders.csv")
            let r = try await JomProcess.run(
                [
                    "--store", dir.file("s"), "-c", "download", "-c", "show new", "-c", "open \(ref)", "-c", "find eve",
                    "-c", "print \(ref) --to \(txt)",
                ],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            for (what, text) in [("output", r.all), ("invoice", try String(contentsOfFile: txt, encoding: .utf8))] {
                #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" }, "\(what) holds a raw control character")
            }
            #expect(r.stdout.contains("Eve␛]0;pwned␇␛[2J"), "made visible, not dropped: \(r.stdout)")
            // Exports to a file are exact: JSON with JSON's escapes (nothing raw, nothing replaced), CSV as sent.
            let json = try await JomProcess.run(["--store", dir.file("s"), "-c", "show new --format json"], home: dir.path)
            #expect(!json.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" })
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(objects.contains { ($0["buyer"] as? String) == Self.hostile }, "the exact name, for tools: \(json.stdout.prefix(400))")
            let csvRun = try await JomProcess.run(["--store", dir.file("s"), "-c", "show new --format csv-raw"], home: dir.path)
            try csvRun.stdout.write(toFile: csv, atomically: true, encoding: .utf8)
            #expect(csvRun.stdout.contains(Self.hostile), "csv-raw is the exact text")
        }
    }

    @Test func controlCharactersNeverReachARealTerminal() async throws {
        let (sandbox, ref) = try await hostileSandbox()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            _ = try await JomProcess.run(["--store", dir.file("s"), "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            var env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            env["TERM"] = "xterm"
            env["PAGER"] = "cat"
            let t = try PseudoTerminal(JomProcess.binary, ["--store", dir.file("s")], environment: env)
            #expect(await t.waitForPrompt())
            let mark = t.mark
            t.type("open \(ref)\r")
            #expect(await t.wait(for: "Timeline", after: mark))
            #expect(await t.waitForPrompt())
            let screen = String(t.output.dropFirst(mark))
            #expect(screen.contains("Eve␛]0;pwned␇␛[2J"), "\(screen)")
            #expect(!screen.contains("\u{1B}]0;pwned") && !screen.contains("\u{07}") && !screen.contains("\u{1B}[2J"))
            #expect(await t.quitAtNextPrompt() == 0)
        }
    }

    @Test func aCutShortIndexLogIsRepairedFromTheOrders() async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            let ids = await sandbox.server.marketplace.allOrderIDs()
            let ref = try #require(await sandbox.server.marketplace.order(ids[0])?.referenceOrderID)
            let setup = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "approve \(ref)", "-c", "note \(ref) keep me"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(setup.status == 0, "\(setup.all)")
            #expect(truncate(store + "/index-log.jsonl", 100) == 0)
            let r = try await JomProcess.run(["--store", store, "-c", "status", "-c", "open \(ref)"], home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("(6 orders)"), "every order is back: \(r.stdout)")
            #expect(r.stdout.contains("note: keep me"))
            #expect(r.stderr.contains("indexed again from their records"), "it says so: \(r.stderr)")
        }
    }

    @Test func aRefusedCallIsAFailedLineAndMethodsAreCheckedFirst() async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            let ids = await sandbox.server.marketplace.allOrderIDs()
            let (a, b) = (try #require(await sandbox.server.marketplace.order(ids[0])), try #require(await sandbox.server.marketplace.order(ids[1])))
            _ = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "set ship-from-zip 07030", "-c", "approve \(a.referenceOrderID!)"],
                environment: sandbox.jomEnvironment, home: dir.path)
            let method = try await JomProcess.run(
                ["--store", store, "-c", "ship \(a.referenceOrderID!) 1Z999AA10123456784 --carrier UPS --method x"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(method.status == 1)
            #expect(method.stderr.contains("\"x\" is not one of Jet's shipment methods"), "\(method.stderr)")
            // Jet cancelled b after our last download: the approval is refused by Jet, and the script stops there.
            _ = try await sandbox.admin("POST", "cancel", ["merchant_order_id": b.merchantOrderID])
            let script = try dir.write("eod.jom", "approve \(b.referenceOrderID!)\nnote \(b.referenceOrderID!) never reached\n")
            let r = try await JomProcess.run(["--store", store, script], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 1, "\(r.all)")
            #expect(r.stderr.contains("eod.jom:1: error: Jet refused approve \(b.referenceOrderID!)"), "\(r.stderr)")
            let found = try await JomProcess.run(["--store", store, "-c", "find never reached"], home: dir.path)
            #expect(!found.stdout.contains(b.referenceOrderID!), "the script stopped at the refused line")
        }
    }

    @Test func scriptLinesMustBeTextAndScriptsMustNotRunThemselves() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("s")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        let list = try await JomProcess.run(["--store", store, "-c", "show new --format csv"], home: dir.path)
        let ref = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",")[1])
        let path = dir.file("latin1.jom")
        try Data("note \(ref) ok\nnote \(ref) caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
        let bad = try await JomProcess.run(["--store", store, path], home: dir.path)
        #expect(bad.status == 1)
        #expect(
            bad.stderr.contains("\(path):2: error: the line is not UTF-8 text (byte 0xE9 at column \(6 + ref.count + 4)); it was not run"),
            "\(bad.stderr)")
        let loop = try dir.write("loop.jom", "note \(ref) looping\nrun loop.jom\n")
        let l = try await JomProcess.run(["--store", store, loop], home: dir.path)
        #expect(l.status == 1)
        let notes = try await JomProcess.run(["--store", store, "-c", "open \(ref)"], home: dir.path)
        #expect(notes.stdout.components(separatedBy: "note: looping").count == 2, "one note, not sixteen: \(notes.stdout)")
        #expect(!notes.stdout.contains("caf\u{FFFD}"))
    }

    @Test func invoicesArePrivateAndTheSandboxSecretStaysOutOfPs() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("s")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        let list = try await JomProcess.run(["--store", store, "-c", "show new --format csv"], home: dir.path)
        let ref = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",")[1])
        let p = try await JomProcess.run(["--store", store, "-c", "print \(ref)", "-c", "print \(ref) --to \(dir.file("mine.html"))"], home: dir.path)
        #expect(p.status == 0, "\(p.all)")
        for f in try FileManager.default.contentsOfDirectory(atPath: store + "/invoices") + ["../../mine.html"] {
            #expect(fileMode(store + "/invoices/" + f) == 0o600, "\(f)")
        }
        let secretFile = try dir.write("secret", "s3cr3t-from-a-file\n")
        let sandbox = Process()
        sandbox.executableURL = URL(fileURLWithPath: JomProcess.binary)
        sandbox.arguments = ["sandbox", "--port", "0", "--secret-file", secretFile, "--exit-with-parent"]
        let out = Pipe()
        sandbox.standardOutput = out
        try sandbox.run()
        defer { kill(sandbox.processIdentifier, SIGKILL) }
        _ = await ProcessEvents.readable(out.fileHandleForReading.fileDescriptor, within: .seconds(10))
        let cmdline = try String(contentsOfFile: "/proc/\(sandbox.processIdentifier)/cmdline", encoding: .utf8)
        #expect(!cmdline.contains("s3cr3t"), "ps shows the file, not the secret")
        let banner = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let url = try #require(banner.split(separator: "\n").first { $0.hasPrefix("Jet sandbox listening on ") }?.split(separator: " ").last)
        let login = try await JomProcess.run(
            ["--store", dir.file("t"), "-c", "download"],
            environment: [
                "JET_API_URL": String(url), "JET_USER": "sandbox", "JET_SECRET": "s3cr3t-from-a-file",
                "JET_MERCHANT_ID": "m",
            ], home: dir.path)
        #expect(login.status == 0, "the secret from the file lets jom in: \(login.all)")
    }

    @Test func messagesSayWhatIsWrongAndWhatToDo() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("s")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        // A prefix that matches 14 orders says 14.
        let all = try await JomProcess.run(["--store", store, "-c", "show all --format csv"], home: dir.path)
        let refs = all.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
        #expect(refs.count == 14)
        let many = try await JomProcess.run(["--store", store, "-c", "open 80"], home: dir.path)
        #expect(many.stderr.contains("\"80\" matches 14 orders, the first 10: "), "\(many.stderr)")
        // run on a directory.
        let run = try await JomProcess.run(["--store", store, "-c", "run \(dir.path)"], home: dir.path)
        #expect(run.stderr.contains("\(dir.path) is a directory, not a script"), "\(run.stderr)")
        // A damaged downloads.json is reported, never replaced.
        try "{ not json".write(toFile: store + "/downloads.json", atomically: true, encoding: .utf8)
        let dl = try await JomProcess.run(["--store", store, "-c", "status"], home: dir.path)
        #expect(dl.status == 1)
        #expect(dl.stderr.contains("\(store)/downloads.json cannot be read"), "\(dl.stderr)")
        #expect(try String(contentsOfFile: store + "/downloads.json", encoding: .utf8) == "{ not json")
        try FileManager.default.removeItem(atPath: store + "/downloads.json")
        // A damaged sandbox.json is reported, never replaced by a new scenario.
        try "[]".write(toFile: store + "/sandbox.json", atomically: true, encoding: .utf8)
        let sb = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        #expect(sb.status == 1)
        #expect(sb.stderr.contains("the sandbox's state file \(store)/sandbox.json is damaged"), "\(sb.stderr)")
        #expect(try String(contentsOfFile: store + "/sandbox.json", encoding: .utf8) == "[]")
        // A damaged store.json does not send the operator to `download`.
        try "{".write(toFile: store + "/store.json", atomically: true, encoding: .utf8)
        let marker = try await JomProcess.run(["--store", store, "-c", "status"], home: dir.path)
        #expect(marker.status == 1)
        #expect(marker.stderr.contains("store.json cannot be read") && !marker.stderr.contains("download"), "\(marker.stderr)")
        // A settings file of the wrong type names the field.
        try #"{"jom-store": 2}"#.write(toFile: store + "/store.json", atomically: true, encoding: .utf8)
        try #"{"confirm": "sometimes"}"#.write(toFile: store + "/settings.json", atomically: true, encoding: .utf8)
        let settings = try await JomProcess.run(["--store", store, "-c", "status"], home: dir.path)
        #expect(settings.stderr.contains("settings.json cannot be read: confirm has the wrong type"), "\(settings.stderr)")
    }
}
