import DeskEngine
import Foundation
import OrderDesk

/// `print [ID] [--to FILE]`
enum PrintCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "print",
        summary: "print an order's invoice",
        usage: "print [ID] [--to FILE]",
        details: """
            Sends the invoice to the default printer through `lp` when one is configured (`lpstat -d`).
            Otherwise writes it under the store as HTML (a page a browser prints cleanly) and plain text,
            and says where. --to FILE writes it there instead: HTML when FILE ends in .html, else text.
            Set JOM_SELLER to put your business name on invoices.
            """,
        examples: ["print 8012", "print", "print 8012 --to ~/invoice-8012.html"],
        options: [OptionSpec(name: "--to", value: "FILE", help: "write the invoice to FILE", completion: .file)],
        arguments: [.orderID])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.count <= 1 else { throw ShellError.usage(spec, "print takes one order id") }
        let s = try await ctx.order(inv.positionals.first)
        let record = try await ctx.desk.record(s.merchantOrderID)
        ctx.select(s)
        let seller = ProcessInfo.processInfo.environment["JOM_SELLER"] ?? "Sold on Jet"
        let now = await ctx.desk.now
        let text = Invoice.text(record, seller: seller, now: now)
        let html = Invoice.html(record, seller: seller, now: now)
        if let target = inv.options["--to"] {
            let path = (target as NSString).expandingTildeInPath
            let isHTML = path.lowercased().hasSuffix(".html") || path.lowercased().hasSuffix(".htm")
            try write(isHTML ? html : text, to: path)
            ctx.out.line("invoice for \(s.referenceOrderID) written to \(path)")
            return
        }
        if let printer = defaultPrinter() {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["lp", "-t", "Invoice \(s.referenceOrderID)"]
            let pipe = Pipe()
            p.standardInput = pipe
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            try pipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))
            try pipe.fileHandleForWriting.close()
            p.waitUntilExit()
            if p.terminationStatus == 0 {
                ctx.out.line("invoice for \(s.referenceOrderID) sent to printer \(printer)")
                return
            }
            ctx.out.error("warning: lp could not print to \(printer) (exit \(p.terminationStatus)); writing the invoice to files instead")
        }
        let dir = ctx.runner.options.invoicesDirectory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let base = dir + "/invoice-" + s.referenceOrderID.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        try write(html, to: base + ".html")
        try write(text, to: base + ".txt")
        ctx.out.line("no printer is configured; invoice for \(s.referenceOrderID) written to:")
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
