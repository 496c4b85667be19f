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
            and plain text (a form feed between pages), and jom says where; an earlier file of the same name is
            never replaced (the new one gets -2, -3, …). --to FILE writes it there instead: HTML when FILE ends
            in .html, else text; only a regular file is ever replaced (never a device, FIFO or link), and
            --to - writes the text to standard output. Files are readable by you only: they hold addresses.
            """,
        examples: ["print 8012", "print", "show to-ship", "print all --packing-slip", "print 8012 --to ~/invoice-8012.html", "print 8012 --to -"],
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
            // A big print is a question first: how many pages, and where they go.
            if list.count > 20 {
                let target = inv.options["--to"].map { "to \($0)" } ?? (defaultPrinter().map { "on printer \($0)" } ?? "to files under the store")
                guard try await ctx.confirm("Print \(list.count) \(kind)s (\(list.count) pages) \(target)?") else {
                    ctx.out.line("Nothing printed.")
                    return
                }
            }
            for (i, s) in list.enumerated() {
                records.append(try await ctx.desk.record(s.merchantOrderID))
                if i % 50 == 49 { ctx.out.progress("reading orders… \(i + 1)/\(list.count)") }
            }
            ctx.out.endProgress()
            what = "\(kind)s for \(list.count) order\(list.count == 1 ? "" : "s") (\(view.label))"
            fileBase =
                "\(slip ? "packing-slips" : "invoices")-\(TimeText.date(await ctx.desk.now))-\(view.label.filter { $0.isLetter || $0.isNumber || $0 == "-" })"
        } else {
            let s = try await ctx.order(inv.positionals.first)
            records = [try await ctx.desk.record(s.merchantOrderID)]
            ctx.select(s)
            what = "\(kind) for \(Printable.visible(s.referenceOrderID))"
            // The order number as it can be a file name, and a short hash of the marketplace's id: two orders
            // whose numbers read alike in a file name never share one.
            let name = String(s.referenceOrderID.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(40))
            fileBase = "\(slip ? "packing-slip" : "invoice")-\(name.isEmpty ? "order" : name)-\(shortHash(s.merchantOrderID))"
        }
        let seller = Invoice.Seller(await ctx.desk.settings, fallbackName: ProcessInfo.processInfo.environment["JOM_SELLER"])
        let now = await ctx.desk.now
        let text = Invoice.text(records, seller: seller, now: now, packingSlip: slip)
        let html = Invoice.html(records, seller: seller, now: now, packingSlip: slip)
        if let target = inv.options["--to"] {
            let isHTML = target.lowercased().hasSuffix(".html") || target.lowercased().hasSuffix(".htm")
            if OutputFile.isStandardOutput(target) {
                ctx.out.document(text)
                return
            }
            let path = (target as NSString).expandingTildeInPath
            if await ctx.desk.isDryRun {
                ctx.out.line("dry run: would write the \(what) to \(path); nothing written")
                return
            }
            try OutputFile.write(isHTML ? html : text, to: path)
            ctx.out.line("\(what) written to \(path)")
            return
        }
        if await ctx.desk.isDryRun {
            ctx.out.line("dry run: would print the \(what); nothing printed or written")
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
        var st = stat()
        if lstat(dir, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
            throw ShellError.other(
                "\(dir) is not a directory of the store's own (a link?); nothing was written there",
                remedy: "remove it (rm \(dir)), or print with --to FILE")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Never over an earlier file of the same name (the morning's print): the next free name.
        let base = OutputFile.freeName(dir + "/" + fileBase, "html", alsoFree: ["txt"])
        try OutputFile.write(html, to: base + ".html", replace: false)
        try OutputFile.write(text, to: base + ".txt", replace: false)
        ctx.out.line("no printer is configured; \(what) written to:")
        ctx.out.line("  \(base).html")
        ctx.out.line("  \(base).txt")
    }

    /// Eight hex digits of an FNV-1a hash: short, and different for different ids.
    static func shortHash(_ id: String) -> String {
        var h: UInt32 = 0x811C_9DC5
        for b in id.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
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
