import ArgumentParser
import Foundation
import JetAPI
import JetWire
import OrderDesk
import OrderStore
import Shell
import WalmartAPI
import WalmartWire

#if canImport(Glibc)
import Glibc
#endif

/// `jom import FILE`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import order details (a JSON array, or JSON Lines) into the store.",
        discussion: """
            Each element is an order as the store's marketplace gives one: Jet's GET /orders/withoutShipmentDetail/{id}, or a Walmart purchase order as GET /v3/orders lists them (wrapped in {"order": …} or not). A store that belongs to no marketplace yet takes --marketplace's (jet by default). Importing the same file again changes nothing; notes and actions already in the store are kept.

            A bad element is reported as FILE:LINE and skipped; the rest is imported (the exit status is then 1).

            The file is read a block at a time, so memory does not grow with it (a million orders fit in a few hundred megabytes). The import holds the store's lock while it runs: sessions on the store go on reading, and their changes wait.
            """,
        version: jomVersion)

    @Option(name: .long, help: ArgumentHelp("The store directory (default: $JOM_STORE, else $XDG_DATA_HOME/jom).", valueName: "DIR"))
    var store: String?

    @Argument(help: ArgumentHelp("The file to import.", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("Whose orders the file holds, for a store that belongs to no marketplace yet: jet or walmart.", valueName: "NAME"))
    var marketplace: String?

    func validate() throws {
        if let marketplace, !["jet", "walmart"].contains(marketplace.lowercased()) {
            throw ValidationError("--marketplace must be jet or walmart, not \(marketplace)")
        }
    }

    /// How an element becomes an order, for the store's marketplace.
    static func decoder(walmart: Bool) -> Importer.Decode {
        if walmart {
            return { data, decoder in
                do {
                    return WalmartMapping.order(try decoder.decode(WalmartOrderEnvelope.self, from: data).order)
                } catch {
                    if data.range(of: Data("\"merchant_order_id\"".utf8)) != nil { throw ForeignOrder(marketplace: "Jet") }
                    throw error
                }
            }
        }
        return { data, decoder in
            do {
                return JetMapping.order(try decoder.decode(JetOrder.self, from: data))
            } catch {
                if data.range(of: Data("\"purchaseOrderId\"".utf8)) != nil { throw ForeignOrder(marketplace: "Walmart") }
                throw error
            }
        }
    }

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
            let bound = try orderStore.loadBinding()
            let walmart = bound.map { $0.marketplaceName == "Walmart" } ?? (marketplace?.lowercased() == "walmart")
            if let bound, let asked = marketplace, asked.lowercased() != bound.marketplaceName.lowercased() {
                printError("jom import: error: the store \(storePath) belongs to \(bound), not to \(asked)")
                printError(
                    "  hint: import into a store of its own: jom import --store /tmp/\(asked.lowercased())-store --marketplace \(asked.lowercased()) \(file)")
                throw ExitCode(1)
            }
            let started = Date()
            let terminal = isatty(2) == 1
            let importer = Importer(
                store: orderStore, marketplace: walmart ? "Walmart" : "Jet", operatorName: Paths.operatorName, decode: Self.decoder(walmart: walmart))
            let report = try importer.run(reader: reader, name: (path as NSString).lastPathComponent, now: Paths.fixedNow ?? Date()) {
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
