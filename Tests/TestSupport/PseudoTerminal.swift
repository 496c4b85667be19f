import Foundation
import JetWire

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program in a real pseudo-terminal (forkpty), to type at it and read its screen output.
package final class PseudoTerminal: @unchecked Sendable {
    // Used from one test at a time.
    package let pid: pid_t
    let master: Int32
    private(set) var transcript = ""

    /// Starts `path` with `arguments` in a terminal of `columns` × `rows`.
    package init(_ path: String, _ arguments: [String], environment: [String: String], columns: UInt16 = 100, rows: UInt16 = 30) throws {
        var ws = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        var fd: Int32 = -1
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let child = forkpty(&fd, nil, nil, &ws)
        if child == 0 {
            execve(path, argv, envp)
            _exit(127)
        }
        for p in argv { free(p) }
        for p in envp { free(p) }
        guard child > 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        pid = child
        master = fd
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if !exited {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types `text` (use "\t" for TAB, "\u{3}" for Ctrl-C, "\u{4}" for Ctrl-D, "\r" for Enter).
    package func type(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in _ = write(master, raw.baseAddress, raw.count) }
    }

    /// Reads what the program printed, until `predicate` holds on everything printed so far (or the time runs out).
    /// Between reads it waits for the terminal to have output (poll, on a thread of its own), never for a fixed time.
    @discardableResult
    package func wait(for predicate: (String) -> Bool, timeout: Double = 30) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            drain()
            if predicate(transcript) { return true }
            let left = deadline - ContinuousClock.now
            _ = await ProcessEvents.readable(master, within: left)
        }
        drain()
        return predicate(transcript)
    }

    /// Waits until the output contains `text` after position `mark` (a count of characters already seen).
    @discardableResult
    package func wait(for text: String, after mark: Int = 0, timeout: Double = 30) async -> Bool {
        await wait(for: { String($0.dropFirst(mark)).contains(text) }, timeout: timeout)
    }

    /// How much has been printed so far (a mark for `wait(for:after:)`).
    package var mark: Int {
        drain()
        return transcript.count
    }

    /// Everything printed, with escape sequences left in.
    package var output: String {
        drain()
        return transcript
    }

    private func drain() {
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &buf, buf.count)
            if n <= 0 { break }
            transcript += String(decoding: buf[0..<n], as: UTF8.self)
        }
    }

    /// Waits until a prompt is the last thing printed. Control keys must wait for it, as an operator's eyes
    /// would: typed while a command still runs, they reach the terminal in line mode, where the terminal
    /// itself takes Ctrl-D (end of file) and Ctrl-R (reprint) before any shell could see them.
    @discardableResult
    package func waitForPrompt() async -> Bool {
        await wait(for: { $0.hasSuffix("]> ") })
    }

    /// Ctrl-D at the next prompt, then waits for the exit.
    package func quitAtNextPrompt() async -> Int32? {
        guard await waitForPrompt() else { return nil }
        type("\u{4}")
        return await waitForExit()
    }

    /// Changes the terminal size (sends SIGWINCH).
    package func resize(columns: UInt16, rows: UInt16) {
        var ws = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctlSetWindowSize(master, &ws)
        kill(pid, SIGWINCH)
    }

    /// Waits for the program to exit; its exit status, or nil when it did not exit in time.
    package func waitForExit(timeout: Double = 30) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var status: Int32 = 0
        while true {
            drain()
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            guard ContinuousClock.now < deadline else { return nil }
            // Output (to drain, so the program is not blocked writing) or its exit, whichever comes first.
            _ = await ProcessEvents.readableOrEnded(master, pid: pid, within: deadline - ContinuousClock.now)
        }
    }

    private var exited = false
}

/// `ioctl(fd, TIOCSWINSZ, ws)`; `ioctl` is variadic, so call it through a non-variadic pointer.
private func ioctlSetWindowSize(_ fd: Int32, _ ws: UnsafeMutablePointer<winsize>) -> Int32 {
    typealias IoctlPointer = @convention(c) (Int32, UInt, UnsafeMutableRawPointer) -> Int32
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "ioctl") else { return -1 }
    return unsafeBitCast(symbol, to: IoctlPointer.self)(fd, UInt(TIOCSWINSZ), ws)
}
