import Hummingbird

/// A running sandbox of any marketplace: its marketplace, where it listens, and how to stop it.
public final class RunningSandbox<Marketplace: SandboxStateHost>: Sendable {
    public let marketplace: Marketplace
    let listener: SandboxListener

    public var port: Int { listener.port }
    public var host: String { listener.host }
    /// The Unix socket it listens on, if it does (then `port` is 0).
    public var socketPath: String? { listener.socketPath }
    /// `http://127.0.0.1:PORT`, or `http+unix://%2Fpath%2Fsandbox.sock` on a Unix socket.
    public var origin: String { listener.origin }

    /// Starts serving `router` for `marketplace`; returns once it accepts connections.
    public init(marketplace: Marketplace, router: Router<SandboxRequestContext>, settings: ListenSettings) async throws {
        self.marketplace = marketplace
        self.listener = try await SandboxListener.start(router: router, settings: settings)
    }

    /// Stops listening and saves the marketplace's state; returns why it could not be saved, if it could not.
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
    public func wait() async throws { try await listener.wait() }
}
