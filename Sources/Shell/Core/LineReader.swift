import Foundation

/// How a line read for a prompt or a question ended.
enum ReadResult: Equatable, Sendable {
    case line(String)
    /// Ctrl-D on an empty line, or end of input.
    case endOfInput
    /// Ctrl-C in a question.
    case interrupted
    /// SIGTERM or SIGHUP.
    case terminated
}

/// Where an interactive session reads its lines and shows notices: libedit on a terminal (``LineEditor``), or a
/// scripted reader in a test.
protocol LineReader: AnyObject, Sendable {
    /// Completion: given the text before the cursor, the candidates and how many characters of the word to replace.
    var completer: (@Sendable (String) -> (candidates: [String], wordLength: Int))? { get set }
    /// Shows `prompt` and reads one line. Lines read for the main prompt go to the history (`remember`).
    func readLine(prompt: String, remember: Bool, question: Bool) async -> ReadResult
    /// Queues notices (and the prompt as it now reads) to show above the line being typed.
    func post(_ list: [String], prompt: String?)
    /// History entries, oldest first.
    func historyEntries() async -> [String]
}
