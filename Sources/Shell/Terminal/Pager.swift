import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `$PAGER` (default `less -FRX`) for lists taller than the screen, run the way a shell runs it: in jom's own
/// process group, which is the terminal's foreground group, so it may read the keyboard (Foundation's
/// `Process` put it in a group of its own, where reading the terminal stopped it: the session hung), with the
/// terminal in the mode it had before the line editor took it. q, Ctrl-C (`less` gets `-K` through `LESS`)
/// and Ctrl-D (a `lesskey` binding) end it; the line editor takes the terminal back at the next prompt.
final class PagerProcess: @unchecked Sendable {
    // Used by one command at a time (the output of the command that pages).
    let pid: pid_t
    /// The pager's standard input.
    let input: Int32
    private var savedMode: termios?
    private var finished = false
    /// Interrupts counted when it started: Ctrl-C while paging is the pager's, not a cancel of the command.
    private var interruptsAtStart = 0

    /// The pager running now, if one is (a Ctrl-C then is its own).
    nonisolated(unsafe) static var current: PagerProcess?

    /// The terminal's mode before the line editor changed it (set once, when an interactive session starts).
    nonisolated(unsafe) static var normalMode: termios?

    /// Records the terminal's mode as the session found it.
    static func rememberNormalMode() {
        var t = termios()
        if tcgetattr(0, &t) == 0 { normalMode = t }
    }

    private init(pid: pid_t, input: Int32, savedMode: termios?) {
        self.pid = pid
        self.input = input
        self.savedMode = savedMode
    }

    /// The pager command: `$PAGER`, else `less -FRX`.
    static var command: String {
        ProcessInfo.processInfo.environment["PAGER"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } ?? "less -FRX"
    }

    /// A `lesskey` source that makes Ctrl-D quit, like the end of input it means everywhere else in jom.
    private static let lesskeyFile: String? = {
        let path = NSTemporaryDirectory() + "jom-lesskey-\(getuid())"
        let text = "#command\n^D quit\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return write(fd, bytes, bytes.count) == bytes.count ? path : nil
    }()

    /// The environment for the pager: `LESS` with `K` (Ctrl-C quits) and, unless the operator set their own,
    /// jom's `FRX`; the Ctrl-D key binding when `less` can read one.
    static func environment() -> [String] {
        var env = ProcessInfo.processInfo.environment
        var less = env["LESS"] ?? "FRX"
        if !less.contains("K") { less += "K" }
        env["LESS"] = less
        if env["LESSKEYIN"] == nil, let keys = lesskeyFile { env["LESSKEYIN"] = keys }
        return env.map { "\($0.key)=\($0.value)" }
    }

    /// Starts the pager; nil when it cannot start (the output is then written as it is).
    static func start() -> PagerProcess? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The signals jom ignores or catches are the pager's to handle as it always does.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTSTP, SIGPIPE, SIGWINCH, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        // The terminal in its normal mode while the pager has it.
        var current = termios()
        let saved: termios? = tcgetattr(0, &current) == 0 ? current : nil
        if var normal = normalMode { tcsetattr(0, TCSADRAIN, &normal) }
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { w in strdup(w) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment().map { e in strdup(e) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        close(readEnd)
        guard status == 0 else {
            close(writeEnd)
            if var saved { tcsetattr(0, TCSADRAIN, &saved) }
            return nil
        }
        let p = PagerProcess(pid: pid, input: writeEnd, savedMode: saved)
        p.interruptsAtStart = Signals.interrupts.load(ordering: .sequentiallyConsistent)
        PagerProcess.current = p
        return p
    }

    /// No more to show: the pager gets the end of its input, is waited for, and the terminal is as it was.
    func finish() {
        guard !finished else { return }
        finished = true
        close(input)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if var savedMode { tcsetattr(0, TCSADRAIN, &savedMode) }
        if PagerProcess.current === self { PagerProcess.current = nil }
        let during = Signals.interrupts.load(ordering: .sequentiallyConsistent) - interruptsAtStart
        if during > 0 { Signals.absorbed.add(during, ordering: .sequentiallyConsistent) }
    }

    deinit { finish() }
}
