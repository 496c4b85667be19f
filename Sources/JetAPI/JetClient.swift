// JetAPI: Jet's merchant API on the wire. It owns Jet's JSON models (read tolerantly), the HTTP client (login,
// retries, timeouts, concurrency) and the Marketplace adapter that maps Jet to the desk's models. It must not
// know the store, the shell, or the desk's rules about what an operator may do.
import Foundation
import JetWire
import MarketplaceHTTP
import OrderDesk
import Synchronization

/// The Jet Merchant API over HTTP: every call of the protocol, with login and re-login, timeouts, bounded
/// concurrency, and retries of what can safely be retried (reads, throttled calls, calls that never left).
/// A call that changes something and then times out or gets a 5xx is not retried here: it fails with
/// `mayHaveApplied`, and the outbox checks Jet's state before sending it again.
public final class JetClient: Sendable {
    public let configuration: JetConfiguration
    let exchange: HTTPExchange
    let tokens = TokenCache()
    let trace: HTTPTrace?
    /// How many times Jet answered 429 ("too many requests"): fetches of many details slow down when it grows.
    let throttled = Mutex(0)

    public init(configuration: JetConfiguration, trace: HTTPTrace? = nil) {
        self.configuration = configuration
        self.trace = trace
        self.exchange = HTTPExchange(
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout, concurrency: configuration.concurrency,
            trace: trace)
    }

    /// Closes connections. Call once, when done.
    public func shutdown() async {
        await exchange.shutdown()
    }

    // MARK: token

    /// Holds the current token and makes sure only one login runs at a time.
    actor TokenCache {
        var token: JetToken?
        var loggingIn: Task<JetToken, any Error>?

        func valid(now: Date) -> JetToken? {
            guard let token else { return nil }
            // Renew a minute early so a token never expires mid-request.
            if let expiry = token.expiresOn?.date, expiry.timeIntervalSince(now) < 60 { return nil }
            return token
        }

        func get(login: @escaping @Sendable () async throws -> JetToken) async throws -> JetToken {
            if let t = valid(now: Date()) { return t }
            if let running = loggingIn { return try await sharedValue(of: running) }
            let task = Task { try await login() }
            loggingIn = task
            defer { loggingIn = nil }
            let t = try await sharedValue(of: task)
            token = t
            return t
        }

        func invalidate(_ stale: String) {
            if token?.idToken == stale { token = nil }
        }
    }

    /// `POST /token`: logs in with the configured user and secret.
    public func login() async throws(JetAPIError) -> JetToken {
        let body = try encode(JetTokenRequest(user: configuration.user, pass: configuration.secret), call: "POST /token")
        return try await perform("POST", "/token", body: body, authorized: false, changesState: false) { data throws(JetAPIError) in
            try self.decode(JetToken.self, data, call: "POST /token")
        }
    }

    func token() async throws(JetAPIError) -> JetToken {
        do {
            return try await tokens.get { try await self.login() }
        } catch let e as JetAPIError {
            throw e
        } catch {
            throw JetAPIError(.cancelled, call: "POST /token", message: "\(error)")
        }
    }

    // MARK: transport

    struct Reply: Sendable {
        var status: Int
        var body: Data
        /// The `Retry-After` header, in seconds.
        var retryAfter: Double?
    }

