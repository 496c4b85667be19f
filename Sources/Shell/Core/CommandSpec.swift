import Foundation
import OrderDesk

/// What TAB offers for a word.
enum CompletionKind: Sendable, Equatable {
    case none, command, filter, cancelReason, refundFeedback, refundReason, chargeFeedback, carrier, method, settingName, settingValue
    case file, format, text
    /// Order ids: of the orders the command applies to.
    case orderID(OrderScope)
    /// `SKU:QTY` of the order named on the line.
    case units

    static let anyOrder = CompletionKind.orderID(.all)

    var isOrderID: Bool {
        if case .orderID = self { return true }
        return false
    }
}

/// Which orders TAB offers where an order id goes: the ones the command applies to.
enum OrderScope: Sendable, Equatable {
    case all
    case stages(Set<OrderStage>)

    static let approvable = OrderScope.stages([.new])
    static let shippable = OrderScope.stages([.approved])
    static let cancellable = OrderScope.stages([.new, .cancelRequested])
    static let returns = OrderScope.stages([.returnRequested])
    static let answerable = OrderScope.stages([.returnRequested, .returnAccepted])

    var stages: Set<OrderStage>? {
        if case .stages(let s) = self { return s }
        return nil
    }
}

/// One `--option` of a command.
struct OptionSpec: Sendable {
    var name: String
    /// The value's placeholder (`C`), or nil for a flag without a value.
    var value: String?
    var help: String
    var completion: CompletionKind = .none
}

/// A command's declaration: its help, its usage, and what TAB completes for each word. `help` and
/// completion both read this, so they cannot drift apart.
struct CommandSpec: Sendable {
    var name: String
    var aliases: [String] = []
    var summary: String
    var usage: String
    var details: String = ""
    var examples: [String] = []
    var options: [OptionSpec] = []
    /// Completion for each positional word, in order; the last one repeats.
    var arguments: [CompletionKind] = []

    func option(_ name: String) -> OptionSpec? { options.first { $0.name == name } }

    /// This command as `help` tells it on `traits`' marketplace: its own text there where it has one, and
    /// Jet's name replaced by the marketplace's elsewhere.
    func adapted(to traits: MarketplaceTraits) -> CommandSpec {
        guard traits.name != MarketplaceTraits.jet.name else { return self }
        var s = self
        let own = traits.commandHelp[name]
        func named(_ text: String) -> String {
            text.replacingOccurrences(of: "Jet's", with: "\(traits.name)'s").replacingOccurrences(of: "Jet", with: traits.name)
        }
        s.summary = own?.summary ?? named(summary)
        s.details = own?.details ?? named(details)
        if let examples = own?.examples { s.examples = examples }
        s.options = options.map { o in
            var o = o
            o.help = own?.options[o.name] ?? named(o.help)
            return o
        }
        return s
    }
}

/// A parsed command line.
struct Invocation {
    var name: String
    var line: String
    var words: [Token]
    var options: [String: String] = [:]
    var flags: Set<String> = []

    var positionals: [String] { words.map(\.text) }

    /// The rest of the line as typed, from positional word `index` on (for free text such as notes).
    func rest(from index: Int) -> String {
        guard index < words.count else { return "" }
        return String(line[words[index].start...]).trimmingCharacters(in: .whitespaces)
    }

    /// Parses `line` against `spec`: `--name value`, `--name=value`, flags, and positional words.
    static func parse(_ line: String, name: String, tokens: [Token], spec: CommandSpec) throws -> Invocation {
        var inv = Invocation(name: name, line: line, words: [])
        var i = 0
        var onlyPositional = false
        while i < tokens.count {
            let t = tokens[i]
            if !onlyPositional, t.text == "--" {
                onlyPositional = true
            } else if !onlyPositional, t.text.hasPrefix("--"), t.text.count > 2 {
                var key = t.text
                var value: String?
                if let eq = key.firstIndex(of: "=") {
                    value = String(key[key.index(after: eq)...])
                    key = String(key[..<eq])
                }
                guard let opt = spec.option(key) else {
                    let known = spec.options.map(\.name)
                    throw ShellError.usage(
                        spec,
                        known.isEmpty
                            ? "\(spec.name) takes no options, and \(key) is not one"
                            : "\(spec.name) has no option \(key) (it has \(known.joined(separator: ", ")))")
                }
                if opt.value != nil {
                    if value == nil {
                        i += 1
                        guard i < tokens.count else { throw ShellError.usage(spec, "\(key) needs a value (\(key) \(opt.value!))") }
                        value = tokens[i].text
                    }
                    inv.options[key] = value
                } else {
                    guard value == nil else { throw ShellError.usage(spec, "\(key) takes no value") }
                    inv.flags.insert(key)
                }
            } else {
                inv.words.append(t)
            }
            i += 1
        }
        return inv
    }
}

/// Errors about how a command was typed, or a question a script cannot answer.
enum ShellError: Error, CustomStringConvertible {
    case usage(CommandSpec, String)
    case unknownCommand(String, suggestion: String?)
    /// A script line left out what an interactive session would ask for.
    case needsAnswer(String, remedy: String)
    /// The operator said no, or pressed Ctrl-C in a question.
    case abandoned(String)
    case other(String, remedy: String?)

    var description: String {
        switch self {
        case .usage(_, let m): m
        case .unknownCommand(let w, _): "unknown command \"\(w)\""
        case .needsAnswer(let m, _): m
        case .abandoned(let m): m
        case .other(let m, _): m
        }
    }

    var remedy: String? {
        switch self {
        case .usage(let spec, _): "usage: \(spec.usage)   (help \(spec.name) explains it)"
        case .unknownCommand(_, let s): s.map { "did you mean `\($0)`? `help` lists every command" } ?? "`help` lists every command"
        case .needsAnswer(_, let r): r
        case .abandoned: nil
        case .other(_, let r): r
        }
    }
}
