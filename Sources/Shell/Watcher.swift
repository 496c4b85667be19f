import DeskEngine
import Foundation
import OrderDesk

/// `jom watch`: downloads (and sends the outbox) on a schedule with nobody at the keyboard, one line per run:
///
///     2026-12-03 15:45 downloaded: 3 new orders
///     2026-12-03 16:00 download failed: Jet could not be reached …; next try 16:30
///
/// After a failure it waits longer each time (twice the interval, four times, … at most an hour more than the
/// interval), and back to the interval after a success. It shares the store with sessions through the same locks.
public struct Watcher: Sendable {
    public let desk: Desk
    /// Time between runs.
    public let every: Duration
    let output: any OutputSink
    /// Who the downloads are recorded as (sessions announce what it brought).
    public let name: String

    public init(desk: Desk, every: Duration, output: any OutputSink = StandardOutputSink(), name: String = "jom watch") {
        self.desk = desk
        self.every = every
        self.output = output
        self.name = name
    }

    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        case downloaded(String)
        /// Try again later (Jet unreachable, a bad answer).
        case failed(String)
        /// Cannot work at all (the store belongs to another marketplace, no credentials): stop.
        case stopped(String, remedy: String?)
    }

    /// Runs until the task is cancelled (SIGTERM, SIGINT), or stops at once when the store may not be connected.
    /// Returns the exit status: 0 when stopped by a signal, 1 when it could not work at all.
    public func run() async -> Int32 {
        var failures = 0
        while !Task.isCancelled {
            let outcome = await runOnce()
            let now = await desk.now
            switch outcome {
            case .downloaded(let text):
                failures = 0
                say("\(TimeText.at(now)) \(text)")
            case .failed(let why):
                failures += 1
                let wait = backoff(after: failures)
                say("\(TimeText.at(now)) download failed: \(why); next try \(TimeText.clock(now.addingTimeInterval(seconds(wait))))")
                await pause(wait)
                continue
            case .stopped(let why, let remedy):
                say("\(TimeText.at(now)) download failed: \(why)", error: true)
                if let remedy { say("  hint: \(remedy)", error: true) }
                return 1
            }
            await pause(every)
        }
        return 0
    }

    /// The line a stop leaves in the log: `2026-12-03 16:02 stopping: SIGHUP received; …`.
    public func announceStop(because reason: String) async {
        say("\(TimeText.at(await desk.now)) stopping: \(reason); anything not sent stays in the outbox")
    }

    /// One download (it sends the outbox first).
    public func runOnce() async -> Outcome {
        do {
            let report = try await desk.download(by: name)
            var text = "downloaded: \(report.sentence)"
            let sent = report.delivered.filter { $0.result == .delivered }.count
            if sent > 0 { text += "; sent \(sent) queued action\(sent == 1 ? "" : "s")" }
            let refused = report.delivered.filter { if case .refused = $0.result { true } else { false } }.count
            if refused > 0 { text += "; Jet refused \(refused) (`status` lists them)" }
            if !report.failures.isEmpty {
                text += "; \(report.failures.count) could not be read (tried again next time): " + report.failureLines.joined(separator: "; ")
            }
            if let c = report.compaction { text += "; " + CompactCommand.sentence(c) }
            for w in await desk.takeWarnings() { text += "; warning: \(w)" }
            return .downloaded(text)
        } catch {
            if case .notConnected(let remedy) = error.kind { return .stopped(error.summary, remedy: remedy) }
            return .failed(error.summary)
        }
    }

    /// The wait after `failures` failures in a row: the interval doubled each time, at most an hour longer.
    func backoff(after failures: Int) -> Duration {
        let base = seconds(every)
        let grown = base * pow(2, Double(min(failures, 10)))
        return .milliseconds(Int(min(grown, base + 3600) * 1000))
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func pause(_ d: Duration) async {
        try? await Task.sleep(for: d)  // Cancelled (a signal): the loop ends.
    }

    private func say(_ line: String, error: Bool = false) {
        output.write(Array((Printable.visible(line) + "\n").utf8), error: error)
    }
}
