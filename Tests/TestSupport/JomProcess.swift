import Foundation
import JetSandbox
import JetWire

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `jom` binary as a child process.
package enum JomProcess {
    /// `.build/debug/jom`, found beside the test bundle (or from this file's path).
    package static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let p = dir.appendingPathComponent("jom").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        var root = URL(fileURLWithPath: #filePath)
        while root.path != "/" {
            root.deleteLastPathComponent()
            let p = root.appendingPathComponent(".build/debug/jom").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return "jom"
    }

    package struct Result: Sendable {
        package var status: Int32
        package var stdout: String
        package var stderr: String
        /// Standard output then standard error.
        package var all: String { stdout + stderr }
    }

    /// A clean environment: fixed time zone, no Jet credentials unless given, no user config, and jom's clock
    /// pinned to the instant test sandboxes start at (``SandboxFixture/start``), so no test depends on today.
    package static func environment(_ extra: [String: String], home: String) -> [String: String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": home + "/config",
            "XDG_DATA_HOME": home + "/data",
            "USER": "ada",
            "TZ": "UTC",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "JOM_NOW": SandboxFixture.startText,
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs jom with `arguments`, feeding `input` on standard input; waits at most `timeout` seconds.
    package static func run(
        _ arguments: [String], input: String? = nil, environment extra: [String: String] = [:],
        home: String = NSTemporaryDirectory(), mergeStderr: Bool = false, timeout: Double = 60
    ) async throws -> Result {
        try await ChildProcess.run(
            binary, arguments, input: input, environment: environment(extra, home: home),
            mergeStderr: mergeStderr, timeout: timeout)
    }

    package typealias TimedOut = ChildProcess.TimedOut
}

/// Runs any program as a child process, for tests that check jom's output with other tools (a browser, a
/// barcode reader) or run jom itself.
package enum ChildProcess {
    /// Runs `executable` with `arguments`, feeding `input` on standard input; waits at most `timeout` seconds,
    /// then kills it and throws ``TimedOut``. The environment is this process's unless given.
    /// Waits without blocking Swift's cooperative threads (a sandbox in this process needs them to answer).
    package static func run(
        _ executable: String, _ arguments: [String], input: String? = nil,
        environment: [String: String]? = nil, mergeStderr: Bool = false,
        timeout: Double = 60
    ) async throws -> JomProcess.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = mergeStderr ? out : err
        p.standardInput = inp
        let outData = ReadBox(), errData = ReadBox()
        let exited = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in exited.signal() }
        try p.run()
        // Blocking reads and waits run on threads of their own: blocking Dispatch's or Swift's shared worker
        // threads would starve the sandboxes other tests run in this process.
        let readers = DispatchGroup()
        func readAll(_ pipe: Pipe, into box: ReadBox) {
            readers.enter()
            Thread.detachNewThread {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                readers.leave()
            }
        }
        readAll(out, into: outData)
        if !mergeStderr { readAll(err, into: errData) }
        let writer = inp.fileHandleForWriting
        let inputData = input.map { Data($0.utf8) }
        Thread.detachNewThread {
            if let inputData { try? writer.write(contentsOf: inputData) }
            try? writer.close()
        }
        let pid = p.processIdentifier
        let finished: Bool = await withCheckedContinuation { c in
            Thread.detachNewThread {
                let ok = exited.wait(timeout: .now() + timeout) == .success
                if !ok {
                    kill(pid, SIGKILL)
                    exited.wait()
                }
                readers.wait()
                c.resume(returning: ok)
            }
        }
        if !finished {
            throw TimedOut(
                command: ([executable] + arguments).joined(separator: " "),
                output: String(decoding: outData.data + errData.data, as: UTF8.self))
        }
        return JomProcess.Result(
            status: p.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self))
    }

    final class ReadBox: @unchecked Sendable {
        // Written by one reader thread, read after the group finishes.
        var data = Data()
    }

    package struct TimedOut: Error, CustomStringConvertible {
        package var command: String
        package var output: String
        package var description: String { "\(command) did not finish in time; output so far:\n\(output)" }
    }
}

/// A temporary directory removed when the test is done.
package final class TemporaryDirectory: @unchecked Sendable {
    package let path: String

    package init(_ name: String = "jom-test") {
        let base = NSTemporaryDirectory() + "\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    package func file(_ name: String) -> String { path + "/" + name }

    package func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Written with O_CLOEXEC: a process another test forks at this moment must not inherit the open file,
        // or executing it (a shebang script) fails with "Text file busy".
        let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: p]) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: p]) }
        return p
    }
}

extension SandboxFixture {
    /// The environment that points jom at this sandbox.
    package var jomEnvironment: [String: String] {
        ["JET_API_URL": baseURL, "JET_USER": configuration.user, "JET_SECRET": configuration.secret, "JET_MERCHANT_ID": "m-1"]
    }
}

/// The permission bits of a file (e.g. 0o600), or nil when it does not exist.
package func fileMode(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
}

/// What a store holds on disk, read as a person would (with `jq`): every record line of `orders/*.jsonl`, the
/// last line of each order being its current record.
package enum StoreFiles {
    /// Every file in a store directory by its path inside it, with its bytes (the lock files left out unless
    /// `withLocks`): to show that something left the store exactly as it was.
    package static func snapshot(withLocks: Bool = false, _ path: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for p in try FileManager.default.subpathsOfDirectory(atPath: path) where withLocks || !p.hasSuffix("lock") {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + p, isDirectory: &isDir), !isDir.boolValue {
                out[p] = FileManager.default.contents(atPath: path + "/" + p)
            }
        }
        return out
    }

    /// The segment files, oldest first.
    package static func segments(_ store: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store + "/orders")) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { store + "/orders/" + $0 }
    }

    /// Each order's current record as a JSON object, by Jet id.
    package static func records(_ store: String) throws -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for file in segments(store) {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = object["id"] as? String else {
                    throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: file])
                }
                out[id] = object
            }
        }
        return out
    }

    /// Where the current record of an order starts and ends in its segment: the last line whose id is `id`.
    package static func place(of id: String, in store: String) throws -> (file: String, range: Range<Int>)? {
        var found: (String, Range<Int>)?
        for file in segments(store) {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            var start = 0
            while start < data.count {
                let end = data[start...].firstIndex(of: 0x0A) ?? data.count
                if data[start..<end].starts(with: Array(#"{"id":"\#(id)""#.utf8)) { found = (file, start..<end) }
                start = end + 1
            }
        }
        return found
    }
}
