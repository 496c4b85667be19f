import CEditLine
import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// Where the shell's bytes end up: the process's standard output and error, or a buffer in a test.
public protocol OutputSink: Sendable {
    /// False when the bytes could not be written (the reader went away).
    @discardableResult
    func write(_ bytes: [UInt8], error: Bool) -> Bool
    /// Standard output (`error: false`) or standard error is a terminal.
    func isTerminal(error: Bool) -> Bool
}

/// Standard output and standard error of this process.
public struct StandardOutputSink: OutputSink {
    public init() {}
    @discardableResult
    public func write(_ bytes: [UInt8], error: Bool) -> Bool { Output.write(error ? 2 : 1, bytes) }
    public func isTerminal(error: Bool) -> Bool { isatty(error ? 2 : 1) == 1 }
}

/// Where a command's output goes: standard output (buffered per command), with colour only on a terminal
/// and never with `NO_COLOR`, long lists through `$PAGER` in an interactive session.
final class Output: @unchecked Sendable {
    // Used only by the command runner, one command at a time.
    private var buffer: [UInt8] = []
    let sink: any OutputSink
    private let sinkIsTerminal: Bool
    /// Standard output goes to this file instead (`show all > orders.csv` in a session).
    var redirect: Int32?
    /// Standard output is a terminal (and not redirected to a file).
    var isTerminal: Bool { redirect == nil && sinkIsTerminal }
    var colorMode: Settings.ColorMode = .auto
    let noColorEnv: Bool
    var usePager = false

    init(sink: any OutputSink = StandardOutputSink()) {
        self.sink = sink
        sinkIsTerminal = sink.isTerminal(error: false)
        noColorEnv = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    }

    var colors: Bool {
        switch colorMode {
        case .on: return !noColorEnv
        case .off: return false
        case .auto: return isTerminal && !noColorEnv
        }
    }

    /// Terminal columns (`$COLUMNS`, else 120, when not a terminal).
    var width: Int {
        let c = Int(jom_terminal_columns(1))
        if c > 20 { return c }
        // getenv, not ProcessInfo's environment, which copies every variable on each call.
        return getenv("COLUMNS").flatMap { Int(String(cString: $0)) } ?? 120
    }

    var height: Int { Int(jom_terminal_rows(1)) }

    /// Buffers a line. Control characters are made visible (``Printable/terminalLine(_:)``): outside text never
    /// reaches the terminal raw, whatever path it took here.
    func line(_ s: String = "") {
        buffer.append(contentsOf: Printable.terminalLine(s, colors: colors).utf8)
        buffer.append(0x0A)
    }

    /// A line broken at spaces to fit the terminal, never inside a word or a number; the lines after the first
    /// are indented by `indent`. The width is the terminal's (`$COLUMNS`, else 120, when not a terminal), as tables use.
    func wrapped(_ s: String, indent: Int = 4) {
        let limit = width - 1
        guard Output.visibleWidth(s) > limit else { return line(s) }
        let pad = String(repeating: " ", count: min(indent, max(0, limit / 3)))
        var rest = Substring(s)
        var first = true
        while !rest.isEmpty {
            let prefix = first ? "" : pad
            let room = limit - prefix.count
            // The longest start of `rest` that fits, ending before a space (after the line's own indentation).
            var cut: Substring.Index?
            var used = 0
            var i = rest.startIndex
            let lead = rest.prefix { $0 == " " }.count
            var seen = 0
            while i < rest.endIndex {
                let ch = rest[i]
                if ch == " ", seen >= lead, used <= room { cut = i }
                used += Output.visibleWidth(String(ch))
                seen += 1
                if used > room { break }
                i = rest.index(after: i)
            }
            if used <= room || cut == nil {
                // It all fits, or a single word is wider than the line: it goes whole.
                let end = used <= room ? rest.endIndex : (rest[rest.index(rest.startIndex, offsetBy: lead)...].firstIndex(of: " ") ?? rest.endIndex)
                line(String(prefix + rest[..<end]).trimmingTrailingSpaces)
                rest = rest[end...].drop { $0 == " " }
            } else {
                line(String(prefix + rest[..<cut!]).trimmingTrailingSpaces)
                rest = rest[cut!...].drop { $0 == " " }
            }
            first = false
        }
    }

