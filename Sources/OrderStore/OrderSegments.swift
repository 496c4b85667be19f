import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// Orders' records in append-only JSON Lines files: `orders/000001.jsonl`, `orders/000002.jsonl`, … A change to
/// an order appends its whole record again, and the index says which line is current, so a file is never
/// rewritten: a crash can only leave a torn last line, which the next writer cuts off. Writes go to the
/// highest-numbered segment; past ``rollSize`` the next one is started.
final class OrderSegments {
    static let rollSize = 256 << 20

    let root: String
    private var readers: [String: Int32] = [:]

    init(root: String) { self.root = root }

    deinit { for fd in readers.values { close(fd) } }

    func path(_ name: String) -> String { "\(root)/\(name).jsonl" }

    /// `orders/000003.jsonl` as the store's messages name it.
    func displayName(_ name: String) -> String { path(name) }

    static func name(number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func number(_ name: String) -> Int? {
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(name)
    }

    /// The segments there are, oldest first.
    /// The directory itself must not be a link (jom would write wherever it points).
    func checkRoot() throws(StoreError) {
        var st = stat()
        if lstat(root, &st) == 0, st.st_mode & S_IFMT != S_IFDIR { throw .io("open the directory", root, errno: ELOOP) }
    }

    func names() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []  // No directory yet: no segments.
        return entries.compactMap { e -> (Int, String)? in
            guard e.hasSuffix(".jsonl") else { return nil }
            let stem = String(e.dropLast(6))
            return Self.number(stem).map { ($0, stem) }
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    func size(_ name: String) -> Int { Int(max(0, FileIO.stamp(path(name)).size)) }

    // MARK: reading

    private func reader(_ name: String) throws(StoreError) -> Int32 {
        if let fd = readers[name] { return fd }
        let p = path(name)
        let fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT {
                throw StoreError("the order file \(p) is missing", remedy: "restore it from a backup; the index names orders whose records are in it")
            }
            throw .io("read", p)
        }
        readers[name] = fd
        return fd
    }

    /// The bytes of a record's line.
    func read(_ location: RecordLocation) throws(StoreError) -> Data {
        let fd = try reader(location.segment)
        var data = Data(count: location.length)
        let n = data.withUnsafeMutableBytes { FileIO.readFully(fd, into: $0, at: location.offset) }
        guard n == location.length else {
            throw .damagedRecord(
                "byte \(location.offset) of \(path(location.segment))", file: path(location.segment),
                "the file ends before the record does (it was cut short)")
        }
        return data
    }

    /// Reads a record and decodes it; errors name the file and the byte where the line starts.
    func record(at location: RecordLocation, decoder: JSONDecoder = RecordLine.decoder()) throws(StoreError) -> OrderRecord {
        let data = try read(location)
        return try RecordLine.decode(
            data, place: "byte \(location.offset) of \(path(location.segment))", file: path(location.segment),
            decoder: decoder)
    }

    /// Calls `body` with each whole line from `from` on (bytes without the newline, and the line's offset);
    /// returns the offset after the last whole line, so a torn end can be cut off.
    @discardableResult
    func forEachLine(in name: String, from: Int, _ body: (UnsafeRawBufferPointer, Int) throws(StoreError) -> Void) throws(StoreError) -> Int {
        let p = path(name)
        let fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .io("read", p) }
        defer { close(fd) }
        var position = from
        var want = BaseIndexFile.chunkSize
        var buffer = [UInt8](repeating: 0, count: want)
        while true {
            if buffer.count < want { buffer = [UInt8](repeating: 0, count: want) }
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(position)) }
            if n < 0 { if errno == EINTR { continue }; throw .io("read", p) }
            if n == 0 { return position }
            var consumed = 0
            try FileIO.withBytes(buffer) { whole throws(StoreError) in
                let raw = UnsafeRawBufferPointer(rebasing: whole[0..<n])
                var start = 0
                while start < n, let nl = memchr(raw.baseAddress! + start, 0x0A, n - start) {
                    let end = raw.baseAddress!.distance(to: UnsafeRawPointer(nl))
                    if end > start { try body(UnsafeRawBufferPointer(rebasing: raw[start..<end]), position + start) }
                    start = end + 1
                }
                consumed = start
            }
            if consumed == 0 {
                if n < want { return position }  // A torn last line.
                want *= 2
                continue
            }
            position += consumed
        }
    }

    // MARK: writing

    /// The segment new records go to, and its size: the newest, or a new one when it is full.
    func current() throws(StoreError) -> (name: String, size: Int) {
        try FileIO.makeDirectory(root)
        guard let last = names().last, let number = Self.number(last) else { return (Self.name(number: 1), 0) }
        let size = self.size(last)
        return size < Self.rollSize ? (last, size) : (Self.name(number: number + 1), 0)
    }

    /// Appends records' lines to the current segment in one write, then flushes it to disk. A write that fails
    /// half way is cut off again, so the file never keeps half a line.
    func append(_ lines: [[UInt8]]) throws(StoreError) -> (locations: [RecordLocation], segment: String, end: Int) {
        let (name, _) = try current()
        let p = path(name)
        let fresh = FileIO.stamp(p) == .missing
        let fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io("open", p) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io("read", p) }
        let start = Int(st.st_size)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        var locations: [RecordLocation] = []
        for line in lines {
            locations.append(RecordLocation(segment: name, offset: start + bytes.count, length: line.count))
            bytes += line
            bytes.append(0x0A)
        }
        do throws(StoreError) {
            try FileIO.writeAll(fd, Data(bytes), path: p)
            if fdatasync(fd) != 0 { throw .io("flush", p) }
        } catch {
            _ = ftruncate(fd, off_t(start))
            throw error
        }
        if fresh { try FileIO.syncDirectory(of: p) }
        return (locations, name, start + bytes.count)
    }

    /// Removes a segment no index line points at any more (after a compaction).
    func remove(_ name: String) throws(StoreError) {
        if let fd = readers.removeValue(forKey: name) { close(fd) }
        guard unlink(path(name)) == 0 || errno == ENOENT else { throw .io("remove", path(name)) }
    }

    /// Bytes in every segment.
    var totalSize: Int { names().reduce(0) { $0 + size($1) } }

    /// Cuts a segment back to `length` bytes (a torn last line a crash left).
    func truncate(_ name: String, to length: Int) throws(StoreError) {
        guard Glibc.truncate(path(name), off_t(length)) == 0 else { throw .io("repair", path(name)) }
        if let fd = readers.removeValue(forKey: name) { close(fd) }
    }

    /// Writes many records at once (an import, a migration): lines are gathered in memory and written a few
    /// megabytes at a time, rolling to a new segment when one is full; ``flush()`` makes them durable.
    final class Writer {
        let segments: OrderSegments
        private(set) var name: String
        private var fd: Int32 = -1
        private var size: Int
        private var pending: [UInt8] = []
        /// Every segment this writer wrote to, with where it ended.
        private(set) var ends: [String: Int] = [:]

        /// Writes after what the segments hold, or from the segment `startingAt` (a compaction's first new one).
        init(_ segments: OrderSegments, startingAt fresh: String? = nil) throws(StoreError) {
            self.segments = segments
            if let fresh {
                (name, size) = (fresh, 0)
            } else {
                (name, size) = try segments.current()
            }
            try openCurrent()
        }

        deinit { if fd >= 0 { close(fd) } }

        private func openCurrent() throws(StoreError) {
            let p = segments.path(name)
            fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw .io("open", p) }
            try FileIO.syncDirectory(of: p)
        }

        /// Where `line` will be; written at the next flush (or when a few megabytes are waiting).
        func add(_ line: [UInt8]) throws(StoreError) -> RecordLocation {
            if size >= OrderSegments.rollSize {
                try write()
                if fdatasync(fd) != 0 { throw .io("flush", segments.path(name)) }
                close(fd)
                fd = -1
                name = OrderSegments.name(number: (OrderSegments.number(name) ?? 0) + 1)
                size = 0
                try openCurrent()
            }
            let location = RecordLocation(segment: name, offset: size, length: line.count)
            pending += line
            pending.append(0x0A)
            size += line.count + 1
            ends[name] = size
            if pending.count > 8 << 20 { try write() }
            return location
        }

        private func write() throws(StoreError) {
            guard !pending.isEmpty else { return }
            try FileIO.writeAll(fd, Data(pending), path: segments.path(name))
            pending.removeAll(keepingCapacity: true)
        }

        /// Writes what is waiting and flushes it to disk.
        func flush() throws(StoreError) {
            try write()
            if fdatasync(fd) != 0 { throw .io("flush", segments.path(name)) }
        }
    }
}
