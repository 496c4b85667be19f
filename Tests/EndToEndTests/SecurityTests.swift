import Foundation
import JetWords
import JetAPI
import JetSandbox
import Testing
import TestSupport

/// Credentials and customers' data stay private.
@Suite struct SecurityTests {
    @Test func aCredentialsFileOthersCanReadIsRefusedWithTheChmodToRun() async throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("config/jom/credentials.json", #"{"api_url":"http://127.0.0.1:9/api","user":"u","secret":"s"}"#)
        chmod(path, 0o644)
        let r = try await JomProcess.run(["--store", dir.file("s"), "-c", "status"], home: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("can be read by other users"))
        #expect(r.stderr.contains("chmod 600 \(path)"))
        chmod(path, 0o600)
        let ok = try await JomProcess.run(["--store", dir.file("s"), "-c", "status"], home: dir.path)
        #expect(ok.status == 0, "\(ok.all)")
        #expect(ok.stdout.contains("http://127.0.0.1:9/api"))
    }

    @Test func secretsNeverReachLogsDebugOutputHistoryOrTheStore() async throws {
        let sandbox = try await SandboxFixture.start { $0.secret = "s3cr3t-pa55-\(UInt32.random(in: 0...UInt32.max))" }
        defer { Task { await sandbox.stop() } }
        let dir = TemporaryDirectory()
        let store = dir.file("s")
        let secret = sandbox.configuration.secret
        let r = try await JomProcess.run(["--store", store, "--debug-http", "-c", "download", "-c", "status", "-c", "approve 80"],
                                         environment: sandbox.jomEnvironment, home: dir.path)
        #expect(r.stderr.contains("→ POST \(sandbox.baseURL)/token"), "debug output is there")
        #expect(r.stderr.contains("\"pass\":\"***\""))
        for text in [r.stdout, r.stderr] {
            #expect(!text.contains(secret))
            #expect(!text.contains("eyJ0eXAiOiJKV1Qi"), "no token in the output")
        }
        // Nothing in the store holds the secret or a token.
        var env = JomProcess.environment(sandbox.jomEnvironment, home: dir.path)
        env["TERM"] = "xterm"
        let t = try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env)
        #expect(await t.wait(for: "]> "))
        t.type("status\rquit\r")
        #expect(await t.waitForExit() == 0)
        for p in try FileManager.default.subpathsOfDirectory(atPath: store) {
            guard let data = FileManager.default.contents(atPath: store + "/" + p) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains(secret), "\(p) holds the secret")
            #expect(!text.contains("eyJ0eXAiOiJKV1Qi"), "\(p) holds a token")
        }
        #expect(FileManager.default.fileExists(atPath: store + "/history"))
    }

    @Test func theSandboxListensOnLoopbackUnlessToldOtherwise() async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: JomProcess.binary)
        // --exit-with-parent: if this test process dies first, the sandbox goes too (an orphan would hold CI open).
        p.arguments = ["sandbox", "--port", "0", "--orders", "1", "--exit-with-parent"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        let handle = out.fileHandleForReading
        let line: String = await withCheckedContinuation { c in
            Thread.detachNewThread {
                var text = ""
                while !text.contains("\nport ") || !text.hasSuffix("\n") {
                    let d = handle.availableData
                    if d.isEmpty { break }
                    text += String(decoding: d, as: UTF8.self)
                }
                c.resume(returning: text)
            }
        }
        #expect(line.contains("Jet sandbox listening on http://127.0.0.1:"))
        let port = try #require(line.split(separator: "\n").first { $0.hasPrefix("port ") }.flatMap { Int($0.dropFirst(5)) })
        // /proc/net/tcp lists the listening socket as 0100007F (127.0.0.1), not 00000000 (every address). The
        // kernel writes that file in chunks and can skip a line while other tests open and close connections,
        // so it is read again (at once) a few times before concluding the socket is missing.
        let hexPort = String(format: "%04X", port)
        var listening: [Substring] = []
        for _ in 0..<200 where listening.isEmpty {
            let tcp = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
            listening = tcp.split(separator: "\n").filter { $0.contains(":\(hexPort) ") && $0.contains(" 0A ") }
        }
        #expect(!listening.isEmpty, "port \(port) is not among the listening sockets in /proc/net/tcp")
        #expect(listening.allSatisfy { $0.contains("0100007F:\(hexPort)") }, "\(listening)")
        // SIGTERM right after the port is announced stops it (the signal must not fall in a gap before its handler).
        p.terminate()
        #expect(await ProcessEvents.ended(p.processIdentifier, within: .seconds(10)), "the sandbox ignored SIGTERM sent as soon as it announced its port")
    }

    @Test func aSandboxStartedForAHarnessStopsWhenItsParentEnds() async throws {
        // A shell starts the sandbox and ends a second later: the sandbox must not stay behind. The shell is
        // spawned directly and waited for by pid: Foundation's Process watches its child through descriptors
        // the sandbox would inherit, and would then wait on a sandbox that stays instead of failing the test.
        let directory = TemporaryDirectory()
        let pidFile = directory.file("sandbox.pid")
        let script = "'\(JomProcess.binary)' sandbox --port 0 --orders 1 --exit-with-parent </dev/null >/dev/null 2>&1 & echo $! > '\(pidFile)'; sleep 1"
        var shellPid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = [String]([ "/bin/sh", "-c", script ]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&shellPid, "/bin/sh", nil, nil, &argv, environ) == 0)
        let shell = shellPid
        await withCheckedContinuation { (ended: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                var status: Int32 = 0
                _ = waitpid(shell, &status, 0)
                ended.resume()
            }
        }
        let pid = try #require(pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let stillThere = !(await ProcessEvents.ended(pid, within: .seconds(15)))
        if stillThere { kill(pid, SIGKILL) }
        #expect(!stillThere, "the sandbox outlived the process that started it")
    }
}
