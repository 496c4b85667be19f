import Foundation
import MarketplaceHTTP
import OrderDesk
import Synchronization
import WalmartWire

/// A failed Walmart call: which call, what Walmart said, and whether it may have changed something anyway.
public struct WalmartAPIError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case http(status: Int)
        case unreachable, timeout, malformed, cancelled
    }

    public var kind: Kind
    /// `POST /v3/orders/1796277083022/acknowledge`.
    public var call: String
    public var message: String
    public var mayHaveApplied: Bool
    /// Walmart's error codes (`INVALID_REQUEST_CONTENT.GMP_ORDER_API`).
    public var codes: [String] = []

    public init(_ kind: Kind, call: String, message: String, mayHaveApplied: Bool = false) {
        self.kind = kind
        self.call = call
        self.message = message
        self.mayHaveApplied = mayHaveApplied
    }

    public var status: Int? {
        if case .http(let s) = kind { return s }
        return nil
    }

    public var description: String { "\(call): \(message)" }

    /// What went wrong for one of many alike calls, without naming the id.
    public func cause(of id: String) -> String {
        let m = message.replacingOccurrences(of: id, with: "…")
        return switch kind {
        case .http(let status): "Walmart answered with HTTP \(status): \(m)"
        case .unreachable: "Walmart could not be reached: \(m)"
        case .timeout: "Walmart did not answer in time: \(m)"
        case .malformed: "Walmart's answer could not be read: \(m)"
        case .cancelled: "cancelled"
        }
    }

    static let credentialsRemedy = "check WALMART_CLIENT_ID and WALMART_CLIENT_SECRET (or the credentials file)"

    /// The desk's view of this failure.
    public var marketplaceError: MarketplaceError {
        let kind: MarketplaceError.Kind
        let isToken = call.hasSuffix("/v3/token")
        switch self.kind {
        case .http(401), .http(403): kind = .unauthorized
        case .http(400) where isToken: kind = .unauthorized
        case .http(let s) where (400..<500).contains(s) && s != 429 && s != 408: kind = .refused(status: s)
        case .malformed: kind = mayHaveApplied ? .uncertain : .badResponse
        default: kind = mayHaveApplied ? .uncertain : .unreachable
        }
        return MarketplaceError(kind, call: call, message: message, marketplace: "Walmart", credentialsRemedy: Self.credentialsRemedy)
    }
}

/// The Walmart Marketplace API over HTTP: a token renewed before it expires, the headers every call needs, cursor
/// paging, calls that change something paced to Walmart's limit, and retries of what can safely be retried. A
/// call that changes something and then times out or gets a 5xx is not retried here: it fails with
/// `mayHaveApplied`, and the outbox reads the order before sending it again (Walmart has no idempotency keys).
public final class WalmartClient: Sendable {
    public let configuration: WalmartConfiguration
    let exchange: HTTPExchange
    let tokens = TokenCache()
    let pacer: Pacer
    /// How many times Walmart answered 429.
    let throttled = Mutex(0)

    public init(configuration: WalmartConfiguration, trace: HTTPTrace? = nil) {
        self.configuration = configuration
        self.exchange = HTTPExchange(
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
            concurrency: configuration.concurrency, trace: trace)
        self.pacer = Pacer(perMinute: configuration.changesPerMinute, window: configuration.pacingWindow)
    }

    public func shutdown() async { await exchange.shutdown() }

    /// Times Walmart answered 429 so far.
    public var throttleCount: Int { throttled.withLock { $0 } }

    // MARK: token

    actor TokenCache {
        var token: (value: String, expires: Date)?
        var fetching: Task<(String, Date), any Error>?
        /// Tokens fetched so far (a test sees renewals).
        var fetched = 0

        func get(fetch: @escaping @Sendable () async throws -> (String, Date)) async throws -> String {
            // Renewed a minute early, so a token never expires mid-call.
            if let t = token, t.expires.timeIntervalSinceNow > 60 { return t.value }
            if let running = fetching { return try await sharedValue(of: running).0 }
            let task = Task { try await fetch() }
            fetching = task
            defer { fetching = nil }
            let t = try await sharedValue(of: task)
            token = (t.0, t.1)
            fetched += 1
            return t.0
        }

        func invalidate(_ stale: String) { if token?.value == stale { token = nil } }
    }

