import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM as a stream, for the commands that run until stopped (`jom sandbox`, `jom watch`).
enum StopRequests {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []  // alive for the process

    /// Yields once per SIGINT or SIGTERM (their default action, ending the process, is turned off); `more`
    /// may add other reasons to stop. The signals are caught from the moment this returns.
    static func stream(_ more: (AsyncStream<Void>.Continuation) -> Void = { _ in }) -> AsyncStream<Void> {
        AsyncStream { continuation in
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { continuation.yield() }
                source.resume()
                sources.append(source)
            }
            more(continuation)
        }
    }
}
