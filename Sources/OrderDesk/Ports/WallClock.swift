import Foundation

/// The one source of "now" for the desk and the shell: the system clock in production, a pinned instant in
/// tests and training (`JOM_NOW`). Deadlines, timelines and the stale-download check all read it; nothing
/// in the desk calls `Date()` itself.
///
/// Waiting (retries, the download schedule) uses the monotonic clock instead, so a pinned wall clock never
/// stops a session from downloading again.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public var now: Date { read() }

    /// The machine's clock.
    public static let system = WallClock { Date() }

    /// Always `instant`.
    public static func fixed(_ instant: Date) -> WallClock { WallClock { instant } }
}
