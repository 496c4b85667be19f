import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// Where a command writes a file it was told to (`print --to`, `report --html`, `> FILE`): a regular file only,
/// written whole (a temporary file beside it, then a rename) and readable by its owner only; `-` or `/dev/stdout`
/// is standard output. Devices, FIFOs, sockets, directories and symbolic links are refused with the reason,
/// and left as they were: a rename over `/dev/full` would have replaced the device with a text file.
enum OutputFile {
    /// Standard output, not a file.
    static func isStandardOutput(_ target: String) -> Bool { target == "-" || target == "/dev/stdout" }

    /// What is at `path` now, if it is something jom must not replace: `a FIFO`, `a device`, ….
    static func refusal(_ path: String) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }  // Nothing there: a new file.
        switch st.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "not a regular file"
        }
    }

    /// Writes `text` to `path`, replacing a regular file of that name (`replace`), or refusing to (then the
    /// caller picks another name). Throws a shell error naming the path and what to do.
    static func write(_ text: String, to path: String, replace: Bool = true, mode: mode_t = 0o600) throws {
        if let what = refusal(path) {
            throw ShellError.other(
                "\(path) is \(what); jom writes only regular files, and left it as it was",
                remedy: "choose a file name, or `-` for standard output")
        }
        if !replace, FileManager.default.fileExists(atPath: path) {
            throw ShellError.other("\(path) exists already; it was left as it was", remedy: "choose another name")
        }
        let dir = PathText.parent(of: path)
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            throw ShellError.other("could not write \(path): the directory \(dir) does not exist", remedy: "create it (mkdir -p \(dir)) or choose another file")
        }
        // A temporary name nobody else can have planted (O_EXCL, O_NOFOLLOW): a link there is never followed.
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw ShellError.other("could not write \(path): \(String(cString: strerror(errno)))", remedy: "choose another file")
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            written += n
        }
        let failed = written < bytes.count || fsync(fd) != 0
        let reason = String(cString: strerror(errno))
        close(fd)
        // Checked again just before the rename: something put there meanwhile is not replaced either.
        if let what = refusal(path) {
            unlink(tmp)
            throw ShellError.other(
                "\(path) is \(what); jom writes only regular files, and left it as it was",
                remedy: "choose a file name, or `-` for standard output")
        }
        guard !failed, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ShellError.other("could not write \(path): \(reason)", remedy: "free some disk space, or choose another file")
        }
    }

    /// `base.ext`, or `base-2.ext`, `base-3.ext`, … whichever is free: what jom names itself never replaces a file.
    static func freeName(_ base: String, _ ext: String, alsoFree: [String] = []) -> String {
        func taken(_ b: String) -> Bool {
            ([ext] + alsoFree).contains { FileManager.default.fileExists(atPath: b + "." + $0) || refusal(b + "." + $0) != nil }
        }
        if !taken(base) { return base }
        var n = 2
        while taken("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }
}
