import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The small things that would make an operator stop trusting jom: a dry run that writes, a stop with no
/// word, a flag the README names that does not exist, files written over what they should not replace.
@Suite struct SmallThingsTests {
    @Test func aDryRunWritesNothingAndSaysWhatItWould() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        let before = try StoreFiles.snapshot(store)
        let out = dir.file("invoice.html")
        let r = try await JomProcess.run(
            [
                "--store", store, "--dry-run", "-c", "note 8005 would stay", "-c", "print 8005", "-c", "print 8005 --to \(out)",
                "-c", "report --html \(dir.file("r.html"))", "-c", "compact",
            ], home: dir.path)
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.contains("dry run: would add the note to 800512763015"), "\(r.stdout)")
        #expect(r.stdout.contains("dry run: would print the invoice for 800512763015"), "\(r.stdout)")
        #expect(r.stdout.contains("dry run: would write the invoice for 800512763015 to \(out)"), "\(r.stdout)")
        #expect(r.stdout.contains("dry run: would write the report"), "\(r.stdout)")
        #expect(!r.stdout.contains("note added"))
        #expect(try StoreFiles.snapshot(store) == before, "the store is as it was")
        #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: store + "/invoices"))
    }

    @Test func watchStopsCleanlyOnSighupAndSaysSo() async throws {
        try await withSandbox {
            $0.orders = 1; $0.returns = 0
        } _: { sandbox in
            let dir = TemporaryDirectory()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: JomProcess.binary)
            p.arguments = ["watch", "--store", dir.file("s"), "--every", "1s"]
            p.environment = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
            #expect(await ProcessEvents.readable(out.fileHandleForReading.fileDescriptor, within: .seconds(20)))
            kill(p.processIdentifier, SIGHUP)
            #expect(await ProcessEvents.ended(p.processIdentifier, within: .seconds(5)), "a terminal closing stops it cleanly")
            p.waitUntilExit()
            #expect(p.terminationReason == .exit && p.terminationStatus == 0, "not killed by the signal")
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.contains("stopping: SIGHUP received; anything not sent stays in the outbox"), "\(text)")
        }
    }

    @Test func theSandboxTakesTheLostReplyRateTheReadmeNames() async throws {
        let r = try await JomProcess.run(["sandbox", "--port", "0", "--lost-reply-rate", "1.5"], home: NSTemporaryDirectory())
        #expect(r.status == 64, "\(r.all)")
        #expect(r.stderr.contains("--lost-reply-rate must be between 0 and 1"), "the flag exists and is range-checked: \(r.stderr)")
        let help = try await JomProcess.run(["sandbox", "--help"], home: NSTemporaryDirectory())
        #expect(help.stdout.contains("--lost-reply-rate"))
    }

    @Test func printToAFifoADeviceOrALinkIsRefusedAndLeavesItAsItWas() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("demo")
        _ = try await JomProcess.run(["--store", store, "-c", "download"], home: dir.path)
        let fifo = dir.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let target = try dir.write("precious.txt", "keep me\n")
        let link = dir.file("link.txt")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        for (path, what) in [(fifo, "a FIFO (named pipe)"), ("/dev/null", "a device"), (link, "a symbolic link"), (dir.path, "a directory")] {
            let r = try await JomProcess.run(["--store", store, "-c", "print 8005 --to \(path)"], home: dir.path, timeout: 20)
            #expect(r.status == 1, "\(path): \(r.all)")
            #expect(r.stderr.contains("is \(what); jom writes only regular files, and left it as it was"), "\(r.stderr)")
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n", "the link's target is untouched")
        #expect((try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType) == .typeSymbolicLink)
        #expect((try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType) == .typeCharacterSpecial)
        // `-` is standard output: the invoice itself.
        let out = try await JomProcess.run(["--store", store, "-c", "print 8005 --to -"], home: dir.path)
        #expect(out.status == 0 && out.stdout.hasPrefix("INVOICE\n") && out.stdout.contains("800512763015"), "\(out.all)")
        // A regular file is replaced; the store's own files never are (the morning's print stays).
        let first = try await JomProcess.run(["--store", store, "-c", "print 8005", "-c", "print 8005"], home: dir.path)
        #expect(first.status == 0, "\(first.all)")
        let files = try FileManager.default.contentsOfDirectory(atPath: store + "/invoices").sorted()
        #expect(files.count == 4 && files.contains { $0.hasSuffix("-2.html") }, "\(files)")
    }
}

