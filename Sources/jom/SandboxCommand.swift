import ArgumentParser
import Foundation
import JetAPI
import JetSandbox
import OrderDesk
import SandboxKit
import Shell
import WalmartSandbox

#if canImport(Glibc)
import Glibc
#endif

/// `jom sandbox`: the Jet sandbox on its own, for training and tests.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a marketplace sandbox: a local server that speaks Jet's merchant API under /api, or Walmart's under /v3.",
        discussion: """
            Point any Jet client at http://HOST:PORT/api; jom itself with JET_API_URL=http://127.0.0.1:PORT/api JET_USER=USER JET_SECRET=SECRET jom.

            With --marketplace walmart it is the Walmart Marketplace's Orders and Returns API (v3) under /v3: --user is the client id, the secret the client secret; jom itself with WALMART_API_URL=http://127.0.0.1:PORT WALMART_CLIENT_ID=USER WALMART_CLIENT_SECRET=SECRET jom. --rate-limits enforces Walmart's published limits per endpoint (acknowledge, ship, cancel and refund 60 a minute: 429 with Retry-After beyond them). Its test routes: /sandbox/ledger, /sandbox/state, /sandbox/reset, /sandbox/advance, /sandbox/orders {"count":N}, /sandbox/returns {"purchaseOrderId":…}, /sandbox/intent-to-cancel {"purchaseOrderId":…}, /sandbox/deliver, /sandbox/walmart-refund {"returnOrderId":…}, /sandbox/faults, /sandbox/expire-tokens.

            Its orders follow a seeded scenario (the same seed, the same orders). Faults can be injected: failures, throttling, malformed or lost answers, latency, a limit of calls at once.

            Test routes outside /api: GET /sandbox/ledger (what the merchant sent), GET /sandbox/state, POST /sandbox/reset, /sandbox/advance {"seconds":N}, /sandbox/orders {"count":N}, /sandbox/returns {"merchant_order_id":…}, /sandbox/directed-cancel {"merchant_order_id":…}, /sandbox/cancel, /sandbox/close-return, /sandbox/faults {"latency_ms":…,"max_concurrent":…}, /sandbox/expire-tokens.
            """,
        version: jomVersion)

    @Option(help: ArgumentHelp("Whose API it speaks: jet (under /api) or walmart (under /v3).", valueName: "NAME")) var marketplace = "jet"
    @Flag(help: "Walmart: answer 429 beyond Walmart's published limits per endpoint.") var rateLimits = false
    @Option(help: "Walmart: days after the ship-by date when unshipped lines are cancelled by Walmart.") var autoCancelDays = 4.0
    @Option(help: "Port to listen on (0 picks a free port and prints it).") var port = 8080
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Seed of the scenario: the same seed gives the same orders.") var seed: UInt64 = 1
    @Option(help: "Ready orders at start.") var orders = 12
    @Option(help: "Open return requests at start (on shipped orders).") var returns = 2
    @Option(help: "The API user the sandbox accepts.") var user = "sandbox"
    @Option(help: "The API secret the sandbox accepts (seen by `ps`: prefer $JOM_SANDBOX_SECRET or --secret-file).") var secret: String?
    @Option(help: ArgumentHelp("Read the API secret from this file (its first line).", valueName: "FILE")) var secretFile: String?
    @Option(help: ArgumentHelp("How long a token lives, e.g. 1h, 90s.", valueName: "DURATION")) var tokenLifetime = "1h"
    @Option(help: "Fraction of API calls answered 500, nothing applied (0–1).") var failRate = 0.0
    @Option(help: "Fraction of API calls answered 429 with Retry-After (0–1).") var throttleRate = 0.0
    @Option(help: "Seconds sent in Retry-After.") var retryAfter = 1
    @Option(help: ArgumentHelp("Milliseconds added to every API call.", valueName: "MS")) var latency = 0.0
    @Option(help: ArgumentHelp("API calls answered at once, at most; more get 429 (0: no limit).", valueName: "N")) var maxConcurrent = 0
    @Option(help: "Fraction of JSON answers sent truncated or with a wrong-typed field (0–1).") var malformedRate = 0.0
    @Option(help: "Fraction of API calls applied and then left unanswered, the connection dropped (0–1).") var lostReplyRate = 0.0
    @Option(help: "New orders per hour of scenario time.") var arrivalRate = 4.0
    @Option(help: ArgumentHelp("How long a new order stays created before it is ready.", valueName: "DURATION")) var readyDelay = "5m"
    @Option(help: "Fraction of shipped orders whose customer asks for a return.") var returnRate = 0.15
    @Option(help: "Fraction of approved orders Jet later asks to cancel.") var directedCancelRate = 0.05
    @Option(help: ArgumentHelp("Keep the marketplace's state in this file between runs.", valueName: "FILE")) var state: String?
    @Option(help: ArgumentHelp("Freeze scenario time at this instant (ISO 8601); it then moves only by POST /sandbox/advance.", valueName: "TIME"))
    var clock: String?

    @Flag(help: ArgumentHelp("Stop when the process that started the sandbox ends (for test harnesses).", visibility: .hidden))
    var exitWithParent = false

    func validate() throws {
        for (name, v) in [
            ("--fail-rate", failRate), ("--throttle-rate", throttleRate), ("--malformed-rate", malformedRate), ("--lost-reply-rate", lostReplyRate),
            ("--return-rate", returnRate), ("--directed-cancel-rate", directedCancelRate),
        ] where !(0...1).contains(v) {
            throw ValidationError("\(name) must be between 0 and 1, not \(v)")
        }
        guard DurationText.parse(tokenLifetime) != nil else { throw ValidationError("--token-lifetime must be a duration such as 1h or 90s") }
        guard DurationText.parse(readyDelay) != nil else { throw ValidationError("--ready-delay must be a duration such as 5m") }
        if let clock, ISO8601DateFormatter().date(from: clock) == nil {
            throw ValidationError("--clock must be an ISO 8601 time such as 2026-11-28T09:00:00Z")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard (0...10_000).contains(maxConcurrent) else { throw ValidationError("--max-concurrent must be from 0 (no limit) to 10000") }
        if secret != nil && secretFile != nil { throw ValidationError("give the secret with --secret or --secret-file, not both") }
        guard ["jet", "walmart"].contains(marketplace.lowercased()) else { throw ValidationError("--marketplace must be jet or walmart, not \(marketplace)") }
        guard (0...365).contains(autoCancelDays) else { throw ValidationError("--auto-cancel-days must be from 0 to 365") }
    }

    /// The secret: --secret, else --secret-file, else $JOM_SANDBOX_SECRET, else `sandbox`.
    func resolvedSecret() throws -> String {
        if let secret { return secret }
        if let secretFile {
            let path = (secretFile as NSString).expandingTildeInPath
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {  // Reported just below.
                throw ValidationError("cannot read the secret file \(path); check its name and permissions")
            }
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw ValidationError("the secret file \(path) is empty; write the secret on its first line") }
            return line
        }
        if let env = Paths.environment["JOM_SANDBOX_SECRET"], !env.isEmpty { return env }
        return "sandbox"
    }

    func run() async throws {
        let parent = getppid()
        if exitWithParent && parent == 1 { return }  // orphaned already
        if marketplace.lowercased() == "walmart" {
            try await runWalmart(parent: parent)
            return
        }
        var c = SandboxConfiguration()
        c.port = port
        c.host = host
        c.seed = seed
        c.orders = orders
        c.returns = returns
        c.user = user
        c.secret = try resolvedSecret()
        c.tokenLifetime = DurationText.parse(tokenLifetime) ?? 3600
        c.failRate = failRate
        c.throttleRate = throttleRate
        c.retryAfter = retryAfter
        c.latencyMillis = latency
        c.maxConcurrent = maxConcurrent
        c.malformedRate = malformedRate
        c.lostReplyRate = lostReplyRate
        c.arrivalRate = arrivalRate
        c.readyDelay = DurationText.parse(readyDelay) ?? 300
        c.returnRate = returnRate
        c.directedCancelRate = directedCancelRate
        c.stateFile = state.map { ($0 as NSString).expandingTildeInPath }
        c.frozenClock = clock.flatMap { ISO8601DateFormatter().date(from: $0) }
        try await serve(parent: parent) {
            let server = try await SandboxServer.start(c)
            let secretShown = c.secret == "sandbox" ? "sandbox" : "<the secret you gave>"
            return (
                """
                Jet sandbox listening on \(server.baseURL)
                port \(server.port)
                use it with: JET_API_URL=\(server.baseURL) JET_USER=\(user) JET_SECRET=\(secretShown) JET_MERCHANT_ID=sandbox jom

                """,
                { await server.stop() }
            )
        }
    }
}

