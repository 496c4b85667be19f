import ArgumentParser
import DeskEngine
import Foundation
import OrderDesk
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// `jom watch`: downloads and sends the outbox on a schedule, with nobody at the keyboard.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Download and send queued actions on a schedule, without a person (a service, cron).",
        discussion: """
            Every --every (default: the store's download-interval), sends what waits in the outbox and downloads new orders, cancel and return requests, and the state of open orders. Prints one line per run with the time and what it brought; after a failure it waits longer each time and says when it tries again.

            Sessions on the same store announce what it brought at their next prompt. Stops cleanly on SIGTERM, SIGINT or SIGHUP, saying so (exit status 0); exits with status 1 at once when the store may not connect (wrong or missing credentials).

            `scripts/install` puts a systemd user unit for it in place (jom-watch.service, not enabled): systemctl --user enable --now jom-watch.
            """,
        version: jomVersion)

    @Option(name: .long, help: ArgumentHelp("The store directory (default: $JOM_STORE, else $XDG_DATA_HOME/jom).", valueName: "DIR"))
    var store: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Time between downloads, e.g. 15m, 2m, 30s (default: the store's download-interval).",
            valueName: "DURATION"))
    var every: String?

    @Flag(name: .long, help: "Use the embedded sandbox (practice orders); `--sandbox walmart` for Walmart's.")
    var sandbox = false

    @Option(name: .long, help: .hidden) var sandboxMarketplace: String?

    @Flag(name: .long, help: "Log every HTTP request and response to standard error, with credentials and tokens masked.")
    var debugHTTP = false

    func validate() throws {
        if let every {
            guard let d = DurationText.parse(every), d >= 1 else {
                throw ValidationError("--every must be a duration of at least 1s, such as 15m or 30s, not \"\(every)\"")
            }
        }
    }

    func run() async throws {
        let practice: MarketplaceBinding? = sandbox ? (sandboxMarketplace == "walmart" ? .walmartSandbox : .sandbox) : nil
        let status = try await Workbench.with(store: store, dryRun: false, sandbox: practice, debugHTTP: debugHTTP) { bench in
            let configured = await bench.desk.settings.downloadInterval
            let seconds = every.flatMap(DurationText.parse) ?? configured
            let interval: Duration = .milliseconds(Int(max(1, seconds > 0 ? seconds : 900) * 1000))
            let watcher = Watcher(desk: bench.desk, every: interval, name: "jom watch (pid \(getpid()))")
            let work = Task { await watcher.run() }
            // SIGTERM, SIGINT or SIGHUP: stop the current run and leave; the outbox keeps whatever was not sent.
            let signals = StopRequests.stream()
            let stopper = Task {
                for await name in signals {
                    await watcher.announceStop(because: "\(name) received")
                    break
                }
                work.cancel()
            }
            let status = await work.value
            stopper.cancel()
            return status
        }
        if status != 0 { throw ExitCode(status) }
    }
}
