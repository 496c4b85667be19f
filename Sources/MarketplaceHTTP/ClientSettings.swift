import Foundation

/// How often and how long a marketplace client retries what can safely be retried.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int = 5
    /// First backoff, in seconds; doubles each attempt, with jitter.
    public var baseDelay: Double = 0.1
    public var maxDelay: Double = 3
    /// The longest `Retry-After` honoured, in seconds.
    public var maxRetryAfter: Double = 30

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.1, maxDelay: Double = 3, maxRetryAfter: Double = 30) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The pause before attempt `attempt + 1` (attempt counts from 1): exponential, with jitter in [50%, 100%].
    public func delay(after attempt: Int) -> Double {
        let exp = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return exp * Double.random(in: 0.5...1.0)
    }
}

/// A file of secrets (a marketplace's credentials): read only when no other user can read it.
public enum PrivateFile {
    public enum Outcome: Sendable {
        case absent
        /// Its mode (octal, e.g. `644`) lets others read it: not read.
        case readableByOthers(mode: String)
        case unreadable
        case contents(Data)
    }

    public static func read(_ path: String) -> Outcome {
        var st = stat()
        guard stat(path, &st) == 0 else { return .absent }
        if st.st_mode & 0o077 != 0 { return .readableByOthers(mode: String(st.st_mode & 0o777, radix: 8)) }
        guard let data = FileManager.default.contents(atPath: path) else { return .unreadable }
        return .contents(data)
    }

    /// `$XDG_CONFIG_HOME/jom/NAME` (`~/.config/jom/NAME`).
    public static func configPath(_ name: String, environment: [String: String]) -> String {
        let config =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return config + "/jom/" + name
    }
}
