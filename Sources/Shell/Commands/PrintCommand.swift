import DeskEngine
import Foundation
import OrderDesk

/// `print [ID | all] [--to FILE] [--packing-slip]`
enum PrintCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "print",
        summary: "print an order's invoice, or every order in the current filter",
        usage: "print [ID | all] [--to FILE] [--packing-slip]",
        details: """
            Prints the invoice: the seller's block (set seller-name, seller-address, seller-phone), each line's
            unit price, quantity and amount, the totals, and the Jet order number as text and as a Code 128
            barcode. `print all` prints every order in the current filter (`show to-ship`, then `print all`) as one
            document, a page per order. --packing-slip prints the packer's version, without prices.
            It goes to the default printer through `lp` when one is configured (`lpstat -d`), as one job.
            Otherwise it is written under the store as HTML (a page per order, which a browser prints cleanly)
            and plain text (a form feed between pages), and jom says where. --to FILE writes it there instead:
            HTML when FILE ends in .html, else text. Files are readable by you only: they hold addresses.
            """,
        examples: ["print 8012", "print", "show to-ship", "print all --packing-slip", "print 8012 --to ~/invoice-8012.html"],
        options: [
            OptionSpec(name: "--to", value: "FILE", help: "write it to FILE", completion: .file),
            OptionSpec(name: "--packing-slip", value: nil, help: "the packer's version, without prices"),
        ],
        arguments: [.anyOrder])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 1 else { throw ShellError.usage(spec, "print takes one order id, or all") }
        let slip = inv.flags.contains("--packing-slip")
        let kind = slip ? "packing slip" : "invoice"
        var records: [OrderRecord] = []
        let what: String
        let fileBase: String
        if inv.positionals.first?.lowercased() == "all" {
            let view = ctx.session.view
            let list: [OrderSummary]
            switch view {
            case .filter(let f): list = await ctx.desk.list(f)
            case .find(let t): list = await ctx.desk.find(t)
            }
            guard !list.isEmpty else {
                ctx.out.line("Nothing to print: no orders in the current filter (\(view.label)).")
                return
            }
            for (i, s) in list.enumerated() {
                records.append(try await ctx.desk.record(s.merchantOrderID))
                if i % 50 == 49 { ctx.out.progress("reading orders… \(i + 1)/\(list.count)") }
            }
            ctx.out.endProgress()
            what = "\(kind)s for \(list.count) order\(list.count == 1 ? "" : "s") (\(view.label))"
            fileBase = "\(slip ? "packing-slips" : "invoices")-\(TimeText.date(await ctx.desk.now))-\(view.label.filter { $0.isLetter || $0.isNumber || $0 == "-" })"
        } else {
            let s = try await ctx.order(inv.positionals.first)
            records = [try await ctx.desk.record(s.merchantOrderID)]
            ctx.select(s)
            what = "\(kind) for \(s.referenceOrderID)"
            fileBase = "\(slip ? "packing-slip" : "invoice")-" + s.referenceOrderID.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        }
        let seller = Invoice.Seller(await ctx.desk.settings, fallbackName: ProcessInfo.processInfo.environment["JOM_SELLER"])
        let now = await ctx.desk.now
        let text = Invoice.text(records, seller: seller, now: now, packingSlip: slip)
        let html = Invoice.html(records, seller: seller, now: now, packingSlip: slip)
        if let target = inv.options["--to"] {
            let path = (target as NSString).expandingTildeInPath
            let isHTML = path.lowercased().hasSuffix(".html") || path.lowercased().hasSuffix(".htm")
            try write(isHTML ? html : text, to: path)
            ctx.out.line("\(what) written to \(path)")
            return
        }
        if let printer = defaultPrinter() {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["lp", "-t", what]
            let pipe = Pipe()
            p.standardInput = pipe
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            try pipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))
            try pipe.fileHandleForWriting.close()
            p.waitUntilExit()
            if p.terminationStatus == 0 {
                ctx.out.line("\(what) sent to printer \(printer) as one job")
                return
            }
            ctx.out.error("warning: lp could not print to \(printer) (exit \(p.terminationStatus)); writing the \(kind) to files instead")
        }
        let dir = ctx.runner.options.invoicesDirectory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let base = dir + "/" + fileBase
        try write(html, to: base + ".html")
        try write(text, to: base + ".txt")
        ctx.out.line("no printer is configured; \(what) written to:")
        ctx.out.line("  \(base).html")
        ctx.out.line("  \(base).txt")
    }

    static func write(_ s: String, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            throw ShellError.other("could not write \(path): the directory \(dir) does not exist", remedy: "create it (mkdir -p \(dir)) or choose another file with --to")
        }
        // Invoices hold names, addresses and phones: readable by their owner only, like the rest of the store.
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ShellError.other("could not write \(path): \(String(cString: strerror(errno)))", remedy: "choose another file with --to")
        }
        let bytes = Array(s.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            written += n
        }
        let failed = written < bytes.count || fsync(fd) != 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard !failed, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ShellError.other("could not write \(path): \(reason)", remedy: "choose another file with --to")
        }
        chmod(path, 0o600)
    }

    /// The default printer's name when CUPS has one.
    static func defaultPrinter() -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["lpstat", "-d"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }  // No lpstat: no printer.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let r = text.range(of: "system default destination: ") else { return nil }
        let name = text[r.upperBound...].split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces)
        return (name?.isEmpty ?? true) ? nil : name
    }
}
