import Foundation
import OrderDesk

/// Where things live, from flags and the environment.
enum Paths {
    /// Read once: jom never changes its own environment, and `ProcessInfo.environment` builds a new dictionary
    /// on every call (import once asked for it per order).
    static let environment: [String: String] = ProcessInfo.processInfo.environment

    static func home() -> String { environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() }

    /// `--store DIR`, else `$JOM_STORE`, else `$XDG_DATA_HOME/jom`, else `~/.local/share/jom`; for the Walmart
    /// sandbox's practice store (`--sandbox walmart`) without either, `$XDG_DATA_HOME/jom-walmart-practice`.
    static func store(_ flag: String?, practice: MarketplaceBinding? = nil) -> String {
        if let flag, !flag.isEmpty { return (flag as NSString).expandingTildeInPath }
        if let s = environment["JOM_STORE"], !s.isEmpty { return (s as NSString).expandingTildeInPath }
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home() + "/.local/share")
        return data + (practice == .walmartSandbox ? "/jom-walmart-practice" : "/jom")
    }

    /// `$XDG_CONFIG_HOME/jom` (`~/.config/jom`).
    static func configDirectory() -> String {
        (environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home() + "/.config")) + "/jom"
    }

    static var operatorName: String {
        environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LOGNAME"] ?? "operator"
    }

    /// A fixed "now" for tests and training screenshots (`JOM_NOW=2026-11-28T09:00:00Z`).
    static var fixedNow: Date? {
        environment["JOM_NOW"].flatMap { ISO8601DateFormatter().date(from: $0) }
    }
}

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
