import DeskEngine
import Foundation
import OrderDesk

/// `run FILE`
enum RunCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "run", aliases: ["source"],
        summary: "run a script of commands",
        usage: "run FILE",
        details: """
            Runs FILE one command per line; `#` comments and blank lines are ignored. A script never asks
            questions: what a command would ask for must be on its line, or the line fails and the script
            stops with FILE:LINE: error. Inside a script, a relative FILE is found beside that script.
            """,
        examples: ["run eod.jom", "run ~/routines/morning.jom"],
        arguments: [.file])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count == 1 else { throw ShellError.usage(spec, "run takes one file") }
        var path = (inv.positionals[0] as NSString).expandingTildeInPath
        if !path.hasPrefix("/"), let current = ctx.scripts.last {
            let beside = (PathText.parent(of: current) as NSString).appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: beside) { path = beside }
        }
        let failed = try await ctx.runner.runScript(path: path, ctx: ctx)
        if failed > 0 { throw ScriptFailed(path: path, failures: failed) }
    }
}

/// A nested script had failing lines (each already reported with its FILE:LINE).
struct ScriptFailed: Error {
    var path: String
    var failures: Int
}

/// `set [NAME [VALUE]]`
enum SetCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "set",
        summary: "show or change a setting",
        usage: "set [NAME [VALUE]]",
        details: "Settings are kept in the store (settings.json), so every session on this store shares them.\n"
            + Settings.definitions.map { "  \($0.name.fitted(18)) \($0.help)" }.joined(separator: "\n"),
        examples: ["set", "set ack-window", "set ack-window 2h", "set confirm off", "set ship-from-zip 07030"],
        arguments: [.settingName, .settingValue])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        let words = inv.positionals
        let settings = await ctx.desk.settings
        switch words.count {
        case 0:
            for d in Settings.definitions {
                ctx.out.line("\(d.name.fitted(18)) \(Printable.visible(d.get(settings)).fitted(10)) \(ctx.out.styled(d.help, .dim))")
            }
        case 1:
            guard let d = Settings.definition(named: words[0]) else {
                throw ShellError.other(
                    "there is no setting \"\(words[0])\"", remedy: "`set` lists them: " + Settings.definitions.map(\.name).joined(separator: ", "))
            }
            ctx.out.line("\(d.name) \(Printable.visible(d.get(settings)))")
            ctx.out.line(ctx.out.styled("  \(d.help)", .dim))
        default:
            // One word (quoted or not) is the value as the shell read it; several are the rest of the line as typed
            // (`set seller-name Hoboken Housewares`).
            let value = words.count == 2 ? words[1] : inv.rest(from: 1)
            let shown = try await ctx.desk.set(words[0], value)
            ctx.out.line("\(Printable.visible(words[0].lowercased())) is now \(Printable.visible(shown))")
            if words[0].lowercased() == "color", let c = Settings.ColorMode(rawValue: value.lowercased()) { ctx.out.colorMode = c }
        }
    }
}

/// `help [COMMAND]`
enum HelpCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "help", aliases: ["?"],
        summary: "list the commands, or explain one",
        usage: "help [COMMAND]",
        examples: ["help", "help ship"],
        arguments: [.command])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        let out = ctx.out
        if let name = inv.positionals.first {
            guard let c = CommandRegistry.command(named: name) else {
                throw ShellError.unknownCommand(name, suggestion: CommandRegistry.suggestion(for: name))
            }
            let s = c.spec.adapted(to: ctx.desk.traits)
            out.line(out.styled(s.usage, .bold))
            out.line("  \(s.summary)")
            if !s.aliases.isEmpty { out.line("  also: \(s.aliases.joined(separator: ", "))") }
            if !s.details.isEmpty {
                out.line()
                for l in s.details.split(separator: "\n", omittingEmptySubsequences: false) { out.line("  \(l)") }
            }
            if !s.options.isEmpty {
                out.line()
                for o in s.options { out.line("  \((o.name + (o.value.map { " " + $0 } ?? "")).fitted(20)) \(o.help)") }
            }
            if !s.examples.isEmpty {
                out.line()
                out.line("  Examples:")
                for e in s.examples { out.line("    \(e)") }
            }
            return
        }
        out.line("Commands (help COMMAND tells more; TAB completes commands, filters, ids, reasons, carriers, settings, files):")
        let traits = ctx.desk.traits
        for c in CommandRegistry.all {
            let spec = c.spec.adapted(to: traits)
            if spec.usage.count <= 48 {
                out.line("  \(spec.usage.fitted(48)) \(spec.summary)")
            } else {
                out.line("  \(spec.usage)")
                out.line("  \("".fitted(48)) \(spec.summary)")
            }
        }
        out.line()
        let ids = traits.name == MarketplaceTraits.jet.name ? "order number or Jet id" : traits.orderIDName
        out.line("Orders are named by any unambiguous start of their \(ids). `open` selects one;")
        out.line("approve, ship, cancel, accept, refund, deny, note and print then act on it when no id is given.")
        out.line("Ctrl-C abandons the line or the question; Ctrl-D or `quit` leaves; Ctrl-R searches the history.")
    }
}

/// `history`
enum HistoryCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "history",
        summary: "the commands typed in this store's sessions",
        usage: "history",
        details: "The history is kept per store (the store's `history` file), so it survives restarts. Up/Down recall, Ctrl-R searches.",
        examples: ["history"])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard let editor = ctx.editor else {
            ctx.out.line("history is kept only in interactive sessions (in the store's history file)")
            return
        }
        let entries = await editor.historyEntries()
        for (i, e) in entries.enumerated() { ctx.out.line("\(String(i + 1).right(5))  \(Printable.visible(e))") }
    }
}

/// `quit`
enum QuitCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "quit", aliases: ["exit", "q"],
        summary: "leave jom (Ctrl-D does the same)",
        usage: "quit",
        details: "Actions still waiting for Jet stay in the outbox; the next session sends them.",
        examples: ["quit"])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        throw QuitRequested()
    }
}

struct QuitRequested: Error {}