extension SandboxCommand {
    /// `jom sandbox --marketplace walmart`.
    func runWalmart(parent: pid_t) async throws {
        var c = WalmartSandboxConfiguration()
        c.listen.port = port
        c.listen.host = host
        c.seed = seed
        c.orders = orders
        c.returns = returns
        c.clientID = user
        c.clientSecret = try resolvedSecret()
        c.tokenLifetime = tokenLifetime == "1h" ? 900 : DurationText.parse(tokenLifetime) ?? 900
        c.faults = Faults(
            failRate: failRate, throttleRate: throttleRate, malformedRate: malformedRate, lostReplyRate: lostReplyRate, latencyMillis: latency,
            retryAfter: retryAfter, maxConcurrent: maxConcurrent)
        c.rateLimits = rateLimits
        c.arrivalRate = arrivalRate
        c.returnRate = returnRate
        c.intentToCancelRate = directedCancelRate
        c.autoCancelDays = autoCancelDays
        c.stateFile = state.map { ($0 as NSString).expandingTildeInPath }
        c.frozenClock = clock.flatMap { ISO8601DateFormatter().date(from: $0) }
        try await serve(parent: parent) {
            let server = try await WalmartSandboxServer.start(c)
            let secretShown = c.clientSecret == "sandbox" ? "sandbox" : "<the secret you gave>"
            return (
                """
                Walmart sandbox listening on \(server.baseURL)/v3
                port \(server.port)
                use it with: WALMART_API_URL=\(server.baseURL) WALMART_CLIENT_ID=\(user) WALMART_CLIENT_SECRET=\(secretShown) jom

                """,
                { await server.stop() }
            )
        }
    }