    /// Columns a line takes on the screen: jom's style markers take none.
    static func visibleWidth(_ s: String) -> Int {
        // Most lines are ASCII (no style markers, no wide characters): a column a byte, counted at once.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s.utf8.count }
        var plain = String.UnicodeScalarView()
        var inCode = false
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0xF8F0: inCode = true
            case 0xF8F1: inCode = false
            case 0xF8F2: break
            default: if !inCode { plain.append(scalar) }
            }
        }
        return LineEditor.displayWidth(String(plain))
    }

    func text(_ s: String) { buffer.append(contentsOf: Printable.terminalLine(s, colors: colors).utf8) }

    /// Exported text (CSV, JSON) as it is when it goes to a file or a pipe; on a terminal, with its control
    /// characters made visible (the export is for tools, the screen for a person).
    func exported(_ s: String) {
        if isTerminal {
            buffer.append(contentsOf: Printable.terminalLine(s, colors: false).utf8)
        } else {
            buffer.append(contentsOf: s.utf8)
        }
    }

    /// A document jom made itself from text already made visible (an invoice with its form feeds, a report),
    /// as it is.
    func document(_ s: String) { buffer.append(contentsOf: s.utf8) }

    /// Writes what was buffered; through the pager when it is taller than the terminal.
    func flush() {
        if streaming { endStream() }
        guard !buffer.isEmpty else { return }
        let bytes = buffer
        buffer.removeAll(keepingCapacity: true)
        if usePager, isTerminal, height > 0, bytes.lazy.filter({ $0 == 0x0A }).count > height - 2, page(bytes) { return }
        writeOut(bytes)
    }

    // MARK: long lists

    private var streaming = false
    private var pager: PagerProcess?
    /// The reader went away (the pager quit, `| head` had enough): producing more rows is wasted work.
    private(set) var abandoned = false

    /// Starts a list that is printed as it is read, page by page (``streamPage()``), so its first rows appear
    /// at once and memory stays flat. On a terminal, a list taller than the screen goes through the pager.
    func beginStream() {
        flush()
        streaming = true
        abandoned = false
    }

    /// Hands on what was buffered since the last page: to the pager once the list outgrows the screen, at once
    /// when it is not a terminal.
    func streamPage() {
        guard streaming, !buffer.isEmpty else { return }
        if pager == nil, usePager, isTerminal, height > 0 {
            // Wait until the list is taller than the screen: a short list needs no pager.
            guard buffer.lazy.filter({ $0 == 0x0A }).count > height - 2 else { return }
            pager = startPager()
        }
        let bytes = buffer
        buffer.removeAll(keepingCapacity: true)
        if let pager {
            if !Output.write(pager.input, bytes) { abandoned = true }
        } else {
            if !writeOut(bytes) { abandoned = true }
        }
    }

    /// Ends the list: the rest is handed on, and the pager (if any) is waited for.
    func endStream() {
        guard streaming else { return }
        if pager == nil, usePager, isTerminal, height > 0, buffer.lazy.filter({ $0 == 0x0A }).count > height - 2 {
            pager = startPager()
        }
        streamPage()
        streaming = false
        if !buffer.isEmpty {
            // A short list (no pager): written as any output.
            writeOut(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        if let pager {
            pager.finish()  // The pager may have gone already; nothing is lost by that.
            self.pager = nil
        }
    }

    private func startPager() -> PagerProcess? { PagerProcess.start() }

    /// Standard output's bytes: to the redirect file when there is one.
    @discardableResult
    private func writeOut(_ bytes: [UInt8]) -> Bool {
        if let fd = redirect { return Output.write(fd, bytes) }
        return sink.write(bytes, error: false)
    }

    /// Writes to standard error at once (errors, progress).
    func error(_ s: String) {
        flush()
        sink.write(Array((Printable.terminalLine(s, colors: colors && errorIsTerminal) + "\n").utf8), error: true)
    }

    var errorIsTerminal: Bool { sink.isTerminal(error: true) }

    /// `\r`-overwritten progress on a terminal; nothing otherwise.
    func progress(_ s: String) {
        guard errorIsTerminal else { return }
        sink.write(Array(("\r\u{1B}[K" + Printable.visible(s)).utf8), error: true)
    }

    func endProgress() {
        guard errorIsTerminal else { return }
        sink.write(Array("\r\u{1B}[K".utf8), error: true)
    }

    @discardableResult
    static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        return bytes.withUnsafeBytes { raw in
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
    }

    private func page(_ bytes: [UInt8]) -> Bool {
        guard let pager = startPager() else { return false }
        // The operator may quit the pager before it read everything: the rest is not wanted, and not an error.
        Output.write(pager.input, bytes)
        pager.finish()
        return true
    }

    // MARK: style

    enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36", boldRed = "1;31"
    }

    /// `s` in `style` when colours are on: marked for ``line(_:)`` to colour (``Printable/styled(_:code:)``), so a
    /// style can only come from jom. Outside text goes through ``Printable/visible(_:)`` before it is styled.
    func styled(_ s: String, _ style: Style) -> String {
        colors ? Printable.styled(s, code: style.rawValue) : s
    }
}

