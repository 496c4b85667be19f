import Foundation
import JetWire
import SandboxKit

/// A running Jet sandbox: its marketplace, its address, and how to stop it.
public typealias SandboxServer = RunningSandbox<SandboxMarketplace>

extension RunningSandbox where Marketplace == SandboxMarketplace {
    /// `http://127.0.0.1:PORT/api`, or `http+unix://%2Fpath%2Fsandbox.sock/api` on a Unix socket.
    public var baseURL: String { origin + "/api" }

    /// Starts a sandbox and returns once it accepts connections.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        let marketplace = try SandboxMarketplace(configuration: configuration)
        return try await SandboxServer(marketplace: marketplace, router: buildSandboxRouter(marketplace: marketplace), settings: configuration.listen)
    }
}
