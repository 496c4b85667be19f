import DeskEngine
import Foundation
import OrderDesk
import Synchronization

/// TAB completion, driven by each command's ``CommandSpec``: command names, filters, order ids, reasons,
/// carriers, methods, setting names and values, formats and file paths.
struct Completer: Sendable {
    let desk: Desk
    /// The session's current filter (or search), whose orders are offered first.
    var currentView: @Sendable () -> SessionView = { .filter(.actionable) }
    /// How long TAB waits for the desk's answer about order ids (the desk may be busy with a download).
    var patience: Duration = .milliseconds(500)

    /// Candidates for the word before the cursor, and that word's length in characters.
    func complete(_ before: String) -> (candidates: [String], wordLength: Int) {
        let tokens = Tokenizer.split(before)
        let endsWithSpace = before.last == " " || before.isEmpty
        let word = endsWithSpace ? "" : (tokens.last?.text ?? "")
        let wordLength = endsWithSpace ? 0 : before.distance(from: tokens.last?.start ?? before.endIndex, to: before.endIndex)
        let previous = endsWithSpace ? tokens : Array(tokens.dropLast())
        guard let first = previous.first else {
            return (filter(CommandRegistry.names, word), wordLength)
        }
        guard let command = CommandRegistry.command(named: first.text) else { return ([], wordLength) }
        let spec = command.spec
        let args = Array(previous.dropFirst())
        if word.hasPrefix("-") {
            return (filter(spec.options.map(\.name), word), wordLength)
        }
        // The value of an option?
        if let last = args.last, let opt = spec.option(last.text), opt.value != nil {
            let carrier = optionValue("--carrier", in: args)
            return (candidates(opt.completion, word, previousWords: args.map(\.text), carrier: carrier), wordLength)
        }
        var position = 0
        var i = 0
        while i < args.count {
            if let opt = spec.option(args[i].text) { i += opt.value != nil ? 2 : 1; continue }
            position += 1
            i += 1
        }
        guard !spec.arguments.isEmpty else { return ([], wordLength) }
        var kind = spec.arguments[min(position, spec.arguments.count - 1)]
        // After an order id, the next word is what follows it (a reason for cancel/deny).
        if kind.isOrderID, position == 0, spec.arguments.count > 1, !word.isEmpty {
            let ids = candidates(kind, word, previousWords: [], carrier: nil)
            if ids.isEmpty { kind = spec.arguments[1] } else { return (ids, wordLength) }
        }
        if kind.isOrderID, position == 0, word.isEmpty, spec.arguments.count > 1 {
            // Offer the next argument's words too (reasons), so `cancel <TAB>` shows reasons for the selected order.
            let ids = candidates(kind, "", previousWords: [], carrier: nil)
            return (ids.count <= 50 ? ids + candidates(spec.arguments[1], "", previousWords: [], carrier: nil) : ids, wordLength)
        }
        if ["approve", "print"].contains(spec.name), position == 0, "all".hasPrefix(word.lowercased()) {
            return (["all"] + candidates(kind, word, previousWords: [], carrier: nil), wordLength)
        }
        return (candidates(kind, word, previousWords: args.map(\.text), carrier: optionValue("--carrier", in: args)), wordLength)
    }

    private func optionValue(_ name: String, in args: [Token]) -> String? {
        guard let i = args.firstIndex(where: { $0.text == name }), i + 1 < args.count else { return nil }
        return args[i + 1].text
    }

    func candidates(_ kind: CompletionKind, _ word: String, previousWords: [String], carrier: String?) -> [String] {
        switch kind {
        case .none, .text: return []
        case .command: return filter(CommandRegistry.names, word)
        case .filter: return filter(OrderFilter.allCases.map(\.rawValue), word)
        case .cancelReason: return filter(CancelReason.allCases.map(\.rawValue), word)
        case .refundFeedback: return filter(RefundFeedback.allCases.map(\.rawValue), word)
        case .refundReason: return filter(RefundReason.allCases.map(\.rawValue), word)
        case .chargeFeedback: return filter(ReturnChargeFeedback.known.map(\.rawValue), word)
        case .carrier: return filter(Carriers.all.map(dashed), word)
        case .method:
            let methods = carrier.flatMap(Carriers.canonical).flatMap { Carriers.methods[$0] } ?? Carriers.methods.values.flatMap { $0 }
            return filter(Array(Set(methods)).sorted().map(dashed), word)
        case .format: return filter(["csv", "csv-raw", "json"], word)
        case .settingName: return filter(Settings.definitions.map(\.name), word)
        case .settingValue:
            guard let name = previousWords.last, let def = Settings.definition(named: name) else { return [] }
            return filter(def.values, word)
        case .file: return files(word)
        case .orderID(let scope): return orderIDs(word, scope)
        case .units: return units(word, previousWords: previousWords)
        }
    }

