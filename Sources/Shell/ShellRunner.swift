// Shell: the operator's REPL. It owns parsing, one file per command (its help and completion beside it),
// questions and confirmations, scripts, rendering, the libedit prompt and notices. It talks to the desk
// (DeskEngine) only: it must not know how the store keeps files, or how Jet is spoken to.
import DeskEngine
import Foundation
import OrderDesk
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How a shell runs.
public struct ShellOptions: Sendable {
    /// A person at a terminal: prompt, questions, notices, background downloads.
    public var interactive = false
    /// Run on after a failing script line (still exit non-zero).
    public var keepGoing = false
    /// `status` shows this for the Jet line, e.g. `Jet sandbox at … (embedded; not Jet)`.
    public var marketplaceDescription = "Jet"
    /// Lines printed when an interactive session starts.
    public var banner: [String] = []
    /// Commands run at the start of an interactive session.
    public var rcFile: String?
    /// The store's libedit history file.
    public var historyPath: String?
    /// Where `print` writes invoices when there is no printer (the store's `invoices/`).
    public var invoicesDirectory = FileManager.default.temporaryDirectory.path + "/jom-invoices"
    /// Deepest `run` nesting.
    public var maxScriptDepth = 16
    /// Print each command before running it (scripts, -c, standard input).
    public var echo = false
    /// Print how long each command took, and the peak memory at the end (like psql's \\timing).
    public var timing = false

    public init() {}
}

/// Runs commands: an interactive session, `-c` commands, script files, or standard input.
public final class ShellRunner: @unchecked Sendable {
    // The runner drives one command at a time; the background task only talks to the desk and the editor.
    public let options: ShellOptions
    let desk: Desk
    let out: Output
    let session = Session()
    var editor: (any LineReader)?
    /// What the prompt last showed of the session, for the background work to redraw it.
    let promptParts = Mutex(PromptParts())
    /// The session's view as the last prompt showed it, for completion (which runs on the editor's thread).
    let viewForCompletion = Mutex(SessionView.filter(.actionable))
    private var failures = 0
    /// Failures that only mean "Jet could not be reached; try later" (exit status 75 when they are all there is).
    private var temporaryFailures = 0
    /// Actions recorded in the outbox and not sent yet (Jet unreachable, a write after queueing failed): they
    /// will be sent, and the exit status says so (75) when nothing failed outright.
    var queuedNotSent = 0

    /// 0 when every line succeeded and every action reached Jet; 75 (EX_TEMPFAIL) when the only failures were
    /// Jet being unreachable or actions are queued but not sent yet; else 1.
    var exitStatus: Int32 {
        if failures == 0 { return queuedNotSent > 0 ? 75 : 0 }
        return failures == temporaryFailures ? 75 : 1
    }

    public init(desk: Desk, options: ShellOptions, output: any OutputSink = StandardOutputSink()) {
        self.desk = desk
        self.options = options
        self.out = Output(sink: output)
    }

    /// A runner whose questions are answered by `reader` (a person at a terminal, or a test's script).
    convenience init(desk: Desk, options: ShellOptions, output: any OutputSink, reader: any LineReader) {
        self.init(desk: desk, options: options, output: output)
        self.editor = reader
    }

    func context() -> ShellContext {
        ShellContext(desk: desk, out: out, session: session, editor: editor, runner: self)
    }

    // MARK: entry points

    /// Runs `-c` commands in order. Stops at the first failure unless `keepGoing`. Returns the exit status.
    public func runCommands(_ commands: [String]) async -> Int32 {
        await applyColorSetting()
        let ctx = context()
        for (i, line) in commands.enumerated() {
            let ok = await runLine(line, ctx: ctx, location: commands.count > 1 ? "-c \(i + 1)" : nil)
            if ok == .quit { break }
            if ok == .failed && !options.keepGoing { break }
        }
        out.flush()
        return exitStatus
    }

    /// Runs a script file at the top level. Returns the exit status.
    public func runScriptFile(_ path: String) async -> Int32 {
        await applyColorSetting()
        let ctx = context()
        do {
            _ = try await runScript(path: path, ctx: ctx)
        } catch {
            report(error, location: nil)
            failures += 1
        }
        out.flush()
        return exitStatus
    }

    /// Reads commands from standard input (not a terminal) like a script named `stdin`.
    public func runStandardInput() async -> Int32 {
        await applyColorSetting()
        let ctx = context()
        var n = 0
        while let line = readLine(strippingNewline: true) {
            n += 1
            let r = await runLine(line, ctx: ctx, location: "stdin:\(n)")
            if r == .quit { break }
            if r == .failed && !options.keepGoing { break }
        }
        out.flush()
        return exitStatus
    }

