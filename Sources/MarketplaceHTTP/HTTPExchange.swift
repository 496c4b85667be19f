// MarketplaceHTTP: one HTTP exchange with a marketplace, as every marketplace's client needs it: a pool of
// connections, one deadline for the whole answer (its body included), and failures sorted into what they mean
// for a call (never reached, no answer in time, an answer that cannot be read, cancelled). Each client decides
// about retries, tokens and what an answer means; this module knows no marketplace.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An answer: its status, body and headers.
public struct HTTPReply: Sendable {
    public var status: Int
    public var body: Data
    public var headers: [(String, String)]

    public init(status: Int, body: Data, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// A header's value, the name in any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// `Retry-After` in seconds, when it is a number.
    public var retryAfter: Double? { header("Retry-After").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
}

/// Why an exchange brought no answer.
public struct TransportFailure: Error, Sendable {
    public enum Kind: Sendable, Equatable {
        /// No connection could be made: nothing was sent.
        case unreachable
        /// No (whole) answer in time: the request may have arrived.
        case timeout
        /// The answer could not be read (the connection closed half-way, too large).
        case malformed
        case cancelled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// HTTP exchanges with one marketplace: a connection pool and deadlines.
public final class HTTPExchange: Sendable {
    let http: HTTPClient
    let requestTimeout: Double
    let trace: HTTPTrace?

    /// - Parameters:
    ///   - concurrency: connections per host, at most.
    public init(connectTimeout: Double, requestTimeout: Double, concurrency: Int, trace: HTTPTrace?) {
        self.requestTimeout = requestTimeout
        self.trace = trace
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .milliseconds(Int64(connectTimeout * 1000)), read: .milliseconds(Int64(requestTimeout * 1000)))
        config.connectionPool = .init(idleTimeout: .seconds(30))
        config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, concurrency)
        // The client's own retry loop decides about retries (with backoff), so a refused connection fails at once.
        config.connectionPool.retryConnectionEstablishment = false
        config.redirectConfiguration = .disallow
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// Closes connections. Call once, when done.
    public func shutdown() async {
        try? await http.shutdown()  // Already shut down is the same outcome.
    }

    /// One exchange: connection failures come back as `.unreachable`, time-outs as `.timeout`.
    public func send(_ method: String, _ url: String, body: Data?, headers: [(String, String)]) async throws(TransportFailure) -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        trace?.request(method, url, body: body)
        let started = ContinuousClock.now
        do {
            let timeout = requestTimeout
            // One deadline for the whole call, the body included: a server that sends a byte now and then (each
            // within the read timeout) must not hold a download for ever. The head's deadline is the client's own.
            let response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let left = timeout - Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
            let body = response.body
            let data = try await Self.within(seconds: max(0.1, left)) {
                Data(try await body.collect(upTo: 64 << 20).readableBytesView)
            }
            let millis = Int((ContinuousClock.now - started) / .milliseconds(1))
            trace?.response(Int(response.status.code), url, millis: millis, body: data)
            return HTTPReply(status: Int(response.status.code), body: data, headers: response.headers.map { ($0.name, $0.value) })
        } catch {
            trace?.failure(url, "\(error)")
            throw classify(error)
        }
    }

    /// The whole call took longer than the request timeout.
    struct CallDeadline: Error {}

    /// Runs `work`, cancelling it once `seconds` have passed (then ``CallDeadline`` is thrown).
    public static func within<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw CallDeadline() }
            return value
        }
    }

    func classify(_ error: any Error) -> TransportFailure {
        if error is CallDeadline { return TransportFailure(.timeout, "the whole answer did not arrive within \(Int(requestTimeout))s") }
        if error is CancellationError { return TransportFailure(.cancelled, "cancelled") }
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout, .getConnectionFromPoolTimeout: return TransportFailure(.unreachable, "could not connect in time")
            case .readTimeout, .deadlineExceeded, .writeTimeout: return TransportFailure(.timeout, "no answer within \(Int(requestTimeout))s")
            case .cancelled: return TransportFailure(.cancelled, "cancelled")
            case .remoteConnectionClosed: return TransportFailure(.malformed, "the connection closed before the whole answer arrived")
            default: return TransportFailure(.malformed, "\(e)")
            }
        }
        if error is NIOConnectionError { return TransportFailure(.unreachable, "connection refused or host not found") }
        if let io = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(io.errnoCode) {
            return TransportFailure(.unreachable, "connection refused")
        }
        if error is NIOTooManyBytesError { return TransportFailure(.malformed, "the answer is too large") }
        return TransportFailure(.malformed, "\(error)")
    }
}
