import DeskEngine
import Foundation
import OrderDesk

/// `note [ID] TEXT`
enum NoteCommand: ShellCommand {
    static let spec = CommandSpec(
        name: "note",
        summary: "add a dated note to an order (notes can never be edited or deleted)",
        usage: "note [ID] TEXT",
        details: """
            Adds TEXT, with the time and your user name, to the order's timeline. There is no way to edit or
            delete a note. The first word is read as an order id when it names exactly one order and is at
            least 4 characters long; otherwise the note goes to the selected order. Notes are searchable
            with `find`.
            """,
        examples: ["note 8012 customer called, wants gift wrap", "note left a voicemail"],
        arguments: [.anyOrder, .text])

    static func run(_ inv: Invocation, _ ctx: ShellContext) async throws {
        guard !inv.positionals.isEmpty else { throw ShellError.usage(spec, "note needs some text") }
        let (order, used) = try await ctx.leadingOrder(inv.positionals, minimumLength: 4)
        let text = inv.rest(from: used)
        guard !text.isEmpty else { throw ShellError.usage(spec, "note needs some text after the order id") }
        let s = try await ctx.order(order?.merchantOrderID)
        let (note, added) = try await ctx.desk.note(s.merchantOrderID, text)
        ctx.select(s)
        if await ctx.desk.isDryRun {
            ctx.out.line("dry run: would add the note to \(Printable.visible(s.referenceOrderID)); nothing is saved")
        } else if added {
            ctx.out.line("note added to \(Printable.visible(s.referenceOrderID)) at \(TimeText.at(note.at)) by \(Printable.visible(note.by))")
        } else {
            ctx.out.line(
                "the same note is already on \(Printable.visible(s.referenceOrderID)) (added at \(TimeText.at(note.at)) by \(Printable.visible(note.by))); not added twice"
            )
        }
    }
}
