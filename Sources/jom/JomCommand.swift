import ArgumentParser
import DeskEngine
import Foundation
import JetAPI
import OrderDesk
import OrderStore
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// `jom [options] [FILE.jom]`: the shell, a script, or `-c` commands.
struct JomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jom",
        abstract: "jom, the Jet Order Manager shell: download, approve, ship, cancel and refund Jet orders.",
        usage: """
            jom [--store <DIR>] [-c <COMMAND> ...] [-f <FILE>] [<options>] [<FILE>]
              jom sandbox | import | watch [<options>]
            """,
        // Paragraphs are single lines: the help formatter wraps them to the terminal.
        discussion: """
            Without arguments on a terminal, jom opens an interactive session on the store (the embedded Jet sandbox, with practice orders, when no Jet credentials are configured). Inside it, `help` lists every command and `help COMMAND` explains one.

            With -c, jom runs those commands and exits. With a FILE (or -f FILE) it runs the file as a script; a .jom file that starts with #!/usr/bin/env jom runs as a program. When standard input is not a terminal, jom reads commands from it.

            Exit status: 0 when every line succeeded, 1 when a line failed, 64 for a mistake in these arguments, 75 when the only failures were Jet being unreachable (try later).
            """,
        version: jomVersion,
        subcommands: [SandboxCommand.self, ImportCommand.self, WatchCommand.self])

    @Option(name: .long, help: ArgumentHelp("The store directory (default: $JOM_STORE, else $XDG_DATA_HOME/jom).", valueName: "DIR"))
    var store: String?

    @Option(name: .customShort("c"), help: ArgumentHelp("Run this command, then exit (repeatable).", valueName: "COMMAND"))
    var command: [String] = []

    @Option(name: .customShort("f"), help: ArgumentHelp("Run this script, then exit.", valueName: "FILE"))
    var file: String?

    @Flag(name: .long, help: "Run on after a failing line (the exit status is still non-zero).")
    var keepGoing = false

    @Flag(name: .long, help: "Send nothing to Jet and change nothing in the store; print each call that would be made.")
    var dryRun = false

    @Flag(name: .long, help: "Log every HTTP request and response to standard error, with credentials and tokens masked.")
    var debugHTTP = false

    @Flag(
        name: .long,
        help:
            "Use an embedded sandbox (practice orders), also when credentials are configured; for a new store or a sandbox store. `--sandbox walmart` practises on Walmart."
    )
    var sandbox = false

    /// `--sandbox walmart` (main.swift turns the word into this option).
    @Option(name: .long, help: .hidden) var sandboxMarketplace: String?

    @Flag(name: [.customShort("X"), .long], help: "Do not run $XDG_CONFIG_HOME/jom/jomrc.")
    var noRC = false

    @Flag(name: .long, help: "Print each command of a script (or -c) before running it.")
    var echo = false

    @Flag(name: .long, help: "Print how long each command took, and the peak memory used, on standard error.")
    var timing = false

    @Argument(help: ArgumentHelp("A script to run (a .jom file).", valueName: "FILE"))
    var script: String?

    mutating func run() async throws {
        let scriptPath = file ?? script
        if file != nil && script != nil {
            throw ValidationError("give the script either with -f or as an argument, not both")
        }
        if scriptPath != nil && !command.isEmpty {
            throw ValidationError("give either -c commands or a script, not both")
        }
        let practice: MarketplaceBinding? = sandbox ? (sandboxMarketplace == "walmart" ? .walmartSandbox : .sandbox) : nil
        let status = try await Workbench.with(store: store, dryRun: dryRun, sandbox: practice, debugHTTP: debugHTTP) { bench in
            await session(bench, script: scriptPath)
        }
        if timing { printError("Peak memory: \(peakMemoryBytes() / 1_048_576) MB") }
        if status != 0 { throw ExitCode(status) }
    }
}

extension JomCommand {
    /// The commands, the script, the interactive session or standard input, on an open store: the exit status.
    func session(_ bench: Workbench, script scriptPath: String?) async -> Int32 {
        let desk = bench.desk
        let storePath = bench.storePath
        let count = bench.orderCount
        var options = ShellOptions()
        options.keepGoing = keepGoing
        options.echo = echo
        options.timing = timing
        options.marketplaceDescription = bench.factory.description
        options.historyPath = bench.historyPath
        options.invoicesDirectory = storePath + "/invoices"
        options.rcFile = noRC ? nil : Paths.configDirectory() + "/jomrc"
        if !command.isEmpty { return await ShellRunner(desk: desk, options: options).runCommands(command) }
        if let scriptPath { return await ShellRunner(desk: desk, options: options).runScriptFile(scriptPath) }
        guard isatty(0) == 1 else { return await ShellRunner(desk: desk, options: options).runStandardInput() }
        options.interactive = true
        options.banner = [
            desk.traits.name == "Jet"
                ? "jom \(jomVersion) — Jet Order Manager" : "jom \(jomVersion) — order manager for the \(desk.traits.name) Marketplace",
            banner(bench.choice, bench.factory.description),
            "Store \(storePath) · \(count) order\(count == 1 ? "" : "s")" + (dryRun ? " · DRY RUN: nothing is sent or saved" : ""),
            "Type `help` for commands, `show` to list what needs you, `download` to fetch now. TAB completes; Ctrl-D quits.",
        ]
        return await ShellRunner(desk: desk, options: options).runInteractive()
    }

    /// The banner's line about where orders come from.
    func banner(_ choice: Result<MarketplaceBinding, Connection.Refusal>, _ description: String) -> String {
        switch choice {
        case .success(.sandbox): "Using the embedded Jet SANDBOX, not Jet: practice orders only, nothing reaches a real marketplace."
        case .success(.walmartSandbox): "Using the embedded Walmart SANDBOX, not Walmart: practice orders only, nothing reaches a real marketplace."
        case .success: "Orders from \(description)."
        case .failure(let r): "NOT CONNECTED: \(r.summary).\n  hint: \(r.remedy ?? "")"
        }
    }
}
