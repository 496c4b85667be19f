import Foundation
import OrderDesk
import Synchronization

/// The progress of a long delivery (`approve all`) with its expected finish time: on a terminal a line
/// rewritten in place; otherwise a line on standard error every `every` seconds, so that a script's log shows
/// it is moving.
///
/// The estimate is the larger of two: the pace so far, and the marketplace's published limit
/// (``MarketplaceTraits/changesPerMinute``): a marketplace that lets the first calls through at once and then
/// one a second would otherwise promise too early a finish.
final class DeliveryProgress: Sendable {
    struct State {
        var started: ContinuousClock.Instant
        var lastLine: ContinuousClock.Instant
    }

    let verb: String
    let out: Output
    let perMinute: Int?
    let wallClock: @Sendable () -> Date
    let every: Double
    private let state: Mutex<State>

    init(verb: String, out: Output, perMinute: Int?, every: Double = 15, wallClock: @escaping @Sendable () -> Date) {
        self.verb = verb
        self.out = out
        self.perMinute = perMinute
        self.every = every
        self.wallClock = wallClock
        let now = ContinuousClock.now
        state = Mutex(State(started: now, lastLine: now))
    }

    /// Seconds still needed for `total - done` actions, `elapsed` seconds in.
    static func remaining(done: Int, total: Int, elapsed: Double, perMinute: Int?) -> Double {
        let left = Double(max(0, total - done))
        guard left > 0 else { return 0 }
        let observed = done > 0 ? elapsed / Double(done) * left : 0
        let published = perMinute.map { left * 60 / Double(max(1, $0)) } ?? 0
        return max(observed, published)
    }

    /// "approving… 45/120 · done about 09:14 (in 1m)".
    static func text(verb: String, done: Int, total: Int, remaining: Double, at now: Date) -> String {
        var s = "\(verb)… \(done)/\(total)"
        if remaining >= 1 {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "HH:mm:ss"
            s += " · done about \(f.string(from: now.addingTimeInterval(remaining))) (in \(DurationText.short(remaining)))"
        }
        return s
    }

    func update(done: Int, total: Int) {
        let now = ContinuousClock.now
        let (elapsed, printLine) = state.withLock { s -> (Double, Bool) in
            let elapsed = Double((now - s.started) / .milliseconds(1)) / 1000
            let due = Double((now - s.lastLine) / .milliseconds(1)) / 1000 >= every
            if due { s.lastLine = now }
            return (elapsed, due)
        }
        let line = Self.text(
            verb: verb, done: done, total: total,
            remaining: Self.remaining(done: done, total: total, elapsed: elapsed, perMinute: perMinute), at: wallClock())
        if out.errorIsTerminal {
            out.progress(line)
        } else if printLine, done < total {
            out.error(line)
        }
    }

    func end() { out.endProgress() }
}
