import Foundation
import OrderDesk
import OrderStore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `send.lock` between two holders in one process (each attempt opens the file anew, as two processes would).
@Suite(.serialized) struct SendLockTests {
    /// How many of this process's open files are `path`.
    static func openCount(_ path: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }.count
    }

    @Test func aWaitThatTimesOutLeavesNoThreadBlockedOnTheLock() async throws {
        let dir = TemporaryDirectory()
        let first = try OrderStore(path: dir.file("store"))
        let second = try OrderStore(path: dir.file("store"))
        let path = dir.file("store") + "/send.lock"
        #expect(await first.sendLock.acquire(holder: "ada's session", timeout: .seconds(1)) == .acquired)
        // The second waits 0.2 s, then gives up naming the holder.
        guard case .busy(let holder) = await second.sendLock.acquire(holder: "watch", timeout: .milliseconds(200)) else {
            Issue.record("the lock was taken twice")
            return
        }
        #expect(holder.contains("ada's session"))
        // The waiting thread was woken and ended: it holds the file no more (a thread left in flock would).
        var open = Self.openCount(path)
        for _ in 0..<200 where open > 1 {
            try await Task.sleep(for: .milliseconds(10))
            open = Self.openCount(path)
        }
        #expect(open == 1, "only the holder's descriptor is left: \(open)")
        // Released, the next attempt takes it at once; nothing left over takes it behind its back.
        first.sendLock.release()
        #expect(await second.sendLock.acquire(holder: "watch", timeout: .seconds(1)) == .acquired)
        second.sendLock.release()
    }

    @Test func aWaitTakesTheLockWhenItIsReleasedInTime() async throws {
        let dir = TemporaryDirectory()
        let first = try OrderStore(path: dir.file("store"))
        let second = try OrderStore(path: dir.file("store"))
        #expect(await first.sendLock.acquire(holder: "ada", timeout: .seconds(1)) == .acquired)
        let release = Task {
            try await Task.sleep(for: .milliseconds(100))
            first.sendLock.release()
        }
        #expect(await second.sendLock.acquire(holder: "watch", timeout: .seconds(20)) == .acquired)
        try await release.value
        second.sendLock.release()
    }
}
