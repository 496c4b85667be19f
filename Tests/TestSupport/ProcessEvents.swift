import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Waiting for what another process does, without sleeping for a fixed time: `poll` on a descriptor (a
/// terminal's output, or a pidfd that becomes readable when a process ends), on a thread of its own so that no
/// shared worker thread is blocked.
package enum ProcessEvents {
    /// True when `fd` had something to read before `within` ran out.
    package static func readable(_ fd: Int32, within: Duration) async -> Bool {
        await poll([fd], within: within)
    }

    /// True when `fd` had something to read or process `pid` ended before `within` ran out.
    package static func readableOrEnded(_ fd: Int32, pid: pid_t, within: Duration) async -> Bool {
        let pidfd = pidfdOpen(pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        return await poll(pidfd >= 0 ? [fd, pidfd] : [fd], within: within)
    }

    /// Waits until process `pid` (not necessarily our child) has ended; false when it still runs after `within`.
    package static func ended(_ pid: pid_t, within: Duration) async -> Bool {
        let pidfd = pidfdOpen(pid)
        guard pidfd >= 0 else { return kill(pid, 0) != 0 }  // Already gone (or never was).
        defer { close(pidfd) }
        return await poll([pidfd], within: within)
    }

    private static func poll(_ fds: [Int32], within: Duration) async -> Bool {
        let millis = max(0, Int32(min(Double(Int32.max), Double(within.components.seconds) * 1000 + Double(within.components.attoseconds) / 1e15)))
        return await withCheckedContinuation { c in
            Thread.detachNewThread {
                var set = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                var n: Int32
                repeat { n = Glibc.poll(&set, nfds_t(set.count), millis) } while n < 0 && errno == EINTR
                c.resume(returning: n > 0)
            }
        }
    }

    /// glibc's `pidfd_open` (2.36+), looked up at run time; -1 when unavailable or the process is gone.
    private static func pidfdOpen(_ pid: pid_t) -> Int32 {
        typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "pidfd_open") else { return -1 }
        return unsafeBitCast(symbol, to: PidfdOpen.self)(pid, 0)
    }
}
