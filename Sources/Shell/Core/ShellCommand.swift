import Foundation

/// One shell command: its declaration (help and completion) and what it does.
protocol ShellCommand: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ invocation: Invocation, _ ctx: ShellContext) async throws
}

/// Every command, in the order `help` lists them.
enum CommandRegistry {
    static let all: [any ShellCommand.Type] = [
        ShowCommand.self, FindCommand.self, OpenCommand.self, ApproveCommand.self, ShipCommand.self, CancelCommand.self,
        AcceptCommand.self, RefundCommand.self, DenyCommand.self, NoteCommand.self, PrintCommand.self, ReportCommand.self,
        DownloadCommand.self, StatusCommand.self, CompactCommand.self,
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

    /// Edits between two words, counting a swap of two neighbouring letters (`shpi` → `ship`) as one edit.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
