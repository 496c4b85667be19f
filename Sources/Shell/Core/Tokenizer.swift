import Foundation

/// Splits a command line into words: spaces separate, `"…"` and `'…'` group, `\` escapes. Each word keeps
/// where it started, so commands that take free text (`note`) can use the rest of the line as typed.
struct Token: Equatable {
    var text: String
    /// Offset of the word's first character in the line.
    var start: String.Index
}

enum Tokenizer {
    static func split(_ line: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var start: String.Index?
        var quote: Character?
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"", line.index(after: i) < line.endIndex {
                    i = line.index(after: i)
                    current.append(line[i])
                } else {
                    current.append(c)
                }
            } else if c == " " || c == "\t" {
                if let s = start {
                    tokens.append(Token(text: current, start: s))
                    current = ""
                    start = nil
                }
            } else {
                if start == nil { start = i }
                if (c == "\"" || c == "'") && hasClosing(c, in: line, after: i) {
                    quote = c
                } else if c == "\\", line.index(after: i) < line.endIndex {
                    i = line.index(after: i)
                    current.append(line[i])
                } else {
                    current.append(c)
                }
            }
            i = line.index(after: i)
        }
        if let s = start { tokens.append(Token(text: current, start: s)) }
        return tokens
    }

    /// An apostrophe without a partner (`it's`) is just a character.
    private static func hasClosing(_ q: Character, in line: String, after i: String.Index) -> Bool {
        line[line.index(after: i)...].contains(q)
    }
}
