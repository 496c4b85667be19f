// jom: the executable. It owns the command line (ArgumentParser), where things live (flags, environment),
// and the one place that wires live I/O together: the JSON store, the Jet client or the embedded sandbox,
// the desk and the shell. `jom sandbox`, `jom import` and `jom watch` live here too. No rules are decided here.
import ArgumentParser
import Foundation

/// Parses `arguments` for `C` and runs it (async commands included), exiting with its status.
func run<C: ParsableCommand>(_ type: C.Type, _ arguments: [String]) async -> Never {
    do {
        var command = try type.parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
        type.exit()
    } catch {
        type.exit(withError: error)
    }
}

// `jom sandbox …`, `jom import …` and `jom watch …` are their own commands; anything else is the shell (whose optional
// argument is a script file, so `#!/usr/bin/env jom` scripts work). The subcommands are dispatched here, by
// their first word, because the shell's optional FILE would otherwise take that word.
/// `--sandbox walmart` (or `--sandbox=walmart`, `--sandbox jet`): the word after `--sandbox` names the marketplace.
func sandboxWordsAsOption(_ args: [String]) -> [String] {
    var out: [String] = []
    var i = 0
    while i < args.count {
        let a = args[i]
        if a == "--" {
            out += args[i...]
            break
        }
        if a.hasPrefix("--sandbox=") {
            out += ["--sandbox", "--sandbox-marketplace", String(a.dropFirst("--sandbox=".count)).lowercased()]
        } else if a == "--sandbox", i + 1 < args.count, ["walmart", "jet"].contains(args[i + 1].lowercased()) {
            out += ["--sandbox", "--sandbox-marketplace", args[i + 1].lowercased()]
            i += 1
        } else {
            out.append(a)
        }
        i += 1
    }
    return out
}

let arguments = sandboxWordsAsOption(Array(CommandLine.arguments.dropFirst()))
let subcommands = Dictionary(uniqueKeysWithValues: JomCommand.configuration.subcommands.map { ($0._commandName, $0) })

/// Help for a subcommand as part of jom (`USAGE: jom watch …`).
func printHelp(_ type: (any ParsableCommand.Type)?) -> Never {
    print(type.map { JomCommand.helpMessage(for: $0) } ?? JomCommand.helpMessage())
    exit(0)
}

/// Global options given before a subcommand (`jom --store S watch`) go after it, where the subcommand reads them:
/// the subcommand and the rest, or nil when the first word that is not a global option is no subcommand.
func subcommandWithGlobalsFirst(_ args: [String]) -> (type: any ParsableCommand.Type, rest: [String])? {
    var globals: [String] = []
    var i = 0
    while i < args.count {
        let a = args[i]
        if a == "--store", i + 1 < args.count {
            globals += [a, args[i + 1]]
            i += 2
        } else if a.hasPrefix("--store=") || a == "--sandbox" || a == "--debug-http" {
            globals.append(a)
            i += 1
        } else if a == "--sandbox-marketplace", i + 1 < args.count {
            globals += [a, args[i + 1]]
            i += 2
        } else {
            break
        }
    }
    guard i < args.count, let type = subcommands[args[i]] else { return nil }
    return (type, Array(args[(i + 1)...]) + globals)
}

if let (type, rest) = subcommandWithGlobalsFirst(arguments) {
    if rest.contains("-h") || rest.contains("--help") { printHelp(type) }
    await run(type, rest)
} else if arguments.first == "help", arguments.count <= 2, !FileManager.default.fileExists(atPath: "help") {
    // `jom help` and `jom help watch` (a script named `help` still runs as `jom help`).
    printHelp(arguments.count == 2 ? subcommands[arguments[1]] : nil)
} else {
    await run(JomCommand.self, arguments)
}
