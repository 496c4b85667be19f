import Foundation
import JetWire
import SandboxKit

/// A running Jet sandbox: its marketplace, its address, and how to stop it.
public final class SandboxServer: Sendable {
    public let marketplace: SandboxMarketplace
    let listener: SandboxListener

    public var port: Int { listener.port }
    public var host: String { listener.host }
    /// The Unix socket it listens on, if it does (then `port` is 0).
    public var socketPath: String? { listener.socketPath }

    /// `http://127.0.0.1:PORT/api`, or `http+unix://%2Fpath%2Fsandbox.sock/api` on a Unix socket.
    public var baseURL: String { listener.origin + "/api" }

    init(marketplace: SandboxMarketplace, listener: SandboxListener) {
        self.marketplace = marketplace
        self.listener = listener
    }

    /// Starts a sandbox and returns once it accepts connections.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        let marketplace = try SandboxMarketplace(configuration: configuration)
        let listener = try await SandboxListener.start(router: buildSandboxRouter(marketplace: marketplace), settings: configuration.listen)
        return SandboxServer(marketplace: marketplace, listener: listener)
    }

    /// Stops listening and saves the marketplace's state. Returns why the state could not be saved, if it could not.
    @discardableResult
    public func stop() async -> SandboxStateError? {
        await listener.stop()
        do {
            try await marketplace.saveNow()
            return nil
        } catch {
            return error
        }
    }

    /// Runs until the process is told to stop.
    public func wait() async throws {
        try await listener.wait()
    }
}
