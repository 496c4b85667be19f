import DeskEngine
import Foundation
import JetWire
import OrderDesk
import Synchronization
import TestSupport

@testable import Shell

/// Standard output and error captured in memory.
final class CaptureSink: OutputSink {
    private let buffers = Mutex<(out: [UInt8], err: [UInt8])>(([], []))

    func write(_ bytes: [UInt8], error: Bool) -> Bool {
        buffers.withLock { b in
            if error { b.err += bytes } else { b.out += bytes }
        }
        return true
    }

    func isTerminal(error: Bool) -> Bool { false }

    var out: String { buffers.withLock { String(decoding: $0.out, as: UTF8.self) } }
    var err: String { buffers.withLock { String(decoding: $0.err, as: UTF8.self) } }
}

/// A person at the keyboard, as a script: each question takes the next answer; Ctrl-C is `nil`.
final class ScriptedReader: LineReader, @unchecked Sendable {
    // Used by one shell at a time, from the command that asks.
    var completer: (@Sendable (String) -> (candidates: [String], wordLength: Int))?
    private var answers: [String?]
    private(set) var questions: [String] = []
    private(set) var notices: [String] = []

    init(_ answers: [String?] = []) { self.answers = answers }

    func readLine(prompt: String, remember: Bool, question: Bool) async -> ReadResult {
        questions.append(prompt)
        guard !answers.isEmpty else { return .endOfInput }
        guard let a = answers.removeFirst() else { return .interrupted }
        return .line(a)
    }

    func post(_ list: [String], prompt: String?) { notices += list }
    func historyEntries() async -> [String] { [] }
}

/// A shell in this process: a desk on an in-memory repository and a fake marketplace, output captured.
struct ShellHarness {
    let repository: MemoryRepository
    let market: FakeMarketplace
    let desk: Desk
    let sink = CaptureSink()
    let invoices: TemporaryDirectory

    init(orders: [Order] = (1...5).map { Sample.order($0) } + [Sample.returned(6)], downloaded: Bool = true) async throws {
        repository = MemoryRepository()
        try repository.saveSettings(Sample.settings)
        let m = FakeMarketplace(orders: orders)
        market = m
        desk = try Desk(
            repository: repository, operatorName: "ada", clock: .fixed(Sample.t0),
            marketplace: { m }, describe: { m.describe($0, for: $1) })
        invoices = TemporaryDirectory("jom-invoices")
        if downloaded { _ = try await desk.download() }
    }

    /// A runner for `-c` lines: scripts never ask, unless a reader stands in for a person.
    func runner(reader: ScriptedReader? = nil, keepGoing: Bool = false) -> ShellRunner {
        var options = ShellOptions()
        options.keepGoing = keepGoing
        options.invoicesDirectory = invoices.path
        if let reader { return ShellRunner(desk: desk, options: options, output: sink, reader: reader) }
        return ShellRunner(desk: desk, options: options, output: sink)
    }

    /// Runs the lines as `jom -c … -c …`; returns the exit status.
    @discardableResult
    func run(_ lines: String..., reader: ScriptedReader? = nil, keepGoing: Bool = false) async -> Int32 {
        await runner(reader: reader, keepGoing: keepGoing).runCommands(lines)
    }

    var out: String { sink.out }
    var err: String { sink.err }

    /// The reference number of sample order `n`.
    func ref(_ n: Int) -> String { Sample.order(n).referenceOrderID }
    func id(_ n: Int) -> String { Sample.order(n).merchantOrderID }
}
