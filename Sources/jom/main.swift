// jom: the executable. It owns the command line (ArgumentParser), where things live (flags, environment),
// and the one place that wires live I/O together: the JSON store, the Jet client or the embedded sandbox,
// the desk and the shell. `jom sandbox` and `jom import` live here too. No rules are decided here.
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
// argument is a script file, so `#!/usr/bin/env jom` scripts work).
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "sandbox": await run(SandboxCommand.self, Array(arguments.dropFirst()))
case "import": await run(ImportCommand.self, Array(arguments.dropFirst()))
case "watch": await run(WatchCommand.self, Array(arguments.dropFirst()))
default: await run(JomCommand.self, arguments)
}
