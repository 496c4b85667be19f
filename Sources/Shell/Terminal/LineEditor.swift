import CEditLine
import Foundation
import OrderDesk
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The interactive prompt on libedit: history, TAB completion, Ctrl-R, and notices printed above a
/// half-typed line without garbling it. One per process; every libedit call happens on its own queue.
final class LineEditor: LineReader, @unchecked Sendable {
    // All mutable state below is touched only on `queue` (the C callbacks run inside el_gets, on that queue).
    // A thread of its own: el_gets blocks for as long as the operator thinks, which must not hold one of the
    // few shared worker threads.
    private let queue = EditorThread()
    nonisolated(unsafe) static var current: LineEditor?

    private let el: OpaquePointer
    private let hist: OpaquePointer
    private let historyPath: String?
    private var promptBuffer: UnsafeMutablePointer<CChar>?
    private var promptShown = ""
    private var promptWidth = 0
    private var seenInterrupts = 0
    private var interruptedAsk = false
    private var inQuestion = false
    private var terminated = false
    private var pendingBytes: [UInt8] = []
    private let notices = Mutex<[String]>([])
    /// The prompt as it should read now that the background work has changed things (e.g. no longer stale).
    private let updatedPrompt = Mutex<String?>(nil)
    /// Completion: given the text before the cursor, the candidates and how many characters of the word to replace.
    var completer: (@Sendable (String) -> (candidates: [String], wordLength: Int))?
    /// What to show beside candidates when they are listed (an order's buyer and stage), by candidate.
    var describer: (@Sendable ([String]) -> [String: String])?

    init(program: String, historyPath: String?) {
        Signals.install()
        guard let el = jom_el_init(program), let hist = jom_history_init() else {
            fatalError("libedit could not start on this terminal")
        }
        self.el = el
        self.hist = hist
        self.historyPath = historyPath
        jom_history_setsize(hist, 2000)
        jom_history_setunique(hist, 1)
        if let historyPath { jom_history_load(hist, historyPath) }
        jom_el_set_editor(el, "emacs")
        jom_el_set_signal(el, 0)
        jom_el_set_hist(el, hist)
        jom_el_set_prompt_esc(el, { _ in LineEditor.current?.promptBuffer }, 1)
        jom_el_set_getcfn(el) { _, out in LineEditor.current?.readChar(out) ?? 0 }
        jom_el_addfn(el, "jom-complete", "complete the word") { _, _ in LineEditor.current?.complete() ?? UInt8(CC_ERROR) }
        jom_el_bind(el, "^I", "jom-complete")
        jom_el_bind(el, "^R", "em-inc-search-prev")
        jom_el_source(el)
        LineEditor.current = self
    }

    deinit {
        el_end(el)
        history_end(hist)
        free(promptBuffer)
    }

