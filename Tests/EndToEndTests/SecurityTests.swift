import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

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
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            let secret = sandbox.configuration.secret
            let r = try await JomProcess.run(
                ["--store", store, "--debug-http", "-c", "download", "-c", "status", "-c", "approve 80"],
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
        // Bound to 127.0.0.1, not to every address: it answers on 127.0.0.1 and refuses 127.0.0.2, which is this
        // machine too (all of 127/8 is loopback) and which a socket on every address would answer. (Asked by
        // connecting, not by reading /proc/net/tcp: the kernel writes that table a page at a time and skips
        // lines while other tests open and close sockets.)
        #expect(Self.connects(to: "127.0.0.1", port: port), "the sandbox does not answer on 127.0.0.1:\(port)")
        let everyAddress = try Self.listenOnEveryAddress()
        defer { close(everyAddress.fd) }
        #expect(Self.connects(to: "127.0.0.2", port: everyAddress.port), "127.0.0.2 should reach a socket bound to every address")
        #expect(!Self.connects(to: "127.0.0.2", port: port), "the sandbox answers on 127.0.0.2: it listens on every address")
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
        var argv: [UnsafeMutablePointer<CChar>?] = [String](["/bin/sh", "-c", script]).map { strdup($0) } + [nil]
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

    /// Whether a TCP connection to `host`:`port` is accepted.
    static func connects(to host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A socket listening on every address (0.0.0.0) on a free port.
    static func listenOnEveryAddress() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, ok else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
