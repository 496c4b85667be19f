import DeskEngine
import Foundation
import OrderDesk

/// What `show` lists now: a filter, or the text of the last `find`.
typealias SessionView = Desk.View

extension Desk.View {
    var label: String {
        switch self {
        case .filter(let f): f.rawValue
        case .find(let t): "find \"\(t)\""
        }
    }
}

/// The session: the current view and the selected order.
final class Session {
    var view: SessionView = .filter(.actionable)
    /// Merchant order id of the selected order (`open` sets it).
    var selected: String?
    var selectedReference: String?
}

/// Everything a command needs: the desk, the session, output, and a way to ask the operator (only when a
/// person is at the terminal: scripts never ask).
final class ShellContext: @unchecked Sendable {
    // Used by one command at a time, from the command runner.
    let desk: Desk
    let out: Output
    let session: Session
    let editor: (any LineReader)?
    let runner: ShellRunner
    /// Script files being run, innermost last (for `run` depth and relative paths).
    var scripts: [String] = []

    init(desk: Desk, out: Output, session: Session, editor: (any LineReader)?, runner: ShellRunner) {
        self.desk = desk
        self.out = out
        self.session = session
        self.editor = editor
        self.runner = runner
    }

    /// True when a person can answer questions: an interactive session, not inside a script.
    var canAsk: Bool { editor != nil && scripts.isEmpty }

    // MARK: questions

    /// Asks for a line of text. In a script this is an error that says what to put on the line.
    func ask(
        _ question: String, missing: String, remedy: String,
        completions: (@Sendable (String) -> [String])? = nil
    ) async throws -> String {
        guard let editor, canAsk else { throw ShellError.needsAnswer(missing, remedy: remedy) }
        let saved = editor.completer
        if let completions {
            editor.completer = { before in
                let word = before.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
                return (completions(word).filter { $0.lowercased().hasPrefix(word.lowercased()) }, word.count)
            }
        } else {
            editor.completer = { _ in ([], 0) }
        }
        defer { editor.completer = saved }
        out.flush()
        switch await editor.readLine(prompt: Printable.visible(question), remember: false, question: true) {
        case .line(let s): return s.trimmingCharacters(in: .whitespaces)
        case .interrupted, .endOfInput, .terminated: throw ShellError.abandoned("abandoned; nothing was changed")
        }
    }

    /// Asks yes or no (default no). Scripts do not ask: a script line is its own confirmation.
    func confirm(_ question: String) async throws -> Bool {
        guard canAsk, await desk.settings.confirm else { return true }
        let answer = try await ask(question + " [y/N] ", missing: "", remedy: "")
        return ["y", "yes"].contains(answer.lowercased())
    }

    /// Offers a numbered menu and returns the chosen index.
    func choose(_ title: String, _ options: [(String, String)], missing: String, remedy: String) async throws -> Int {
        guard canAsk else { throw ShellError.needsAnswer(missing, remedy: remedy) }
        out.line(title)
        for (i, (name, explanation)) in options.enumerated() {
            out.line("  \(String(i + 1).right(2)). \(name.fitted(34)) \(out.styled(explanation, .dim))")
        }
        let names = options.map(\.0)
        while true {
            let answer = try await ask(
                "choose 1-\(options.count) or a name (Ctrl-C to abandon): ", missing: missing, remedy: remedy,
                completions: { _ in names })
            if let n = Int(answer), (1...options.count).contains(n) { return n - 1 }
            let matches = names.indices.filter { names[$0].lowercased().hasPrefix(answer.lowercased()) && !answer.isEmpty }
            if matches.count == 1 { return matches[0] }
            out.line("\"\(answer)\" is not one of them.")
        }
    }

    // MARK: orders

    /// The order a command acts on: the one `word` names, or the selected one.
    func order(_ word: String?) async throws -> OrderSummary {
        if let word { return try await desk.resolve(word) }
        guard let id = session.selected else {
            throw ShellError.other("no order given and none selected", remedy: "give an order id, or `open <id>` first")
        }
        guard let s = await desk.resolveExact(id) else {
            throw ShellError.other("the selected order \(session.selectedReference ?? id) is no longer in the store", remedy: "`open` another order")
        }
        return s
    }

    /// When a command's first word may be an order id or something else (a tracking number, a reason, a
    /// note): it is the order when it names exactly one; an ambiguous id is an error. `minimumLength` keeps
    /// short words of free text from being read as ids.
    func leadingOrder(_ words: [String], minimumLength: Int = 1) async throws -> (OrderSummary?, Int) {
        guard let first = words.first, first.count >= minimumLength else { return (nil, 0) }
        switch await desk.lookUp(first) {
        case .one(let s): return (s, 1)
        case .none: return (nil, 0)
        case .several:
            // A word that looks like an id (hex with a digit in it: `8041`, `2ab4`) is meant as one: say which
            // orders it could be, rather than acting on the selected order (a note can never be taken back).
            if first.allSatisfy({ $0.isHexDigit }) && first.contains(where: \.isNumber) {
                do {
                    _ = try await desk.resolve(first)
                } catch {
                    throw DeskError(
                        error.summary + (minimumLength > 1 ? "; nothing was added" : ""),
                        remedy: "type more of the id" + (minimumLength > 1 ? " (or `open` the order, then `note TEXT`)" : ""))
                }
            }
            return (nil, 0)
        }
    }