    /// One call, with retries: 429 (honouring `Retry-After`) always; connection failures always (nothing was
    /// sent); 5xx, timeouts and unreadable answers only when the call changes nothing. A 401 logs in again once.
    func perform<T>(
        _ method: String, _ path: String, body: Data? = nil, authorized: Bool = true, changesState: Bool,
        expect: Set<Int> = [], decode: (Data) throws(JetAPIError) -> T
    ) async throws(JetAPIError) -> T {
        let call = "\(method) \(path)"
        let policy = configuration.retry
        var relogged = false
        var attempt = 0
        var lastError: JetAPIError?
        while attempt < policy.maxAttempts {
            attempt += 1
            if Task.isCancelled { throw JetAPIError(.cancelled, call: call, message: "cancelled") }
            let reply: Reply
            var usedToken: String?
            var headers: [(String, String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
            if authorized {
                // The login retries what it can by itself; when it fails, this call fails with it.
                let t = try await token()
                usedToken = t.idToken
                headers.append(("Authorization", "\(t.tokenType ?? "Bearer") \(t.idToken)"))
            }
            do {
                reply = try await send(method, path, body: body, headers: headers, call: call)
            } catch {
                // A login that Jet answered with an error (bad credentials) is final; so is Ctrl-C, which may
                // have interrupted a change after it left.
                if error.status != nil { throw error }
                if error.kind == .cancelled {
                    var e = error
                    e.mayHaveApplied = changesState
                    throw e
                }
                // Nothing left if the connection failed; a read can always be asked again.
                guard error.kind == .unreachable || !changesState else {
                    var uncertain = error
                    uncertain.mayHaveApplied = true
                    throw uncertain
                }
                lastError = error
                try await pause(policy.delay(after: attempt), call: call)
                continue
            }

            switch reply.status {
            case 200..<300 where expect.isEmpty || expect.contains(reply.status):
                do {
                    return try decode(reply.body)
                } catch {
                    var e = error
                    e.mayHaveApplied = changesState
                    lastError = e
                    if changesState { throw e }
                    try await pause(policy.delay(after: attempt), call: call)
                    continue
                }
            case 401 where authorized && !relogged:
                relogged = true
                attempt -= 1
                if let usedToken { await tokens.invalidate(usedToken) }
                continue
            case 429:
                throttled.withLock { $0 += 1 }
                let wait = reply.retryAfter ?? policy.delay(after: attempt)
                lastError = JetAPIError(.http(status: 429), call: call, message: errorText(reply.body) ?? "too many requests")
                try await pause(min(wait, policy.maxRetryAfter), call: call)
                continue
            case 500..<600, 408:
                let e = JetAPIError(
                    .http(status: reply.status), call: call, message: errorText(reply.body) ?? "server error",
                    mayHaveApplied: changesState)
                if changesState { throw e }
                lastError = e
                try await pause(policy.delay(after: attempt), call: call)
                continue
            default:
                throw JetAPIError(
                    .http(status: reply.status), call: call,
                    message: errorText(reply.body) ?? "HTTP \(reply.status) with no message")
            }
        }
        throw lastError ?? JetAPIError(.unreachable, call: call, message: "no answer")
    }

    private func pause(_ seconds: Double, call: String) async throws(JetAPIError) {
        do {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        } catch {
            throw JetAPIError(.cancelled, call: call, message: "cancelled")
        }
    }

    /// One HTTP exchange. Connection failures come back as `.unreachable`, time-outs as `.timeout`.
    func send(_ method: String, _ path: String, body: Data?, headers: [(String, String)], call: String) async throws(JetAPIError) -> Reply {
        do {
            let reply = try await exchange.send(method, configuration.baseURL + path, body: body, headers: headers)
            return Reply(status: reply.status, body: reply.body, retryAfter: reply.retryAfter)
        } catch {
            let kind: JetAPIError.Kind =
                switch error.kind {
                case .unreachable: .unreachable
                case .timeout: .timeout
                case .malformed: .malformed
                case .cancelled: .cancelled
                }
            throw JetAPIError(kind, call: call, message: error.message)
        }
    }

    // MARK: JSON

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func encode<T: Encodable>(_ value: T, call: String) throws(JetAPIError) -> Data {
        do {
            return try Self.encoder.encode(value)
        } catch {
            throw JetAPIError(.malformed, call: call, message: "could not encode the request: \(error)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data, call: String) throws(JetAPIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw JetAPIError(.malformed, call: call, message: "\(path(ctx.codingPath + [key])) is missing")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw JetAPIError(.malformed, call: call, message: "\(path(ctx.codingPath)) has the wrong type")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw JetAPIError(.malformed, call: call, message: "\(path(ctx.codingPath)) is null")
        } catch {
            throw JetAPIError(.malformed, call: call, message: data.isEmpty ? "the answer is empty" : "the answer is not valid JSON")
        }
    }

    private func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the answer" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    func errorText(_ data: Data) -> String? {
        guard !data.isEmpty else { return nil }
        if let body = try? JSONDecoder().decode(JetErrorBody.self, from: data), let t = body.text { return t }  // Else: the raw text.
        let text = String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }
}
