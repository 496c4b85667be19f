import Foundation
import JetAPI
import JetSandbox
import MarketplaceHTTP
import OrderDesk
import SandboxKit
import WalmartAPI
import WalmartSandbox

/// Makes the marketplace a session talks to, as ``Connection`` decided: Jet (or a sandbox of one's own) with the
/// configured credentials, or the embedded sandbox, started on first use on a free loopback port and keeping its
/// state in the store. When the store may not connect, every attempt says why.
actor MarketplaceFactory {
    let choice: Result<MarketplaceBinding, Connection.Refusal>
    let configuration: JetConfiguration?
    let walmart: WalmartConfiguration?
    let sandboxStatePath: String
    let trace: HTTPTrace?
    let frozenClock: Date?
    private var server: SandboxServer?
    private var walmartServer: WalmartSandboxServer?

    init(
        choice: Result<MarketplaceBinding, Connection.Refusal>, configuration: JetConfiguration?, walmart: WalmartConfiguration?,
        sandboxStatePath: String, trace: HTTPTrace?, frozenClock: Date?
    ) {
        self.choice = choice
        self.configuration = configuration
        self.walmart = walmart
        self.sandboxStatePath = sandboxStatePath
        self.trace = trace
        self.frozenClock = frozenClock
    }

    /// The account this run connects to, nil when it may not connect.
    nonisolated var account: MarketplaceBinding? {
        if case .success(let b) = choice { return b }
        return nil
    }

    /// What the banner and `status` say about where orders come from.
    nonisolated var description: String {
        switch choice {
        case .success(.sandbox):
            return "the embedded Jet SANDBOX (not Jet: practice orders; its state is kept in the store's sandbox.json)"
        case .success(.walmartSandbox):
            return "the embedded Walmart SANDBOX (not Walmart: practice orders; its state is kept in the store's sandbox.json)"
        case .success(let b) where b.marketplaceName == "Walmart":
            return "\(b) (from WALMART_CLIENT_ID or the credentials file)"
        case .success(let b):
            if let c = configuration, c.baseURL.contains("merchant-api.jet.com") { return "Jet at \(c.baseURL) (account \(c.user))" }
            return "\(b) (from JET_API_URL or the credentials file)"
        case .failure(let refusal):
            return "NOT CONNECTED: \(refusal.summary)"
        }
    }

    func make() async throws -> any Marketplace {
        let account: MarketplaceBinding
        switch choice {
        case .failure(let refusal): throw refusal
        case .success(let b): account = b
        }
        let clock = frozenClock.map(WallClock.fixed) ?? .system
        if case .jet = account, let c = configuration {
            return JetMarketplace(client: JetClient(configuration: c, trace: trace), displayName: description)
        }
        if case .walmart = account, let c = walmart {
            return WalmartMarketplace(client: WalmartClient(configuration: c, trace: trace), displayName: description, clock: clock)
        }
        if account == .walmartSandbox { return try await makeWalmartSandbox(clock: clock) }
        var s = SandboxConfiguration()
        s.port = 0
        s.host = "127.0.0.1"
        s.seed = 42
        s.user = "jom"
        s.secret = (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 16) }.joined()
        s.stateFile = sandboxStatePath
        s.sharedState = true
        // On a Unix socket in the store (mode 0700): no other user reaches its routes (the admin ones included),
        // nor fills this process's descriptors with connections.
        s.socketPath = Self.socketPath(store: PathText.parent(of: sandboxStatePath))
        s.frozenClock = frozenClock
        let server: SandboxServer
        do {
            server = try await SandboxServer.start(s)
        } catch let e as SandboxStateError {
            throw SandboxCannotStart(summary: e.summary, remedy: e.remedy)
        }
        self.server = server
        var c = JetConfiguration(baseURL: server.baseURL, user: s.user, secret: s.secret, merchantID: "sandbox")
        c.requestTimeout = 10
        return JetMarketplace(
            client: JetClient(configuration: c, trace: trace),
            displayName: "Jet sandbox at \(server.baseURL) (embedded; not Jet)", binding: .sandbox)
    }

    /// The embedded Walmart sandbox, on a Unix socket in the store, sharing its state with the store's other processes.
    private func makeWalmartSandbox(clock: WallClock) async throws -> any Marketplace {
        var s = WalmartSandboxConfiguration()
        s.seed = 42
        s.clientID = "jom"
        s.clientSecret = (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 16) }.joined()
        s.stateFile = sandboxStatePath
        s.sharedState = true
        s.listen.socketPath = Self.socketPath(store: PathText.parent(of: sandboxStatePath))
        s.frozenClock = frozenClock
        let server: WalmartSandboxServer
        do {
            server = try await WalmartSandboxServer.start(s)
        } catch let e as SandboxStateError {
            throw SandboxCannotStart(summary: e.summary, remedy: e.remedy)
        }
        walmartServer = server
        var c = WalmartConfiguration(baseURL: server.baseURL, clientID: s.clientID, clientSecret: s.clientSecret)
        c.requestTimeout = 10
        return WalmartMarketplace(
            client: WalmartClient(configuration: c, trace: trace), displayName: "Walmart sandbox at \(server.baseURL) (embedded; not Walmart)",
            binding: .walmartSandbox, clock: clock)
    }

    /// `STORE/sandbox-PID.sock`, or the same in a private temporary directory when the store's path is too long
    /// for a socket's name (108 bytes).
    static func socketPath(store: String) -> String {
        let name = "sandbox-\(getpid()).sock"
        let absolute = store.hasPrefix("/") ? store : FileManager.default.currentDirectoryPath + "/" + store
        let inStore = absolute + "/" + name
        if inStore.utf8.count < 100 { return inStore }
        let template = NSTemporaryDirectory() + "jom-sandbox-XXXXXX"
        var bytes = Array(template.utf8CString)
        let dir = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) } ?? NSTemporaryDirectory()
        return dir + "/" + name
    }

    /// Stops the embedded sandbox; says so when its practice orders could not be saved.
    func stop() async {
        var problem = await server?.stop()
        if let p = await walmartServer?.stop() { problem = p }
        if let problem {
            printError("jom: warning: \(problem.summary)")
            printError("  hint: \(problem.remedy)")
        }
        server = nil
        walmartServer = nil
    }
}

/// The embedded sandbox cannot start (its state file is damaged): not a network problem, so not "try later".
struct SandboxCannotStart: OperatorFacingError {
    var summary: String
    var remedy: String?
}