    private func dashed(_ s: String) -> String { s.replacingOccurrences(of: " ", with: "-") }

    private func filter(_ list: [String], _ word: String) -> [String] {
        let w = word.lowercased()
        return list.filter { $0.lowercased().hasPrefix(w) }
    }

    /// Asks the desk, waiting at most half a second (completion runs on the editor's thread, and the desk may be
    /// busy with a download). The answer goes through a lock: one that comes too late is simply dropped.
    private func orderIDs(_ word: String, _ scope: OrderScope) -> [String] {
        let box = ResultBox()
        let desk = self.desk
        let preferred = currentView()
        Task {
            box.set(await desk.completeIDs(word, stages: scope.stages, preferring: preferred))
        }
        return box.wait(upTo: patience) ?? []
    }

    /// What each candidate that is an order is: `Liam Hopper · new · $65.81`, for the list under the line.
    func describe(_ candidates: [String]) -> [String: String] {
        let box = ResultBox()
        let desk = self.desk
        Task {
            box.set(await desk.describeIDs(candidates).map { "\($0.key)\u{1F}\($0.value)" })
        }
        var out: [String: String] = [:]
        for pair in box.wait(upTo: patience) ?? [] {
            let parts = pair.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
            if parts.count == 2 { out[parts[0]] = parts[1] }
        }
        return out
    }

    /// `SKU:QTY` for each SKU of the order named first on the line (its open units).
    private func units(_ word: String, previousWords: [String]) -> [String] {
        guard let id = previousWords.first(where: { !$0.hasPrefix("-") }) else { return [] }
        let box = ResultBox()
        let desk = self.desk
        Task {
            box.set(await desk.openUnits(of: id).map { "\($0.sku):\($0.quantity)" })
        }
        let all = box.wait(upTo: patience) ?? []
        let item = word.split(separator: ",", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let done = String(word.dropLast(item.count))
        return all.filter { $0.lowercased().hasPrefix(item.lowercased()) }.map { done + $0 }
    }

    /// One answer handed from a task to a waiting thread.
    final class ResultBox: Sendable {
        private let value = Mutex<[String]?>(nil)
        private let ready = DispatchSemaphore(value: 0)

        func set(_ v: [String]) {
            value.withLock { $0 = v }
            ready.signal()
        }

        /// The answer, or nil when it did not come in time.
        func wait(upTo timeout: Duration) -> [String]? {
            let millis = Int(timeout.components.seconds * 1000) + Int(timeout.components.attoseconds / 1_000_000_000_000_000)
            guard ready.wait(timeout: .now() + .milliseconds(millis)) == .success else { return nil }
            return value.withLock { $0 }
        }
    }

    private func files(_ word: String) -> [String] {
        let expanded = (word as NSString).expandingTildeInPath
        let dirPart: String
        let namePart: String
        if word.hasSuffix("/") {
            dirPart = expanded
            namePart = ""
        } else {
            dirPart = PathText.parent(of: expanded)
            namePart = (expanded as NSString).lastPathComponent
        }
        let dir = dirPart.isEmpty ? "." : dirPart
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }  // Nothing to offer.
        let typedDir: String
        if word.hasSuffix("/") {
            typedDir = word
        } else if let slash = word.lastIndex(of: "/") {
            typedDir = String(word[...slash])
        } else {
            typedDir = ""
        }
        // A file name with a control or invisible character is not offered: libedit prints candidates raw.
        return names.filter {
            $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) && !$0.unicodeScalars.contains(where: Printable.isUnsafe)
        }
        .sorted().map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(name), isDirectory: &isDir)
            return typedDir + name.replacingOccurrences(of: " ", with: "\\ ") + (isDir.boolValue ? "/" : "")
        }
    }
}
