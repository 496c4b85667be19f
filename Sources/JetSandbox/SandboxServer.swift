import Foundation
import HTTPTypes
import Hummingbird
import JetWire
import Logging
import NIOCore

/// A running sandbox: its marketplace, its address, and how to stop it.
public final class SandboxServer: Sendable {
    public let marketplace: SandboxMarketplace
    public let port: Int
    public let host: String
    /// The Unix socket it listens on, if it does (then `port` is 0).
    public let socketPath: String?
    let task: Task<Void, any Error>

    /// `http://127.0.0.1:PORT/api`, or `http+unix://%2Fpath%2Fsandbox.sock/api` on a Unix socket.
    public var baseURL: String {
        if let socketPath {
            let host = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? socketPath
            return "http+unix://\(host)/api"
        }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/api"
    }

    init(marketplace: SandboxMarketplace, port: Int, host: String, socketPath: String?, task: Task<Void, any Error>) {
        self.marketplace = marketplace
        self.port = port
        self.host = host
        self.socketPath = socketPath
        self.task = task
    }

    /// Starts a sandbox and returns once it accepts connections.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        let marketplace = try SandboxMarketplace(configuration: configuration)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        if let socket = configuration.socketPath { unlink(socket) }  // One of a process that is gone.
        let app = buildSandboxApplication(marketplace: marketplace, configuration: configuration) { channel in
            // On a Unix socket there is no port: running is all there is to tell.
            portContinuation.yield(configuration.socketPath != nil ? -1 : channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }
        let task = Task {
            defer { portContinuation.finish() }
            try await app.run()
        }
        var port = 0
        for await p in portStream { port = p }
        if port == 0 {
            _ = try await task.value
            throw SandboxStartError(message: "the sandbox could not listen on \(configuration.socketPath ?? "\(configuration.host):\(configuration.port)")")
        }
        if let socket = configuration.socketPath { chmod(socket, 0o600) }
        return SandboxServer(marketplace: marketplace, port: max(0, port), host: configuration.host, socketPath: configuration.socketPath, task: task)
    }

    /// Stops listening and saves the marketplace's state. Returns why the state could not be saved, if it could not.
    @discardableResult
    public func stop() async -> SandboxStateError? {
        task.cancel()
        _ = await task.result  // Cancelled on purpose: how the server ended does not matter now.
        if let socketPath { unlink(socketPath) }
        do {
            try await marketplace.saveNow()
            return nil
        } catch {
            return error
        }
    }

    /// Runs until the process is told to stop.
    public func wait() async throws {
        try await task.value
    }
}

public struct SandboxStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
