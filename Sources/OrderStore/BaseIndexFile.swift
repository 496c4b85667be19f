import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// The base of the order index (`index.jsonl`), read in chunks from an open file: never loaded whole, so a
/// million orders cost a few megabytes of buffers, not the file's size. Its lines are in store order
/// (``StoreOrderKey``), oldest first; its first line is a header. The file is only ever replaced whole (by a
/// rename), so an open one stays readable however other sessions change the store.
final class BaseIndexFile {
    struct Header {
        var format: Int
        var generation: Int
        var count: Int
        /// How far each segment of `orders/` held records when this base was written.
        var ends: [String: Int]
        /// The bytes of the records its lines point at (nil in a base of an older jom): with the segments' size,
        /// how much of them old versions take (``OrderStore/compactIfWorthwhile()``).
        var live: Int?
    }

    /// The header line is padded to this size, so that it can be written last, over the padding.
    static let headerSize = 8192
    /// Bytes read at a time.
    static let chunkSize = 4 << 20

    let path: String
    let fd: Int32
    let size: Int
    let header: Header
    /// Where the first order line starts.
    let bodyStart: Int
    let stamp: FileIO.Stamp

    /// Opens the base. Throws when it is missing, not an index, or of another format (the store rebuilds it).
    init(path: String, format: Int) throws(StoreError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { throw StoreError("the order index \(path) is missing") }
            throw .io("read", path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); throw .io("read", path) }
        stamp = FileIO.Stamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), mtime: Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec))
        size = Int(st.st_size)
        self.fd = fd
        var first = [UInt8](repeating: 0, count: min(size, Self.headerSize + 1))
        let n = first.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0, let nl = first.prefix(n).firstIndex(of: 0x0A), size > 0 else {
            close(fd)
            throw StoreError("the order index \(path) has no header line")
        }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, off_t(size - 1)) == 1, last == 0x0A else {
            close(fd)
            throw StoreError("the order index \(path) is incomplete")
        }
        // A header that does not parse is answered by the caller: the index is rebuilt.
        guard let object = try? JSONSerialization.jsonObject(with: Data(first[..<nl])) as? [String: Any],
            let f = object["jom-index"] as? Int, let count = object["orders"] as? Int
        else {
            close(fd)
            throw StoreError("the order index \(path) has no valid header line")
        }
        guard f <= format else {
            close(fd)
            throw StoreError(
                "the order index \(path) was written by a newer jom (format \(f))",
                remedy: "use the newer jom, or delete \(path) to have it rebuilt")
        }
        guard f == format else {
            close(fd)
            throw StoreError("the order index \(path) is of an older format (\(f))")
        }
        header = Header(
            format: f, generation: object["generation"] as? Int ?? 0, count: count,
            ends: object["ends"] as? [String: Int] ?? [:], live: object["live"] as? Int)
        bodyStart = nl + 1
    }

    deinit { close(fd) }

    /// The header line, padded with spaces to ``headerSize`` (newline included).
    static func headerLine(format: Int, generation: Int, count: Int, ends: [String: Int], live: Int) -> [UInt8] {
        let endsText = ends.keys.sorted().map { "\"\($0)\":\(ends[$0]!)" }.joined(separator: ",")
        var text = Array(#"{"jom-index":\#(format),"generation":\#(generation),"orders":\#(count),"live":\#(live),"ends":{\#(endsText)}}"#.utf8)
        if text.count < headerSize - 1 { text += [UInt8](repeating: 0x20, count: headerSize - 1 - text.count) }
        return text + [0x0A]
    }

    // MARK: reading

    /// Reads `range` of the file into `buffer` (grown when needed); returns the bytes read.
    func read(_ range: Range<Int>, into buffer: inout [UInt8]) -> Int {
        if buffer.count < range.count { buffer = [UInt8](repeating: 0, count: range.count) }
        return buffer.withUnsafeMutableBytes { raw in
            FileIO.readFully(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<range.count]), at: range.lowerBound)
        }
    }

    /// Calls `body` with every line from `from` up to `to` (whole lines only: `from` must start one), with the
    /// bytes, the line's start and end within them (newline excluded) and its offset in the file. Stops when
    /// `body` returns false.
    func forEachLine(
        from: Int? = nil, to: Int? = nil,
        _ body: (_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ offset: Int) -> Bool
    ) {
        forEachChunk(from: from, to: to) { raw, position in
            var start = 0
            while start < raw.count, let nl = memchr(raw.baseAddress! + start, 0x0A, raw.count - start) {
                let end = raw.baseAddress!.distance(to: UnsafeRawPointer(nl))
                if end > start, !body(raw, start, end, position + start) { return false }
                start = end + 1
            }
            return true
        }
    }

    /// Calls `body` with runs of whole lines (newlines included) from `from` up to `to`, and the file offset of
    /// each run's first byte. Stops when `body` returns false.
    func forEachChunk(
        from: Int? = nil, to: Int? = nil, chunkSize: Int = BaseIndexFile.chunkSize,
        _ body: (_ lines: UnsafeRawBufferPointer, _ offset: Int) -> Bool
    ) {
        var position = from ?? bodyStart
        let limit = min(to ?? size, size)
        var want = chunkSize
        var buffer: [UInt8] = []
        while position < limit {
            let n = read(position..<min(limit, position + want), into: &buffer)
            guard n > 0 else { return }
            // Up to the last newline: the run holds whole lines only.
            let whole: Int? = buffer.withUnsafeBytes { raw in
                var k = n
                while k > 0 {
                    k -= 1
                    if raw[k] == 0x0A { return k + 1 }
                }
                return nil
            }
            guard let whole else {
                // No newline in what was read: the end of a torn file, or one line longer than the buffer.
                if position + n >= limit { return }
                want *= 2
                continue
            }
            let goOn = buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<whole]), position) }
            if !goOn { return }
            position += whole
        }
    }

    /// Like ``forEachLine(from:to:_:)`` but from the end backwards (newest first): lines before `before`.
    func forEachLineBackward(
        before: Int? = nil, chunkSize: Int = BaseIndexFile.chunkSize,
        _ body: (_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ offset: Int) -> Bool
    ) {
        var end = min(before ?? size, size)
        var buffer: [UInt8] = []
        var want = chunkSize
        while end > bodyStart {
            let from = max(bodyStart, end - want)
            let n = read(from..<end, into: &buffer)
            guard n == end - from else { return }
            let result: (stop: Bool, consumed: Int?) = buffer.withUnsafeBytes { whole in
                let raw = UnsafeRawBufferPointer(rebasing: whole[0..<n])
                // Lines end at `n - 1` (the newline before `end`); the first line here is whole only when the
                // chunk starts at the body's start or just after a newline.
                var starts: [Int] = []
                var k = 0
                if from == bodyStart { starts.append(0) }
                while k < n, let nl = memchr(raw.baseAddress! + k, 0x0A, n - k) {
                    let at = raw.baseAddress!.distance(to: UnsafeRawPointer(nl))
                    if at + 1 < n { starts.append(at + 1) }
                    k = at + 1
                }
                guard !starts.isEmpty else { return (false, nil) }
                var lineEnd = n - 1
                for s in starts.reversed() {
                    if lineEnd > s, !body(raw, s, lineEnd, from + s) { return (true, 0) }
                    lineEnd = s - 1
                }
                return (false, starts[0])
            }
            if result.stop { return }
            if let consumed = result.consumed {
                end = from + consumed
                if from == bodyStart { return }
            } else {
                if from == bodyStart { return }
                want *= 2
            }
        }
    }

    /// The line starting at `offset` (read until its newline), as bytes without the newline.
    func line(at offset: Int) -> [UInt8]? {
        guard offset >= bodyStart, offset < size else { return nil }
        var want = 1024
        var buffer: [UInt8] = []
        while true {
            let n = read(offset..<min(size, offset + want), into: &buffer)
            if let nl = buffer[0..<n].firstIndex(of: 0x0A) { return Array(buffer[0..<nl]) }
            if offset + n >= size { return nil }
            want *= 4
        }
    }

    /// The offset of the first line whose store-order key has `received` at least `seconds`: lines are in
    /// store order, so a binary search over offsets finds it in a few reads.
    func firstLine(receivedAtLeast seconds: Int) -> Int {
        // `lo` starts a line, and every line before it came in earlier; the answer starts at or before `hi`.
        var lo = bodyStart, hi = size
        while hi - lo > 64 << 10 {
            let mid = (lo + hi) / 2
            guard let (start, received) = lineAfter(mid), start < hi else { break }
            if received < seconds { lo = start } else { hi = start }
        }
        var found = hi
        forEachLine(from: lo, to: hi) { raw, start, end, offset in
            guard let key = IndexLineReader.key(raw, start: start, end: end) else { return true }
            if key.received >= Int64(seconds) { found = offset; return false }
            return true
        }
        return found
    }

    /// The first whole line starting after `offset`, and its received time (Int.min when it has none).
    private func lineAfter(_ offset: Int) -> (start: Int, received: Int)? {
        var buffer: [UInt8] = []
        let n = read(offset..<min(size, offset + 8192), into: &buffer)
        guard let nl = buffer[0..<n].firstIndex(of: 0x0A) else { return nil }
        let start = offset + nl + 1
        guard start < size, let line = line(at: start) else { return nil }
        let key: StoreOrderKey? = line.withUnsafeBytes { IndexLineReader.key($0, start: 0, end: $0.count) }
        guard let key else { return nil }
        return (start, key.received == .min ? Int.min : Int(key.received))
    }
}