    /// Starts a sandbox (`start` gives the banner saying where to connect, and how to stop it), prints the
    /// banner, and serves until SIGTERM or SIGINT (or the end of the parent process with --exit-with-parent).
    /// A state file that cannot be used, or a port that cannot be had, is an error with its remedy.
    func serve(
        parent: pid_t, _ start: () async throws -> (banner: String, stop: @Sendable () async -> SandboxStateError?)
    ) async throws {
        // Ready to stop before the banner says where to connect: a harness may send SIGTERM as soon as it has
        // read the port, and a signal arriving before its source exists would be lost (the sandbox would stay).
        let stop = StopRequests.stream { continuation in
            if exitWithParent { Self.whenParentEnds(parent) { continuation.yield("the end of the parent process") } }
        }
        let running: (banner: String, stop: @Sendable () async -> SandboxStateError?)
        do {
            running = try await start()
        } catch let e as SandboxStateError {
            printError("jom sandbox: error: \(e.summary)")
            printError("  hint: \(e.remedy)")
            throw ExitCode(1)
        } catch {
            printError("jom sandbox: error: could not listen on \(host):\(port): \(error)")
            printError("  hint: choose another port with --port, or --port 0 for a free one")
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data(running.banner.utf8))
        if host != "127.0.0.1" && host != "localhost" && host != "::1" {
            printError(
                "warning: listening on \(host): other machines can reach this sandbox, its test routes under /sandbox/ included (reset, inject, cancel: no login needed)"
            )
        }
        for await _ in stop { break }
        if let problem = await running.stop() {
            printError("jom sandbox: warning: \(problem.summary)")
            printError("  hint: \(problem.remedy)")
            throw ExitCode(1)
        }
    }

    /// Calls `stop` once the process that started the sandbox (`parent`) has gone. Checked every half second:
    /// Linux's parent-death signal would not do, as it fires when the *thread* that started the sandbox
    /// ends, and a test's worker threads come and go while the test process lives on.
    static func whenParentEnds(_ parent: pid_t, stop: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            while getppid() == parent { usleep(500_000) }
            stop()
        }
    }
}