    /// `--units SKU:QTY[,…]`, parsed (nil when the option is absent).
    func units(_ inv: Invocation) throws -> [UnitCount]? {
        guard let text = inv.options["--units"] else { return nil }
        return try UnitCount.parse(text)
    }

    /// For `COMMAND [ID] [VALUE]`: the order (the first of two words, or a first word that names an order and is
    /// not a `VALUE`, else the selected one), its record, and the words left. For `COMMAND [ID]`
    /// (`takesValue: false`) a word must name an order. Refuses at once, before anything is asked, when `verb` is
    /// not allowed in the order's stage.
    func target(
        _ words: [String], for verb: Rules.Verb, takesValue: Bool = true, isValue: (String) -> Bool = { _ in false },
        valueName: String = "VALUE"
    ) async throws
        -> (summary: OrderSummary, record: OrderRecord, rest: [String])
    {
        var rest = words
        var named: OrderSummary?
        if rest.count == 2, isValue(rest[0]), case .none = await desk.lookUp(rest[0]), case .one = await desk.lookUp(rest[1]) {
            // `ship 1Z999… 8081`: the value first, the order second. Nothing is done on a guess; the line that was
            // meant is shown.
            let command = verbWord(verb)
            throw ShellError.other(
                "\"\(Printable.visible(rest[0]))\" looks like the \(valueName) and \"\(Printable.visible(rest[1]))\" like the order: ID and \(valueName) are swapped; nothing was done",
                remedy: "\(command) \(rest[1]) \(rest[0])")
        }
        if rest.count == 2 || (!takesValue && rest.count == 1) {
            named = try await desk.resolve(rest.removeFirst())
        } else if let first = rest.first, !isValue(first) {
            let (o, used) = try await leadingOrder(rest)
            named = o
            rest.removeFirst(used)
        }
        let s = try await order(named?.merchantOrderID)
        let record = try await desk.record(s.merchantOrderID)
        guard Rules.allowed(in: record.stage).contains(verb) else { throw Rules.refusal(verb, record, desk.traits) }
        return (s, record, rest)
    }

    private func verbWord(_ verb: Rules.Verb) -> String {
        switch verb {
        case .cancelUnits: "cancel"
        case .merchantRefund: "refund"
        default: verb.rawValue
        }
    }

    /// The one path of an action on an order: the rules checked (nothing recorded yet), the operator asked
    /// (`question` of what the rules would do; a nil question asks nothing), then recorded (the outbox first),
    /// the order selected, sent, and each outcome reported. `declined` is what is said when the answer is no;
    /// the result says whether the action was recorded.
    @discardableResult
    func perform(
        _ s: OrderSummary, _ build: @escaping @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction,
        question: (OrderAction) async -> String?, declined: String
    ) async throws -> Bool {
        let preview = try await desk.preview(s.merchantOrderID, build)
        if let asked = await question(preview), !(try await confirm(asked)) {
            out.line(declined)
            return false
        }
        let actions = try await desk.commit([s.merchantOrderID], build)
        select(s)
        try report(await desk.deliver(Set(actions.map(\.id))))
        return true
    }

    func select(_ s: OrderSummary) {
        session.selected = s.merchantOrderID
        session.selectedReference = s.referenceOrderID
    }

    /// Prints an outcome line per delivery. A refusal by Jet fails the command (and so a script line): it is
    /// thrown, after the other outcomes are printed.
    func report(_ outcomes: [DeliveryOutcome]) throws {
        var refusals: [DeliveryOutcome] = []
        for o in outcomes {
            switch o.result {
            case .delivered: out.line("\(o.action.kind.rawValue) \(Printable.visible(o.reference)): \(out.styled("sent", .green)) to \(desk.traits.name)")
            case .queued(let reason):
                runner.queuedNotSent += 1
                out.line(
                    "\(o.action.kind.rawValue) \(Printable.visible(o.reference)): \(out.styled("queued", .yellow)), not sent yet: \(Printable.visible(reason)); jom sends it by itself (`status` shows it)"
                )
            case .refused:
                refusals.append(o)
            case .wouldSend(let call):
                out.line("dry run: would send \(call)")
            }
        }
        try throwRefusals(refusals)
    }

    /// Jet said no: the command failed, with Jet's reasons.
    func throwRefusals(_ refusals: [DeliveryOutcome]) throws {
        guard let first = refusals.first, case .refused(let reason) = first.result else { return }
        if refusals.count == 1 {
            throw ShellError.other(
                "Jet refused \(first.action.kind.rawValue) \(first.reference): \(reason)",
                remedy: "`open \(first.reference)` shows the order as jom knows it; `download` fetches Jet's view")
        }
        let list = refusals.prefix(5).map { o -> String in
            if case .refused(let r) = o.result { return "\(o.action.kind.rawValue) \(o.reference) (\(r))" }
            return o.reference
        }.joined(separator: "; ")
        throw ShellError.other(
            "Jet refused \(refusals.count) actions: \(list)\(refusals.count > 5 ? "; …" : "")",
            remedy: "`status` lists the refusals; `open ID` shows each order")
    }
}
