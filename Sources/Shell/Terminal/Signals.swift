import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Signals as bytes on a pipe: handlers only count and write one byte, and the editor thread (or the command
/// runner) acts on them. Ctrl-C at the prompt clears the line; during a command it cancels the command.
enum Signals {
    static let interrupts = Atomic<Int>(0)
    /// Interrupts a pager took (Ctrl-C quits `less`): not a cancel of the command that paged.
    static let absorbed = Atomic<Int>(0)
    /// Interrupts meant for jom.
    static var interruptsForJom: Int {
        interrupts.load(ordering: .sequentiallyConsistent) - absorbed.load(ordering: .sequentiallyConsistent)
    }
    static let terminations = Atomic<Int>(0)
    static let resizes = Atomic<Int>(0)
    /// The pipe: the editor polls `readFD` beside standard input.
    nonisolated(unsafe) static var readFD: Int32 = -1
    nonisolated(unsafe) static var writeFD: Int32 = -1
    nonisolated(unsafe) private static var installed = false

    /// Creates the pipe and installs the handlers (once).
    static func install() {
        guard !installed else { return }
        installed = true
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        _ = interrupts.load(ordering: .relaxed)
        handle(SIGINT) { _ in
            Signals.interrupts.add(1, ordering: .sequentiallyConsistent)
            Signals.poke(UInt8(ascii: "I"))
        }
        handle(SIGWINCH) { _ in
            Signals.resizes.add(1, ordering: .sequentiallyConsistent)
            Signals.poke(UInt8(ascii: "W"))
        }
        let stop: @convention(c) (Int32) -> Void = { _ in
            Signals.terminations.add(1, ordering: .sequentiallyConsistent)
            Signals.poke(UInt8(ascii: "T"))
        }
        handle(SIGTERM, stop)
        handle(SIGHUP, stop)
        signal(SIGTSTP, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
    }

    private static func handle(_ sig: Int32, _ handler: @escaping @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(sig, &action, nil)
    }

    /// Writes one byte to the pipe; safe in a signal handler.
    static func poke(_ byte: UInt8) {
        var b = byte
        _ = write(writeFD, &b, 1)
    }

    static var terminationRequested: Bool { terminations.load(ordering: .relaxed) > 0 }
}
