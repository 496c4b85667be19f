import Foundation

/// Durations as operators write them: `90s`, `15m`, `24h`, `2d`, `1h30m`, or a bare number of minutes.
public enum DurationText {
    /// The longest duration jom reads: a year. Anything longer is a typo, and would overflow date arithmetic.
    public static let longest: TimeInterval = 366 * 86400

    /// Seconds for `text`, or nil when it is not a duration (or is longer than ``longest``).
    public static func parse(_ text: String) -> TimeInterval? {
        guard let d = parseUnbounded(text), d.isFinite, d >= 0, d <= longest else { return nil }
        return d
    }

    private static func parseUnbounded(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty, t.count <= 40 else { return nil }
        if let minutes = Double(t), minutes >= 0 { return minutes * 60 }
        var total: Double = 0
        var number = ""
        var sawUnit = false
        for ch in t {
            if ch.isNumber || ch == "." {
                number.append(ch)
            } else {
                guard let n = Double(number) else { return nil }
                switch ch {
                case "s": total += n
                case "m": total += n * 60
                case "h": total += n * 3600
                case "d": total += n * 86400
                case "w": total += n * 7 * 86400
                default: return nil
                }
                number = ""
                sawUnit = true
            }
        }
        guard number.isEmpty, sawUnit, total >= 0 else { return nil }
        return total
    }

    /// `15m`, `24h`, `1h30m`, `2d`, `45s`, `0`. Values beyond ``longest`` (which jom never stores) read as such.
    public static func format(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, abs(seconds) <= longest else { return seconds.isFinite ? "more than 366d" : "not a duration" }
        var s = Int(seconds.rounded())
        if s == 0 { return "0" }
        var parts: [String] = []
        if s >= 2 * 86400, s % 86400 == 0 {
            let d = s / 86400
            if d > 0 { parts.append("\(d)d"); s -= d * 86400 }
        }
        if s >= 3600 { parts.append("\(s / 3600)h"); s %= 3600 }
        if s >= 60 { parts.append("\(s / 60)m"); s %= 60 }
        if s > 0 { parts.append("\(s)s") }
        return parts.joined()
    }

    /// A short, human distance in time: `12m`, `3h`, `2d`, `45s`.
    public static func short(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, abs(seconds) < 1e12 else { return "ages" }
        let s = abs(seconds)
        if s < 60 { return "\(Int(s))s" }
        if s < 3600 { return "\(Int(s / 60))m" }
        if s < 86400 * 2 {
            let h = Int(s / 3600)
            let m = Int(s.truncatingRemainder(dividingBy: 3600) / 60)
            return m > 0 && h < 10 ? "\(h)h\(m)m" : "\(h)h"
        }
        return "\(Int(s / 86400))d"
    }
}