/// The store opens nothing it did not make: a link planted for any of its files or folders is refused, and what
/// it points at is left untouched.
@Suite struct PlantedLinkTests {
    @Test func aLinkPlantedForAnyFileOrFolderOfTheStoreIsNeverFollowed() async throws {
        let home = TemporaryDirectory()
        let template = home.file("template")
        let setup = try await JomProcess.run(
            [
                "--store", template, "-c", "download", "-c", "note 8005 first", "-c", "print 8005",
                "-c", "approve 8062", "-c", "compact",
            ], home: home.path)
        #expect(setup.status == 0, "\(setup.all)")
        let names = [
            "store.json", "settings.json", "downloads.json", "index.jsonl", "index-hot.jsonl", "index-log.jsonl", "outbox.jsonl",
            "quarantine.json", "lock", "send.lock", "history", "sandbox.json", "sandbox.lock", "orders", "orders/000002.jsonl",
            "invoices", "compact.json",
        ]
        for name in names {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            _ = try await ChildProcess.run("/bin/cp", ["-a", template, store])
            let target = try dir.write("target", "precious\n")
            let victim = store + "/" + name
            try? FileManager.default.removeItem(atPath: victim)
            try FileManager.default.createSymbolicLink(atPath: victim, withDestinationPath: target)
            for line in ["note 8005 second", "set seller-name Acme", "print 8005", "download", "approve 8001", "compact", "status"] {
                let r = try await JomProcess.run(["--store", store, "-c", line], home: dir.path)
                #expect(!r.stderr.contains("internal error") && r.status != 134 && r.status != 139, "\(name), \(line): \(r.all)")
            }
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n", "\(name): the link's target was written")
        }
    }
}

/// A flood of connections that never send a request cannot stop downloads: the sandbox closes the oldest of
/// those that have not spoken once too many wait, so its descriptors never run out.
@Suite(.serialized) struct ConnectionFloodTests {
    @Test func twentyThousandHalfOpenConnectionsDoNotStopADownload() async throws {
        // The standalone sandbox, as an operator runs it: its own process, its own descriptors.
        let dir = TemporaryDirectory()
        let sandbox = Process()
        sandbox.executableURL = URL(fileURLWithPath: JomProcess.binary)
        sandbox.arguments = [
            "sandbox", "--port", "0", "--orders", "20", "--returns", "0", "--arrival-rate", "0", "--user", "u", "--secret", "s",
            "--clock", SandboxFixture.startText, "--exit-with-parent",
        ]
        sandbox.environment = JomProcess.environment([:], home: dir.path)
        let banner = Pipe()
        sandbox.standardOutput = banner
        sandbox.standardError = FileHandle.nullDevice
        try sandbox.run()
        defer { if sandbox.isRunning { kill(sandbox.processIdentifier, SIGKILL) } }
        var text = ""
        while !text.contains("\nport ") || !text.contains("use it with") {
            let chunk = banner.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(text.split(separator: "\n").first { $0.hasPrefix("port ") }.flatMap { Int($0.dropFirst(5)) }, "\(text)")
        let flooder = try dir.write(
            "flood.py",
            """
            import socket, sys, time
            port, n = int(sys.argv[1]), int(sys.argv[2])
            held = []
            for i in range(n):
                try:
                    s = socket.socket(); s.setblocking(False); s.connect_ex(("127.0.0.1", port)); held.append(s)
                except OSError:
                    pass
            print("ready", len(held), flush=True)
            sys.stdin.read()
            """)
        var floods: [Process] = []
        defer { for p in floods where p.isRunning { p.terminate() } }
        for _ in 0..<4 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", flooder, String(port), "5000"]
            let out = Pipe()
            p.standardOutput = out
            p.standardInput = Pipe()
            try p.run()
            floods.append(p)
            #expect(await ProcessEvents.readable(out.fileHandleForReading.fileDescriptor, within: .seconds(60)), "a flooder started")
        }
        let env = ["JET_API_URL": "http://127.0.0.1:\(port)/api", "JET_USER": "u", "JET_SECRET": "s", "JET_MERCHANT_ID": "m"]
        let started = ContinuousClock.now
        let r = try await JomProcess.run(["--store", dir.file("s"), "-c", "download"], environment: env, home: dir.path, timeout: 120)
        #expect(r.status == 0, "\(r.all)")
        #expect(r.stdout.contains("downloaded: 20 new orders"), "\(r.all)")
        #expect(sandbox.isRunning, "the sandbox is still up")
        print("flood test: a download among 20,000 idle connections took \(ContinuousClock.now - started)")
    }
}
