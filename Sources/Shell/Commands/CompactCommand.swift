import DeskEngine
import Foundation
import OrderDesk

/// `compact`
enum CompactCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "compact",
        summary: "rewrite the store's order files without the old versions of each order",
        usage: "compact",
        details: """
            Every change to an order adds its whole record to the store's order files again, so they also hold
            the versions before the current one. `compact` copies only the current records into new files and
            removes the old ones. It is safe to stop at any moment: the next jom finishes or undoes it. jom
            compacts by itself after a download once old versions take more than half of the files (and a
            megabyte), so this is rarely needed. Other sessions go on reading meanwhile; their writes wait.
            """,
        examples: ["compact"])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard inv.positionals.isEmpty else { throw ShellError.usage(spec, "compact takes no arguments") }
        if await ctx.desk.isDryRun {
            ctx.out.line("dry run: would compact the store's order files; nothing changed")
            return
        }
        ctx.out.progress("compacting the store…")
        let result = try await ctx.desk.compact()
        ctx.out.endProgress()
        ctx.out.line(result.map(sentence) ?? "nothing to compact")
    }

    /// `compacted the store: 14 orders, 1.2 MB → 36 KB`.
    static func sentence(_ c: CompactionResult) -> String {
        "compacted the store: \(c.orders) order\(c.orders == 1 ? "" : "s"), \(bytes(c.bytesBefore)) → \(bytes(c.bytesAfter))"
    }

    static func bytes(_ n: Int) -> String {
        if n >= 1 << 30 { return String(format: "%.1f GB", Double(n) / Double(1 << 30)) }
        if n >= 1 << 20 { return String(format: "%.1f MB", Double(n) / Double(1 << 20)) }
        if n >= 1 << 10 { return "\(n >> 10) KB" }
        return "\(n) bytes"
    }
}
