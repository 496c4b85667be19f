import Foundation
import JetAPI
import JetSandbox
import OrderDesk

/// Makes the marketplace a session talks to: Jet (or a separate sandbox) when credentials are configured,
/// else the embedded sandbox, started on first use on a free loopback port, keeping its state in the store.
actor MarketplaceFactory {
    let configuration: JetConfiguration?
    let sandboxStatePath: String
    let trace: HTTPTrace?
    let frozenClock: Date?
    private var server: SandboxServer?

    init(configuration: JetConfiguration?, sandboxStatePath: String, trace: HTTPTrace?, frozenClock: Date?) {
        self.configuration = configuration
        self.sandboxStatePath = sandboxStatePath
        self.trace = trace
        self.frozenClock = frozenClock
    }

    var isEmbedded: Bool { configuration == nil }

    /// What the banner and `status` say about where orders come from.
    nonisolated var description: String {
        if let c = configuration {
            return c.baseURL.contains("merchant-api.jet.com") ? "Jet at \(c.baseURL)" : "a Jet API at \(c.baseURL) (from JET_API_URL or the credentials file)"
        }
        return "the embedded Jet SANDBOX (not Jet: practice orders; its state is kept in the store's sandbox.json)"
    }

    func make() async throws -> any Marketplace {
        if let c = configuration {
            return JetMarketplace(client: JetClient(configuration: c, trace: trace), displayName: description)
        }
        var s = SandboxConfiguration()
        s.port = 0
        s.host = "127.0.0.1"
        s.seed = 42
        s.user = "jom"
        s.secret = (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 16) }.joined()
        s.stateFile = sandboxStatePath
        s.frozenClock = frozenClock
        let server = try await SandboxServer.start(s)
        self.server = server
        var c = JetConfiguration(baseURL: server.baseURL, user: s.user, secret: s.secret, merchantID: "sandbox")
        c.requestTimeout = 10
        return JetMarketplace(client: JetClient(configuration: c, trace: trace),
                              displayName: "Jet sandbox at \(server.baseURL) (embedded; not Jet)")
    }

    /// Stops the embedded sandbox; says so when its practice orders could not be saved.
    func stop() async {
        if let problem = await server?.stop() {
            printError("jom: warning: \(problem.summary)")
            printError("  hint: \(problem.remedy)")
        }
        server = nil
    }
}
