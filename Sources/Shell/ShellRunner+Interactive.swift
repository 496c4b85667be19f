import CEditLine
import DeskEngine
import Foundation
import OrderDesk
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension ShellRunner {
    /// The interactive session: banner, jomrc, then prompt after prompt until `quit`, Ctrl-D or SIGTERM.
    /// Downloads run in the background every download-interval; what they bring appears above the prompt.
    public func runInteractive() async -> Int32 {
        setlocale(LC_ALL, "")
        if jom_codeset_is_utf8_check() == false { setlocale(LC_ALL, "C.UTF-8") }
        await applyColorSetting()
        out.usePager = await desk.settings.pager
        PagerProcess.rememberNormalMode()
        // libedit reads and writes the history file by its name, following links: a link there (planted, or
        // left by someone) is not used, and the session says so.
        var historyPath = options.historyPath
        if let p = historyPath, let what = OutputFile.refusal(p) {
            historyPath = nil
            out.error(
                "warning: the history file \(Printable.visible(p)) is \(what); this session keeps no history (rm \(Printable.visible(p)) to keep it again)")
        }
        let editor = LineEditor(program: "jom", historyPath: historyPath)
        self.editor = editor
        let ctx = context()
        editor.completer = { [desk, self] before in
            Completer(desk: desk, currentView: { self.viewForCompletion.withLock { $0 } }).complete(before)
        }
        editor.describer = { [desk] candidates in Completer(desk: desk).describe(candidates) }
        for line in options.banner { out.line(line) }
        out.flush()
        if let rc = options.rcFile, FileManager.default.fileExists(atPath: rc) {
            let runner = self
            let rcContext = ShellContext(desk: desk, out: out, session: session, editor: nil, runner: runner)
            do {
                // Its failing lines report themselves; what is left is a jomrc that cannot be read at all.
                _ = try await runScript(path: rc, ctx: rcContext)
            } catch {
                report(error, location: rc)
            }
            out.flush()
        }
        let background = Task { [desk] in
            await Self.backgroundWork(desk: desk, editor: editor) { await Self.promptText(self.promptParts.withLock { $0 }, desk: desk) }
        }
        let warm = Task.detached { [desk] in await desk.warmUp() }
        defer {
            background.cancel()
            warm.cancel()
        }
        while true {
            do {
                try await desk.refresh()
            } catch {
                // Damage another process left: say so at every prompt until it is mended.
                report(error, location: nil)
            }
            out.usePager = await desk.settings.pager
            let prompt = await promptText()
            switch await editor.readLine(prompt: prompt, remember: true, question: false) {
            case .line(let line):
                let finished = await runInteractively(line, ctx: ctx)
                if !finished { return 0 }
                if Signals.terminationRequested { return 0 }
            case .endOfInput, .terminated:
                out.line()
                out.flush()
                return 0
            case .interrupted:
                continue
            }
        }
    }

    /// Runs a line as a cancellable task: Ctrl-C cancels it (unless a pager took it). Returns false after `quit`.
    private func runInteractively(_ line: String, ctx: ShellContext) async -> Bool {
        let task = Task { await self.runLine(line, ctx: ctx, location: nil) }
        let interrupts = Signals.CommandInterrupts { task.cancel() }
        let result = await task.value
        interrupts.stop()
        return result != .quit
    }

    /// What the prompt shows of the session; kept where the background work can read it.
    struct PromptParts: Sendable {
        var view = "actionable"
        var selected: String?
        var colors = false
    }

    /// `jom [actionable · 801234567890 · 2 due <1h · 1 unsent]> `
    func promptText() async -> String {
        let parts = PromptParts(view: session.view.label, selected: session.selectedReference, colors: out.colors)
        promptParts.withLock { $0 = parts }
        viewForCompletion.withLock { $0 = session.view }
        return await Self.promptText(parts, desk: desk)
    }

    static func promptText(_ p: PromptParts, desk: Desk) async -> String {
        let u = await desk.urgency()
        let settings = await desk.settings
        var parts = [Printable.visible(p.view)]
        if let ref = p.selected { parts.append(Printable.visible(ref)) }
        func colored(_ s: String, _ style: Output.Style) -> String {
            p.colors ? "\u{1}\u{1B}[\(style.rawValue)m\u{1}\(s)\u{1}\u{1B}[0m\u{1}" : s
        }
        if u.late > 0 { parts.append(colored("\(u.late) late", .boldRed)) }
        if u.dueSoon > 0 { parts.append(colored("\(u.dueSoon) due <\(DurationText.format(settings.dueSoon))", .yellow)) }
        if u.unsent > 0 { parts.append(colored("\(u.unsent) unsent", .yellow)) }
        if u.staleDownload {
            let now = await desk.now
            let age = u.lastGoodDownload.map { "last download \(DurationText.short(now.timeIntervalSince($0))) ago" } ?? "never downloaded"
            parts.append(colored("STALE: \(age)", .boldRed))
        }
        if u.problem != nil { parts.append(colored("STORE PROBLEM: see status", .boldRed)) }
        if await desk.isDryRun { parts.append("dry run") }
        // A store of another marketplace than Jet (whose order manager jom began as) says so at every prompt.
        let name = desk.traits.name == "Jet" ? "jom" : "jom@\(desk.traits.name.lowercased())"
        return "\(name) [\(parts.joined(separator: " · "))]> "
    }

    /// Sends what the outbox holds, then downloads when due, again and again; posts what happened, with the
    /// prompt as it now reads (no longer stale, fewer unsent, …).
    static func backgroundWork(desk: Desk, editor: any LineReader, prompt: @Sendable () async -> String) async {
        func stamp() async -> String { TimeText.clock(await desk.now) }
        editor.post(notices(await desk.deliver(force: true), stamp: await stamp(), marketplace: desk.traits.name), prompt: await prompt())
        // When a download is due: the store's last download (by any session or a watcher) is an interval old
        // on the wall clock, or an interval has passed on the monotonic clock since one was last seen. The
        // second keeps a pinned wall clock (JOM_NOW) from stopping downloads after the first.
        var lastSeen: Date?
        var seenAt = ContinuousClock.now
        // What another process (a watcher, another session) downloaded is announced as if this one had.
        var successesSeen: Int?
        while !Task.isCancelled {
            var posted: [String] = []
            let settings = await desk.settings
            let status: DownloadStatus
            do {
                status = try await desk.downloadStatus()
            } catch {
                status = DownloadStatus()  // The download below fails with the damaged file named, and says so.
            }
            let now = await desk.now
            let last = max(status.lastAttempt ?? .distantPast, status.lastSuccess ?? .distantPast)
            if last != lastSeen {
                lastSeen = last
                seenAt = .now
            }
            if let success = status.lastSuccess, status.successes != successesSeen {
                if successesSeen != nil, status.lastBy != desk.downloaderName, let summary = status.lastSummary, summary != "nothing new" {
                    posted.append("[\(TimeText.clock(success))] downloaded: \(summary)")
                }
                successesSeen = status.successes
            }
            let interval = settings.downloadInterval
            let due = now.timeIntervalSince(last) >= interval || ContinuousClock.now - seenAt >= .seconds(interval)
            if interval > 0, due, !(await desk.isDryRun) {
                do {
                    let report = try await desk.download()
                    posted += notices(report.delivered, stamp: await stamp(), marketplace: desk.traits.name)
                    if report.isInteresting {
                        posted.append("[\(await stamp())] downloaded: \(report.sentence)")
                    }
                    for f in report.failureLines { posted.append("[\(await stamp())] could not download \(f)") }
                } catch {
                    posted.append("[\(await stamp())] download failed: \(error.summary) (retrying in \(DurationText.format(interval)))")
                }
                seenAt = .now
            } else {
                posted += notices(await desk.retryDue(), stamp: await stamp(), marketplace: desk.traits.name)
            }
            editor.post(posted, prompt: await prompt())
            // Awake every few seconds: to notice what a watcher or another session downloaded, and to download when due.
            try? await Task.sleep(for: .seconds(min(5, max(1, interval > 0 ? interval : 5))))  // Cancelled when the session ends.
        }
    }

    static func notices(_ outcomes: [DeliveryOutcome], stamp: String, marketplace: String = "Jet") -> [String] {
        var list: [String] = []
        let sent = outcomes.filter { $0.result == .delivered }
        if !sent.isEmpty {
            list.append(
                "[\(stamp)] sent \(sent.count) queued action\(sent.count == 1 ? "" : "s") to \(marketplace): "
                    + sent.prefix(5).map { "\($0.action.kind.rawValue) \($0.reference)" }.joined(separator: ", "))
        }
        for o in outcomes {
            if case .refused(let reason) = o.result {
                list.append("[\(stamp)] Jet refused \(o.action.kind.rawValue) \(o.reference): \(reason) (`open \(o.reference)`)")
            }
        }
        return list
    }
}

func jom_codeset_is_utf8_check() -> Bool { jom_codeset_is_utf8() != 0 }