/// Dates and times as operators read them, in the machine's time zone (`TZ`). Formatted by hand from
/// `localtime_r`: DateFormatter costs more than the rest of an `open`.
enum TimeText {
    private static func parts(_ d: Date) -> tm {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var out = tm()
        localtime_r(&t, &out)
        return out
    }

    private static func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// `2026-11-28 14:05`.
    static func at(_ d: Date?) -> String {
        guard let d else { return "—" }
        let t = parts(d)
        return "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday)) \(two(t.tm_hour)):\(two(t.tm_min))"
    }

    /// `2026-11-28`.
    static func date(_ d: Date?) -> String {
        guard let d else { return "—" }
        let t = parts(d)
        return "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))"
    }

    /// `14:05`.
    static func clock(_ d: Date) -> String {
        let t = parts(d)
        return "\(two(t.tm_hour)):\(two(t.tm_min))"
    }

    /// `in 3h`, `12m late`.
    static func relative(_ d: Date, now: Date) -> String {
        let s = d.timeIntervalSince(now)
        return s >= 0 ? "in \(DurationText.short(s))" : "\(DurationText.short(-s)) late"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// Cut to `width` display columns, with `…` when cut; padded with spaces to exactly `width` when `pad`.
    func fitted(_ width: Int, pad: Bool = true) -> String {
        guard width > 0 else { return "" }
        if let n = asciiWidth {
            // Plain ASCII (nearly every cell): one column per byte.
            if n <= width { return pad ? self + Self.spaces(width - n) : self }
            return String(utf8.prefix(width - 1))! + "…"
        }
        let total = LineEditor.displayWidth(self)
        if total <= width { return pad ? self + Self.spaces(width - total) : self }
        var out = ""
        var w = 0
        for ch in self {
            let cw = LineEditor.displayWidth(String(ch))
            if w + cw > width - 1 { break }
            out.append(ch)
            w += cw
        }
        out += "…"
        w += 1
        return pad ? out + Self.spaces(width - w) : out
    }

    /// Right-aligned in `width` columns.
    func right(_ width: Int) -> String {
        let w = asciiWidth ?? LineEditor.displayWidth(self)
        return w >= width ? self : Self.spaces(width - w) + self
    }

    /// The byte count when every character is printable ASCII (one column each), else nil.
    private var asciiWidth: Int? {
        var n = 0
        for b in utf8 {
            guard b >= 0x20 && b < 0x7F else { return nil }
            n += 1
        }
        return n
    }

    private static let blanks = String(repeating: " ", count: 256)

    /// `n` spaces (a slice of a prepared run when it is long enough).
    private static func spaces(_ n: Int) -> String {
        guard n > 0 else { return "" }
        return n <= 256 ? String(blanks.utf8.prefix(n))! : String(repeating: " ", count: n)
    }
}
