import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the store is built on: atomic replace, durable append, flush-all, map, lock.
enum FileIO {
    /// Writes `data` to `path` so that a crash leaves either the old or the new file, never a mix:
    /// a temporary file, fsync, rename over the old one, fsync of the directory.
    static func atomicWrite(_ data: Data, to path: String, mode: mode_t = 0o600, sync: Bool = true) throws(StoreError) {
        let tmp = path + ".tmp-\(getpid())"
        try writeFile(data, to: tmp, mode: mode, sync: sync)
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp)
            throw .io("replace", path, errno: e)
        }
        if sync { try syncDirectory(of: path) }
    }

    /// Creates or truncates `path` and writes `data` (fsync when `sync`).
    static func writeFile(_ data: Data, to path: String, mode: mode_t = 0o600, sync: Bool) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .io("create", path) }
        defer { close(fd) }
        try writeAll(fd, data, path: path)
        if sync, fsync(fd) != 0 { throw .io("flush", path) }
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(StoreError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                p += n
                left -= n
            }
        }
        if failure != 0 { throw .io("write", path, errno: failure) }
    }

    /// Appends `data` to the end of `path` (created if missing), then fsyncs when `sync`.
    /// Reads into all of `buffer` from `offset` of `fd`, again after an interruption or a short read; returns
    /// the bytes read (fewer at the end of the file or on an error).
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = pread(fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        return filled
    }

    static func append(_ data: Data, to path: String, sync: Bool = true) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io("open", path) }
        defer { close(fd) }
        try writeAll(fd, data, path: path)
        if sync, fsync(fd) != 0 { throw .io("flush", path) }
    }

    /// A crash can leave half a line at the end of a journal; cut it off before appending after it.
    static func truncateTornTail(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, st.st_size - 1) == 1, last != 0x0A else { return }
        // Walk back to the last newline, in chunks.
        var end = st.st_size - 1
        var keep: off_t = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        search: while end > 0 {
            let from = max(0, end - 4096)
            let n = pread(fd, &chunk, Int(end - from), from)
            guard n > 0 else { break }
            for k in stride(from: n - 1, through: 0, by: -1) where chunk[k] == 0x0A {
                keep = from + off_t(k) + 1
                break search
            }
            end = from
        }
        guard truncate(path, keep) == 0 else { throw .io("repair", path) }
    }

    static func syncDirectory(of path: String) throws(StoreError) {
        let dir = PathText.parent(of: path)
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .io("open", dir) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw .io("flush", dir) }
    }

    /// Flushes every file written on the store's file system: one call instead of one fsync per file.
    static func syncFileSystem(containing path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .io("open", path) }
        defer { close(fd) }
        if let syncfs = Self.syncfs {
            if syncfs(fd) != 0 { throw .io("flush the file system of", path) }
        } else {
            sync()
        }
    }

    /// glibc's `memmem` (also hidden behind _GNU_SOURCE): a fast substring search over raw bytes.
    static let memmem: @convention(c) (UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> UnsafeMutableRawPointer? = {
        if let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "memmem") {
            return unsafeBitCast(symbol, to: (@convention(c) (UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> UnsafeMutableRawPointer?).self)
        }
        return { haystack, count, needle, length in
            guard let haystack, let needle, length > 0, count >= length else { return nil }
            let h = haystack.assumingMemoryBound(to: UInt8.self), n = needle.assumingMemoryBound(to: UInt8.self)
            for i in 0...(count - length) where h[i] == n[0] && memcmp(h + i, n, length) == 0 {
                return UnsafeMutableRawPointer(mutating: haystack + i)
            }
            return nil
        }
    }()

    /// glibc's `syncfs`, which the Swift overlay does not export (it needs _GNU_SOURCE).
    private static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    /// The whole file, memory-mapped when large. Nil when it does not exist.
    static func read(_ path: String) throws(StoreError) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .io("read", path)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io("read", path) }
        if st.st_size > 1 << 20 {
            // Big files (the index) are mapped, not copied.
            do { return try Data(contentsOf: URL(fileURLWithPath: path), options: [.alwaysMapped]) } catch { throw .io("read", path, errno: EIO) }
        }
        // Small files (an order, the settings) in one or two reads, without Foundation's extra look-ups.
        var data = Data(count: Int(st.st_size) + 1)
        var filled = 0
        let ok = data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) -> Bool in
            while true {
                if filled == raw.count { return true }
                let n = Glibc.read(fd, raw.baseAddress! + filled, raw.count - filled)
                if n == 0 { return true }
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                filled += n
            }
        }
        guard ok else { throw .io("read", path) }
        if filled == data.count {
            // The file grew since fstat: read the rest the slow way.
            do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw .io("read", path, errno: EIO) }
        }
        data.count = filled
        return data
    }

    /// Identity and size of a file, to notice another session's changes cheaply.
    struct Stamp: Equatable {
        var inode: UInt64
        var size: Int64
        var mtime: Int
        static let missing = Stamp(inode: 0, size: -1, mtime: 0)
    }

    static func stamp(_ path: String) -> Stamp {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        return Stamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), mtime: Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec))
    }

    /// `body` over the bytes of `array`, keeping `body`'s typed error (withUnsafeBytes only rethrows `any Error`).
    static func withBytes<T>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(StoreError) -> T) throws(StoreError) -> T {
        var result: Result<T, StoreError>?
        array.withUnsafeBytes { raw in
            do throws(StoreError) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }

    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(StoreError) {
        if mkdir(path, mode) != 0 && errno != EEXIST { throw .io("create the directory", path) }
    }
}

/// An exclusive advisory lock on a file (flock), held for the duration of `body`.
final class FileLock {
    let path: String
    private var fd: Int32 = -1
    private var depth = 0

    init(path: String) { self.path = path }

    deinit { if fd >= 0 { close(fd) } }

    private func openIfNeeded() throws(StoreError) {
        if fd < 0 {
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw .io("open the lock file", path) }
        }
    }

    /// Runs `body` holding the lock (re-entrant within one process).
    func withLock<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try openIfNeeded()
        if depth == 0 {
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { throw .io("lock", path) }
            }
        }
        depth += 1
        defer {
            depth -= 1
            if depth == 0 { flock(fd, LOCK_UN) }
        }
        return try body()
    }

    /// Takes the lock only if it is free; returns false when another process holds it.
    func tryLock() throws(StoreError) -> Bool {
        try openIfNeeded()
        if depth > 0 { depth += 1; return true }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { depth = 1; return true }
        if errno == EWOULDBLOCK { return false }
        throw .io("lock", path)
    }

    func unlock() {
        guard depth > 0 else { return }
        depth -= 1
        if depth == 0 { flock(fd, LOCK_UN) }
    }
}
