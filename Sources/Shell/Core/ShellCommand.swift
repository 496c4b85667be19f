import Foundation

/// One shell command: its declaration (help and completion) and what it does.
protocol ShellCommand {
    static var spec: CommandSpec { get }
    static func run(_ invocation: Invocation, _ ctx: ShellContext) async throws
}

/// Every command, in the order `help` lists them.
enum CommandRegistry {
    static let all: [any ShellCommand.Type] = [
        ShowCommand.self, FindCommand.self, OpenCommand.self, ApproveCommand.self, ShipCommand.self, CancelCommand.self,
        NoteCommand.self, RefundCommand.self, DenyCommand.self, PrintCommand.self, DownloadCommand.self, StatusCommand.self,
        RunCommand.self, SetCommand.self, HelpCommand.self, HistoryCommand.self, QuitCommand.self,
    ]

    static func command(named name: String) -> (any ShellCommand.Type)? {
        let n = name.lowercased()
        return all.first { $0.spec.name == n || $0.spec.aliases.contains(n) }
    }

    static var names: [String] { all.map { $0.spec.name } }

    /// The closest command name, for "did you mean".
    static func suggestion(for word: String) -> String? {
        let w = word.lowercased()
        if let p = names.first(where: { $0.hasPrefix(w) || w.hasPrefix($0) }) { return p }
        return names.map { ($0, distance($0, w)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var prev = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
