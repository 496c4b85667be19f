import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP as a stream, for the commands that run until stopped (`jom sandbox`, `jom watch`).
enum StopRequests {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []  // alive for the process

    /// The signals that ask a service to stop, by name: a terminal closing sends SIGHUP.
    static let signals: [(Int32, String)] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")]

    /// Yields the signal's name once per SIGINT, SIGTERM or SIGHUP (their default action, ending the process at
    /// once, is turned off); `more` may add other reasons to stop. The signals are caught from the moment this
    /// returns.
    static func stream(_ more: (AsyncStream<String>.Continuation) -> Void = { _ in }) -> AsyncStream<String> {
        AsyncStream { continuation in
            for (sig, name) in signals {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { continuation.yield(name) }
                source.resume()
                sources.append(source)
            }
            more(continuation)
        }
    }
}
