import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// jom without a person: end-of-day scripts, errors with FILE:LINE, --keep-going, --dry-run, stdin, shebang.
@Suite struct ScriptTests {
    func references(_ sandbox: SandboxFixture) async throws -> (ready: [String], returned: [String]) {
        var ready: [String] = [], returned: [String] = []
        for id in await sandbox.server.marketplace.allOrderIDs() {
            let o = try #require(await sandbox.server.marketplace.order(id))
            if o.status == .ready { ready.append(o.referenceOrderID ?? id) } else { returned.append(o.referenceOrderID ?? id) }
        }
        return (ready, returned)
    }

    @Test func aRealisticEndOfDayScriptRunsAgainstTheSandbox() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 6; $0.returns = 2
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let (ready, returned) = try await references(sandbox)
            let script = try dir.write(
                "eod.jom",
                """
                #!/usr/bin/env jom
                # End of day: fetch, approve what is new, ship what was packed, answer returns, report.
                set ship-from-zip 07030
                download
                cancel \(ready[5]) no-inventory
                show new
                approve all
                ship \(ready[0]) 1Z999AA10123456784 --carrier UPS
                ship \(ready[1]) 9400111201080805483016 --carrier USPS
                ship \(ready[2]) 986578788855 --carrier FedEx
                note \(ready[3]) packed, waiting for pickup tomorrow
                refund \(returned[0])
                deny \(returned[1]) outside-window
                status
                """)
            let r = try await JomProcess.run(["--store", dir.file("store"), script], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("5 approved: 5 sent to Jet"))
            #expect(r.stdout.contains("Outbox       nothing waiting for Jet"))
            let ledger = await sandbox.appliedLedger()
            let kinds = ledger.map { "\($0.method) \($0.path.split(separator: "/").last ?? "")" }
            #expect(kinds.filter { $0 == "PUT acknowledge" }.count == 6, "5 accepted + 1 rejected: \(kinds)")
            #expect(kinds.filter { $0 == "PUT shipped" }.count == 3)
            #expect(kinds.filter { $0 == "PUT complete" }.count == 2)
            #expect(ledger.count == 11)
            // Jet now has what the operator did.
            let m = sandbox.server.marketplace
            let shipped = try await (0..<3).asyncMap { i in await m.order(try await id(of: ready[i], in: sandbox)) }
            #expect(shipped.allSatisfy { $0?.status == .complete })
            let cancelled = await m.order(try await id(of: ready[5], in: sandbox))
            #expect(cancelled?.acknowledgementStatus == .rejectedItemLevelError)
        }
    }

    func id(of reference: String, in sandbox: SandboxFixture) async throws -> String {
        for id in await sandbox.server.marketplace.allOrderIDs() where await sandbox.server.marketplace.order(id)?.referenceOrderID == reference {
            return id
        }
        throw TestFailure("no order \(reference)")
    }

    @Test func anErrorOnLineNStopsTheScriptWithFileAndLine() async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let (ready, _) = try await references(sandbox)
            let script = try dir.write("bad.jom", "download\n\n# a comment\napprove \(ready[0])\nship \(ready[0])\napprove \(ready[1])\n")
            let r = try await JomProcess.run(["--store", dir.file("s"), "-f", script], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 1)
            #expect(r.stderr.contains("\(script):5: error: ship \(ready[0]) needs a tracking number"), "\(r.stderr)")
            #expect(r.stderr.contains("hint: ship \(ready[0]) <tracking number>"))
            #expect(await sandbox.appliedLedger().count == 1, "stopped at line 5: the second approve never ran")

            let kept = try await JomProcess.run(["--store", dir.file("s"), "--keep-going", script], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(kept.status == 1, "still non-zero")
            #expect(kept.stderr.contains("\(script):4: error: order \(ready[0]) is already approved"))
            #expect(kept.stderr.contains("\(script):5: error"))
            #expect(kept.stdout.contains("approve \(ready[1]): sent to Jet"), "--keep-going ran on")
        }
    }

    @Test func aDryRunSendsNothingAndChangesNothingButSaysWhatItWouldSend() async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let (ready, returned) = try await references(sandbox)
            let download = try await JomProcess.run(
                ["--store", dir.file("s"), "-c", "download", "-c", "set ship-from-zip 07030"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(download.status == 0)
            let before = await sandbox.server.marketplace.ledger().count
            let storeBefore = try StoreFiles.snapshot(dir.file("s"))
            let script = try dir.write(
                "eod.jom",
                """
                cancel \(ready[1]) other
                approve all
                ship \(ready[0]) 1Z999AA10123456784 --carrier UPS
                note \(ready[2]) only in the dry run
                refund \(returned[0])
                download
                status
                """)
            let r = try await JomProcess.run(["--store", dir.file("s"), "--dry-run", script], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("dry run: would send PUT /orders/"), "\(r.stdout)")
            #expect(r.stdout.contains("/acknowledge {\"acknowledgement_status\":\"accepted\""))
            #expect(r.stdout.contains("/shipped {"))
            #expect(r.stdout.contains("\"shipment_tracking_number\":\"1Z999AA10123456784\""))
            #expect(r.stdout.contains("/returns/"))
            #expect(r.stdout.contains("dry run: would download"))
            #expect(r.stdout.contains("nothing is saved"))
            #expect(await sandbox.server.marketplace.ledger().count == before, "nothing reached the sandbox")
            #expect(try StoreFiles.snapshot(dir.file("s")) == storeBefore, "nothing changed in the store")
        }
    }

    @Test func commandsOnStandardInputAndAShebangScript() async throws {
        let dir = TemporaryDirectory()
        let piped = try await JomProcess.run(
            ["--store", dir.file("s")], input: "# from a pipe\nset confirm off\n\nset confirm\nnonsense\nstatus\n", home: dir.path)
        #expect(piped.status == 1)
        #expect(piped.stdout.contains("confirm is now off"))
        #expect(piped.stderr.contains("stdin:5: error: unknown command \"nonsense\""))
        #expect(!piped.stdout.contains("Cancel rate"), "stopped at the failing line")

        // A .jom file that starts with #!/usr/bin/env jom runs as a program.
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/jom", withDestinationPath: JomProcess.binary)
        let script = try dir.write("hello.jom", "#!/usr/bin/env jom\nset due-soon 2h\nset due-soon\n")
        chmod(script, 0o755)
        var env = JomProcess.environment(["JOM_STORE": dir.file("s")], home: dir.path)
        env["PATH"] = bin + ":" + (env["PATH"] ?? "")
        let out = Pipe()
        var p = Process()
        // A child another test forked in the instant the script was written may still hold it open: then
        // exec says "Text file busy" until that child execs in turn. Try again for a moment.
        for attempt in 1... {
            p = Process()
            p.executableURL = URL(fileURLWithPath: script)
            p.environment = env
            p.standardOutput = out
            do {
                try p.run()
                break
            } catch let e as NSError where attempt < 50 && (e.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY) {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let data = await withCheckedContinuation { c in Thread.detachNewThread { c.resume(returning: out.fileHandleForReading.readDataToEndOfFile()) } }
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self).contains("due-soon 2h"))
    }

    @Test func runFindsScriptsBesideItsCallerAndRefusesEndlessNesting() async throws {
        let dir = TemporaryDirectory()
        _ = try dir.write("routines/part.jom", "set due-soon 3h\n")
        let main = try dir.write("routines/main.jom", "run part.jom\nset due-soon\n")
        let r = try await JomProcess.run(["--store", dir.file("s"), main], home: dir.path)
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.contains("due-soon 3h"))

        let loop = try dir.write("loop.jom", "run loop.jom\n")
        let l = try await JomProcess.run(["--store", dir.file("s"), loop], home: dir.path, timeout: 20)
        #expect(l.status == 1)
        #expect(l.stderr.contains("loop.jom:1: error: the script \(loop) runs itself (\(loop) → \(loop)); none of it ran again"), "\(l.stderr)")
        #expect(l.stderr.components(separatedBy: "error:").count == 2, "the failure is reported once: \(l.stderr)")
    }

    @Test func jomrcRunsAtTheStartOfAnInteractiveSessionOnly() async throws {
        let dir = TemporaryDirectory()
        _ = try dir.write("config/jom/jomrc", "set due-soon 5h\n")
        let scripted = try await JomProcess.run(["--store", dir.file("s"), "-c", "set due-soon"], home: dir.path)
        #expect(scripted.stdout.contains("due-soon 1h"), "scripts do not run jomrc")
        var env = JomProcess.environment([:], home: dir.path)
        env["TERM"] = "xterm"
        let t = try PseudoTerminal(JomProcess.binary, ["--store", dir.file("s")], environment: env)
        #expect(await t.wait(for: "]> "))
        t.type("set due-soon\r")
        #expect(await t.wait(for: "due-soon 5h"))
        t.type("quit\r")
        #expect(await t.waitForExit() == 0)
        let skipped = try PseudoTerminal(JomProcess.binary, ["-X", "--store", dir.file("s2")], environment: env)
        #expect(await skipped.wait(for: "]> "))
        skipped.type("set due-soon\rquit\r")
        #expect(await skipped.wait(for: "due-soon 1h"))
        #expect(await skipped.waitForExit() == 0)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Sequence {
    func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await f(e)) }
        return out
    }
}