    /// Runs a script; returns how many lines failed. Used by `run` too (nested).
    func runScript(path: String, ctx: ShellContext) async throws -> Int {
        guard ctx.scripts.count < options.maxScriptDepth else {
            throw ShellError.other(
                "scripts nested more than \(options.maxScriptDepth) deep at \(path)",
                remedy: "check the scripts' `run` lines")
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            throw ShellError.other("\(path) is a directory, not a script", remedy: "name the .jom file inside it (ls \(path))")
        }
        // A script that runs itself (directly or through others) would repeat its lines until the depth limit.
        let identity = Self.identity(of: path)
        if let i = ctx.scripts.firstIndex(where: { Self.identity(of: $0) == identity }) {
            let chain = (ctx.scripts[i...] + [path]).joined(separator: " → ")
            throw ShellError.other(
                "the script \(path) runs itself (\(chain)); none of it ran again",
                remedy: "remove the `run` line that leads back to it in \(ctx.scripts.last ?? path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let remedy =
                exists
                ? "check its permissions (ls -l \(path))"
                : path.hasPrefix("/")
                    ? "check the name (ls \(PathText.parent(of: path)))"
                    : "check the name; a relative name is looked up from \(FileManager.default.currentDirectoryPath)"
            throw ShellError.other(exists ? "cannot read the script \(path)" : "there is no script \(path)", remedy: remedy)
        }
        ctx.scripts.append(path)
        defer { ctx.scripts.removeLast() }
        var failed = 0
        var sawCommand = false
        for (i, bytes) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let location = "\(path):\(i + 1)"
            let r: LineResult
            if !sawCommand, let line = String(validating: bytes, as: UTF8.self), let word = Tokenizer.split(line).first?.text,
                !line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
            {
                sawCommand = true
                // A file whose first line is no command, nor a typo of one, is not a script (`run /etc/shadow`):
                // nothing of it is run, and nothing of it is echoed.
                if CommandRegistry.command(named: word) == nil, CommandRegistry.suggestion(for: word) == nil {
                    throw ShellError.other(
                        "\(path) is not a jom script: its first line is not a jom command; none of it was run",
                        remedy: "check the file's name (`help` lists the commands a script may use)")
                }
            }
            if let line = String(validating: bytes, as: UTF8.self) {
                r = await runLine(line, ctx: ctx, location: location)
            } else {
                r = .failed
                failures += 1
                report(
                    ShellError.other(
                        "the line is not UTF-8 text (\(Self.firstBadByte(Array(bytes)))); it was not run",
                        remedy: "save the script as UTF-8"), location: location)
            }
            if r == .quit { break }
            if r == .failed {
                failed += 1
                if !options.keepGoing { break }
            }
        }
        return failed
    }