    /// `POST /v3/token` with the client id and secret (HTTP Basic), `grant_type=client_credentials`.
    public func fetchToken() async throws(WalmartAPIError) -> WalmartToken {
        let call = "POST /v3/token"
        let basic = Data("\(configuration.clientID):\(configuration.clientSecret)".utf8).base64EncodedString()
        let headers = [
            ("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
            ("WM_SVC.NAME", configuration.serviceName), ("WM_QOS.CORRELATION_ID", UUID().uuidString.lowercased()),
        ]
        let data = try await perform(
            "POST", "/v3/token", body: Data("grant_type=client_credentials".utf8), headers: headers, authorized: false, changesState: false)
        let token = try decode(WalmartToken.self, data, call: call)
        if let type = token.tokenType, type.lowercased() != "bearer" {
            throw WalmartAPIError(.malformed, call: call, message: "the token is of type \(type), not Bearer")
        }
        return token
    }

    func accessToken() async throws(WalmartAPIError) -> String {
        do {
            return try await tokens.get {
                let t = try await self.fetchToken()
                return (t.accessToken, Date().addingTimeInterval(Double(t.expiresIn ?? 900)))
            }
        } catch let e as WalmartAPIError {
            throw e
        } catch {
            throw WalmartAPIError(.cancelled, call: "POST /v3/token", message: "\(error)")
        }
    }

    /// Tokens fetched so far.
    public func tokensFetched() async -> Int { await tokens.fetched }

    // MARK: pacing

    /// Walmart's allowance per endpoint as a bucket of `perMinute` calls refilled evenly over `window`: the
    /// first calls go at once, then one as each is replenished (one a second for 60 a minute), as Walmart's
    /// token-count headers describe. None while Walmart says its allowance is used up
    /// (`x-current-token-count: 0` until `x-next-replenishment-time`, or a 429's `Retry-After`).
    actor Pacer {
        struct Bucket {
            var tokens: Double
            var at: ContinuousClock.Instant
        }

        let perMinute: Int
        let window: Double
        var buckets: [String: Bucket] = [:]
        var pausedUntil: ContinuousClock.Instant?

        init(perMinute: Int, window: Double) {
            self.perMinute = max(1, perMinute)
            self.window = max(0.001, window)
        }

        /// Waits until `endpoint` (e.g. `acknowledge`) has a call left, and takes it. The bucket holds 90% of
        /// Walmart's allowance and refills at 95% of its pace: Walmart's own bucket keeps a reserve that absorbs
        /// calls arriving closer together than they left here (a busy network or machine), so they still find
        /// their allowance there.
        func admit(_ endpoint: String) async throws {
            let rate = Double(perMinute) / window * 0.95  // calls a second
            while true {
                let now = ContinuousClock.now
                let capacity = max(1, Double(perMinute) * 0.9)
                var b = buckets[endpoint] ?? Bucket(tokens: capacity, at: now)
                b.tokens = min(capacity, b.tokens + Double((now - b.at) / .milliseconds(1)) / 1000 * rate)
                b.at = now
                var wake: ContinuousClock.Instant?
                if let p = pausedUntil, p > now { wake = p }
                if wake == nil, b.tokens < 1 { wake = now + .milliseconds(Int(((1 - b.tokens) / rate * 1000).rounded(.up))) }
                guard let wake else {
                    b.tokens -= 1
                    buckets[endpoint] = b
                    return
                }
                buckets[endpoint] = b
                try await Task.sleep(until: wake, clock: .continuous)
            }
        }

        func pause(seconds: Double) {
            let until = ContinuousClock.now + .milliseconds(Int(min(120, max(0, seconds)) * 1000))
            if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
        }
    }

    /// The endpoint a change counts against: `acknowledge`, `cancel`, `shipping`, `refund`, `returns/refund`.
    static func endpoint(_ path: String) -> String {
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        let last = parts.last.map(String.init) ?? ""
        return parts.contains("returns") ? "returns/\(last)" : last
    }

    /// Seconds until Walmart's allowance is replenished, from `x-next-replenishment-time` (epoch ms or seconds,
    /// or an ISO time).
    static func secondsUntil(replenishment text: String, now: Date = Date()) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let n = Double(t) {
            let date = n > 1e11 ? Date(timeIntervalSince1970: n / 1000) : n > 1e8 ? Date(timeIntervalSince1970: n) : now.addingTimeInterval(n)
            return max(0, date.timeIntervalSince(now))
        }
        return WalmartTime.parseISO(t).map { max(0, $0.timeIntervalSince(now)) }
    }

    // MARK: transport

