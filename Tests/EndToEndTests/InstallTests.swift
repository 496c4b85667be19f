import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// jom as `scripts/install` leaves it: a self-contained command, its man pages and completions, a service
/// unit, a shebang script that finds it on PATH, and an uninstall that leaves the prefix as it was.
/// `scripts/test` installs into a temporary prefix before the tests run (a release build) and names it in
/// `$JOM_INSTALLED_PREFIX`; `swift test` alone has no install to look at and says so.
@Suite struct InstallTests {
    static let prefix = ProcessInfo.processInfo.environment["JOM_INSTALLED_PREFIX"]
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func sh(_ command: String, environment: [String: String]? = nil) async throws -> JomProcess.Result {
        try await ChildProcess.run("/bin/sh", ["-c", command], environment: environment, timeout: 120)
    }

    /// Where the toolchain's Swift libraries are, as the test build of jom links them.
    func toolchainLibraries() async throws -> String? {
        let ldd = try await sh("ldd '\(JomProcess.binary)'")
        guard let line = ldd.stdout.split(separator: "\n").first(where: { $0.contains("libswiftCore.so") }),
            let path = line.split(separator: " ").first(where: { $0.hasPrefix("/") && $0.contains("libswiftCore") })
        else { return nil }
        return (String(path) as NSString).deletingLastPathComponent
    }

    @Test func theInstalledJomIsACommandOfItsOwnAndUninstallsCleanly() async throws {
        guard let prefix = Self.prefix else {
            print("install test: no install to look at (scripts/test installs jom into a temporary prefix and sets JOM_INSTALLED_PREFIX)")
            return
        }
        let jom = prefix + "/bin/jom"
        #expect(FileManager.default.isExecutableFile(atPath: jom))

        // Self-contained: nothing from the toolchain, and it runs with the toolchain's libraries out of reach.
        let ldd = try await sh("ldd '\(jom)'")
        #expect(!ldd.stdout.contains("libswift") && !ldd.stdout.contains("libFoundation") && !ldd.stdout.contains("libdispatch"), "\(ldd.stdout)")
        if let libs = try await toolchainLibraries() {
            let hidden = try await sh("unshare -m sh -c \"mount -t tmpfs none '\(libs)' && ls '\(libs)' | wc -l && '\(jom)' --version\"")
            if hidden.status == 0 {
                #expect(hidden.stdout.split(separator: "\n").map(String.init) == ["0", "0.1.0"], "\(hidden.all)")
            } else {
                // No mount namespaces here (not root): the loader's own view says the same.
                print(
                    "install test: cannot hide \(libs) here (\(hidden.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); ldd shows no toolchain library")
                let plain = try await sh("LD_LIBRARY_PATH= '\(jom)' --version")
                #expect(plain.stdout == "0.1.0\n")
            }
        }
        let size = (try FileManager.default.attributesOfItem(atPath: jom)[.size] as? Int) ?? 0
        let symbols = try await sh("file '\(jom)' 2>/dev/null || true")
        #expect(size > 0)
        if symbols.stdout.contains("ELF") { #expect(symbols.stdout.contains("stripped") && !symbols.stdout.contains("not stripped"), "\(symbols.stdout)") }

        // --help reads at 80 columns and lists the subcommands.
        let help = try await sh("COLUMNS=80 '\(jom)' --help")
        #expect(help.status == 0)
        #expect(help.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 || $0.hasPrefix("USAGE") }, "\(help.stdout)")
        for sub in ["sandbox", "import", "watch"] { #expect(help.stdout.contains("\n  \(sub) "), "\(sub) in: \(help.stdout)") }

        // The man pages, generated from jom's own arguments.
        let man = try await sh("MANPAGER=cat MANWIDTH=80 man -l '\(prefix)/share/man/man1/jom.1'")
        #expect(man.status == 0, "\(man.all)")
        for option in ["--store", "--dry-run", "--keep-going", "Exit status"] { #expect(man.stdout.contains(option), "\(option) in the man page") }
        let watchPage = try await sh("MANPAGER=cat man -l '\(prefix)/share/man/man1/jom.watch.1'")
        #expect(watchPage.stdout.contains("--every"), "\(watchPage.all)")

        // Completions: bash finds the function; zsh and fish get theirs where they look.
        let bash = try await sh("bash -c \"source '\(prefix)/share/bash-completion/completions/jom' && complete -p jom\"")
        #expect(bash.stdout.contains("complete") && bash.stdout.hasSuffix(" jom\n"), "\(bash.all)")
        for file in ["share/zsh/site-functions/_jom", "share/fish/vendor_completions.d/jom.fish"] {
            let text = try String(contentsOfFile: prefix + "/" + file, encoding: .utf8)
            #expect(text.contains("dry-run") && text.contains("watch"), "\(file)")
        }

        // The service unit runs this jom's watch, and is not enabled by the install.
        let unit = try String(contentsOfFile: prefix + "/share/systemd/user/jom-watch.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=\(prefix)/bin/jom watch"), "\(unit)")
        #expect(!FileManager.default.fileExists(atPath: prefix + "/share/systemd/user/default.target.wants"))

        // The README's shebang example, with the installed jom on PATH and nothing of the build.
        let dir = TemporaryDirectory()
        let script = try dir.write("eod.jom", "#!/usr/bin/env jom\n# end of day\nset ship-from-zip 07030\nset ship-from-zip\n")
        chmod(script, 0o755)
        let run = try await ChildProcess.run(
            script, [],
            environment: [
                "PATH": "\(prefix)/bin:/usr/bin:/bin", "HOME": dir.path, "TZ": "UTC",
                "JOM_STORE": dir.file("store"), "JOM_NOW": SandboxFixture.startText,
            ])
        #expect(run.status == 0, "\(run.all)")
        #expect(run.stdout.contains("ship-from-zip 07030"), "\(run.all)")

        // Uninstall removes exactly what the install put there: the prefix is as it was (empty: a new directory).
        let before = try FileManager.default.subpathsOfDirectory(atPath: prefix)
        #expect(before.contains("share/jom/installed"))
        let gone = try await sh("'\(Self.root)/scripts/install' --prefix '\(prefix)' --uninstall")
        #expect(gone.status == 0, "\(gone.all)")
        let left = try FileManager.default.subpathsOfDirectory(atPath: prefix)
        #expect(left.isEmpty, "left behind: \(left)")
        let again = try await sh("'\(Self.root)/scripts/install' --prefix '\(prefix)' --uninstall")
        #expect(again.status == 1 && again.stderr.contains("nothing to remove"), "\(again.all)")
    }
}