    /// The same file however it is named (relative, through links): its device and inode.
    static func identity(of path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return (path as NSString).standardizingPath }
        return "\(st.st_dev):\(st.st_ino)"
    }

    /// `byte 0xE9 at column 4`.
    static func firstBadByte(_ bytes: [UInt8]) -> String {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            let tail = length > 0 ? bytes[min(bytes.count, i + 1)..<min(bytes.count, i + length)] : []
            if length == 0 || tail.count < length - 1 || tail.contains(where: { $0 >> 6 != 0b10 }) {
                return String(format: "byte 0x%02X at column %d", b, i + 1)
            }
            i += length
        }
        return "an invalid sequence"
    }

    enum LineResult { case ok, failed, quit }

    /// Runs one line and reports its error with `location` (`FILE:LINE`).
    @discardableResult
    func runLine(_ raw: String, ctx: ShellContext, location: String?) async -> LineResult {
        var line = raw
        if line.hasSuffix("\r") { line.removeLast() }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .ok }
        if options.echo && !options.interactive || options.echo && !ctx.scripts.isEmpty {
            out.line("> " + trimmed)
        }
        let started = ContinuousClock.now
        defer {
            if options.timing {
                let ms = Double((ContinuousClock.now - started) / .microseconds(1)) / 1000
                out.error(String(format: "Time: %.3f ms", ms))
            }
        }
        let result = await runParsed(trimmed, ctx: ctx, location: location)
        await reportWarnings()
        return result
    }

    private func runParsed(_ trimmed: String, ctx: ShellContext, location: String?) async -> LineResult {
        do {
            // Another session may have changed the store since the last line: a few stat calls tell.
            try await desk.refresh()
            try await execute(trimmed, ctx: ctx)
            out.flush()
            return .ok
        } catch is QuitRequested {
            out.flush()
            return .quit
        } catch let e as ScriptFailed {
            out.flush()
            // Its failing lines were reported where they happened; this line failed because of them.
            if location != nil, ctx.scripts.count > 0 {
                out.error("\(location!): error: the script \(e.path) had \(e.failures) failing line\(e.failures == 1 ? "" : "s")")
            }
            failures += 1
            return .failed
        } catch ShellError.abandoned(let message) {
            out.flush()
            out.line(message)
            out.flush()
            return .ok
        } catch {
            out.flush()
            // Ctrl-C cancelled the command: whatever error the cancellation surfaced as inside (a call
            // "cancelled"), the operator's word for it is that it was interrupted.
            report(Task.isCancelled ? CancellationError() : error, location: location)
            failures += 1
            if !Task.isCancelled, let e = error as? MarketplaceError, e.kind == .unreachable { temporaryFailures += 1 }
            return .failed
        }
    }

    /// What did not fail the command but must be seen: a write that failed after an action was queued, or after
    /// Jet confirmed it.
    func reportWarnings() async {
        let warnings = await desk.takeWarnings()
        guard !warnings.isEmpty else { return }
        out.flush()
        for w in warnings { out.error(out.styledError("warning: ") + Printable.visible(w)) }
    }

    /// Commands whose output may go to a file with `> FILE` or `>> FILE` at the end of the line.
    static let listingCommands: Set<String> = ["show", "find", "open", "status", "report", "history", "help"]

    /// Parses and runs one command line.
    func execute(_ line: String, ctx: ShellContext) async throws {
        var tokens = Tokenizer.split(line)
        guard let first = tokens.first else { return }
        guard let command = CommandRegistry.command(named: first.text) else {
            throw ShellError.unknownCommand(first.text, suggestion: CommandRegistry.suggestion(for: first.text))
        }
        // `show all --format csv > orders.csv`: the listing goes to the file (mode 0600), as a shell would send it.
        var redirect: (path: String, append: Bool)?
        if Self.listingCommands.contains(command.spec.name), tokens.count >= 3, [">", ">>"].contains(tokens[tokens.count - 2].text) {
            redirect = ((tokens[tokens.count - 1].text as NSString).expandingTildeInPath, tokens[tokens.count - 2].text == ">>")
            tokens.removeLast(2)
        }
        let words = Array(tokens.dropFirst())
        let text = redirect == nil ? line : String(line[..<tokens.last!.start]) + tokens.last!.text
        let inv = try Invocation.parse(text, name: command.spec.name, tokens: words, spec: command.spec)
        guard let redirect else { return try await command.run(inv, ctx) }
        if let what = OutputFile.refusal(redirect.path) {
            throw ShellError.other("\(redirect.path) is \(what); jom writes only regular files, and left it as it was", remedy: "choose a file name")
        }
        if await desk.isDryRun {
            out.line("dry run: would write the output of `\(command.spec.name)` to \(redirect.path); nothing written")
            return
        }
        let fd = open(redirect.path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (redirect.append ? O_APPEND : O_TRUNC), 0o600)
        guard fd >= 0 else {
            throw ShellError.other("could not write \(redirect.path): \(String(cString: strerror(errno)))", remedy: "choose another file")
        }
        out.flush()
        out.redirect = fd
        defer {
            out.flush()
            out.redirect = nil
            close(fd)
        }
        try await command.run(inv, ctx)
    }

    /// `error: what happened` and `hint: what to do`, on standard error; `FILE:LINE:` first in scripts.
    func report(_ error: any Error, location: String?) {
        let (rawSummary, rawRemedy) = Self.describe(error)
        // Errors echo what was typed or what Jet said: outside text, made visible before jom styles the line.
        let summary = Printable.visible(rawSummary), remedy = rawRemedy.map(Printable.visible)
        let prefix = Printable.visible(location.map { "\($0): " } ?? "")
        out.error(prefix + out.styledError("error: ") + summary)
        if let remedy { out.error(String(repeating: " ", count: min(prefix.count, 2)) + "  hint: " + remedy) }
    }

    static func describe(_ error: any Error) -> (String, String?) {
        switch error {
        case let e as any OperatorFacingError: return (e.summary, e.remedy)
        case let e as ShellError: return (e.description, e.remedy)
        case is CancellationError: return ("interrupted", "anything already recorded stays in the outbox; `status` shows it")
        default:
            return ("internal error: \(error)", "please report this with the command you typed (jom \(jomVersion))")
        }
    }

    func applyColorSetting() async {
        out.colorMode = await desk.settings.color
    }
}

/// jom's version, for reports.
public let jomVersion = "0.1.0"

/// The most memory this process has held (VmHWM), in bytes; 0 when unknown.
public func peakMemoryBytes() -> Int {
    // No /proc (not Linux): the figure is unknown, 0.
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
    return kb * 1024
}

extension Output {
    func styledError(_ s: String) -> String {
        errorIsTerminal && colors ? Printable.styled(s, code: "1;31") : s
    }
}