    /// One call with Walmart's headers: the token (`WM_SEC.ACCESS_TOKEN`), the service name, a fresh correlation
    /// id. Retries: 429 always (honouring `Retry-After`); connection failures always; 5xx, timeouts and
    /// unreadable answers only when nothing changes. A 401 (or a 400 `INVALID_TOKEN`) fetches a new token once.
    func call(_ method: String, _ path: String, body: Data? = nil, changesState: Bool) async throws(WalmartAPIError) -> HTTPReply {
        if changesState {
            do {
                try await pacer.admit(Self.endpoint(path))
            } catch {
                throw WalmartAPIError(.cancelled, call: "\(method) \(path)", message: "cancelled")
            }
        }
        var renewed = false
        while true {
            let token = try await accessToken()
            var headers = [
                ("WM_SEC.ACCESS_TOKEN", token), ("WM_SVC.NAME", configuration.serviceName),
                ("WM_QOS.CORRELATION_ID", UUID().uuidString.lowercased()), ("Accept", "application/json"),
            ]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            do {
                return try await exchange(method, path, body: body, headers: headers, changesState: changesState)
            } catch  where !renewed && (error.status == 401 || (error.status == 400 && error.codes.contains { $0.hasPrefix("INVALID_TOKEN") })) {
                renewed = true
                await tokens.invalidate(token)
            }
        }
    }

    func perform(
        _ method: String, _ path: String, body: Data?, headers: [(String, String)], authorized: Bool, changesState: Bool
    ) async throws(WalmartAPIError) -> Data {
        try await exchange(method, path, body: body, headers: headers, changesState: changesState).body
    }

    /// The exchange with retries; answers 2xx (and 404, for the caller to read) come back, others throw.
    func exchange(
        _ method: String, _ path: String, body: Data?, headers: [(String, String)], changesState: Bool
    ) async throws(WalmartAPIError)
        -> HTTPReply
    {
        let call = "\(method) \(path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path)"
        let policy = configuration.retry
        var lastError: WalmartAPIError?
        for attempt in 1...max(1, policy.maxAttempts) {
            if Task.isCancelled { throw WalmartAPIError(.cancelled, call: call, message: "cancelled", mayHaveApplied: false) }
            let reply: HTTPReply
            do {
                reply = try await exchange.send(method, configuration.baseURL + path, body: body, headers: headers)
            } catch {
                let kind: WalmartAPIError.Kind =
                    switch error.kind {
                    case .unreachable: .unreachable
                    case .timeout: .timeout
                    case .malformed: .malformed
                    case .cancelled: .cancelled
                    }
                var e = WalmartAPIError(kind, call: call, message: error.message)
                if kind == .cancelled {
                    e.mayHaveApplied = changesState
                    throw e
                }
                guard kind == .unreachable || !changesState else {
                    e.mayHaveApplied = true
                    throw e
                }
                lastError = e
                try await pause(policy.delay(after: attempt), call: call)
                continue
            }
            observe(reply)
            switch reply.status {
            case 200..<300, 404:
                return reply
            case 429:
                throttled.withLock { $0 += 1 }
                let wait =
                    reply.retryAfter ?? reply.header("x-next-replenishment-time").flatMap { Self.secondsUntil(replenishment: $0) }
                    ?? policy.delay(after: attempt)
                await pacer.pause(seconds: wait)
                lastError = failure(reply, call: call)
                try await pause(min(wait, policy.maxRetryAfter), call: call)
            case 500..<600, 408:
                var e = failure(reply, call: call)
                e.mayHaveApplied = changesState
                if changesState { throw e }
                lastError = e
                try await pause(policy.delay(after: attempt), call: call)
            default:
                throw failure(reply, call: call)
            }
        }
        throw lastError ?? WalmartAPIError(.unreachable, call: call, message: "no answer")
    }

    /// Walmart's allowance headers: when it says none is left, calls that change something wait for it.
    func observe(_ reply: HTTPReply) {
        guard let count = reply.header("x-current-token-count").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), count <= 0,
            let next = reply.header("x-next-replenishment-time").flatMap({ Self.secondsUntil(replenishment: $0) })
        else { return }
        let pacer = self.pacer
        Task { await pacer.pause(seconds: next) }
    }

    func failure(_ reply: HTTPReply, call: String) -> WalmartAPIError {
        let body = try? JSONDecoder().decode(WalmartErrorBody.self, from: reply.body)  // Not every error has a body we can read.
        let text =
            body?.text
            ?? String(decoding: reply.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            ?? "HTTP \(reply.status) with no message"
        var e = WalmartAPIError(.http(status: reply.status), call: call, message: text)
        e.codes = body?.codes ?? []
        return e
    }

    private func pause(_ seconds: Double, call: String) async throws(WalmartAPIError) {
        do {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        } catch {
            throw WalmartAPIError(.cancelled, call: call, message: "cancelled")
        }
    }

    // MARK: JSON

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func encode<T: Encodable>(_ value: T, call: String) throws(WalmartAPIError) -> Data {
        do {
            return try Self.encoder.encode(value)
        } catch {
            throw WalmartAPIError(.malformed, call: call, message: "could not encode the request: \(error)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data, call: String, changed: Bool = false) throws(WalmartAPIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw WalmartAPIError(
                .malformed, call: call, message: data.isEmpty ? "the answer is empty" : WalmartDecoding.describe(error), mayHaveApplied: changed)
        }
    }

    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? segment
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
