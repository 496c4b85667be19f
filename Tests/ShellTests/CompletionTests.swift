import Foundation
import TestSupport
import Testing

@testable import Shell

/// What TAB offers, word by word, from each command's declaration.
@Suite struct CompletionTests {
    @Test func commandsFiltersReasonsCarriersSettingsAndOptions() async throws {
        let h = try await ShellHarness()
        let c = Completer(desk: h.desk)
        #expect(c.complete("sh").candidates == ["show", "ship"])
        #expect(c.complete("show ne").candidates == ["new"])
        #expect(c.complete("show new --f").candidates == ["--format"])
        #expect(c.complete("show new --format ").candidates == ["csv", "csv-raw", "json"])
        #expect(c.complete("cancel \(h.ref(1)) no").candidates == ["no-inventory"])
        #expect(c.complete("ship 8012 1Z --carrier fed").candidates.first == "FedEx")
        #expect(c.complete("set ack").candidates == ["ack-window"])
        #expect(c.complete("set confirm ").candidates == ["on", "off"])
        #expect(c.complete("deny \(h.ref(6)) outside").candidates == ["outside-window"])
        #expect(c.complete("frobnicate ").candidates.isEmpty)
    }

    @Test func orderIDsCompleteFromTheStoreAndReplaceTheWord() async throws {
        let h = try await ShellHarness()
        // A loaded test machine may take longer than a person's TAB would wait.
        let c = Completer(desk: h.desk, patience: .seconds(30))
        let (ids, length) = await onEditorThread { c.complete("open 80000000000") }
        #expect(ids == (1...6).map { h.ref($0) })
        #expect(length == 11)
        #expect(await onEditorThread { c.complete("open \(h.ref(3))") }.candidates == [h.ref(3)])
        #expect(await onEditorThread { c.complete("approve a") }.candidates.first == "all")
    }

    /// Completion blocks its caller while it asks the desk, as libedit's thread does; a test's task must not.
    func onEditorThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in Thread.detachNewThread { c.resume(returning: work()) } }
    }
}