    /// Shows `prompt` and reads one line. Lines read for the main prompt go to the history (`remember`).
    func readLine(prompt: String, remember: Bool, question: Bool) async -> ReadResult {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.readLineOnQueue(prompt: prompt, remember: remember, question: question))
            }
        }
    }

    private func readLineOnQueue(prompt: String, remember: Bool, question: Bool) -> ReadResult {
        if terminated || Signals.terminationRequested { return .terminated }
        updatedPrompt.withLock { $0 = nil }  // this prompt was just worked out: it is the newest
        setPrompt(prompt)
        inQuestion = question
        interruptedAsk = false
        seenInterrupts = Signals.interrupts.load(ordering: .sequentiallyConsistent)
        drainWakeBytes()
        el_resize(el)
        // Editing mode before the prompt appears: libedit prints the prompt first and only then leaves the
        // terminal's line mode, and a key typed in between (Ctrl-D, Ctrl-R) was taken by the terminal itself.
        jom_el_prep_term(el, 1)
        // And the terminal's normal mode again once the line is read: while a command runs, Ctrl-C must be
        // the terminal's interrupt (a signal), not a byte waiting in the input.
        defer { jom_el_prep_term(el, 0) }
        var count: Int32 = 0
        guard let raw = el_gets(el, &count) else {
            if terminated { return .terminated }
            if interruptedAsk { return .interrupted }
            return .endOfInput
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        if remember, !line.trimmingCharacters(in: .whitespaces).isEmpty {
            jom_history_enter(hist, line)
            if let historyPath {
                jom_history_save(hist, historyPath)
                chmod(historyPath, 0o600)
            }
        }
        return .line(line)
    }

    private func setPrompt(_ text: String) {
        promptShown = text
        free(promptBuffer)
        promptBuffer = strdup(text)
        promptWidth = Self.displayWidth(text.replacingOccurrences(of: "\u{1}[^\u{1}]*\u{1}", with: "", options: .regularExpression))
    }

    /// Queues notices and, when given, the prompt as it now reads; both are shown in one redraw, at once or
    /// (during a command) when the next prompt appears.
    func post(_ list: [String], prompt: String? = nil) {
        guard !list.isEmpty || prompt != nil else { return }
        notices.withLock { $0.append(contentsOf: list.map(Printable.visible)) }
        if let prompt { updatedPrompt.withLock { $0 = prompt } }
        Signals.poke(UInt8(ascii: "N"))
    }

    private var somethingToShow: Bool {
        notices.withLock { !$0.isEmpty } || updatedPrompt.withLock { $0 != nil }
    }

    /// Notices not yet shown, taken off the queue (for printing between commands).
    func takeNotices() -> [String] {
        notices.withLock { n in
            defer { n.removeAll() }
            return n
        }
    }

    /// History entries, oldest first.
    func historyEntries() async -> [String] {
        await withCheckedContinuation { c in
            queue.async {
                let n = Int(jom_history_count(self.hist))
                var out: [String] = []
                for back in stride(from: n - 1, through: 0, by: -1) {
                    if let s = jom_history_entry(self.hist, Int32(back)) { out.append(String(cString: s)) }
                }
                c.resume(returning: out)
            }
        }
    }

    // MARK: reading characters (libedit calls this inside el_gets)

    private func drainWakeBytes() {
        var buf = [UInt8](repeating: 0, count: 64)
        while read(Signals.readFD, &buf, buf.count) > 0 {}
    }

    fileprivate func readChar(_ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        if !pendingBytes.isEmpty { return deliver(out) }
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: Signals.readFD, events: Int16(POLLIN), revents: 0)]
        // A question belongs to a command that is still running: its notices wait for the next prompt.
        if !inQuestion && somethingToShow { showNotices() }
        while true {
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                var buf = [UInt8](repeating: 0, count: 64)
                var bytes: [UInt8] = []
                while true {
                    let r = read(Signals.readFD, &buf, buf.count)
                    if r <= 0 { break }
                    bytes += buf[0..<r]
                }
                if bytes.contains(UInt8(ascii: "T")) || Signals.terminationRequested {
                    terminated = true
                    return 0
                }
                if bytes.contains(UInt8(ascii: "W")) { el_resize(el) }
                let count = Signals.interrupts.load(ordering: .sequentiallyConsistent)
                if bytes.contains(UInt8(ascii: "I")) && count > seenInterrupts {
                    seenInterrupts = count
                    if inQuestion {
                        interruptedAsk = true
                        writeOut("^C\r\n")
                        return 0
                    }
                    clearLine()
                    writeOut("^C\r\n")
                    jom_el_refresh(el)
                }
                if !inQuestion && somethingToShow { showNotices() }
                fds[1].revents = 0
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                var b: UInt8 = 0
                let r = read(0, &b, 1)
                if r <= 0 {
                    if r < 0 && errno == EINTR { continue }
                    return 0
                }
                pendingBytes = [b]
                let need = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0
                for _ in 0..<need {
                    var c: UInt8 = 0
                    if read(0, &c, 1) == 1 { pendingBytes.append(c) }
                }
                return deliver(out)
            }
        }
    }

    private func deliver(_ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        let bytes = pendingBytes
        pendingBytes = []
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.value ?? 0xFFFD
        out?.pointee = wchar_t(bitPattern: scalar)
        return 1
    }

    private func clearLine() {
        guard let info = el_line(el) else { return }
        let cursorToEnd = info.pointee.lastchar - info.pointee.cursor
        if cursorToEnd > 0 { el_cursor(el, Int32(cursorToEnd)) }
        let length = info.pointee.lastchar - info.pointee.buffer
        if length > 0 { el_deletestr(el, Int32(length)) }
    }

    /// Erases the prompt and the half-typed line, prints the notices, and lets libedit draw the line again
    /// (under the updated prompt, when there is one).
    private func showNotices() {
        let list = takeNotices()
        let prompt = updatedPrompt.withLock { p in
            defer { p = nil }
            return p
        }
        let newPrompt = prompt.flatMap { $0 == promptShown ? nil : $0 }
        guard !list.isEmpty || newPrompt != nil else { return }
        var before = ""
        if let info = el_line(el) {
            let n = info.pointee.cursor - info.pointee.buffer
            if n > 0 {
                before = String(decoding: UnsafeRawBufferPointer(start: info.pointee.buffer, count: n), as: UTF8.self)
            }
        }
        let columns = max(1, Int(jom_terminal_columns(1)))
        let rows = (promptWidth + Self.displayWidth(before)) / columns
        var text = "\r"
        if rows > 0 { text += "\u{1B}[\(rows)A" }
        text += "\u{1B}[J"
        for n in list { text += n.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n" }
        writeOut(text)
        if let newPrompt { setPrompt(newPrompt) }
        jom_el_refresh(el)
    }

    /// One key from the terminal (raw mode, as libedit left it): true for y or Y or a space.
    private func readAnswerKey() -> Bool {
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n == 1 { return byte == UInt8(ascii: "y") || byte == UInt8(ascii: "Y") || byte == UInt8(ascii: " ") }
            if n < 0 && errno == EINTR { continue }
            return false
        }
    }

    private func writeOut(_ s: String) {
        Output.write(1, Array(s.utf8))
    }

    /// Display columns of `s` (wide characters count 2).
    static func displayWidth(_ s: String) -> Int {
        var w = 0
        for scalar in s.unicodeScalars {
            let c = jom_wcwidth(wchar_t(bitPattern: scalar.value))
            w += c > 0 ? Int(c) : (scalar.value >= 0x20 && c < 0 ? 1 : 0)
        }
        return w
    }

    // MARK: completion

    fileprivate func complete() -> UInt8 {
        guard let info = el_line(el), let completer else { return UInt8(CC_ERROR) }
        let n = info.pointee.cursor - info.pointee.buffer
        let before = n > 0 ? String(decoding: UnsafeRawBufferPointer(start: info.pointee.buffer, count: n), as: UTF8.self) : ""
        let (candidates, wordLength) = completer(before)
        let word = String(before.suffix(wordLength))
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        if candidates.count == 1 {
            let c = candidates[0]
            replace(word: word, with: c + (c.hasSuffix("/") ? "" : " "))
            return UInt8(CC_REFRESH)
        }
        let prefix = Self.commonPrefix(candidates)
        if prefix.count > word.count {
            replace(word: word, with: prefix)
            return UInt8(CC_REFRESH)
        }
        // Ambiguous: list the candidates under the line (with what they are, for orders), then redraw it.
        let columns = max(20, Int(jom_terminal_columns(1)))
        let rows = max(4, Int(jom_terminal_rows(1)))
        let notes = describer?(candidates) ?? [:]
        let width = (candidates.map { Self.displayWidth($0) }.max() ?? 0) + 2
        let perRow = notes.isEmpty ? max(1, columns / max(1, width)) : 1
        let lines = (candidates.count + perRow - 1) / perRow
        // Past a screenful, a question first, as readline asks.
        if lines > rows - 2 {
            writeOut("\r\nDisplay all \(candidates.count) possibilities? (y or n) ")
            guard readAnswerKey() else {
                writeOut("\r\n")
                return UInt8(CC_REDISPLAY)
            }
        }
        var text = "\r\n"
        for (i, c) in candidates.enumerated() {
            if let note = notes[c] {
                text += (c.padding(toLength: width, withPad: " ", startingAt: 0) + Printable.visible(note)).fitted(columns - 1, pad: false) + "\r\n"
                continue
            }
            text += c.padding(toLength: width, withPad: " ", startingAt: 0)
            if (i + 1) % perRow == 0 { text += "\r\n" }
        }
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        writeOut(text)
        return UInt8(CC_REDISPLAY)
    }

    private func replace(word: String, with text: String) {
        if !word.isEmpty { el_deletestr(el, Int32(word.utf8.count)) }
        el_insertstr(el, text)
    }

    static func commonPrefix(_ list: [String]) -> String {
        guard var prefix = list.first else { return "" }
        for s in list.dropFirst() {
            while !s.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
    }
}

/// One thread that runs jobs in order: the editor's home.
final class EditorThread: @unchecked Sendable {
    // `jobs` is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []

    init() {
        let thread = Thread { [unowned self] in
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
        thread.name = "jom.editor"
        thread.start()
    }

    func async(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }
}
