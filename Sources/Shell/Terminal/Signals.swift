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
    /// A second pipe that only interrupts reach: read while a command runs (the editor does not read then).
    nonisolated(unsafe) static var interruptReadFD: Int32 = -1
    nonisolated(unsafe) static var interruptWriteFD: Int32 = -1

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
        var interruptFDs: [Int32] = [0, 0]
        if pipe(&interruptFDs) == 0 {
            interruptReadFD = interruptFDs[0]
            interruptWriteFD = interruptFDs[1]
            for fd in interruptFDs {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        _ = interrupts.load(ordering: .relaxed)
        // A parent may have started jom with these blocked (the mask survives exec: a program started from a
        // thread pool's worker thread, say); blocked, Ctrl-C during a command would wait for ever.
        var handled = sigset_t()
        sigemptyset(&handled)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaddset(&handled, sig) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        handle(SIGINT) { _ in
            Signals.interrupts.add(1, ordering: .sequentiallyConsistent)
            Signals.poke(UInt8(ascii: "I"))
            var b = UInt8(ascii: "I")
            if Signals.interruptWriteFD >= 0 { _ = write(Signals.interruptWriteFD, &b, 1) }
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

    /// Calls `cancel` when Ctrl-C is meant for the command that runs now (not taken by a pager); waits on the
    /// interrupt pipe on a thread of its own, without polling. `stop()` when the command has ended.
    final class CommandInterrupts: Sendable {
        /// Its own pipe to end the waiting thread: written by `stop()`.
        private let stopWrite: Int32

        init(cancel: @escaping @Sendable () -> Void) {
            let before = Signals.interruptsForJom
            let fd = Signals.interruptReadFD
            var ends: [Int32] = [-1, -1]
            guard fd >= 0, pipe(&ends) == 0 else {
                stopWrite = -1
                return
            }
            stopWrite = ends[1]
            let stopRead = ends[0]
            _ = fcntl(stopRead, F_SETFD, FD_CLOEXEC)
            _ = fcntl(stopWrite, F_SETFD, FD_CLOEXEC)
            var byte: UInt8 = 0
            while read(fd, &byte, 1) == 1 {}  // Interrupts from before this command, already acted on.
            Thread.detachNewThread {
                defer { close(stopRead) }
                var handled = false
                while true {
                    var fds = [pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
                    guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
                    if fds[0].revents != 0 { return }  // The command has ended: what comes now is the next one's.
                    var b: UInt8 = 0
                    while read(fd, &b, 1) == 1 {
                        if !handled, Signals.interruptsForJom > before, PagerProcess.current == nil {
                            handled = true
                            cancel()
                        }
                    }
                }
            }
        }

        /// The command has ended: the waiting thread ends too.
        func stop() {
            guard stopWrite >= 0 else { return }
            var b = UInt8(ascii: "Q")
            _ = write(stopWrite, &b, 1)
            close(stopWrite)
        }
    }

    static var terminationRequested: Bool { terminations.load(ordering: .relaxed) > 0 }
}
