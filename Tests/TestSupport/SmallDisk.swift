import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file system of a few megabytes (a tmpfs mounted on a temporary directory), to fill up on purpose: what jom
/// does when the disk is full. Needs root (CI runs as root); nil elsewhere, with the reason printed.
package final class SmallDisk: @unchecked Sendable {
    package let path: String
    private let holder: TemporaryDirectory

    package init?(megabytes: Int) async throws {
        holder = TemporaryDirectory("jom-disk")
        path = holder.file("disk")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard getuid() == 0 else {
            print("small disk: not root, so no tmpfs can be mounted here; the full-disk checks need root (as in CI)")
            return nil
        }
        let r = try await ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path])
        guard r.status == 0 else {
            print("small disk: mount failed: \(r.all)")
            return nil
        }
    }

    deinit {
        // Lazily: a jom still running from a failed test must not keep the mount alive for ever.
        _ = umount2(path, Int32(MNT_DETACH))
    }

    /// Fills the disk, then frees `leaving` bytes: the next writes succeed until that space is used.
    package func fill(leaving: Int) throws {
        let filler = path + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x78, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        let size = lseek(fd, 0, SEEK_END)
        _ = ftruncate(fd, max(0, size - off_t(leaving)))
    }

    /// Frees everything ``fill(leaving:)`` took.
    package func empty() {
        unlink(path + "/filler")
    }
}
