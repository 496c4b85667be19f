import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads the elements of a file of orders a block at a time: a JSON array (its top-level elements) or JSON
/// Lines (its non-blank lines), each with the line it starts on. Memory holds one block and the elements
/// asked for, however large the file.
public final class ElementReader {
    public struct Element: Sendable {
        public var line: Int
        public var bytes: Data
    }

    enum Shape { case unknown, array, lines }

    private let fd: Int32
    public let path: String
    public let size: Int
    public private(set) var bytesRead = 0
    private var buffer: [UInt8] = []
    /// What each read fills, before it joins `buffer`.
    private var block = [UInt8](repeating: 0, count: ElementReader.blockSize)
    /// Where scanning resumes in `buffer`, and where the current element started (nil: between elements).
    private var position = 0
    private var elementStart: Int?
    private var elementLine = 1
    private var line = 1
    private var shape = Shape.unknown
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var atEnd = false
    private var arrayClosed = false
    static let blockSize = 8 << 20

    public init?(path: String) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Up to `max` more elements; empty at the end of the file.
    public func next(max: Int) -> [Element] {
        var out: [Element] = []
        while out.count < max {
            if let e = scan() {
                out.append(e)
                continue
            }
            guard !atEnd else { break }
            fill()
        }
        return out
    }

    /// Drops what was consumed, then reads the next block.
    private func fill() {
        let keep = elementStart ?? position
        if keep > 0 {
            buffer.removeSubrange(0..<keep)
            position -= keep
            if elementStart != nil { elementStart = 0 }
        }
        var n = 0
        block.withUnsafeMutableBytes { raw in
            while true {
                n = read(fd, raw.baseAddress!, raw.count)
                if n < 0, errno == EINTR { continue }
                break
            }
        }
        if n > 0 { buffer.append(contentsOf: block[0..<n]) }
        if n <= 0 { atEnd = true } else { bytesRead += n }
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// The next whole element in the buffer, or nil when more must be read first (or the file is done).
    private func scan() -> Element? {
        if shape == .unknown {
            // A byte-order mark and blank space may come first.
            while position < buffer.count, Self.isSpace(buffer[position]) || buffer[position] == 0xEF || buffer[position] == 0xBB || buffer[position] == 0xBF {
                if buffer[position] == 0x0A { line += 1 }
                position += 1
            }
            guard position < buffer.count else { return nil }
            if buffer[position] == UInt8(ascii: "[") {
                shape = .array
                position += 1
            } else {
                shape = .lines
            }
        }
        return shape == .array ? scanArray() : scanLine()
    }

    private func scanLine() -> Element? {
        while true {
            let start = position
            let found: Int? = buffer.withUnsafeBytes { raw in
                guard start < raw.count, let p = memchr(raw.baseAddress! + start, 0x0A, raw.count - start) else { return nil }
                return raw.baseAddress!.distance(to: UnsafeRawPointer(p))
            }
            guard let nl = found else {
                // The last line may have no newline.
                guard atEnd, start < buffer.count else { return nil }
                position = buffer.count
                return element(start..<buffer.count, line: line)
            }
            position = nl + 1
            let at = line
            line += 1
            if let e = element(start..<nl, line: at) { return e }
        }
    }

    /// A non-blank line as an element.
    private func element(_ range: Range<Int>, line: Int) -> Element? {
        guard buffer[range].contains(where: { !Self.isSpace($0) }) else { return nil }
        return Element(line: line, bytes: Data(buffer[range]))
    }

    private func scanArray() -> Element? {
        guard !arrayClosed else { return nil }
        while position < buffer.count {
            let b = buffer[position]
            if b == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                position += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                begin()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                begin()
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 {
                    // The array's own closing bracket.
                    arrayClosed = true
                    let e = finish(at: position)
                    position += 1
                    return e
                }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 0, let e = finish(at: position) {
                    position += 1
                    return e
                }
            case 0x20, 0x0A, 0x0D, 0x09: break
            default: begin()
            }
            position += 1
        }
        if atEnd, elementStart != nil {
            // An array cut short: what there is of its last element (it will not decode, and says so).
            arrayClosed = true
            return finish(at: buffer.count)
        }
        return nil
    }

    private func begin() {
        if elementStart == nil {
            elementStart = position
            elementLine = line
        }
    }

    private func finish(at end: Int) -> Element? {
        guard let start = elementStart else { return nil }
        elementStart = nil
        return Element(line: elementLine, bytes: Data(buffer[start..<end]))
    }
}
