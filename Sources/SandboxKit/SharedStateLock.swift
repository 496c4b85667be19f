import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The lock on a sandbox's state file that processes sharing it take for each call (`flock` on a file beside
/// it), and the file's identity, to notice another process's save. Waiting for the lock sleeps in short steps,
/// so a cancelled call never leaves a thread blocked behind it.
public final class SharedStateLock: @unchecked Sendable {
    // Used only from the marketplace actor (and its initializer).
    let path: String
    private var fd: Int32 = -1

    public init(statePath: String) {
        // `sandbox.json` → `sandbox.lock`.
        path = (statePath.hasSuffix(".json") ? String(statePath.dropLast(5)) : statePath) + ".lock"
    }

    deinit { if fd >= 0 { close(fd) } }

    public struct Stamp: Equatable, Sendable {
        var inode: UInt64
        var size: Int64
        var mtime: Int
    }

    public static func stamp(_ path: String) -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Stamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), mtime: Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec))
    }

    private func openFile() throws(SandboxStateError) {
        guard fd < 0 else { return }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw SandboxStateError(
                summary: "the sandbox's lock file \(path) cannot be opened: \(String(cString: strerror(errno)))",
                remedy: "check the store directory's owner and permissions")
        }
    }

    /// Takes the lock, waiting as long as another process holds it.
    public func lockBlocking() throws(SandboxStateError) {
        try openFile()
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw failure() }
        }
    }

    /// Takes the lock, waiting for another process's call to end (at most 30 s).
    public func lock() async throws(SandboxStateError) {
        try openFile()
        var wait = 1
        let deadline = ContinuousClock.now + .seconds(30)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw failure() }
            guard ContinuousClock.now < deadline else {
                throw SandboxStateError(
                    summary: "another jom has held the sandbox's state \(path) for 30 seconds",
                    remedy: "try again; if it persists, look for a stuck jom (ps -C jom)")
            }
            try? await Task.sleep(for: .milliseconds(wait))  // Cancelled: try once more, then give up at the deadline.
            wait = min(wait * 2, 20)
        }
    }

    public func unlock() {
        if fd >= 0 { flock(fd, LOCK_UN) }
    }

    private func failure() -> SandboxStateError {
        SandboxStateError(
            summary: "the sandbox's lock file \(path) cannot be locked: \(String(cString: strerror(errno)))",
            remedy: "check the store directory's owner and permissions")
    }
}
