import Foundation
import Testing

@testable import Shell

/// How a typed line becomes words, options and flags.
@Suite struct ParsingTests {
    @Test func wordsQuotesAndEscapes() {
        let line = #"note  8012 "gift wrap, please" \"fine\" 'a b'"#
        let words = Tokenizer.split(line).map(\.text)
        #expect(words == ["note", "8012", "gift wrap, please", "\"fine\"", "a b"])
        #expect(Tokenizer.split("note it's fine").map(\.text) == ["note", "it's", "fine"], "a lone apostrophe is a character")
        let tokens = Tokenizer.split(line)
        #expect(String(line[tokens[2].start...]).hasPrefix("\"gift"), "each word keeps where it started")
        #expect(Tokenizer.split("   ").isEmpty)
        #expect(Tokenizer.split("a\tb").map(\.text) == ["a", "b"])
    }

    @Test func optionsFlagsAndTheEndOfOptions() throws {
        let spec = ShipCommand.spec
        let inv = try Invocation.parse(
            "ship 8012 1Z --carrier UPS --method=UPS-Ground", name: "ship",
            tokens: Array(Tokenizer.split("ship 8012 1Z --carrier UPS --method=UPS-Ground").dropFirst()), spec: spec)
        #expect(inv.positionals == ["8012", "1Z"])
        #expect(inv.options == ["--carrier": "UPS", "--method": "UPS-Ground"])
        let dashed = try Invocation.parse(
            "note -- --not-an-option", name: "note",
            tokens: Array(Tokenizer.split("note -- --not-an-option").dropFirst()), spec: NoteCommand.spec)
        #expect(dashed.positionals == ["--not-an-option"])
    }

    @Test(arguments: [
        ("ship 8012 --speed fast", "ship has no option --speed (it has --carrier, --method"),
        ("ship 8012 --carrier", "--carrier needs a value (--carrier C)"),
        ("status --verbose", "status takes no options, and --verbose is not one"),
    ])
    func badOptionsSayWhatTheCommandTakes(line: String, message: String) {
        let tokens = Tokenizer.split(line)
        let command = CommandRegistry.command(named: tokens[0].text)!
        #expect {
            _ = try Invocation.parse(line, name: command.spec.name, tokens: Array(tokens.dropFirst()), spec: command.spec)
        } throws: { error in
            guard case ShellError.usage(_, let m) = error else { return false }
            return m.hasPrefix(message)
        }
    }

    @Test func commandsByNameAliasAndSuggestion() {
        #expect(CommandRegistry.command(named: "ls")?.spec.name == "show")
        #expect(CommandRegistry.command(named: "APPROVE")?.spec.name == "approve")
        #expect(CommandRegistry.command(named: "shpi") == nil)
        #expect(CommandRegistry.suggestion(for: "shpi") == "ship")
        #expect(CommandRegistry.suggestion(for: "stat") == "status")
        #expect(CommandRegistry.suggestion(for: "xyzzy") == nil)
    }
}
