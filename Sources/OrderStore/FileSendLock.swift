import Foundation
import OrderDesk
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `send.lock`: the right to deliver the store's outbox, one process at a time (an exclusive `flock`). The
/// holder writes who it is into the file (`{"by": …, "pid": …, "since": …}`), so whoever waits too long can
/// say who holds it. Waiting is a blocking `flock` on a thread of its own, raced against the timeout: no
/// polling; when the timeout wins, the thread is woken out of its `flock` (SIGUSR2) and ends, so no thread
/// stays blocked behind a lock nobody waits for. Each attempt opens the file anew, so an attempt that gave up (and takes the lock later, only to
/// drop it at once) never touches the lock of a later attempt.
final class FileSendLock: SendLock {
    let path: String
    private let held = Mutex<Int32>(-1)

    init(path: String) { self.path = path }

    func acquire(holder: String, timeout: Duration) async -> SendLockOutcome {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return .busy(heldBy: "nobody: \(path) cannot be opened (\(String(cString: strerror(errno))))") }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return took(fd, holder) }
        let race = Race()
        let acquired: Bool = await withCheckedContinuation { continuation in
            Self.installWakeHandler
            Thread.detachNewThread {
                // Started from a worker thread that blocks signals: this one must take SIGUSR2 to be woken.
                var wake = sigset_t()
                sigemptyset(&wake)
                sigaddset(&wake, SIGUSR2)
                pthread_sigmask(SIG_UNBLOCK, &wake, nil)
                race.waiter = pthread_self()
                while true {
                    if race.gaveUp {  // Before waiting, and after each interruption: the timeout may have won.
                        close(fd)
                        race.finished()
                        return
                    }
                    if flock(fd, LOCK_EX) == 0 { break }
                    if errno != EINTR {
                        if race.settle(.gaveUp) { continuation.resume(returning: false) }
                        close(fd)
                        race.finished()
                        return
                    }
                }
                if race.settle(.done) {
                    continuation.resume(returning: true)
                } else {
                    flock(fd, LOCK_UN)
                    close(fd)
                }
                race.finished()
            }
            Task {
                try? await Task.sleep(for: timeout)  // Cancelled: give up at once.
                guard race.settle(.gaveUp) else { return }
                continuation.resume(returning: false)
                // Wake the thread out of its flock (SIGUSR2 interrupts the call) so that it ends now instead of
                // waiting on for a lock nobody wants any more. Sent again until it has ended: the signal may
                // arrive just before the thread enters flock.
                for _ in 0..<400 where !race.isFinished {
                    if let thread = race.waiter { pthread_kill(thread, SIGUSR2) }
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
        }
        if acquired { return took(fd, holder) }
        return .busy(heldBy: currentHolder() ?? "another jom process")
    }

    /// SIGUSR2 does nothing but interrupt a blocked system call (no SA_RESTART): how a lock wait is cancelled.
    private static let installWakeHandler: Void = {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR2, &action, nil)
    }()

    /// Who finished first: the blocked `flock` or the timeout; and the waiting thread, to wake it.
    private final class Race: @unchecked Sendable {
        enum State { case waiting, gaveUp, done }
        private let state = Mutex(State.waiting)
        private let thread = Mutex<pthread_t?>(nil)
        private let ended = Atomic<Bool>(false)

        /// True for the first side to finish.
        func settle(_ end: State) -> Bool {
            state.withLock { s in
                guard s == .waiting else { return false }
                s = end
                return true
            }
        }

        var gaveUp: Bool { state.withLock { $0 == .gaveUp } }
        var waiter: pthread_t? {
            get { thread.withLock { $0 } }
            set { thread.withLock { $0 = newValue } }
        }
        func finished() { ended.store(true, ordering: .sequentiallyConsistent) }
        var isFinished: Bool { ended.load(ordering: .sequentiallyConsistent) }
    }

    /// Who holds the lock, as written into the file.
    private struct Holder: Codable {
        var by: String
        var pid: Int
        var since: String
    }

    private func took(_ fd: Int32, _ holder: String) -> SendLockOutcome {
        do {
            var data = try JSONEncoder().encode(Holder(by: holder, pid: Int(getpid()), since: ISO8601DateFormatter().string(from: Date())))
            data.append(0x0A)
            if ftruncate(fd, 0) == 0 { try FileIO.writeAll(fd, data, path: path) }
        } catch {
            // Only a description for whoever waits next; the lock is held either way.
        }
        held.withLock { $0 = fd }
        return .acquired
    }

    func release() {
        let fd = held.withLock { fd -> Int32 in
            defer { fd = -1 }
            return fd
        }
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// `ada's session (pid 4711) since 2026-12-03T15:02:11Z`, from the file the holder wrote.
    private func currentHolder() -> String? {
        // A holder that wrote nothing (or an older jom) leaves the file empty: then there is no name to give.
        guard let data = FileManager.default.contents(atPath: path),
            let h = try? JSONDecoder().decode(Holder.self, from: data)
        else { return nil }
        return "\(h.by) (pid \(h.pid)) since \(h.since)"
    }
}
