import ArgumentParser
import Foundation
import OrderDesk
import OrderStore
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// `jom import FILE`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Jet order details (a JSON array, or JSON Lines) into the store.",
        discussion: """
            Each element is an order as Jet's GET /orders/withoutShipmentDetail/{id} returns it. Importing the same file again changes nothing; notes and actions already in the store are kept.

            A bad element is reported as FILE:LINE and skipped; the rest is imported (the exit status is then 1).

            The file is read a block at a time, so memory does not grow with it (a million orders fit in a few hundred megabytes). The import holds the store's lock while it runs: sessions on the store go on reading, and their changes wait.
            """,
        version: jomVersion)

    @Option(name: .long, help: ArgumentHelp("The store directory (default: $JOM_STORE, else $XDG_DATA_HOME/jom).", valueName: "DIR"))
    var store: String?

    @Argument(help: ArgumentHelp("The file to import.", valueName: "FILE"))
    var file: String

    func run() throws {
        let path = (file as NSString).expandingTildeInPath
        guard let reader = ElementReader(path: path) else {
            printError("jom import: error: cannot read \(path)")
            printError("  hint: check the file name and its permissions")
            throw ExitCode(1)
        }
        let storePath = Paths.store(store)
        do {
            let orderStore = try OrderStore(path: storePath) { printError("jom: \($0)") }
            let started = Date()
            let terminal = isatty(2) == 1
            let report = try Importer(store: orderStore).run(reader: reader, name: (path as NSString).lastPathComponent, now: Paths.fixedNow ?? Date()) {
                done, all in
                if terminal {
                    FileHandle.standardError.write(Data("\r\u{1B}[Kimporting… \(all > 0 ? done * 100 / all : 100)% (\(done >> 20) of \(all >> 20) MB)".utf8))
                }
            }
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            for s in report.skipped { printError("\(path):\(s.line): error: \(s.message); skipped") }
            if report.skippedCount > report.skipped.count {
                printError("\(path): \(report.skippedCount - report.skipped.count) more elements skipped (only the first \(report.skipped.count) are listed)")
            }
            let seconds = Date().timeIntervalSince(started)
            print(
                "imported \(report.added + report.updated + report.unchanged) orders from \(path) into \(storePath) in \(String(format: "%.1f", seconds))s: "
                    + "\(report.added) new, \(report.updated) updated, \(report.unchanged) unchanged"
                    + (report.skippedCount == 0 ? "" : "; \(report.skippedCount) skipped (see above)"))
            if report.skippedCount > 0 { throw ExitCode(1) }
        } catch let e as StoreError {
            printError("jom import: error: \(e.summary)")
            if let r = e.remedy { printError("  hint: \(r)") }
            throw ExitCode(1)
        }
    }
}
